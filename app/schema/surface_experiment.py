"""The surface race experiment: one schema for the JSON API, the WebSocket, the URL and the page."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from app.core.formula import FormulaError, parse_formula
from app.core.formula_surface import DEFAULT_WINDOW, FormulaSurface, default_start
from app.core.optimizers import OPTIMIZERS
from app.core.surfaces import SURFACES
from app.schema.fields import param
from app.schema.invalid import invalid
from app.schema.names import names_literal
from app.schema.optimizer_spec import OptimizerSpec

CUSTOM = FormulaSurface.name
"""The surface a typed formula makes (not in ``SURFACES``: it needs the formula)."""
if TYPE_CHECKING:
    SurfaceName = str
else:
    SurfaceName = names_literal((*SURFACES, CUSTOM))
SCHEMA_VERSION = 1
MAX_STEPS = 5000
MAX_RUNS = 12
MAX_EXPRESSION = 300


def check_expression(value: str | None) -> str | None:
    """A typed formula must parse; the error names its code, column and offending token."""
    if value is None:
        return None
    try:
        parse_formula(value)
    except FormulaError as error:
        # type formula_<code>; ctx: the English message, and the params a catalog entry uses
        raise PydanticCustomError(
            f"formula_{error.code}", "{message}", {"message": error.message, **error.params},
        ) from None
    return value


class RunSpec(OptimizerSpec):
    """One racer: an optimizer, its hyperparameters, and whether it is shown."""

    enabled: bool = param(True, url="on")


def _default_runs() -> list[RunSpec]:
    return [RunSpec(optimizer="adam")]


class SurfaceExperiment(BaseModel):
    """Which surface, where to start, how long, and who races."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    version: int = param(SCHEMA_VERSION, url="v", ge=1, le=SCHEMA_VERSION, control="none")
    surface: SurfaceName = param("rosenbrock", url="f", control="select")
    expression: str | None = param(
        None, url="expr", max_length=MAX_EXPRESSION, control="text",
        when={"surface": ["custom"]},
    )
    window: tuple[float, float, float, float] | None = param(
        None, url="win", when={"surface": ["custom"]}
    )
    condition_number: float = param(
        10.0, url="k", ge=1, le=1000, scale="log", when={"surface": ["quadratic"]}
    )
    start: tuple[float, float] | None = param(None, url="x0", control="point")
    steps: int = param(150, url="n", ge=1, le=MAX_STEPS, scale="log", slider_min=10,
                       slider_max=MAX_STEPS)
    noise: float = param(0.0, url="sig", ge=0, le=100, step=0.01, slider_max=5)
    seed: int = param(0, url="seed", ge=0, le=2**31 - 1, control="number")
    tolerance: float = param(1e-3, url="tol", gt=0, le=10, scale="log", slider_min=1e-8,
                             slider_max=1)
    runs: list[RunSpec] = param(_default_runs, url="r", min_length=1, max_length=MAX_RUNS)

    @field_validator("expression")
    @classmethod
    def _check_expression(cls, value: str | None) -> str | None:
        return check_expression(value)

    @model_validator(mode="after")
    def _check_surface(self) -> SurfaceExperiment:
        if self.surface == "custom" and not (self.expression and self.expression.strip()):
            raise invalid("expression_required",
                          "expression is required when surface is 'custom'", field="surface")
        if self.window is not None:
            xmin, xmax, ymin, ymax = self.window
            if not (xmin < xmax and ymin < ymax):
                raise invalid("window_order", "window must be (xmin, xmax, ymin, ymax) with "
                              "xmin < xmax, ymin < ymax", field="window")
            if max(abs(v) for v in self.window) > 1e4:
                raise invalid("window_range", "window coordinates must be within ±10000",
                              limit=10_000, field="window")
        if self.start is not None and max(abs(v) for v in self.start) > 1e6:
            raise invalid("start_range", "start coordinates must be within ±1e6",
                          limit=1_000_000, field="start")
        return self

    def resolved(self) -> SurfaceExperiment:
        """Every run's hyperparameters and the start filled in, as a link records them."""
        runs = [RunSpec.model_validate(r.resolved().model_dump()) for r in self.runs]
        update: dict[str, object] = {"runs": runs}
        if self.start is None:
            if self.surface == CUSTOM:
                update["start"] = default_start(self.window or DEFAULT_WINDOW)
            else:
                update["start"] = SURFACES[self.surface]().default_start
        return self.model_copy(update=update)


class SurfaceView(BaseModel):
    """How the race is shown: part of the link, not of the computation."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    speed: float = param(60.0, url="sp", ge=1, le=2000, scale="log", slider_min=1,
                         slider_max=2000)
    view: Literal["contour", "3d"] = param("contour", url="view", control="select")
    hide: list[str] = param(list, url="hide", max_length=64)
    explain: int | None = param(None, url="ex", ge=0, lt=MAX_RUNS, control="none",
                                description="the run the anatomy panel explains (index)")
    explain_step: int = param(1, url="exk", ge=1, le=MAX_STEPS, control="none",
                              description="the update the anatomy panel shows")
    ghost: bool = param(False, url="gh", control="none",
                        description="draw the path without bias correction (not Keras)")
    tuned: list[Annotated[int, Field(ge=0, lt=MAX_RUNS)]] = param(
        list, url="tuned", max_length=MAX_RUNS, control="none",
        description="the runs whose learning rate is the one Tune chose (indices)")

    @field_validator("tuned")
    @classmethod
    def _sorted_once(cls, value: list[int]) -> list[int]:
        return sorted(set(value))


PAGE_LEARNING_RATES: Mapping[str, float] = MappingProxyType(
    {name: entry.page_learning_rate for name, entry in OPTIMIZERS.items()
     if entry.in_default_race})
"""The default race: who races a fresh page, at which rate (from the optimizer catalogue)."""


def page_default_experiment() -> SurfaceExperiment:
    """The race a fresh page shows: the default racers on Rosenbrock from a classic trap."""
    runs = [RunSpec(optimizer=name, learning_rate=lr)
            for name, lr in PAGE_LEARNING_RATES.items()]
    default_start = SURFACES["rosenbrock"]().default_start
    return SurfaceExperiment(surface="rosenbrock", start=default_start, steps=500,
                             tolerance=0.01, runs=runs).resolved()


def custom_defaults() -> dict[str, list[float]]:
    """The typed formula's window and start when the experiment names neither (served to the
    page as ``custom`` in ``/api/schema/surface``)."""
    return {"window": list(DEFAULT_WINDOW), "start": list(default_start(DEFAULT_WINDOW))}
