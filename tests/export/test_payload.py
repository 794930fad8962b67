"""What the exported scripts embed: the exact arrays, the batch orders training really uses."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest

from app.export.payload import (
    MAX_EXPORT_EPOCHS,
    array_decoder,
    data_section,
    plan_export,
    py_array,
    py_call,
)
from app.jobs.mlp_training import MlpTraining
from tests.export.harness import experiment


def _exec(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"np": np, "base64": base64}
    exec(array_decoder() + source, namespace)
    return namespace


@pytest.mark.parametrize("values", [
    np.array([[0.1, -2.5e-38], [np.pi, 1e30]], dtype=np.float32),
    np.array([np.nextafter(1.0, 2.0), -0.0, 5e-324]),
    np.arange(12, dtype=np.int64).reshape(2, 3, 2),
    np.zeros((0, 3)),
])
def test_py_array_reads_back_bit_exact(values):
    got = _exec(py_array("A", values))["A"]
    assert got.dtype == values.dtype and got.shape == values.shape
    assert got.tobytes() == values.tobytes()
    assert got.flags.writeable  # torch.from_numpy warns on read-only arrays


def test_py_call_wraps_under_the_parenthesis():
    args = [f"argument_{i}={i}" for i in range(12)]
    text = py_call("keras.layers.Dense", args, 8, ",")
    lines = text.splitlines()
    assert len(lines) > 1 and all(len(line) <= 100 for line in lines)
    assert all(line.startswith(" " * len("        keras.layers.Dense(")) for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == \
        "keras.layers.Dense(" + ", ".join(args) + "),"


@pytest.mark.parametrize("patch", [
    {"dataset": {"name": "spiral", "samples": 60}, "shuffle": True, "dtype": "float32"},
    {"dataset": {"name": "blobs", "samples": 60}, "shuffle": False, "dtype": "float64",
     "layers": [{"units": 4, "batch_normalization": "before"}]},
    {"dataset": {"name": "csv", "points": [[i * 0.1, -i * 0.2, i % 3] for i in range(30)]},
     "features": ["x1", "x1_sq", "sin_x2"]},
])
def test_data_section_embeds_the_training_exactly(patch):
    exp = experiment(patch)
    plan = plan_export(exp, epochs=4)
    data = _exec(data_section(plan))
    training = MlpTraining(exp)
    for _ in range(4):
        training.train_epoch()
    for name, ours in (("X_TRAIN", training.x_train), ("X_TEST", training.x_test)):
        assert data[name].dtype == ours.dtype and np.array_equal(data[name], ours)
    if training.data.task == "multiclass":
        assert np.array_equal(data["Y_TRAIN"], training.y_train)
    else:
        assert data["Y_TRAIN"].dtype == training.y_train.dtype
        assert np.array_equal(data["Y_TRAIN"], training.y_train)
    assert len(data["INITIAL_WEIGHTS"]) == len(training.initial_weights)
    for got, want in zip(data["INITIAL_WEIGHTS"], training.initial_weights, strict=True):
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    # the orders drawn for export are the ones train_epoch uses
    assert np.array_equal(data["BATCH_ORDERS"], np.stack(training.batch_orders))


def test_plan_export_epochs_default_and_bounds():
    assert plan_export(experiment({"epochs": 3})).epochs == 3
    assert plan_export(experiment({"epochs": 1000, "dataset": {"samples": 20}})).epochs == \
        MAX_EXPORT_EPOCHS
    assert plan_export(experiment({"epochs": 3}), epochs=50).batch_orders.shape[0] == 50
    for bad in (0, MAX_EXPORT_EPOCHS + 1):
        with pytest.raises(ValueError, match=r"Invalid epochs: .* \(must be in \[1, 200\]\)"):
            plan_export(experiment({}), epochs=bad)
