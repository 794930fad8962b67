"""Tests of the learning-rate schedules: closed forms, Keras boundary semantics, broadcasting."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from app.core.schedules import (
    SCHEDULES,
    Constant,
    CosineDecay,
    ExponentialDecay,
    OneCycle,
    PiecewiseConstantDecay,
    PowerDecay,
    Schedule,
)


def test_constant_is_constant() -> None:
    s = Constant(0.05)
    assert s(0) == s(10**6) == 0.05


def test_power_decay_closed_form() -> None:
    s = PowerDecay(0.1, decay_steps=10, power=2.0)
    assert s(0) == pytest.approx(0.1)
    assert s(10) == pytest.approx(0.1 / 4)
    assert s(30) == pytest.approx(0.1 / 16)
    assert s(5) == pytest.approx(0.1 / 1.5**2)


def test_power_decay_with_power_one_is_keras_inverse_time_decay() -> None:
    # Keras InverseTimeDecay(eta0, s, decay_rate=1): eta0 / (1 + 1 * t / s)
    s = PowerDecay(0.01, decay_steps=10_000)
    for t in (0, 1, 5_000, 10_000, 123_456):
        assert s(t) == pytest.approx(0.01 / (1 + t / 10_000), rel=1e-15)


def test_exponential_decay_closed_form() -> None:
    s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert s(0) == pytest.approx(0.1)
    assert s(10) == pytest.approx(0.05)
    assert s(15) == pytest.approx(0.1 * 0.5**1.5)


def test_exponential_decay_staircase_floors_the_exponent() -> None:
    s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [s(t) for t in (0, 9, 10, 19, 20)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])


def test_piecewise_constant_keras_boundaries() -> None:
    # Keras: values[0] while t <= b[0]; values[i] for b[i-1] < t <= b[i]; values[-1] after
    s = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [s(t) for t in (0, 10, 11, 20, 21, 1000)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    assert s.initial_learning_rate == 1.0


def test_piecewise_constant_accepts_array_values() -> None:
    s = PiecewiseConstantDecay([5], [np.array([1.0, 2.0]), 0.5])
    np.testing.assert_array_equal(s(5), [1.0, 2.0])
    np.testing.assert_array_equal(s(6), [0.5, 0.5])
    np.testing.assert_array_equal(s(np.array([0, 6])), [[1.0, 2.0], [0.5, 0.5]])


@pytest.mark.parametrize(
    ("boundaries", "values", "message"),
    [
        ([10, 5], [1.0, 0.5, 0.1], "strictly increasing"),
        ([10, 10], [1.0, 0.5, 0.1], "strictly increasing"),
        ([10], [1.0], r"len\(boundaries\) \+ 1"),
        ([], [1.0], "at least one"),
        ([10], [1.0, -0.5], r"Invalid values: -0.5 \(must be > 0\)"),
    ],
)
def test_piecewise_constant_validation(boundaries: list, values: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PiecewiseConstantDecay(boundaries, values)


def test_cosine_decay_closed_form() -> None:
    s = CosineDecay(1.0, decay_steps=100, alpha=0.1)
    assert s(0) == pytest.approx(1.0)
    assert s(50) == pytest.approx(0.9 * 0.5 + 0.1)
    assert s(25) == pytest.approx(0.9 * 0.5 * (1 + math.cos(math.pi / 4)) + 0.1)
    assert s(100) == pytest.approx(0.1)
    assert s(500) == pytest.approx(0.1)  # Keras clamps the step at decay_steps


def test_cosine_decay_with_warmup() -> None:
    s = CosineDecay(0.0, decay_steps=100, warmup_target=1.0, warmup_steps=10)
    assert s(0) == 0.0
    assert s(5) == pytest.approx(0.5)
    assert s(10) == pytest.approx(1.0)
    assert s(60) == pytest.approx(0.5)
    assert s(110) == pytest.approx(0.0, abs=1e-15)
    assert s(1000) == pytest.approx(0.0, abs=1e-15)


def test_cosine_decay_with_zero_warmup_steps_decays_from_the_target() -> None:
    s = CosineDecay(0.1, decay_steps=10, warmup_target=1.0, warmup_steps=0)
    assert s(0) == pytest.approx(1.0)
    assert s(5) == pytest.approx(0.5)


def test_onecycle_follows_geron() -> None:
    # total 100: last_steps = 100 // 10 + 1 = 11, half = (100 - 11) // 2 = 44
    s = OneCycle(1.0, total_steps=100)
    assert s(0) == pytest.approx(0.1)
    assert s(22) == pytest.approx(0.55)
    assert s(44) == pytest.approx(1.0)
    assert s(66) == pytest.approx(0.55)
    assert s(88) == pytest.approx(0.1)
    assert s(94) == pytest.approx(0.1 + (1e-4 - 0.1) * 6 / 12)
    assert s(100) == pytest.approx(1e-4)
    assert s(1000) == pytest.approx(1e-4)
    assert s.initial_learning_rate == pytest.approx(0.1)


def test_onecycle_matches_geron_callback_step_by_step() -> None:
    """Géron's OneCycleScheduler.on_batch_begin, re-typed from the book, for 250 iterations."""
    iterations, max_rate = 250, 0.3
    start_rate, last_iterations = max_rate / 10, iterations // 10 + 1
    half_iteration = (iterations - last_iterations) // 2
    last_rate = start_rate / 1000

    def interpolate(it: int, iter1: int, iter2: int, rate1: float, rate2: float) -> float:
        return (rate2 - rate1) * (it - iter1) / (iter2 - iter1) + rate1

    expected = []
    for it in range(iterations):
        if it < half_iteration:
            expected.append(interpolate(it, 0, half_iteration, start_rate, max_rate))
        elif it < 2 * half_iteration:
            expected.append(
                interpolate(it, half_iteration, 2 * half_iteration, max_rate, start_rate)
            )
        else:
            expected.append(interpolate(it, 2 * half_iteration, iterations, start_rate, last_rate))
    s = OneCycle(max_rate, total_steps=iterations)
    np.testing.assert_allclose(s(np.arange(iterations)), expected, rtol=1e-12)


