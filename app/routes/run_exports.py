"""Runs as CSV downloads: the body of ``/api/surface/run`` or ``/api/mlp/run``, as a table."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from app.jobs.mlp_run import oversize_error, run_training
from app.jobs.run_tables import MLP_COLUMNS, SURFACE_COLUMNS, mlp_rows, surface_rows, to_csv
from app.jobs.surface_race import run_race
from app.jobs.workers import run_cpu
from app.routes.errors import JSON_ERROR_RESPONSES
from app.schema.mlp_experiment import MlpExperiment
from app.schema.surface_experiment import SurfaceExperiment

router = APIRouter(prefix="/api", tags=["export"])

class CsvFile(Response):
    """A CSV table (the OpenAPI description says ``text/csv``)."""

    media_type = "text/csv"


CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A CSV table, one row per step",
          "content": {"text/csv": {"schema": {"type": "string"}}}},
    **JSON_ERROR_RESPONSES}


def _csv(text: str, name: str) -> Response:
    return CsvFile(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/surface/export/csv", response_class=CsvFile, responses=CSV_RESPONSES)
async def export_surface_csv(experiment: SurfaceExperiment) -> Response:
    """The race of ``/api/surface/run`` as ``run,optimizer,step,x,y,loss`` (run = index in
    ``runs``; step 0 = the start; a diverged run stops at its last finite point)."""
    def compute() -> str:
        rows = surface_rows(run_race(experiment))
        return to_csv(SURFACE_COLUMNS, rows)

    return _csv(await run_cpu(compute), "descenso_surface_run.csv")


@router.post("/mlp/export/csv", response_class=CsvFile, responses=CSV_RESPONSES)
async def export_mlp_csv(experiment: MlpExperiment) -> Response:
    """The training of ``/api/mlp/run`` as ``epoch,step,train_loss,test_loss,train_metric,
    test_metric,learning_rate`` (epoch 0 = before training; a non-finite value is empty)."""
    error = oversize_error(experiment)
    if error is not None:
        raise RequestValidationError([error])

    def compute() -> str:
        rows = mlp_rows(run_training(experiment)["epochs"])
        return to_csv(MLP_COLUMNS, rows)

    return _csv(await run_cpu(compute), "descenso_mlp_run.csv")
