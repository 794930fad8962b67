"""The loss landscape of an MLP experiment: train it exactly as ``/api/mlp/run`` does, keeping
weight snapshots, then slice, project, interpolate or measure sharpness
(:mod:`app.core.nn.landscape`, :mod:`app.core.nn.sharpness`).

Snapshots θ_0 … θ_n: the initial network and every k-th epoch, k = ⌈epochs / 299⌉, the last
epoch always included (at most 300). Every slice is evaluated in inference mode with the trained
network's BatchNormalization moving statistics; the random directions come from
``default_rng([seed, 3])`` (the request's seed), Lanczos' start vectors from
``default_rng([experiment.seed, 4])``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.core.nn.batched import BatchedLoss
from app.core.nn.flat import assign, flatten
from app.core.nn.landscape import (
    interpolation,
    path_honesty,
    pca_axes,
    pca_plane,
    plane_losses,
    random_slice,
)
from app.core.nn.losses import LOSSES
from app.core.nn.model import Sequential, build_mlp
from app.core.nn.sharpness import LossHessian, sharpness
from app.jobs.encoding import float32_base64
from app.jobs.mlp_training import MlpTraining
from app.schema.landscape import (
    MAX_SNAPSHOTS,
    InterpolateRequest,
    LandscapeRequest,
    SharpnessRequest,
)
from app.schema.mlp_experiment import MlpExperiment


@dataclass
class TrainedPath:
    """A finished training and the weights it passed through."""

    training: MlpTraining
    epochs: list[int] = field(default_factory=list)
    snapshots: list[NDArray[np.float64]] = field(default_factory=list)
    learning_rates: list[float] = field(default_factory=list)

    def matrix(self) -> NDArray[np.float64]:
        return np.stack(self.snapshots)

    def finite(self) -> TrainedPath:
        """The path up to its last snapshot with finite weights (all of it unless diverged;
        the initial network is always finite)."""
        keep = [i for i, s in enumerate(self.snapshots) if np.all(np.isfinite(s))]
        last = keep[-1] + 1 if keep else 1
        return TrainedPath(self.training, self.epochs[:last], self.snapshots[:last],
                           self.learning_rates[:last])


def snapshot_every(epochs: int, limit: int = MAX_SNAPSHOTS) -> int:
    """k such that epochs 0, k, 2k, … and the last make at most ``limit`` snapshots."""
    return max(1, -(-epochs // (limit - 1)))


def train_path(experiment: MlpExperiment, limit: int = MAX_SNAPSHOTS) -> TrainedPath:
    """Train to the end (or divergence), keeping at most ``limit`` snapshots."""
    training = MlpTraining(experiment)
    path = TrainedPath(training)
    every = snapshot_every(experiment.epochs, limit)
    for frame in training.frames():
        if frame.epoch % every == 0 or frame.done:
            path.epochs.append(frame.epoch)
            path.snapshots.append(flatten(training.model))
            path.learning_rates.append(frame.learning_rate)
    return path


def _finite(values: NDArray[np.float64]) -> list[float | None]:
    return [float(v) if np.isfinite(v) else None for v in values]


def _one(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def evaluation_data(training: MlpTraining, data: str) -> tuple[NDArray[Any], NDArray[Any]]:
    if data == "train":
        return training.x_train, training.y_train
    return training.x_test, training.y_test


def landscape(request: LandscapeRequest) -> dict[str, Any]:
    """The slice (random or PCA plane) around the trained network, as the API answers it."""
    path = train_path(request.experiment).finite()
    training = path.training
    x, y = evaluation_data(training, request.data)
    theta = path.snapshots[-1]  # the trained network (or the last before divergence)
    assign(training.model, theta)
    evaluate = BatchedLoss(training.model, x, y, training.loss)
    with np.errstate(all="ignore"):
        center = training.model.evaluate(x, y, training.loss)
    out: dict[str, Any] = {"mode": request.mode, "dims": request.dims,
                           "center_loss": _one(center), "status": training.status}
    if request.mode == "random":
        rng = np.random.default_rng([request.seed, 3])
        alpha, beta, loss = random_slice(evaluate, theta, rng, request.bias_mode(), request.span,
                                         request.grid, request.dims)
    else:
        if len(path.snapshots) == 1:  # diverged in the first epoch: a path of one point
            path = TrainedPath(training, path.epochs * 2, path.snapshots * 2,
                               path.learning_rates * 2)
        snapshots = path.matrix()
        plane = pca_plane(evaluate.layout, snapshots)
        alpha, beta = pca_axes(plane.coords, request.span, request.grid)
        second = plane.directions[1] if request.dims == 2 else None
        if request.dims == 1:
            beta = np.zeros(1)
        loss = plane_losses(evaluate, theta, plane.directions[0], second, alpha, beta)
        path_loss, plane_loss = path_honesty(evaluate, snapshots, plane)
        out.update({
            "path": [_finite(point) for point in plane.coords],
            "path_epochs": path.epochs,
            "explained_variance": _finite(plane.explained_variance),
            "path_loss": _finite(path_loss), "plane_loss": _finite(plane_loss),
            "residual": _finite(plane.residual)})
    out.update({"alpha": _finite(alpha), "beta": _finite(beta),
                "loss": float32_base64(loss.astype(np.float32).ravel())})
    return out


def interpolate(request: InterpolateRequest) -> dict[str, Any]:
    """L((1 − α) θ_a + α θ_b) on the first experiment's training data."""
    path = train_path(request.experiment, limit=2)
    training = path.training
    if request.other is None:
        theta_a, theta_b = path.snapshots[0], path.snapshots[-1]
    else:
        theta_a, theta_b = path.snapshots[-1], train_path(request.other, limit=2).snapshots[-1]
    evaluate = BatchedLoss(training.model, training.x_train, training.y_train, training.loss)
    alpha = np.linspace(request.range[0], request.range[1], request.points)
    loss = interpolation(evaluate, theta_a, theta_b, alpha)
    return {"alpha": _finite(alpha), "loss": _finite(loss)}


def float64_twin(training: MlpTraining) -> Sequential:
    """The experiment's network built in float64 (same layers; weights to be assigned)."""
    experiment = training.experiment
    return build_mlp(len(experiment.features), [layer.to_core() for layer in experiment.layers],
                     training.data.output_units, LOSSES[training.loss_name].output_activation,
                     np.random.default_rng(0), np.float64)


def sharpness_curve(request: SharpnessRequest) -> dict[str, Any]:
    """λ_max of the training loss' Hessian at evenly spread epochs, and 2/η there."""
    path = train_path(request.experiment, limit=request.measurements)
    training = path.training
    twin = float64_twin(training)
    hessian = LossHessian(twin, training.x_train.astype(np.float64), training.y_train,
                          training.loss)
    rng = np.random.default_rng([request.experiment.seed, 4])
    lambdas = []
    for theta in path.snapshots:
        if not np.all(np.isfinite(theta)):
            lambdas.append(float("nan"))
            continue
        assign(twin, theta)
        lambdas.append(sharpness(hessian, rng))
    return {"epochs": path.epochs, "lambda_max": _finite(np.asarray(lambdas)),
            "two_over_lr": [2.0 / lr if lr > 0 else None for lr in path.learning_rates]}
