"""The hyperparameter map: one optimizer, one surface, a grid of learning rate × a second
hyperparameter, every cell a whole run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from app.core.optimizers import OPTIMIZERS
from app.schema.fields import param
from app.schema.invalid import invalid
from app.schema.names import names_literal
from app.schema.optimizer_spec import HYPERPARAMETERS, MIN_LEARNING_RATE, OptimizerSpec
from app.schema.surface_experiment import MAX_EXPRESSION, SurfaceName, check_expression

MAP_SCHEMA_VERSION = 1
MAX_MAP_SIDE = 200
MAX_MAP_STEPS = 2000
MAX_MAP_WORK = 200 * 200 * 500  # cells × steps in one request
SECOND_AXES = tuple(name for name in OptimizerSpec.model_fields
                    if name in HYPERPARAMETERS and name != "learning_rate"
                    and any(name in entry.bounds for entry in OPTIMIZERS.values()))
"""Every numeric hyperparameter but the learning rate (the first axis), in the form's order."""
if TYPE_CHECKING:
    SecondAxis = str
else:
    SecondAxis = names_literal(SECOND_AXES)
LOG_AXES = ("epsilon", "weight_decay")


def _default_optimizer() -> OptimizerSpec:
    return OptimizerSpec(optimizer="adam")


class MapExperiment(BaseModel):
    """Which runs fill the map and what each cell shows."""

    # validate_default: the default axis (beta_1 from 0) must meet the chosen optimizer's bound
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=True)

    version: int = param(MAP_SCHEMA_VERSION, url="v", ge=1, le=MAP_SCHEMA_VERSION)
    surface: SurfaceName = param("rosenbrock", url="f", control="select")
    expression: str | None = param(None, url="expr", max_length=MAX_EXPRESSION, control="text",
                                   when={"surface": ["custom"]})
    condition_number: float = param(10.0, url="k", ge=1, le=1000, scale="log",
                                    when={"surface": ["quadratic"]})
    start: tuple[float, float] | None = param(None, url="x0", control="point")
    steps: int = param(200, url="n", ge=1, le=MAX_MAP_STEPS, scale="log", slider_min=10,
                       slider_max=MAX_MAP_STEPS)
    tolerance: float = param(1e-3, url="tol", gt=0, le=10, scale="log", slider_min=1e-8,
                             slider_max=1)
    optimizer: OptimizerSpec = param(_default_optimizer, url="o.")
    lr_min: float = param(1e-4, url="lr0", ge=MIN_LEARNING_RATE, le=10, scale="log",
                          slider_min=1e-6, slider_max=10)
    lr_max: float = param(1.0, url="lr1", ge=MIN_LEARNING_RATE, le=10, scale="log", slider_min=1e-6,
                          slider_max=10)
    second: SecondAxis = param("beta_1", url="y", control="select")
    second_min: float = param(0.0, url="y0", ge=0, le=1, step=0.01)
    second_max: float = param(0.99, url="y1", ge=0, le=1, step=0.01)
    nx: int = param(60, url="nx", ge=2, le=MAX_MAP_SIDE, step=1)
    ny: int = param(60, url="ny", ge=2, le=MAX_MAP_SIDE, step=1)

    @field_validator("expression")
    @classmethod
    def _check_expression(cls, value: str | None) -> str | None:
        return check_expression(value)

    @field_validator("second_min", "second_max")
    @classmethod
    def _check_second_bound(cls, value: float, info: ValidationInfo) -> float:
        """Both ends of the axis within the chosen optimizer's own bound (Lion: beta_1 > 0)."""
        spec, second = info.data.get("optimizer"), str(info.data.get("second"))
        entry = OPTIMIZERS.get(spec.optimizer) if isinstance(spec, OptimizerSpec) else None
        if entry is None or second not in entry.bounds:
            return value  # an axis the optimizer does not take is refused below
        bound = entry.bounds[second]
        if not bound.contains(value):
            raise invalid("hyperparameter_bound",
                          f"{second} must be {bound.text()} for {entry.name}",
                          name=second, optimizer=entry.name, rule=bound.rule())
        return value

    @model_validator(mode="after")
    def _check(self) -> MapExperiment:
        if self.surface == "custom" and not (self.expression and self.expression.strip()):
            raise invalid("expression_required",
                          "expression is required when surface is 'custom'", field="surface")
        if self.start is not None and max(abs(v) for v in self.start) > 1e6:
            raise invalid("start_range", "start coordinates must be within ±1e6",
                          limit=1_000_000, field="start")
        if not self.lr_min < self.lr_max:
            raise invalid("lr_order", "lr_min must be below lr_max", field="lr_min")
        if self.lr_min < MIN_LEARNING_RATE:
            raise invalid("lr_min_too_small", f"lr_min must be at least {MIN_LEARNING_RATE:g}",
                          min=MIN_LEARNING_RATE, field="lr_min")
        if not self.second_min < self.second_max:
            raise invalid("second_order", "second_min must be below second_max",
                          field="second_min")
        takes = OPTIMIZERS[self.optimizer.optimizer].defaults
        if self.second not in takes:
            raise invalid("second_not_taken", f"{self.optimizer.optimizer} has no "
                          f"{self.second} (it takes {', '.join(sorted(takes))})",
                          optimizer=self.optimizer.optimizer, second=self.second,
                          takes=", ".join(sorted(takes)), field="second")
        if self.second in LOG_AXES and self.second_min <= 0:
            raise invalid("second_log_positive",
                          f"{self.second} is drawn on a log axis: second_min must be > 0",
                          second=self.second, field="second_min")
        if self.nx * self.ny * self.steps > MAX_MAP_WORK:
            raise invalid("map_too_large", f"nx × ny × steps is capped at {MAX_MAP_WORK:,}",
                          max=MAX_MAP_WORK, work=self.nx * self.ny * self.steps)
        return self
