"""The MLP training job: determinism, continuing after a change, divergence, what it draws."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.jobs.mlp_training import MlpTraining, train
from app.schema.mlp_experiment import LayerSpec, MlpExperiment
from app.schema.optimizer_spec import OptimizerSpec
from tests.decoders import float32s


def experiment(**kw) -> MlpExperiment:
    base = {"dataset": {"name": "xor", "samples": 200, "noise": 0.1, "train_ratio": 0.5,
                        "seed": 1},
            "layers": [{"units": 8, "activation": "tanh"}], "epochs": 10,
            "optimizer": {"optimizer": "adam", "learning_rate": 0.03}}
    base.update(kw)
    return MlpExperiment.model_validate(base)


def test_mlp_training_same_experiment_same_frames():
    a = [f.metrics() for f in train(experiment())]
    b = [f.metrics() for f in train(experiment())]
    assert a == b
    c = [f.metrics() for f in train(experiment(seed=5))]
    assert a != c


def test_mlp_training_frames_epoch_zero_then_each_epoch():
    frames = train(experiment(epochs=7))
    assert [f.epoch for f in frames] == list(range(8))
    assert frames[0].train_loss is not None and frames[-1].done
    assert frames[-1].step == 7 * 10  # 100 training points, batch 10


@pytest.mark.parametrize("name", ["xor", "circle"])
def test_mlp_training_adam_learns_to_95_percent(name):
    exp = experiment(dataset={"name": name, "samples": 400, "noise": 0.1, "train_ratio": 0.5,
                              "seed": 2},
                     layers=[{"units": 8, "activation": "tanh"}, {"units": 8,
                                                                   "activation": "tanh"}],
                     epochs=60)
    accuracy = train(exp)[-1].test_metric
    assert accuracy is not None and accuracy >= 0.95


def test_mlp_training_changing_the_learning_rate_continues():
    job = MlpTraining(experiment(epochs=5))
    frames = list(job.frames())
    weights = [p.copy() for p in job.model.parameters()]
    iterations = job.optimizer.iterations
    changed = experiment(epochs=8, optimizer={"optimizer": "adam", "learning_rate": 0.001})
    job.update(changed)
    assert job.optimizer.iterations == iterations
    assert float(job.optimizer.current_learning_rate()) == pytest.approx(0.001)
    for p, w in zip(job.model.parameters(), weights, strict=True):
        np.testing.assert_array_equal(p, w)
    more = list(job.frames(initial=False))
    assert [f.epoch for f in more] == [6, 7, 8]
    assert frames[-1].epoch == 5


def test_mlp_training_switching_optimizer_keeps_weights():
    job = MlpTraining(experiment(epochs=3))
    list(job.frames())
    job.update(experiment(epochs=4, optimizer={"optimizer": "sgd", "learning_rate": 0.1}))
    assert type(job.optimizer).__name__ == "SGD"
    assert [f.epoch for f in job.frames(initial=False)] == [4]


def test_mlp_training_divergence_is_flagged():
    exp = experiment(dataset={"name": "reg_plane", "samples": 200, "noise": 0.0,
                              "train_ratio": 0.5, "seed": 1},
                     layers=[{"units": 8, "activation": "relu", "kernel_initializer": "he_normal"}],
                     optimizer={"optimizer": "sgd", "learning_rate": 5.0}, epochs=50)
    frames = train(exp)
    last = frames[-1]
    assert last.status == "diverged" and last.done
    assert last.diverged_at == last.epoch < 50
    assert all(f.train_loss is None or np.isfinite(f.train_loss) for f in frames)


def test_mlp_training_render_grid_is_float32_probabilities():
    exp = experiment(grid=20)
    job = MlpTraining(exp)
    list(job.frames())
    rendered = job.render()
    z = float32s(rendered["grid"]["z"])
    assert z.shape == (400,) and np.all((z >= 0) & (z <= 1))
    assert [layer["units"] for layer in rendered["layers"]] == [8, 1]  # hidden, output
    assert rendered["layers"][0]["grad_norm"] > 0


def test_mlp_training_mc_dropout_maps():
    exp = experiment(layers=[{"units": 16, "activation": "relu", "dropout": 0.3}],
                     mc_passes=10, grid=10)
    job = MlpTraining(exp)
    list(job.frames())
    rendered = job.render()
    std = float32s(rendered["mc"]["std"])
    assert std.shape == (100,) and np.all(std >= 0) and np.any(std > 0)


def test_mlp_training_multiclass_and_regression_metrics():
    blobs = train(experiment(dataset={"name": "blobs", "samples": 300, "noise": 0.1,
                                      "train_ratio": 0.5, "seed": 3}, epochs=15))
    assert (blobs[-1].test_metric or 0.0) > 0.8
    reg = train(experiment(dataset={"name": "reg_plane", "samples": 300, "noise": 0.0,
                                    "train_ratio": 0.5, "seed": 3}, epochs=15))
    assert (reg[-1].test_metric or 0.0) > 0.9  # R²


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_mlp_training_zero_init_stays_symmetric(activation):
    zero = {"units": 6, "activation": activation, "kernel_initializer": "zeros"}
    job = MlpTraining(experiment(layers=[zero, zero], epochs=5))
    list(job.frames())
    kernel = job.model.parameters()[0]
    # every unit of the first hidden layer still has the same weights: symmetry never broke
    np.testing.assert_allclose(kernel, np.repeat(kernel[:, :1], 6, axis=1), atol=1e-7)


def test_mlp_experiment_rejects_bad_input():
    from pydantic import ValidationError
    cases: list[dict[str, Any]] = [
        {"layers": [{"units": 10_000}]}, {"layers": [{"activation": "swishy"}]},
        {"layers": [{"dropout": -0.1}]}, {"layers": [{}] * 11},
        {"dataset": {"name": "csv"}}, {"epochs": 10**6},
        {"dataset": {"name": "blobs"}, "loss": "binary_crossentropy"}]
    for bad in cases:
        with pytest.raises(ValidationError):
            experiment(**bad)
    assert LayerSpec().units == 8
    assert OptimizerSpec().optimizer == "adam"
