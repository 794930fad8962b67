"""A whole training in one request: what ``/api/mlp/run`` and its CSV export both answer."""

from __future__ import annotations

from typing import Any

from app.i18n.messages import epoch_outcome
from app.jobs.mlp_training import MlpTraining
from app.schema.mlp_experiment import MlpExperiment

MAX_REQUEST_STEPS = 250_000


def request_steps(experiment: MlpExperiment) -> int:
    """Training steps the experiment takes: epochs × batches per epoch."""
    train_size = (experiment.dataset.samples if experiment.dataset.name != "csv"
                  else len(experiment.dataset.points or ()))
    batches = -(-int(train_size * experiment.dataset.train_ratio) // experiment.batch_size)
    return experiment.epochs * batches


def oversize_reason(experiment: MlpExperiment) -> str | None:
    """Why one request may not run this training (too many steps), or None."""
    steps = request_steps(experiment)
    if steps <= MAX_REQUEST_STEPS:
        return None
    return (f"epochs × batches per epoch = {steps:,} exceeds {MAX_REQUEST_STEPS:,} steps for "
            "one request; stream it over /ws/mlp")


def oversize_error(experiment: MlpExperiment) -> dict[str, Any] | None:
    """The validation error (code ``too_many_steps`` with its numbers) for a too-long request."""
    reason = oversize_reason(experiment)
    if reason is None:
        return None
    return {"loc": ("body", "epochs"), "type": "too_many_steps",
            "ctx": {"steps": request_steps(experiment), "max": MAX_REQUEST_STEPS}, "msg": reason}


def run_training(experiment: MlpExperiment) -> dict[str, Any]:
    """Train to the end: task, loss name, status and the metrics of every epoch (0 = before)."""
    training = MlpTraining(experiment)
    frames = list(training.frames())
    last = frames[-1]
    return {"task": training.data.task, "loss": training.loss_name,
            "status": last.status, "diverged_at": last.diverged_at,
            "outcome": epoch_outcome(last.status, last.diverged_at),
            "epochs": [f.metrics() for f in frames]}