def test_onecycle_tiny_run_has_only_the_final_phase() -> None:
    s = OneCycle(1.0, total_steps=2)  # last_steps 1, half 0
    assert s(0) == pytest.approx(0.1)
    assert s(2) == pytest.approx(1e-4)


EXAMPLES: dict[str, dict[str, Any]] = {
    "constant": {"initial_learning_rate": 0.1},
    "power": {"initial_learning_rate": 0.1, "decay_steps": 7, "power": 0.5},
    "exponential": {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.3},
    "piecewise": {"boundaries": [3, 8], "values": [0.1, 0.05, 0.01]},
    "cosine": {
        "initial_learning_rate": 0.1,
        "decay_steps": 20,
        "warmup_target": 0.5,
        "warmup_steps": 4,
    },
    "onecycle": {"max_learning_rate": 0.1, "total_steps": 30},
}
SCALED = {"constant", "power", "exponential", "cosine", "onecycle"}  # lr proportional to eta0


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_accepts_an_array_of_steps(name: str) -> None:
    s = SCHEDULES[name](**EXAMPLES[name])
    steps = np.arange(40)
    expected = np.array([s(int(t)) for t in steps])
    np.testing.assert_allclose(np.asarray(s(steps)), expected, rtol=1e-15)


@pytest.mark.parametrize("name", sorted(SCALED))
def test_schedule_broadcasts_over_an_array_learning_rate(name: str) -> None:
    kwargs = dict(EXAMPLES[name])
    key = "max_learning_rate" if name == "onecycle" else "initial_learning_rate"
    rates = np.array([[0.1], [0.2], [0.4]])
    kwargs[key] = rates
    if name == "cosine":
        kwargs["warmup_target"] = 5 * rates
    batched = SCHEDULES[name](**kwargs)
    single = SCHEDULES[name](**EXAMPLES[name])
    for t in (0, 2, 5, 13, 29, 100):
        lr = batched(t)
        assert isinstance(lr, np.ndarray) and lr.shape == (3, 1)
        np.testing.assert_allclose(lr, rates / 0.1 * single(t), rtol=1e-12)


def test_schedule_scalar_result_is_a_python_float() -> None:
    for name, kwargs in EXAMPLES.items():
        assert type(SCHEDULES[name](**kwargs)(3)) is float, name


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_get_config_round_trips(name: str) -> None:
    s = SCHEDULES[name](**EXAMPLES[name])
    clone = type(s).from_config(s.get_config())
    assert isinstance(clone, Schedule)
    assert clone.get_config() == s.get_config()
    assert [clone(t) for t in range(30)] == [s(t) for t in range(30)]
    assert repr(s).startswith(type(s).__name__ + "(")


@pytest.mark.parametrize(
    ("factory", "kwargs", "message"),
    [
        (Constant, {"initial_learning_rate": 0.0}, r"Invalid initial_learning_rate: 0.0"),
        (PowerDecay, {"initial_learning_rate": 0.1, "decay_steps": 0}, "Invalid decay_steps"),
        (
            PowerDecay,
            {"initial_learning_rate": 0.1, "decay_steps": 1, "power": -1},
            r"Invalid power: -1.0 \(must be >= 0\)",
        ),
        (
            ExponentialDecay,
            {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0},
            "Invalid decay_rate",
        ),
        (
            ExponentialDecay,
            {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5, "staircase": 1},
            "Invalid staircase",
        ),
        (CosineDecay, {"initial_learning_rate": 0.1, "decay_steps": 0}, "Invalid decay_steps"),
        (
            CosineDecay,
            {"initial_learning_rate": 0.1, "decay_steps": 5, "alpha": 2.0},
            r"Invalid alpha: 2.0 \(must be in \[0, 1\]\)",
        ),
        (
            CosineDecay,
            {"initial_learning_rate": 0.1, "decay_steps": 5, "warmup_steps": -1},
            "Invalid warmup_steps",
        ),
        (OneCycle, {"max_learning_rate": -0.1, "total_steps": 10}, "Invalid max_learning_rate"),
        (OneCycle, {"max_learning_rate": 0.1, "total_steps": 0}, "Invalid total_steps"),
        (
            OneCycle,
            {"max_learning_rate": 0.1, "total_steps": 10, "last_steps": 11},
            "Invalid last_steps",
        ),
    ],
)
def test_schedule_validation(factory: type[Schedule], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        factory(**kwargs)
