"""JSON API of the MLP playground: whole trainings, CSV upload, code export, the schema."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse

from app.core.csv_points import MAX_BYTES, CsvError, parse_csv
from app.export import MAX_EXPORT_EPOCHS, keras_script, torch_script
from app.i18n.messages import csv_message
from app.jobs.mlp_run import oversize_error, run_training
from app.jobs.workers import run_cpu
from app.routes.errors import ERROR_RESPONSES, JSON_ERROR_RESPONSES
from app.routes.responses import CsvErrorOut, CsvPointsOut, MlpRunOut
from app.schema.mlp_experiment import MlpExperiment
from app.schema.served import page_default_mlp

__all__ = ["page_default_mlp", "router"]  # page_default_mlp: moved to app.schema.served

router = APIRouter(prefix="/api/mlp", tags=["mlp"])

@router.post("/run", response_model=MlpRunOut, responses=ERROR_RESPONSES)
async def run_mlp(experiment: MlpExperiment) -> dict[str, Any]:
    """Train the network and return the metrics of every epoch (epoch 0 = before training).

    One request may take at most 250,000 training steps (epochs × batches per epoch); longer
    trainings stream over the WebSocket, where they share the server fairly."""
    error = oversize_error(experiment)
    if error is not None:
        raise RequestValidationError([error])
    return await run_cpu(run_training, experiment)


CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"model": CsvErrorOut, "description": f"The file is larger than {MAX_BYTES:,} bytes"},
    422: {"model": CsvErrorOut, "description": "Rows that cannot be read (up to 20 listed)"},
}
CSV_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string", "maxLength": MAX_BYTES}}}}}


@router.post("/csv", response_model=CsvPointsOut, responses=CSV_RESPONSES,
             openapi_extra=CSV_BODY)
async def upload_csv(request: Request) -> dict[str, Any]:
    """Parse a CSV of points sent as the request body (x1, x2, label or target).

    422 lists every bad row (up to 20), with its line number, column and reason."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise HTTPException(status_code=413, detail={"errors": [{
                "row": None, "column": None, "code": "csv.too_large",
                "params": {"max": MAX_BYTES},
                "message": f"the file is larger than {MAX_BYTES} bytes"}]})
        chunks.append(chunk)
    data = b"".join(chunks)
    try:
        parsed = parse_csv(data)
    except CsvError as error:
        raise HTTPException(status_code=422, detail=csv_error_detail(error)) from None
    points = [[float(a), float(b), float(c)]
              for (a, b), c in zip(parsed.x.tolist(), parsed.y.tolist(), strict=True)]
    return {"points": points, "task": parsed.task, "n_classes": parsed.n_classes,
            "rows": len(points), "has_header": parsed.has_header}


def csv_error_detail(error: CsvError) -> dict[str, Any]:
    """The 422 body of a refused CSV: each row error with its catalog code and params (the
    parser's own code becomes ``csv.<code>``; ``message`` stays English)."""
    errors = []
    for row_error in error.errors:
        code, params = csv_message(row_error.code, row_error.row, row_error.column)
        errors.append({**row_error.to_dict(), "code": code, "params": params})
    return {"errors": errors, "truncated": error.truncated}


class PythonScript(PlainTextResponse):
    """A Python source file (the OpenAPI description says ``text/x-python``)."""

    media_type = "text/x-python"


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A self-contained Python script"}, **JSON_ERROR_RESPONSES}


ExportEpochs = Annotated[int | None, Query(ge=1, le=MAX_EXPORT_EPOCHS,
                                           description="epochs to export (default: all, ≤ 200)")]
ScriptLanguage = Annotated[Literal["es", "en"], Query(
    description="language of the script's comments and docstrings (the code is the same); "
                "default en (payload.SCRIPT_LANGUAGE)")]


async def _export_script(kind: str, experiment: MlpExperiment, epochs_to_export: int | None,
                         lang: str) -> PythonScript:
    generate = keras_script if kind == "keras" else torch_script
    source = await run_cpu(generate, experiment, epochs_to_export, lang)
    return PythonScript(source, headers={
        "Content-Disposition": f'attachment; filename="descenso_mlp_{kind}.py"'})


@router.post("/export/keras", response_class=PythonScript, responses=EXPORT_RESPONSES)
async def export_keras(experiment: MlpExperiment, epochs_to_export: ExportEpochs = None,
                       lang: ScriptLanguage = "en") -> PythonScript:
    """A Keras 3 script (numpy + keras) that retrains the network on the same data, initial
    weights and minibatches and prints the loss of each epoch; epochs_to_export defaults to the
    experiment's epochs, at most 200; lang (en, es) is the language of its comments."""
    return await _export_script("keras", experiment, epochs_to_export, lang)


@router.post("/export/torch", response_class=PythonScript, responses=EXPORT_RESPONSES)
async def export_torch(experiment: MlpExperiment, epochs_to_export: ExportEpochs = None,
                       lang: ScriptLanguage = "en") -> PythonScript:
    """The same as a PyTorch script (numpy + torch), with Keras' update rules written out."""
    return await _export_script("torch", experiment, epochs_to_export, lang)
