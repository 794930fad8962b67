"""The optimizer and schedule part of an experiment, shared by the surface race and the MLP.

Names, meanings, defaults and bounds are Keras 3's, read from the optimizer's catalogue entry
(``OPTIMIZERS`` in the core). A hyperparameter left ``None`` takes the Keras default of the chosen
optimizer; one that does not apply to it is refused, so a typo never passes silently.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from app.core.bound import Bound
from app.core.optimizer import Optimizer
from app.core.optimizers import OPTIMIZERS
from app.core.schedules import SCHEDULES, Schedule
from app.schema.fields import param
from app.schema.invalid import invalid
from app.schema.names import names_literal

if TYPE_CHECKING:
    OptimizerName = str
    ScheduleName = str
else:
    OptimizerName = names_literal(OPTIMIZERS)
    ScheduleName = names_literal(SCHEDULES)

HYPERPARAMETERS: tuple[str, ...] = tuple(
    dict.fromkeys(name for entry in OPTIMIZERS.values() for name in entry.defaults))
"""Every hyperparameter some optimizer takes (each is a field of ``OptimizerSpec``)."""
CLIPPING = ("clipvalue", "clipnorm", "global_clipnorm")
MAX_BOUNDARIES = 8
MAX_BOUNDARY = 10**9  # a step count far beyond any run, small enough to be a float
# Learning rates and piecewise factors this small mean nothing, and their product would underflow
# to a learning rate of 0, which the core refuses.
MIN_LEARNING_RATE = 1e-12
MAX_LEARNING_RATE = 10  # the server's cap (Keras sets none)
MIN_FACTOR = 1e-6


def widest(name: str) -> Any:
    """The field limits of a hyperparameter: the union of the optimizers' bounds for it. The
    chosen optimizer's own bound (``OptimizerEntry.bounds``) is checked by the validator."""
    return Bound.union([e.bounds[name] for e in OPTIMIZERS.values() if name in e.bounds]).as_dict()


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
            raise invalid("piecewise_needs_boundary",
                          "a piecewise schedule needs at least one boundary", field="boundaries")
        if len(self.factors) != len(self.boundaries) + 1:
            raise invalid("factors_count", f"factors needs one more entry than boundaries "
                          f"({len(self.boundaries)} boundaries, {len(self.factors)} factors)",
                          boundaries=len(self.boundaries), factors=len(self.factors),
                          field="factors")
        if any(b <= a for a, b in zip(self.boundaries, self.boundaries[1:], strict=False)):
            raise invalid("boundaries_increasing", "boundaries must be strictly increasing",
                          field="boundaries")
        if any(not 0 <= b <= MAX_BOUNDARY for b in self.boundaries):
            raise invalid("boundaries_range", f"boundaries must be in [0, {MAX_BOUNDARY:.0e}]",
                          max=MAX_BOUNDARY, field="boundaries")
        if any(not (MIN_FACTOR <= f <= 100) for f in self.factors):
            raise invalid("factors_range", f"factors must be in [{MIN_FACTOR:g}, 100]",
                          min=MIN_FACTOR, max=100, field="factors")
        return self

    def build(self, learning_rate: float | NDArray[np.float64], total_steps: int) -> Any:
        """The core schedule for this spec, η0 = ``learning_rate`` (a float for ``constant``).

        The spec's fields are Keras' argument names: each schedule class takes those its
        constructor names (``total_steps`` is the run's), so no per-schedule table is kept."""
        if self.name == "constant":
            return learning_rate
        cls: Callable[..., Schedule] = SCHEDULES[self.name]
        if self.name == "piecewise":
            eta0 = np.asarray(learning_rate)
            values: list[Any] = [eta0 * f if eta0.ndim else float(eta0) * f for f in self.factors]
            return cls(boundaries=list(self.boundaries), values=values)
        takes = list(inspect.signature(cls).parameters)[1:]  # after η0
        kwargs: dict[str, Any] = {name: getattr(self, name) for name in takes
                                  if name in ScheduleSpec.model_fields and name != "name"}
        if "total_steps" in takes:
            kwargs["total_steps"] = max(total_steps, 2)
        return cls(learning_rate, **kwargs)


