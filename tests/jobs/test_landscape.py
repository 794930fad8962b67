"""Tests for app.jobs.landscape: the acceptance points on trained experiments (centre,
interpolation ends, PCA honesty, the linear model's closed-form sharpness)."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from app.core.nn.flat import assign
from app.jobs.landscape import (
    interpolate,
    landscape,
    sharpness_curve,
    snapshot_every,
    train_path,
)
from app.jobs.mlp_training import MlpTraining
from app.schema.landscape import InterpolateRequest, LandscapeRequest, SharpnessRequest
from app.schema.mlp_experiment import MlpExperiment

SMALL = {"epochs": 6, "dataset": {"samples": 80}}


def _experiment(**update) -> MlpExperiment:
    return MlpExperiment.model_validate({**SMALL, **update})


def _grid(answer) -> np.ndarray:
    values = np.frombuffer(base64.b64decode(answer["loss"]), dtype="<f4")
    return values.reshape(len(answer["beta"]), len(answer["alpha"]))


def _trained_loss(experiment: MlpExperiment, data: str = "train") -> float:
    training = MlpTraining(experiment)
    list(training.frames())
    x, y = ((training.x_train, training.y_train) if data == "train"
            else (training.x_test, training.y_test))
    return training.model.evaluate(x, y, training.loss)


@pytest.mark.parametrize("data", ["train", "test"])
def test_grid_centre_is_center_loss_is_the_trained_loss(data):
    experiment = _experiment(layers=[{"units": 6, "batch_normalization": "after"}])
    answer = landscape(LandscapeRequest(experiment=experiment, grid=7, data=data))
    grid = _grid(answer)
    assert answer["alpha"][3] == answer["beta"][3] == 0.0
    assert answer["center_loss"] == pytest.approx(_trained_loss(experiment, data), rel=1e-6)
    assert grid[3, 3] == pytest.approx(answer["center_loss"], rel=1e-5)
    assert answer["alpha"] == pytest.approx(np.linspace(-1, 1, 7).tolist())


def test_the_same_request_gives_the_same_slice_and_the_seed_changes_it():
    experiment = _experiment()
    first = landscape(LandscapeRequest(experiment=experiment, grid=5, seed=1))
    again = landscape(LandscapeRequest(experiment=experiment, grid=5, seed=1))
    other = landscape(LandscapeRequest(experiment=experiment, grid=5, seed=2))
    assert first["loss"] == again["loss"] and first["loss"] != other["loss"]


def test_pca_mode_answers_the_path_and_its_honesty():
    experiment = _experiment(epochs=12)
    answer = landscape(LandscapeRequest(experiment=experiment, mode="pca", grid=9))
    ratios = answer["explained_variance"]
    assert ratios == sorted(ratios, reverse=True) and all(0 <= r <= 1 for r in ratios)
    assert sum(ratios) <= 1 + 1e-12
    assert answer["path"][-1] == [0.0, 0.0] and answer["residual"][-1] == 0.0
    assert answer["path_epochs"] == list(range(13))
    assert answer["path_loss"][-1] == pytest.approx(answer["plane_loss"][-1], rel=1e-6)
    assert answer["path_loss"][-1] == pytest.approx(answer["center_loss"], rel=1e-6)
    assert answer["path_loss"][0] == pytest.approx(
        MlpTraining(experiment).model.evaluate(*_train_data(experiment)), rel=1e-5)
    xs = [p[0] for p in answer["path"]]
    assert answer["alpha"][0] < min(xs) and answer["alpha"][-1] > max(xs)


def _train_data(experiment: MlpExperiment):
    training = MlpTraining(experiment)
    return training.x_train, training.y_train, training.loss


def test_snapshots_are_thinned_to_at_most_300():
    assert snapshot_every(200) == 1 and snapshot_every(299) == 1 and snapshot_every(300) == 2
    path = train_path(_experiment(epochs=40), limit=10)
    assert len(path.snapshots) <= 10 and path.epochs[0] == 0 and path.epochs[-1] == 40


def test_interpolation_ends_are_the_initial_and_trained_losses():
    experiment = _experiment()
    answer = interpolate(InterpolateRequest(experiment=experiment, points=5, range=(0.0, 1.0)))
    initial = MlpTraining(experiment).model.evaluate(*_train_data(experiment))
    assert answer["alpha"] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert answer["loss"][0] == pytest.approx(initial, rel=1e-6)
    assert answer["loss"][-1] == pytest.approx(_trained_loss(experiment), rel=1e-6)


def test_interpolation_between_two_runs():
    experiment, other = _experiment(), _experiment(seed=5)
    answer = interpolate(InterpolateRequest(experiment=experiment, other=other, points=3,
                                            range=(0.0, 1.0)))
    path_b = train_path(other, limit=2)
    training = MlpTraining(experiment)
    assign(training.model, path_b.snapshots[-1])  # run b's weights on run a's data
    assert answer["loss"][0] == pytest.approx(_trained_loss(experiment), rel=1e-6)
    assert answer["loss"][-1] == pytest.approx(
        training.model.evaluate(training.x_train, training.y_train, training.loss), rel=1e-6)


CSV_POINTS = [[float(a), float(b), float(np.tanh(0.4 * a - 0.3 * b + 0.1))]
              for a, b in np.random.default_rng(3).uniform(-2, 2, size=(40, 2))]


def test_linear_model_sharpness_is_the_largest_eigenvalue_of_2_over_n_xtx():
    experiment = _experiment(layers=[], dataset={"name": "csv", "points": CSV_POINTS},
                             loss="mean_squared_error", epochs=3, dtype="float64",
                             optimizer={"optimizer": "sgd", "learning_rate": 0.05})
    answer = sharpness_curve(SharpnessRequest(experiment=experiment))
    training = MlpTraining(experiment)
    x_tilde = np.hstack([training.x_train, np.ones((len(training.x_train), 1))])
    expected = np.linalg.eigvalsh(2 / len(x_tilde) * x_tilde.T @ x_tilde)[-1]
    assert answer["epochs"] == [0, 1, 2, 3]
    assert answer["lambda_max"] == pytest.approx([expected] * 4, rel=1e-6)
    assert answer["two_over_lr"] == pytest.approx([2 / 0.05] * 4)


def test_sharpness_of_a_network_is_positive_and_follows_the_schedule():
    experiment = _experiment(optimizer={"optimizer": "sgd", "learning_rate": 0.1,
                                        "schedule": {"name": "cosine"}})
    answer = sharpness_curve(SharpnessRequest(experiment=experiment, measurements=4))
    assert len(answer["epochs"]) <= 4 and answer["epochs"][-1] == 6
    assert all(v is not None and v > 0 for v in answer["lambda_max"])
    assert answer["two_over_lr"][-1] > answer["two_over_lr"][0]  # the rate decays


def test_a_diverged_run_still_answers():
    experiment = _experiment(optimizer={"optimizer": "sgd", "learning_rate": 10.0},
                             layers=[{"units": 8, "activation": "relu"}] * 3,
                             dataset={"name": "reg_plane", "samples": 80})
    for mode in ("random", "pca"):
        answer = landscape(LandscapeRequest(experiment=experiment, mode=mode, grid=5))
        assert answer["status"] in ("ok", "diverged")
        assert len(_grid(answer).ravel()) == 25
    assert sharpness_curve(SharpnessRequest(experiment=experiment, measurements=3))["epochs"]
