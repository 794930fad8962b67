"""JSON API of the surface playground: surfaces, contour grids, whole races, the schema."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.core.surfaces import SURFACES, make_surface
from app.i18n.messages import run_message
from app.jobs.encoding import float32_base64
from app.jobs.surface_race import RunResult, build_surface, run_race, start_point
from app.jobs.workers import run_cpu
from app.routes.errors import ERROR_RESPONSES, QUERY_ERROR_RESPONSES
from app.routes.responses import GridOut, OutcomeOut, SurfaceOut
from app.schema.fields import param
from app.schema.surface_experiment import MAX_EXPRESSION, SurfaceExperiment, SurfaceName

router = APIRouter(prefix="/api", tags=["surface"])
MAX_GRID = 200


class RunSummaryOut(BaseModel):
    final_loss: float | None
    distance_to_minimum: float | None
    steps_to_tolerance: int | None


class RunOut(BaseModel):
    """One trajectory: ``points[k]`` after k updates, ``losses[k] = f(points[k])``."""

    optimizer: str
    points: list[Annotated[list[float], Field(min_length=2, max_length=2)]]
    losses: list[float]
    status: Literal["ok", "diverged", "off"]
    diverged_at: int | None
    outcome: OutcomeOut | None = None
    summary: RunSummaryOut


class RaceOut(BaseModel):
    start: tuple[float, float]
    runs: list[RunOut]


class GridQuery(BaseModel):
    """Which surface to sample for the contour, and how finely."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    surface: SurfaceName = param("rosenbrock", url="f")
    expression: str | None = param(None, url="expr", max_length=MAX_EXPRESSION)
    condition_number: float = param(10.0, url="k", ge=1, le=1000)
    xmin: float | None = param(None, url="x1", ge=-1e4, le=1e4)
    xmax: float | None = param(None, url="x2", ge=-1e4, le=1e4)
    ymin: float | None = param(None, url="y1", ge=-1e4, le=1e4)
    ymax: float | None = param(None, url="y2", ge=-1e4, le=1e4)
    n: int = param(120, url="n", ge=10, le=MAX_GRID)


def _out(result: RunResult, start: tuple[float, float]) -> RunOut:
    outcome = run_message(result.status, result.diverged_at, start)
    return RunOut(optimizer=result.optimizer, points=[list(p) for p in result.points],
                  losses=result.losses, status=result.status, diverged_at=result.diverged_at,
                  outcome=OutcomeOut.model_validate(outcome) if outcome else None,
                  summary=RunSummaryOut.model_validate(result.summary.to_dict()))


@router.post("/surface/run", response_model=RaceOut, responses=ERROR_RESPONSES)
async def run_surface(experiment: SurfaceExperiment) -> RaceOut:
    """Run every optimizer of the experiment on its surface and return the trajectories."""
    def compute() -> RaceOut:
        surface = build_surface(experiment)
        results = run_race(experiment)
        start = start_point(experiment, surface)
        return RaceOut(start=start, runs=[_out(r, start) for r in results])

    return await run_cpu(compute)


@router.get("/surfaces", response_model=list[SurfaceOut])
async def list_surfaces() -> list[dict[str, Any]]:
    """Every built-in surface: labels (es/en), formula, window, minima, log-scale advice."""
    return [make_surface(name).describe() for name in SURFACES]


@router.get("/surface/grid", response_model=GridOut, responses=QUERY_ERROR_RESPONSES)
async def surface_grid(query: Annotated[GridQuery, Query()]) -> dict[str, Any]:
    """f on an n×n grid over the window; ``z`` is base64 little-endian float32, row-major."""
    experiment = None
    if query.surface == "custom":
        try:
            experiment = SurfaceExperiment(
                surface="custom", expression=query.expression,
                condition_number=query.condition_number, window=_window(query),
            )
        except ValidationError as error:
            raise RequestValidationError(
                [{**e, "loc": ("query", *e["loc"])} for e in error.errors()]) from None

    def compute() -> dict[str, Any]:
        if experiment is not None:
            surface = build_surface(experiment)
        elif query.surface == "quadratic":
            surface = make_surface("quadratic", condition_number=query.condition_number)
        else:
            surface = make_surface(query.surface)
        window = _window(query) or surface.window
        xs = np.linspace(window[0], window[1], query.n)
        ys = np.linspace(window[2], window[3], query.n)
        with np.errstate(all="ignore"):
            z = surface.value(xs[None, :], ys[:, None])
        return {"surface": surface.describe(), "window": list(window), "nx": query.n,
                "ny": query.n, "x": xs.tolist(), "y": ys.tolist(),
                "z": float32_base64(z)}

    return await run_cpu(compute)


def _window(query: GridQuery) -> tuple[float, float, float, float] | None:
    values = (query.xmin, query.xmax, query.ymin, query.ymax)
    if any(v is None for v in values):
        return None
    xmin, xmax, ymin, ymax = (float(v) for v in values if v is not None)
    if not (xmin < xmax and ymin < ymax):
        return None
    return xmin, xmax, ymin, ymax
