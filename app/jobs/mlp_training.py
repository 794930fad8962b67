"""Training a small network as a generator of per-epoch frames (no sockets, no HTTP).

``MlpTraining(experiment)`` draws the data, builds the network and the optimizer, each from its
own seeded stream; ``frames()`` yields the state before training (epoch 0) and after every epoch;
``render(frame)`` adds the heavy parts (decision-boundary grid, per-layer statistics,
Monte-Carlo-dropout maps) for the frames that are actually shown. Hyperparameters of the optimizer
can change between epochs and training continues (:meth:`update_optimizer`).

Randomness: data from ``dataset.seed``; initial weights and dropout masks from ``[seed, 1]``;
minibatch order from ``[seed, 2]`` — so the same experiment gives the same frames, and a
different training seed keeps the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from app.core.datasets import Dataset, dataset_from_points, make_dataset
from app.core.features import transform
from app.core.nn.losses import LOSSES, make_loss
from app.core.nn.model import Sequential, build_mlp
from app.core.optimizer import Optimizer
from app.jobs.encoding import float32_base64
from app.schema.mlp_experiment import MlpExperiment
from app.schema.mlp_rules import CONTINUES
from app.schema.optimizer_spec import OptimizerSpec

Status = Literal["ok", "diverged"]
WINDOW = (-6.0, 6.0, -6.0, 6.0)


@dataclass
class TrainFrame:
    """Metrics after ``epoch`` epochs (epoch 0: the initial network)."""

    epoch: int
    step: int
    train_loss: float | None
    test_loss: float | None
    train_metric: float | None
    test_metric: float | None
    learning_rate: float
    status: Status = "ok"
    diverged_at: int | None = None
    done: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "step": self.step, "train_loss": self.train_loss,
                "test_loss": self.test_loss, "train_metric": self.train_metric,
                "test_metric": self.test_metric, "learning_rate": self.learning_rate}


def load_dataset(experiment: MlpExperiment) -> Dataset:
    spec = experiment.dataset
    rng = np.random.default_rng(spec.seed)
    if spec.name == "csv":
        points = np.asarray(spec.points, dtype=np.float64)
        labels: NDArray[Any] = points[:, 2]
        task = experiment.task()
        if task != "regression":
            _, classes = np.unique(labels, return_inverse=True)
            labels = classes.astype(np.float64 if task == "binary" else np.int64)
        return dataset_from_points(points[:, :2], labels, task, spec.train_ratio, rng)
    return make_dataset(spec.name, spec.samples, spec.noise, spec.train_ratio, rng)


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None


class MlpTraining:
    """One training run of the MLP playground."""

    def __init__(self, experiment: MlpExperiment) -> None:
        self.experiment = experiment
        self.data = load_dataset(experiment)
        self.dtype = np.dtype(experiment.dtype)
        names = list(experiment.features)
        self.x_train = transform(self.data.x_train, names).astype(self.dtype)
        self.x_test = transform(self.data.x_test, names).astype(self.dtype)
        self.y_train = self._targets(self.data.y_train)
        self.y_test = self._targets(self.data.y_test)
        self.loss_name = experiment.resolved_loss()
        self.loss = make_loss(self.loss_name)
        self.model: Sequential = build_mlp(
            len(names), [layer.to_core() for layer in experiment.layers],
            self.data.output_units, LOSSES[self.loss_name].output_activation,
            np.random.default_rng([experiment.seed, 1]), self.dtype)
        self.initial_weights = self.model.get_weights()
        self.shuffle_rng = np.random.default_rng([experiment.seed, 2])
        self.steps_per_epoch = -(-len(self.x_train) // experiment.batch_size)
        self.optimizer: Optimizer = experiment.optimizer.build(
            total_steps=experiment.epochs * self.steps_per_epoch)
        self.epoch = 0
        self.batch_orders: list[NDArray[np.int64]] = []
        self.window = self._window()
        self.status: Status = "ok"
        self.diverged_at: int | None = None

    def _targets(self, y: NDArray[Any]) -> NDArray[Any]:
        if self.data.task == "multiclass":
            return np.asarray(y, dtype=np.int64)
        return np.asarray(y, dtype=self.dtype).reshape(-1, 1)

    def _window(self) -> tuple[float, float, float, float]:
        if self.experiment.dataset.name != "csv":
            return WINDOW
        pts = np.concatenate([self.data.x_train, self.data.x_test])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        pad = 0.1 * np.maximum(hi - lo, 1e-6)
        return (float(lo[0] - pad[0]), float(hi[0] + pad[0]),
                float(lo[1] - pad[1]), float(hi[1] + pad[1]))

    # -- training -------------------------------------------------------------------------
    def structure(self) -> dict[str, Any]:
        """What a change of resets training (everything but the optimizer and the display)."""
        return self.experiment.model_dump(exclude=set(CONTINUES))

    def update(self, experiment: MlpExperiment) -> None:
        """Continue with new optimizer settings, epoch count and display options (CONTINUES)."""
        self.update_optimizer(experiment.optimizer)
        self.experiment = self.experiment.model_copy(update={
            name: getattr(experiment, name) for name in CONTINUES if name != "optimizer"})

    def update_optimizer(self, spec: OptimizerSpec) -> None:
        """New optimizer settings; weights (and, for the same optimizer, its slots) are kept."""
        total = self.experiment.epochs * self.steps_per_epoch
        if spec.optimizer == self.experiment.optimizer.optimizer:
            hp = spec.hyperparameters()
            hp["learning_rate"] = spec.schedule.build(hp["learning_rate"], total)
            clip = {k: getattr(spec, k) for k in ("clipvalue", "clipnorm", "global_clipnorm")}
            self.optimizer.set_hyperparameters(**hp, **clip)
        else:
            iterations = self.optimizer.iterations
            self.optimizer = spec.build(total_steps=total)
            self.optimizer.iterations = iterations
        self.experiment = self.experiment.model_copy(update={"optimizer": spec})

    def train_epoch(self) -> float:
        """One pass over the training set; the loss as Keras reports it (batch-size weighted)."""
        n, batch = len(self.x_train), self.experiment.batch_size
        order = (self.shuffle_rng.permutation(n) if self.experiment.shuffle
                 else np.arange(n))
        self.batch_orders.append(order)
        total = 0.0
        with np.errstate(all="ignore"):
            for start in range(0, n, batch):
                index = order[start:start + batch]
                value = self.model.train_step(self.x_train[index], self.y_train[index],
                                              self.loss, self.optimizer)
                total += value * len(index)
        self.epoch += 1
        return total / n

    def metric(self, x: NDArray[Any], y: NDArray[Any]) -> float:
        """Accuracy for classification, R² for regression (inference mode); a diverged
        regression gives -inf or nan, without warnings."""
        with np.errstate(all="ignore"):
            pred = self.model.predict(x)
            if self.data.task == "binary":
                return float(np.mean((pred[:, 0] > 0.5) == (y[:, 0] > 0.5)))
            if self.data.task == "multiclass":
                return float(np.mean(np.argmax(pred, axis=1) == y))
            ss_res = float(np.sum((pred - y) ** 2))
            ss_tot = float(np.sum((y - y.mean()) ** 2)) or 1.0
            return 1.0 - ss_res / ss_tot

    def snapshot(self, train_loss: float | None) -> TrainFrame:
        with np.errstate(all="ignore"):
            test_loss = self.model.evaluate(self.x_test, self.y_test, self.loss)
            if train_loss is None:
                train_loss = self.model.evaluate(self.x_train, self.y_train, self.loss)
        lr = float(np.max(self.optimizer.current_learning_rate()))
        return TrainFrame(
            epoch=self.epoch, step=self.optimizer.iterations,
            train_loss=_finite(train_loss), test_loss=_finite(test_loss),
            train_metric=_finite(self.metric(self.x_train, self.y_train)),
            test_metric=_finite(self.metric(self.x_test, self.y_test)), learning_rate=lr,
            status=self.status, diverged_at=self.diverged_at,
            done=self.status != "ok" or self.epoch >= self.experiment.epochs)

    def frames(self, initial: bool = True) -> Iterator[TrainFrame]:
        """The current network (if ``initial``), then one frame per epoch until ``epochs`` or
        divergence."""
        if initial:
            yield self.snapshot(None)
        while self.status == "ok" and self.epoch < self.experiment.epochs:
            train_loss = self.train_epoch()
            weights_finite = all(np.all(np.isfinite(p)) for p in self.model.parameters())
            if not (np.isfinite(train_loss) and weights_finite):
                self.status, self.diverged_at = "diverged", self.epoch
            yield self.snapshot(train_loss if np.isfinite(train_loss) else None)

    # -- what the page draws ----------------------------------------------------------------
    def grid_points(self) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[Any]]:
        n = self.experiment.grid
        xmin, xmax, ymin, ymax = self.window
        xs, ys = np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n)
        gx, gy = np.meshgrid(xs, ys)
        points = np.stack([gx.ravel(), gy.ravel()], axis=1)
        return xs, ys, transform(points, list(self.experiment.features)).astype(self.dtype)

    def render(self) -> dict[str, Any]:
        """Decision boundary (or regression surface), per-layer statistics, MC-dropout maps."""
        xs, ys, features = self.grid_points()
        n = self.experiment.grid
        with np.errstate(all="ignore"):
            pred = self.model.predict(features)
            out: dict[str, Any] = {"grid": {"x": xs.tolist(), "y": ys.tolist(), "n": n,
                                            "z": float32_base64(self._surface_values(pred))}}
            if self.data.task == "multiclass":
                out["grid"]["classes"] = float32_base64(np.argmax(pred, axis=1).astype(np.float32))
            passes = self.experiment.mc_passes
            if passes > 0 and any(layer.dropout > 0 for layer in self.experiment.layers):
                mean, std = self.model.predict_mc(features, passes)
                out["mc"] = {"mean": float32_base64(self._surface_values(mean)),
                             "std": float32_base64(std.max(axis=1) if std.ndim == 2 else std)}
            # activations described on (up to 256) training points in inference mode; gradient
            # norms are those of the last training step
            self.model.forward(self.x_train[:256], training=False)
            stats = self.model.layer_stats()  # huge activations: inf or nan, no warning
        out["layers"] = [
            {"layer": s.layer, "units": s.units, "activation": s.activation,
             "mean": _finite(s.mean), "std": _finite(s.std), "histogram": s.histogram.tolist(),
             "bin_edges": [float(e) for e in (s.bin_edges[0], s.bin_edges[-1])],
             "grad_norm": _finite(s.kernel_grad_norm), "weight_norm": _finite(s.kernel_norm),
             "dead_fraction": s.dead_fraction}
            for s in stats]
        return out

    def _surface_values(self, pred: NDArray[Any]) -> NDArray[np.float32]:
        if self.data.task == "multiclass":
            return np.max(pred, axis=1).astype(np.float32)
        return pred[:, 0].astype(np.float32)

    def data_points(self) -> dict[str, Any]:
        """Train and test points with labels, for the scatter over the boundary."""
        def pack(x: NDArray[Any], y: NDArray[Any]) -> dict[str, Any]:
            return {"x": x[:, 0].tolist(), "y": x[:, 1].tolist(),
                    "label": np.asarray(y, dtype=np.float64).ravel().tolist()}
        return {"train": pack(self.data.x_train, self.data.y_train),
                "test": pack(self.data.x_test, self.data.y_test),
                "task": self.data.task, "n_classes": self.data.n_classes,
                "window": list(self.window)}


def train(experiment: MlpExperiment) -> list[TrainFrame]:
    """Run a whole training (the JSON API)."""
    return list(MlpTraining(experiment).frames())
