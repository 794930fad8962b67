"""The optimizer and schedule part of an experiment, shared by the surface race and the MLP.

Names, meanings and defaults are Keras 3's. A hyperparameter left ``None`` takes the Keras
default of the chosen optimizer (``DEFAULTS`` in the core); one that does not apply to the chosen
optimizer is refused, so a typo never passes silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, model_validator

from app.core.optimizer import Optimizer
from app.core.optimizers import DEFAULTS, KERAS_CLASS, OPTIMIZERS
from app.core.schedules import SCHEDULES, Schedule
from app.schema.fields import param

OptimizerName = Literal[
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamax", "nadam", "adamw"
]
ScheduleName = Literal["constant", "power", "exponential", "piecewise", "cosine", "onecycle"]

HYPERPARAMETERS = (
    "learning_rate",
    "momentum",
    "nesterov",
    "rho",
    "centered",
    "beta_1",
    "beta_2",
    "epsilon",
    "amsgrad",
    "initial_accumulator_value",
    "weight_decay",
)
CLIPPING = ("clipvalue", "clipnorm", "global_clipnorm")
MAX_BOUNDARIES = 8
MAX_BOUNDARY = 10**9  # a step count far beyond any run, small enough to be a float
# Learning rates and piecewise factors this small mean nothing, and their product would underflow
# to a learning rate of 0, which the core refuses.
MIN_LEARNING_RATE = 1e-12
MIN_FACTOR = 1e-6


class ScheduleSpec(BaseModel):
    """A learning-rate schedule; η0 is the run's ``learning_rate``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: ScheduleName = param("constant", url="s", control="select")
    decay_steps: int = param(
        100, url="ds", ge=1, le=1_000_000, scale="log", slider_min=1, slider_max=10000,
        when={"name": ["power", "exponential", "cosine"]},
    )
    power: float = param(1.0, url="pw", ge=0, le=10, step=0.1, slider_max=4,
                         when={"name": ["power"]})
    decay_rate: float = param(0.5, url="dr", gt=0, le=1, step=0.01,
                              when={"name": ["exponential"]})
    staircase: bool = param(False, url="sc", when={"name": ["exponential"]})
    boundaries: list[int] = param(
        lambda: [100, 200], url="bd", max_length=MAX_BOUNDARIES, when={"name": ["piecewise"]}
    )
    factors: list[float] = param(
        lambda: [1.0, 0.5, 0.1], url="fa", max_length=MAX_BOUNDARIES + 1,
        when={"name": ["piecewise"]},
    )
    alpha: float = param(0.0, url="al", ge=0, le=1, step=0.01, when={"name": ["cosine"]})

    @model_validator(mode="after")
    def _check_piecewise(self) -> ScheduleSpec:
        if self.name != "piecewise":
            return self
        if not self.boundaries:
            raise ValueError("a piecewise schedule needs at least one boundary")
        if len(self.factors) != len(self.boundaries) + 1:
            raise ValueError(
                f"factors needs one more entry than boundaries "
                f"({len(self.boundaries)} boundaries, {len(self.factors)} factors)"
            )
        if any(b <= a for a, b in zip(self.boundaries, self.boundaries[1:], strict=False)):
            raise ValueError("boundaries must be strictly increasing")
        if any(not 0 <= b <= MAX_BOUNDARY for b in self.boundaries):
            raise ValueError(f"boundaries must be in [0, {MAX_BOUNDARY:.0e}]")
        if any(not (MIN_FACTOR <= f <= 100) for f in self.factors):
            raise ValueError(f"factors must be in [{MIN_FACTOR:g}, 100]")
        return self

    def build(self, learning_rate: float | NDArray[np.float64], total_steps: int) -> Any:
        """The core schedule for this spec, η0 = ``learning_rate`` (a float for ``constant``)."""
        if self.name == "constant":
            return learning_rate
        per_name: dict[str, dict[str, Any]] = {
            "power": {"decay_steps": self.decay_steps, "power": self.power},
            "exponential": {"decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                            "staircase": self.staircase},
            "cosine": {"decay_steps": self.decay_steps, "alpha": self.alpha},
            "onecycle": {"total_steps": max(total_steps, 2)},
        }
        kwargs = per_name.get(self.name, {})
        if self.name == "piecewise":
            eta0 = np.asarray(learning_rate)
            values: list[Any] = [eta0 * f if eta0.ndim else float(eta0) * f for f in self.factors]
            return _schedule(self.name)(boundaries=list(self.boundaries), values=values)
        return _schedule(self.name)(learning_rate, **kwargs)


def _schedule(name: str) -> Callable[..., Schedule]:
    return SCHEDULES[name]


class OptimizerSpec(BaseModel):
    """One optimizer with its Keras hyperparameters, clipping and schedule."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    optimizer: OptimizerName = param("adam", url="o", control="select")
    learning_rate: float | None = param(
        None, url="lr", ge=MIN_LEARNING_RATE, le=10, scale="log", slider_min=1e-5, slider_max=1.0
    )
    momentum: float | None = param(None, url="m", ge=0, lt=1, step=0.01, slider_max=0.999)
    nesterov: bool | None = param(None, url="n")
    rho: float | None = param(None, url="rho", ge=0, lt=1, step=0.01, slider_max=0.999)
    centered: bool | None = param(None, url="c")
    beta_1: float | None = param(None, url="b1", ge=0, lt=1, step=0.01, slider_max=0.999)
    beta_2: float | None = param(None, url="b2", ge=0, lt=1, step=0.001, slider_max=0.9999)
    epsilon: float | None = param(
        None, url="eps", gt=0, le=1, scale="log", slider_min=1e-10, slider_max=1.0
    )
    amsgrad: bool | None = param(None, url="ams")
    initial_accumulator_value: float | None = param(
        None, url="iav", ge=0, le=10, step=0.01, slider_max=1.0
    )
    weight_decay: float | None = param(
        None, url="wd", ge=0, le=1, scale="log", slider_min=1e-5, slider_max=1.0
    )
    clipvalue: float | None = param(
        None, url="cv", gt=0, le=1e6, scale="log", slider_min=1e-3, slider_max=100
    )
    clipnorm: float | None = param(
        None, url="cn", gt=0, le=1e6, scale="log", slider_min=1e-3, slider_max=100
    )
    global_clipnorm: float | None = param(
        None, url="gcn", gt=0, le=1e6, scale="log", slider_min=1e-3, slider_max=100
    )
    schedule: ScheduleSpec = param(ScheduleSpec, url="")

    @model_validator(mode="after")
    def _check_applicable(self) -> OptimizerSpec:
        if self.learning_rate is not None and self.learning_rate < MIN_LEARNING_RATE:
            raise ValueError(f"learning_rate must be at least {MIN_LEARNING_RATE:g}")
        allowed = DEFAULTS[self.optimizer]
        for name in HYPERPARAMETERS:
            if getattr(self, name) is not None and name not in allowed:
                raise ValueError(
                    f"{name} does not apply to {self.optimizer} "
                    f"(it takes {', '.join(sorted(allowed))})"
                )
        clips = [name for name in CLIPPING if getattr(self, name) is not None]
        if len(clips) > 1:
            raise ValueError(
                f"set at most one of clipvalue, clipnorm, global_clipnorm (got {clips})")
        return self

    def hyperparameters(self) -> dict[str, Any]:
        """Every hyperparameter of this optimizer, the Keras default where not given."""
        values: dict[str, Any] = dict(DEFAULTS[self.optimizer])
        for name in values:
            given = getattr(self, name)
            if given is not None:
                values[name] = given
        return values

    def resolved(self) -> OptimizerSpec:
        """A copy with every applicable hyperparameter filled in (what a link records)."""
        return self.model_copy(update=self.hyperparameters())

    def keras_class(self) -> str:
        return KERAS_CLASS[self.optimizer]

    def build(self, total_steps: int, run_axes: int = 0) -> Optimizer:
        """The core optimizer for this spec."""
        hp = self.hyperparameters()
        hp["learning_rate"] = self.schedule.build(hp["learning_rate"], total_steps)
        clip = {name: getattr(self, name) for name in CLIPPING if getattr(self, name) is not None}
        optimizer: Optimizer = OPTIMIZERS[self.optimizer](**hp, **clip, run_axes=run_axes)
        return optimizer
