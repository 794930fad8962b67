"""Learning-rate schedules: the learning rate as a function of the optimizer step.

Keras 3 semantics (`keras.optimizers.schedules.*`): the optimizer calls `schedule(step)` with
`step = optimizer.iterations` *before* incrementing it, so the first update uses `step = 0`.
Every numeric argument may be a float or an ndarray (one value per run of a sweep); the result
broadcasts like NumPy. `step` may be an int or an int array (to draw a whole curve at once).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Value = float | NDArray[np.float64]
"""A hyperparameter value: one float, or an array of per-run values."""

Step = int | NDArray[np.integer[Any]]


def check_number(
    name: str,
    value: object,
    ok: Callable[[NDArray[np.float64]], NDArray[np.bool_] | np.bool_ | bool],
    rule: str,
) -> Value:
    """Validate a float or array hyperparameter; return it as float or float64 array.

    Raises `ValueError("Invalid <name>: <first bad element> (must be <rule>)")`. Shared with
    `optimizer.py` so that every core constructor speaks the same messages.
    """
    if isinstance(value, bool | np.bool_ | str | bytes) or value is None:
        raise ValueError(f"Invalid {name}: {value!r} (must be a number {rule})")
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid {name}: {value!r} (must be a number {rule})") from None
    good = np.asarray(ok(arr), dtype=bool)
    if not good.all():
        bad = float(arr[~good].flat[0]) if arr.ndim else float(arr)
        raise ValueError(f"Invalid {name}: {bad!r} (must be {rule})")
    return float(arr) if arr.ndim == 0 else arr


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"Invalid {name}: {value!r} (must be an int >= {minimum})")
    return int(value)


def _positive(a: NDArray[np.float64]) -> NDArray[np.bool_]:
    return a > 0


def _non_negative(a: NDArray[np.float64]) -> NDArray[np.bool_]:
    return a >= 0


def _finish(x: ArrayLike) -> Value:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


class Schedule(ABC):
    """A learning rate that depends on the step (Keras `LearningRateSchedule`)."""

    initial_learning_rate: Value

    @abstractmethod
    def __call__(self, step: Step) -> Value:
        """Learning rate at optimizer step `step` (0 at the first update)."""

    @abstractmethod
    def get_config(self) -> dict[str, Any]:
        """Constructor kwargs, so that `type(s)(**s.get_config())` rebuilds the schedule."""

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Schedule:
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """lr = initial_learning_rate at every step."""

    def __init__(self, initial_learning_rate: Value) -> None:
        self.initial_learning_rate = check_number(
            "initial_learning_rate", initial_learning_rate, _positive, "> 0"
        )

    def __call__(self, step: Step) -> Value:
        t = np.asarray(step, dtype=np.float64)
        return _finish(self.initial_learning_rate + 0.0 * t)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate}


class PowerDecay(Schedule):
    """Power scheduling: lr = initial_learning_rate / (1 + step / decay_steps) ** power.

    The lecture's eta(t) = eta0 / (1 + t/s)^c. With power=1 it equals Keras
    `InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate=1.0)`.
    """

    def __init__(
        self, initial_learning_rate: Value, decay_steps: Value, power: Value = 1.0
    ) -> None:
        self.initial_learning_rate = check_number(
            "initial_learning_rate", initial_learning_rate, _positive, "> 0"
        )
        self.decay_steps = check_number("decay_steps", decay_steps, _positive, "> 0")
        self.power = check_number("power", power, _non_negative, ">= 0")

    def __call__(self, step: Step) -> Value:
        t = np.asarray(step, dtype=np.float64)
        return _finish(self.initial_learning_rate / (1.0 + t / self.decay_steps) ** self.power)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "power": self.power,
        }


class ExponentialDecay(Schedule):
    """lr = initial_learning_rate * decay_rate**p, p = step / decay_steps (floored if staircase)."""

    def __init__(
        self,
        initial_learning_rate: Value,
        decay_steps: Value,
        decay_rate: Value,
        staircase: bool = False,
    ) -> None:
        self.initial_learning_rate = check_number(
            "initial_learning_rate", initial_learning_rate, _positive, "> 0"
        )
        self.decay_steps = check_number("decay_steps", decay_steps, _positive, "> 0")
        self.decay_rate = check_number("decay_rate", decay_rate, _positive, "> 0")
        if not isinstance(staircase, bool | np.bool_):
            raise ValueError(f"Invalid staircase: {staircase!r} (must be a bool)")
        self.staircase = bool(staircase)

    def __call__(self, step: Step) -> Value:
        p = np.asarray(step, dtype=np.float64) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _finish(self.initial_learning_rate * self.decay_rate**p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
        }


class PiecewiseConstantDecay(Schedule):
    """lr = values[i] for boundaries[i-1] < step <= boundaries[i] (values[0] up to boundaries[0]).

    Keras semantics: values[0] while step <= boundaries[0]; values[-1] once step > boundaries[-1].
    Each value may be an array (per-run rates); with an array `step`, the result has shape
    step.shape + value.shape.
    """

    def __init__(self, boundaries: Sequence[float], values: Sequence[Value]) -> None:
        bounds = [float(check_number("boundaries", b, _non_negative, ">= 0")) for b in boundaries]
        if len(bounds) == 0:
            raise ValueError("Invalid boundaries: [] (must hold at least one step)")
        if any(b1 <= b0 for b0, b1 in pairwise(bounds)):
            raise ValueError(f"Invalid boundaries: {bounds!r} (must be strictly increasing)")
        if len(values) != len(bounds) + 1:
            raise ValueError(
                f"Invalid values: {len(values)} values for {len(bounds)} boundaries "
                "(must be len(boundaries) + 1)"
            )
        self.boundaries = bounds
        self.values = [check_number("values", v, _positive, "> 0") for v in values]
        self.initial_learning_rate = self.values[0]
        self._stacked = np.stack(np.broadcast_arrays(*[np.asarray(v) for v in self.values]))

    def __call__(self, step: Step) -> Value:
        # side="left": first i with boundaries[i] >= step, so step == boundaries[i] -> values[i].
        index = np.searchsorted(self.boundaries, np.asarray(step, dtype=np.float64), side="left")
        return _finish(self._stacked[index])

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": list(self.boundaries), "values": list(self.values)}


class CosineDecay(Schedule):
    """Keras CosineDecay, with optional linear warmup.

    Without warmup_target: s = min(step, decay_steps),
        lr = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha).
    With warmup_target: s = min(step, warmup_steps + decay_steps); while s < warmup_steps,
        lr = initial_learning_rate + (warmup_target - initial_learning_rate) * s / warmup_steps,
    then the cosine above from warmup_target, at s - warmup_steps.
    """

    def __init__(
        self,
        initial_learning_rate: Value,
        decay_steps: int,
        alpha: Value = 0.0,
        warmup_target: Value | None = None,
        warmup_steps: int = 0,
    ) -> None:
        self.initial_learning_rate = check_number(
            "initial_learning_rate", initial_learning_rate, _non_negative, ">= 0"
        )
        self.decay_steps = _check_int("decay_steps", decay_steps, 1)
        self.alpha = check_number("alpha", alpha, lambda a: (a >= 0) & (a <= 1), "in [0, 1]")
        self.warmup_target = (
            None
            if warmup_target is None
            else check_number("warmup_target", warmup_target, _positive, "> 0")
        )
        self.warmup_steps = _check_int("warmup_steps", warmup_steps, 0)

    def _decay(self, s: NDArray[np.float64], decay_from: Value) -> NDArray[np.float64]:
        cosine_decayed = 0.5 * (1.0 + np.cos(np.pi * (s / self.decay_steps)))
        return np.asarray(decay_from * ((1 - self.alpha) * cosine_decayed + self.alpha))

    def __call__(self, step: Step) -> Value:
        t = np.asarray(step, dtype=np.float64)
        if self.warmup_target is None:
            return _finish(self._decay(np.minimum(t, self.decay_steps), self.initial_learning_rate))
        s = np.minimum(t, self.decay_steps + self.warmup_steps)
        warm = s / max(self.warmup_steps, 1)
        warming = (self.warmup_target - self.initial_learning_rate) * warm
        warming = warming + self.initial_learning_rate
        decaying = self._decay(s - self.warmup_steps, self.warmup_target)
        return _finish(np.where(s < self.warmup_steps, warming, decaying))

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class OneCycle(Schedule):
    """Géron's 1cycle (Hands-On ML, `OneCycleScheduler`), as a function of the step.

    With start = max_learning_rate * start_factor, end = max_learning_rate * end_factor,
    last_steps = total_steps // 10 + 1 by default and half = (total_steps - last_steps) // 2:
        step < half:           lr = start + (top - start) * step / half
        half <= step < 2*half: lr = top + (start - top) * (step - half) / half
        2*half <= step:        lr = start + (end - start) * (s - 2*half) / (total_steps - 2*half),
                               s = min(step, total_steps)  (lr stays at end after total_steps)
    where top = max_learning_rate.
    Géron's defaults: start = max/10, end = start/1000 (= max * 1e-4).
    """

    def __init__(
        self,
        max_learning_rate: Value,
        total_steps: int,
        start_factor: Value = 0.1,
        end_factor: Value = 1e-4,
        last_steps: int | None = None,
    ) -> None:
        self.max_learning_rate = check_number(
            "max_learning_rate", max_learning_rate, _positive, "> 0"
        )
        self.total_steps = _check_int("total_steps", total_steps, 1)
        self.start_factor = check_number("start_factor", start_factor, _positive, "> 0")
        self.end_factor = check_number("end_factor", end_factor, _positive, "> 0")
        if last_steps is not None:
            last_steps = _check_int("last_steps", last_steps, 1)
            if last_steps > self.total_steps:
                raise ValueError(
                    f"Invalid last_steps: {last_steps} (must be <= total_steps={self.total_steps})"
                )
        self.last_steps = last_steps
        self._last = self.total_steps // 10 + 1 if last_steps is None else last_steps
        self._last = min(self._last, self.total_steps)
        self._half = (self.total_steps - self._last) // 2
        self.initial_learning_rate = _finish(self.max_learning_rate * self.start_factor)

    def __call__(self, step: Step) -> Value:
        t = np.minimum(np.asarray(step, dtype=np.float64), self.total_steps)
        top = self.max_learning_rate
        start = top * self.start_factor
        end = top * self.end_factor
        half = self._half
        h = max(half, 1)  # phases 1 and 2 are empty when half == 0
        rise = (top - start) * t / h + start
        fall = (start - top) * (t - half) / h + top
        final = (end - start) * (t - 2 * half) / (self.total_steps - 2 * half) + start
        return _finish(np.where(t < half, rise, np.where(t < 2 * half, fall, final)))

    def get_config(self) -> dict[str, Any]:
        return {
            "max_learning_rate": self.max_learning_rate,
            "total_steps": self.total_steps,
            "start_factor": self.start_factor,
            "end_factor": self.end_factor,
            "last_steps": self.last_steps,
        }


SCHEDULES: dict[str, type[Schedule]] = {
    "constant": Constant,
    "power": PowerDecay,
    "exponential": ExponentialDecay,
    "piecewise": PiecewiseConstantDecay,
    "cosine": CosineDecay,
    "onecycle": OneCycle,
}
