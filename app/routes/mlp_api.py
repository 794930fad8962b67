"""JSON API of the MLP playground: whole trainings, CSV upload, code export, the schema."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse

from app.core.csv_points import MAX_BYTES, CsvError, parse_csv
from app.core.optimizers import DEFAULTS
from app.export import MAX_EXPORT_EPOCHS, keras_script, torch_script
from app.jobs.mlp_training import MlpTraining
from app.jobs.workers import run_cpu
from app.schema.controls import describe, optimizer_catalog
from app.schema.mlp_experiment import MlpExperiment
from app.schema.mlp_rules import mlp_rules
from app.schema.url_codec import encode

router = APIRouter(prefix="/api/mlp", tags=["mlp"])


def page_default_mlp() -> MlpExperiment:
    """The network a fresh page shows: Playground's spiral, two tanh layers, Adam."""
    return MlpExperiment().model_copy(update={
        "optimizer": MlpExperiment().optimizer.resolved()})


MAX_REQUEST_STEPS = 250_000


@router.post("/run")
async def run_mlp(experiment: MlpExperiment) -> dict[str, Any]:
    """Train the network and return the metrics of every epoch (epoch 0 = before training).

    One request may take at most 250,000 training steps (epochs × batches per epoch); longer
    trainings stream over the WebSocket, where they share the server fairly."""
    train_size = (experiment.dataset.samples if experiment.dataset.name != "csv"
                  else len(experiment.dataset.points or ()))
    batches = -(-int(train_size * experiment.dataset.train_ratio) // experiment.batch_size)
    if experiment.epochs * batches > MAX_REQUEST_STEPS:
        raise RequestValidationError([{
            "loc": ("body", "epochs"), "type": "value_error",
            "msg": f"epochs × batches per epoch = {experiment.epochs * batches:,} exceeds "
                   f"{MAX_REQUEST_STEPS:,} steps for one request; stream it over /ws/mlp"}])

    def compute() -> dict[str, Any]:
        training = MlpTraining(experiment)
        frames = list(training.frames())
        last = frames[-1]
        return {"task": training.data.task, "loss": training.loss_name,
                "status": last.status, "diverged_at": last.diverged_at,
                "epochs": [f.metrics() for f in frames]}

    return await run_cpu(compute)


@router.post("/csv")
async def upload_csv(request: Request) -> dict[str, Any]:
    """Parse a CSV of points sent as the request body (x1, x2, label or target).

    422 lists every bad row (up to 20), with its line number, column and reason."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise HTTPException(status_code=413, detail={"errors": [{
                "row": None, "column": None, "code": "too_large",
                "message": f"the file is larger than {MAX_BYTES} bytes"}]})
        chunks.append(chunk)
    data = b"".join(chunks)
    try:
        parsed = parse_csv(data)
    except CsvError as error:
        raise HTTPException(status_code=422, detail=error.to_dict()) from None
    points = [[float(a), float(b), float(c)]
              for (a, b), c in zip(parsed.x.tolist(), parsed.y.tolist(), strict=True)]
    return {"points": points, "task": parsed.task, "n_classes": parsed.n_classes,
            "rows": len(points), "has_header": parsed.has_header}


@router.get("/schema")
async def mlp_schema() -> dict[str, Any]:
    """The controls the MLP page draws and the default experiment."""
    default = page_default_mlp()
    return {"experiment": describe(MlpExperiment), "optimizers": optimizer_catalog(),
            "default": default.model_dump(mode="json"), "default_query": encode(default),
            "hyperparameters": {name: sorted(d) for name, d in DEFAULTS.items()},
            "rules": mlp_rules()}


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A self-contained Python script", "content": {"text/x-python": {}}}}


ExportEpochs = Annotated[int | None, Query(ge=1, le=MAX_EXPORT_EPOCHS,
                                           description="epochs to export (default: all, ≤ 200)")]


async def _export_script(kind: str, experiment: MlpExperiment,
                         epochs_to_export: int | None) -> PlainTextResponse:
    generate = keras_script if kind == "keras" else torch_script
    source = await run_cpu(generate, experiment, epochs_to_export)
    return PlainTextResponse(source, media_type="text/x-python", headers={
        "Content-Disposition": f'attachment; filename="descenso_mlp_{kind}.py"'})


@router.post("/export/keras", response_model=None, responses=EXPORT_RESPONSES)
async def export_keras(experiment: MlpExperiment,
                       epochs_to_export: ExportEpochs = None) -> PlainTextResponse:
    """A Keras 3 script (numpy + keras) that retrains the network on the same data, initial
    weights and minibatches and prints the loss of each epoch; epochs_to_export defaults to the
    experiment's epochs, at most 200."""
    return await _export_script("keras", experiment, epochs_to_export)


@router.post("/export/torch", response_model=None, responses=EXPORT_RESPONSES)
async def export_torch(experiment: MlpExperiment,
                       epochs_to_export: ExportEpochs = None) -> PlainTextResponse:
    """The same as a PyTorch script (numpy + torch), with Keras' update rules written out."""
    return await _export_script("torch", experiment, epochs_to_export)
