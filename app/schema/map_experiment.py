"""The hyperparameter map: one optimizer, one surface, a grid of learning rate × a second
hyperparameter, every cell a whole run."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from app.core.optimizers import DEFAULTS
from app.schema.fields import param
from app.schema.optimizer_spec import MIN_LEARNING_RATE, OptimizerSpec
from app.schema.surface_experiment import MAX_EXPRESSION, SurfaceName, check_expression

MAP_SCHEMA_VERSION = 1
MAX_MAP_SIDE = 200
MAX_MAP_STEPS = 2000
MAX_MAP_WORK = 200 * 200 * 500  # cells × steps in one request
SecondAxis = Literal["momentum", "rho", "beta_1", "beta_2", "epsilon", "initial_accumulator_value",
                     "weight_decay"]
LOG_AXES = ("epsilon", "weight_decay")


def _default_optimizer() -> OptimizerSpec:
    return OptimizerSpec(optimizer="adam")


class MapExperiment(BaseModel):
    """Which runs fill the map and what each cell shows."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

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

    @model_validator(mode="after")
    def _check(self) -> MapExperiment:
        if self.surface == "custom" and not (self.expression and self.expression.strip()):
            raise ValueError("expression is required when surface is 'custom'")
        if self.start is not None and max(abs(v) for v in self.start) > 1e6:
            raise ValueError("start coordinates must be within ±1e6")
        if not self.lr_min < self.lr_max:
            raise ValueError("lr_min must be below lr_max")
        if self.lr_min < MIN_LEARNING_RATE:
            raise ValueError(f"lr_min must be at least {MIN_LEARNING_RATE:g}")
        if not self.second_min < self.second_max:
            raise ValueError("second_min must be below second_max")
        takes = DEFAULTS[self.optimizer.optimizer]
        if self.second not in takes:
            raise ValueError(f"{self.optimizer.optimizer} has no {self.second} "
                             f"(it takes {', '.join(sorted(takes))})")
        if self.second in ("momentum", "rho", "beta_1", "beta_2") and self.second_max >= 1:
            raise ValueError(f"{self.second} must stay below 1")
        if self.second in LOG_AXES and self.second_min <= 0:
            raise ValueError(f"{self.second} is drawn on a log axis: second_min must be > 0")
        if self.nx * self.ny * self.steps > MAX_MAP_WORK:
            raise ValueError(f"nx × ny × steps is capped at {MAX_MAP_WORK:,}")
        return self
