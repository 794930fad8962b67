"""JSON API of the surface instruments: an optimizer's anatomy, schedule curves, fair races."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.jobs.explain import explain
from app.jobs.schedule_curve import learning_rates
from app.jobs.tune import tune
from app.jobs.workers import run_cpu
from app.routes.errors import ERROR_RESPONSES
from app.schema.instruments import ExplainExperiment, ScheduleCurve
from app.schema.surface_experiment import SurfaceExperiment

router = APIRouter(prefix="/api", tags=["instruments"])

Pair = Annotated[list[float], Field(min_length=2, max_length=2)]
NullablePair = Annotated[list[float | None], Field(min_length=2, max_length=2)]


class ExplainedStepOut(BaseModel):
    """Update ``step``: ``point`` before it, ``point + update`` after it; ``gradient`` as the
    update used it (after noise and clipping); ``slots`` after it, under Keras' variable names
    (``momentum``, ``velocity``, ``velocity_hat``, ``accumulator``, ``average_gradient``,
    ``norm``). ``null`` stands for a value that is not a finite number."""

    step: int
    point: Pair
    gradient: NullablePair
    learning_rate: float
    slots: dict[str, NullablePair]
    update: Pair


class ExplainOut(BaseModel):
    """Every update of the run, up to where the race stops it (``diverged_at``)."""

    steps: list[ExplainedStepOut]
    status: Literal["ok", "diverged"]
    diverged_at: int | None


class ScheduleOut(BaseModel):
    """``learning_rate[t − 1]`` is the rate update t uses."""

    learning_rate: list[float]


class TunedRunOut(BaseModel):
    """A run's best rate on the grid and its final loss there (``null``: every rate diverged,
    or the run is off, and the run keeps its own rate)."""

    optimizer: str
    learning_rate: float
    final_loss: float | None
    status: Literal["tuned", "diverged", "off"]


class TuneOut(BaseModel):
    runs: list[TunedRunOut]


@router.post("/surface/explain", response_model=ExplainOut, responses=ERROR_RESPONSES)
async def explain_run(experiment: ExplainExperiment) -> ExplainOut:
    """The race's only run update by update: point, gradient, learning rate, slots, step."""
    def compute() -> ExplainOut:
        result = explain(experiment)
        steps = [ExplainedStepOut(step=s.step, point=list(s.point), gradient=list(s.gradient),
                                  learning_rate=s.learning_rate,
                                  slots={k: list(v) for k, v in s.slots.items()},
                                  update=list(s.update)) for s in result.steps]
        return ExplainOut(steps=steps, status=result.status, diverged_at=result.diverged_at)

    return await run_cpu(compute)


@router.post("/schedule", response_model=ScheduleOut, responses=ERROR_RESPONSES)
async def schedule_curve(curve: ScheduleCurve) -> ScheduleOut:
    """The learning rate of every update, from the schedule code that trains."""
    rates = await run_cpu(learning_rates, curve)
    return ScheduleOut(learning_rate=rates.tolist())


@router.post("/surface/tune", response_model=TuneOut, responses=ERROR_RESPONSES)
async def tune_race(experiment: SurfaceExperiment) -> TuneOut:
    """Each enabled run's learning rate with the lowest final loss, from one sweep per run."""
    def compute() -> TuneOut:
        return TuneOut(runs=[TunedRunOut(optimizer=r.optimizer, learning_rate=r.learning_rate,
                                         final_loss=r.final_loss, status=r.status)
                             for r in tune(experiment)])

    return await run_cpu(compute)
