"""Acceptance: ``POST /api/surface/run`` reproduces Keras 3 end to end (to 1e-6 relative over
150 steps) for all nine optimizers, plain, with clipping and with the power and exponential
schedules. Keras computes its own gradients at its own points here (torch backend, float64)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.core.optimizers import KERAS_CLASS, OPTIMIZERS
from tests.keras_reference import (  # skips the module without Keras
    KERAS_MARKS,
    float64_keras,  # noqa: F401 (autouse)
    keras,
    rosenbrock_gradient,
)

pytestmark = KERAS_MARKS
START, STEPS = (-1.5, 2.0), 150


def keras_rosenbrock(optimizer: Any) -> np.ndarray:
    variable = keras.Variable(np.array(START), dtype="float64")
    points = [np.array(START)]
    for _ in range(STEPS):
        grad = rosenbrock_gradient(keras.ops.convert_to_numpy(variable.value))
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(grad), variable)])
        points.append(np.asarray(keras.ops.convert_to_numpy(variable.value)))
    return np.array(points)


VARIANTS: dict[str, tuple[dict[str, Any], Any]] = {
    "plain": ({}, None),
    "clipnorm": ({"clipnorm": 1.0}, None),
    "clipvalue": ({"clipvalue": 0.5}, None),
    "global_clipnorm": ({"global_clipnorm": 2.0}, None),
    "power": ({"schedule": {"name": "power", "decay_steps": 20, "power": 1.0}},
              lambda lr: keras.optimizers.schedules.InverseTimeDecay(lr, 20, 1.0)),
    "exponential": ({"schedule": {"name": "exponential", "decay_steps": 30, "decay_rate": 0.5}},
                    lambda lr: keras.optimizers.schedules.ExponentialDecay(lr, 30, 0.5)),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_surface_api_reproduces_keras(client, name: str, variant: str) -> None:
    lr = 2e-4 if name in ("sgd", "momentum", "nesterov") else 0.01
    extra, schedule = VARIANTS[variant]
    body = {"surface": "rosenbrock", "start": list(START), "steps": STEPS,
            "runs": [{"optimizer": name, "learning_rate": lr, **extra}]}
    response = client.post("/api/surface/run", json=body)
    assert response.status_code == 200, response.text
    ours = np.array(response.json()["runs"][0]["points"])

    preset = getattr(OPTIMIZERS[name].factory, "keywords", {})
    clip = {k: v for k, v in extra.items() if k != "schedule"}
    keras_lr = schedule(lr) if schedule else lr
    optimizer = getattr(keras.optimizers, KERAS_CLASS[name])(learning_rate=keras_lr, **preset,
                                                             **clip)
    theirs = keras_rosenbrock(optimizer)
    assert ours.shape == theirs.shape == (STEPS + 1, 2)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)
