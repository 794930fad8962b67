"""Acceptance against Keras 3 (torch backend, float64): ``/api/surface/explain`` reports Keras'
own optimizer variables after every update, under Keras' names, for every registry optimizer
with and without clipping; ``/api/schedule`` draws Keras' schedules."""

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
START, STEPS = (-1.5, 2.0), 80
NAME = "theta"  # Keras names a slot "<variable name>_<slot name>"


def _numpy(value: Any) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


def keras_explained(optimizer: Any, points: list[Any]) -> list[dict[str, Any]]:
    """Keras fed the (raw) gradient at each of our points: its point and slots after each
    update. Fed the same gradients, the two optimizers must agree to rounding; fed gradients at
    its own points, Rosenbrock's valley would amplify the rounding step after step."""
    variable = keras.Variable(np.array(points[0]), dtype="float64", name=NAME)
    out = []
    for point in points:
        grad = keras.ops.convert_to_tensor(rosenbrock_gradient(point))
        optimizer.apply_gradients([(grad, variable)])
        slots = {v.name.removeprefix(f"{NAME}_"): _numpy(v.value) for v in optimizer.variables
                 if v.name.startswith(f"{NAME}_")}
        out.append({"next": _numpy(variable.value), "slots": slots})
    return out


VARIANTS: dict[str, dict[str, Any]] = {
    "plain": {},
    "clipnorm": {"clipnorm": 1.0},
    "clipvalue": {"clipvalue": 0.5},
    "global_clipnorm": {"global_clipnorm": 2.0},
}
# the flags that add a slot: Adam's and AdamW's velocity_hat, RMSprop's momentum and average
FLAGGED: dict[str, dict[str, Any]] = {
    "adam": {"amsgrad": True}, "adamw": {"amsgrad": True},
    "rmsprop": {"momentum": 0.5, "centered": True}}
NO_FLAGS: dict[str, Any] = {}
CASES: list[tuple[str, str, dict[str, Any]]] = [
    (name, variant, NO_FLAGS) for name in OPTIMIZERS for variant in VARIANTS] + [
    (name, variant, flags) for name, flags in FLAGGED.items() for variant in ("plain", "clipnorm")]


@pytest.mark.parametrize(("name", "variant", "flags"), CASES,
                         ids=[f"{n}-{v}{'-flags' if f else ''}" for n, v, f in CASES])
def test_explain_slots_are_keras_variables(client, name: str, variant: str,
                                           flags: dict[str, Any]) -> None:
    lr = 2e-4 if name in ("sgd", "momentum", "nesterov") else 0.01
    run = {"optimizer": name, "learning_rate": lr, **VARIANTS[variant], **flags}
    body = {"surface": "rosenbrock", "start": list(START), "steps": STEPS, "runs": [run]}
    response = client.post("/api/surface/explain", json=body)
    assert response.status_code == 200, response.text
    ours = response.json()["steps"]

    preset = getattr(OPTIMIZERS[name].factory, "keywords", {})
    optimizer = getattr(keras.optimizers, KERAS_CLASS[name])(
        learning_rate=lr, **preset, **VARIANTS[variant], **flags)
    theirs = keras_explained(optimizer, [step["point"] for step in ours])
    assert len(ours) == len(theirs) == STEPS
    # plain SGD keeps nothing (see below); every other optimizer must have slots to compare
    assert name == "sgd" or theirs[-1]["slots"], "Keras made no slot: nothing was compared"
    for k, (mine, keras_step) in enumerate(zip(ours, theirs, strict=True), start=1):
        assert mine["step"] == k
        after = np.add(mine["point"], mine["update"])
        np.testing.assert_allclose(after, keras_step["next"], rtol=1e-9, atol=1e-12)
        # the gradient the update used: Keras' clipping of the gradient at the point
        (clipped,) = optimizer._clip_gradients(
            [keras.ops.convert_to_tensor(rosenbrock_gradient(mine["point"]))])
        np.testing.assert_allclose(mine["gradient"], _numpy(clipped), rtol=1e-9, atol=1e-12)
        assert set(mine["slots"]) == set(keras_step["slots"]), (k, mine["slots"])
        for slot, value in keras_step["slots"].items():
            np.testing.assert_allclose(mine["slots"][slot], value, rtol=1e-9, atol=1e-12,
                                       err_msg=f"{name} {slot} after update {k}")