class OptimizerSpec(BaseModel):
    """One optimizer with its Keras hyperparameters, clipping and schedule."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    optimizer: OptimizerName = param("adam", url="o", control="select")
    # Upper limits written here (le=…) are the server's caps where Keras sets none; every other
    # limit is the union of the optimizers' own bounds (``widest``).
    learning_rate: float | None = param(
        None, url="lr", ge=MIN_LEARNING_RATE, le=MAX_LEARNING_RATE, scale="log", slider_min=1e-5,
        slider_max=1.0)  # a server floor, stricter than Keras' > 0: smaller rates cannot move
    momentum: float | None = param(None, url="m", **widest("momentum"), step=0.01,
                                   slider_max=0.999)
    nesterov: bool | None = param(None, url="n")
    rho: float | None = param(None, url="rho", **widest("rho"), step=0.01, slider_max=0.999)
    centered: bool | None = param(None, url="c")
    beta_1: float | None = param(None, url="b1", **widest("beta_1"), step=0.01, slider_max=0.999)
    beta_2: float | None = param(None, url="b2", **widest("beta_2"), step=0.001,
                                 slider_max=0.9999)
    epsilon: float | None = param(
        None, url="eps", **widest("epsilon"), le=1, scale="log", slider_min=1e-10, slider_max=1.0)
    amsgrad: bool | None = param(None, url="ams")
    initial_accumulator_value: float | None = param(
        None, url="iav", **widest("initial_accumulator_value"), le=10, step=0.01, slider_max=1.0)
    weight_decay: float | None = param(
        None, url="wd", **widest("weight_decay"), le=1, scale="log", slider_min=1e-5,
        slider_max=1.0)
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

    @field_validator("learning_rate", "momentum", "rho", "beta_1", "beta_2", "epsilon",
                     "initial_accumulator_value", "weight_decay")
    @classmethod
    def _check_bound(cls, value: float | None, info: ValidationInfo) -> float | None:
        """The chosen optimizer's own bound (Lion's beta_1 > 0), reported on the field."""
        entry = OPTIMIZERS.get(info.data.get("optimizer", ""))
        name = info.field_name or ""
        if value is None or entry is None or name not in entry.bounds:
            return value
        bound = entry.bounds[name]
        if not bound.contains(value):
            raise invalid("hyperparameter_bound", f"{name} must be {bound.text()} for {entry.name}",
                          name=name, optimizer=entry.name, rule=bound.rule())
        return value

    @model_validator(mode="after")
    def _check_applicable(self) -> OptimizerSpec:
        if self.learning_rate is not None and self.learning_rate < MIN_LEARNING_RATE:
            raise invalid("learning_rate_too_small",
                          f"learning_rate must be at least {MIN_LEARNING_RATE:g}",
                          min=MIN_LEARNING_RATE, field="learning_rate")
        allowed = OPTIMIZERS[self.optimizer].defaults
        for name in HYPERPARAMETERS:
            if getattr(self, name) is not None and name not in allowed:
                raise invalid("hyperparameter_not_applicable",
                              f"{name} does not apply to {self.optimizer} "
                              f"(it takes {', '.join(sorted(allowed))})", name=name,
                              optimizer=self.optimizer, takes=", ".join(sorted(allowed)),
                              field=name)
        clips = [name for name in CLIPPING if getattr(self, name) is not None]
        if len(clips) > 1:
            raise invalid("clipping_exclusive", "set at most one of clipvalue, clipnorm, "
                          f"global_clipnorm (got {', '.join(clips)})", given=", ".join(clips),
                          field=clips[-1])
        return self

    def hyperparameters(self) -> dict[str, Any]:
        """Every hyperparameter of this optimizer, the Keras default where not given."""
        values: dict[str, Any] = dict(OPTIMIZERS[self.optimizer].defaults)
        for name in values:
            given = getattr(self, name)
            if given is not None:
                values[name] = given
        return values

    def resolved(self) -> OptimizerSpec:
        """A copy with every applicable hyperparameter filled in (what a link records)."""
        return self.model_copy(update=self.hyperparameters())

    def keras_class(self) -> str:
        return OPTIMIZERS[self.optimizer].keras_class

    def build(self, total_steps: int, run_axes: int = 0) -> Optimizer:
        """The core optimizer for this spec."""
        hp = self.hyperparameters()
        hp["learning_rate"] = self.schedule.build(hp["learning_rate"], total_steps)
        clip = {name: getattr(self, name) for name in CLIPPING if getattr(self, name) is not None}
        optimizer: Optimizer = OPTIMIZERS[self.optimizer].factory(**hp, **clip, run_axes=run_axes)
        return optimizer
