"""JSON API of the hyperparameter map."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.jobs.hyper_map import run_map
from app.jobs.workers import run_cpu
from app.schema.controls import describe
from app.schema.map_experiment import MapExperiment
from app.schema.surface_rules import custom_formula
from app.schema.url_codec import encode

router = APIRouter(prefix="/api/map", tags=["map"])


@router.post("/run")
async def map_run(experiment: MapExperiment) -> dict[str, Any]:
    """Run every cell; grids are base64 little-endian float32, row-major (ny × nx)."""
    result = await run_cpu(run_map, experiment)
    return result.to_json()


@router.get("/schema")
async def map_schema() -> dict[str, Any]:
    """The controls the map page draws and the default map."""
    default = MapExperiment()
    return {"experiment": describe(MapExperiment), "default": default.model_dump(mode="json"),
            "default_query": encode(default), "custom": custom_formula()}
