"""JSON API of the hyperparameter map."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.jobs.hyper_map import run_map
from app.jobs.workers import run_cpu
from app.routes.errors import ERROR_RESPONSES
from app.routes.responses import MapOut
from app.schema.map_experiment import MapExperiment

router = APIRouter(prefix="/api/map", tags=["map"])


@router.post("/run", response_model=MapOut, responses=ERROR_RESPONSES)
async def map_run(experiment: MapExperiment) -> dict[str, Any]:
    """Run every cell; grids are base64 little-endian float32, row-major (ny × nx)."""
    result = await run_cpu(run_map, experiment)
    return result.to_json()

