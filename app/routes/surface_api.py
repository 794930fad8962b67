"""JSON API of the surface playground: surfaces, contour grids, whole races, the schema."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.surfaces import SURFACES, make_surface
from app.jobs.surface_race import RunResult, build_surface, run_race, start_point
from app.jobs.workers import run_cpu
from app.schema.controls import describe, optimizer_catalog
from app.schema.fields import param
from app.schema.surface_experiment import (
    MAX_EXPRESSION,
    SurfaceExperiment,
    SurfaceName,
    SurfaceView,
    page_default_experiment,
)
from app.schema.surface_rules import custom_formula
from app.schema.url_codec import encode

router = APIRouter(prefix="/api", tags=["surface"])
MAX_GRID = 200


class RunSummaryOut(BaseModel):
    final_loss: float | None
    distance_to_minimum: float | None
    steps_to_tolerance: int | None


class RunOut(BaseModel):
    """One trajectory: ``points[k]`` after k updates, ``losses[k] = f(points[k])``."""

    optimizer: str
    points: list[tuple[float, float]]
    losses: list[float]
    status: Literal["ok", "diverged", "off"]
    diverged_at: int | None
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


def _out(result: RunResult) -> RunOut:
    return RunOut(optimizer=result.optimizer, points=result.points, losses=result.losses,
                  status=result.status, diverged_at=result.diverged_at,
                  summary=RunSummaryOut.model_validate(result.summary.to_dict()))


@router.post("/surface/run", response_model=RaceOut)
async def run_surface(experiment: SurfaceExperiment) -> RaceOut:
    """Run every optimizer of the experiment on its surface and return the trajectories."""
    def compute() -> RaceOut:
        surface = build_surface(experiment)
        results = run_race(experiment)
        return RaceOut(start=start_point(experiment, surface), runs=[_out(r) for r in results])

    return await run_cpu(compute)


@router.get("/surfaces")
async def list_surfaces() -> list[dict[str, Any]]:
    """Every built-in surface: labels (es/en), formula, window, minima, log-scale advice."""
    return [make_surface(name).describe() for name in SURFACES]


@router.get("/surface/grid")
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
            z = surface.value(xs[None, :], ys[:, None]).astype("<f4")
        return {"surface": surface.describe(), "window": list(window), "nx": query.n,
                "ny": query.n, "x": xs.tolist(), "y": ys.tolist(),
                "z": base64.b64encode(z.tobytes()).decode("ascii")}

    return await run_cpu(compute)


def _window(query: GridQuery) -> tuple[float, float, float, float] | None:
    values = (query.xmin, query.xmax, query.ymin, query.ymax)
    if any(v is None for v in values):
        return None
    xmin, xmax, ymin, ymax = (float(v) for v in values if v is not None)
    if not (xmin < xmax and ymin < ymax):
        return None
    return xmin, xmax, ymin, ymax


@router.get("/schema/surface")
async def surface_schema() -> dict[str, Any]:
    """The controls the page draws, the optimizers' Keras facts and the default race."""
    default = page_default_experiment()
    return {
        "experiment": describe(SurfaceExperiment),
        "view": describe(SurfaceView),
        "optimizers": optimizer_catalog(),
        "default": default.model_dump(mode="json"),
        "default_query": encode(default) + encode(SurfaceView()),
        "custom": custom_formula(),
    }