def test_sgd_without_momentum_has_no_slot_as_in_keras(client) -> None:
    body = {"steps": 3, "runs": [{"optimizer": "sgd"}]}
    steps = client.post("/api/surface/explain", json=body).json()["steps"]
    assert [s["slots"] for s in steps] == [{}, {}, {}]
    optimizer = keras.optimizers.SGD()
    assert keras_explained(optimizer, [s["point"] for s in steps])[-1]["slots"] == {}


SCHEDULE_STEPS = 400
KERAS_SCHEDULES: dict[str, tuple[dict[str, Any], Any]] = {
    "inverse_time": ({"name": "power", "decay_steps": 30, "power": 1.0},
                     lambda lr: keras.optimizers.schedules.InverseTimeDecay(lr, 30, 1.0)),
    "exponential": ({"name": "exponential", "decay_steps": 50, "decay_rate": 0.3},
                    lambda lr: keras.optimizers.schedules.ExponentialDecay(lr, 50, 0.3)),
    "staircase": ({"name": "exponential", "decay_steps": 50, "decay_rate": 0.3,
                   "staircase": True},
                  lambda lr: keras.optimizers.schedules.ExponentialDecay(lr, 50, 0.3, True)),
    "piecewise": ({"name": "piecewise", "boundaries": [100, 250], "factors": [1.0, 0.5, 0.1]},
                  lambda lr: keras.optimizers.schedules.PiecewiseConstantDecay(
                      [100, 250], [lr, lr * 0.5, lr * 0.1])),
    "cosine": ({"name": "cosine", "decay_steps": 300, "alpha": 0.1},
               lambda lr: keras.optimizers.schedules.CosineDecay(lr, 300, alpha=0.1)),
}


@pytest.mark.parametrize("case", list(KERAS_SCHEDULES))
def test_schedule_curve_is_keras_schedule(client, case: str) -> None:
    lr = 0.1
    schedule, make = KERAS_SCHEDULES[case]
    response = client.post("/api/schedule", json={"learning_rate": lr, "schedule": schedule,
                                                  "steps": SCHEDULE_STEPS})
    assert response.status_code == 200, response.text
    ours = np.array(response.json()["learning_rate"])
    keras_schedule = make(lr)
    # update t uses the schedule at Keras' iterations = t - 1
    theirs = np.array([float(_numpy(keras_schedule(t))) for t in range(SCHEDULE_STEPS)])
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0)


def test_schedule_curve_is_the_rate_keras_optimizer_uses(client) -> None:
    """η_t is the rate of update t: Keras' SGD with the schedule moves by η_t·g at update t."""
    schedule, make = KERAS_SCHEDULES["piecewise"]
    steps = 300
    ours = client.post("/api/schedule", json={"learning_rate": 0.1, "schedule": schedule,
                                              "steps": steps}).json()["learning_rate"]
    variable = keras.Variable(np.zeros(1), dtype="float64")
    optimizer = keras.optimizers.SGD(learning_rate=make(0.1))
    moves = []
    for _ in range(steps):
        before = _numpy(variable.value)[0]
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(np.ones(1)), variable)])
        moves.append(before - _numpy(variable.value)[0])
    np.testing.assert_allclose(ours, moves, rtol=1e-9)


@pytest.mark.parametrize("power", [0.5, 2.0])
def test_power_schedule_curve_is_the_closed_form(client, power: float) -> None:
    body = {"learning_rate": 0.2, "steps": 250,
            "schedule": {"name": "power", "decay_steps": 40, "power": power}}
    ours = np.array(client.post("/api/schedule", json=body).json()["learning_rate"])
    t = np.arange(250)
    np.testing.assert_allclose(ours, 0.2 / (1 + t / 40) ** power, rtol=1e-12)
