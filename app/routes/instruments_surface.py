"""JSON API of the optimizer instruments: an optimizer's anatomy, schedule curves (a race's
and an MLP run's), fair races."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.jobs.explain import explain
from app.jobs.schedule_curve import learning_rates, mlp_schedule
from app.jobs.tune import tune
from app.jobs.workers import run_cpu
from app.routes.errors import ERROR_RESPONSES
from app.schema.instruments import ExplainExperiment, ScheduleCurve
from app.schema.mlp_experiment import MlpExperiment
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
    parts: dict[str, NullablePair] = Field(
        description="the update's pieces: moment (first moment or velocity as a displacement), "
        "scale (adaptive per-axis factor), m_hat and v_hat (bias-corrected moments)")


class ExplainOut(BaseModel):
    """Every update of the run, up to where the race stops it (``diverged_at``);
    ``keras`` is false for a run stepped without bias correction (not Keras' rule)."""

    steps: list[ExplainedStepOut]
    status: Literal["ok", "diverged"]
    diverged_at: int | None
    has_bias_correction: bool
    keras: bool


class ScheduleOut(BaseModel):
    """``learning_rate[t − 1]`` is the rate update t uses."""

    learning_rate: list[float]


class MlpScheduleOut(BaseModel):
    """``learning_rate[i]`` is the rate of update ``updates[i]`` (1-based, sampled over the
    run's ``total_steps`` = epochs × ``steps_per_epoch``); ``changes``: the updates where a
    piecewise schedule's rate changes."""

    steps_per_epoch: int
    total_steps: int
    updates: list[int]
    learning_rate: list[float]
    changes: list[int]


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
        result = explain(experiment, bias_correction=experiment.bias_correction,
                         stream=experiment.run_index)
        steps = [ExplainedStepOut(step=s.step, point=list(s.point), gradient=list(s.gradient),
                                  learning_rate=s.learning_rate,
                                  slots={k: list(v) for k, v in s.slots.items()},
                                  update=list(s.update),
                                  parts={k: list(v) for k, v in s.parts.items()})
                 for s in result.steps]
        return ExplainOut(steps=steps, status=result.status, diverged_at=result.diverged_at,
                          has_bias_correction=result.has_bias_correction, keras=result.keras)

    return await run_cpu(compute)


@router.post("/schedule", response_model=ScheduleOut, responses=ERROR_RESPONSES)
async def schedule_curve(curve: ScheduleCurve) -> ScheduleOut:
    """The learning rate of every update, from the schedule code that trains."""
    rates = await run_cpu(learning_rates, curve)
    return ScheduleOut(learning_rate=rates.tolist())


@router.post("/mlp/schedule", response_model=MlpScheduleOut, responses=ERROR_RESPONSES)
async def mlp_schedule_curve(experiment: MlpExperiment) -> MlpScheduleOut:
    """An MLP run's learning rate over its updates, from the schedule code that trains."""
    curve = await run_cpu(mlp_schedule, experiment)
    return MlpScheduleOut(steps_per_epoch=curve.steps_per_epoch, total_steps=curve.total_steps,
                          updates=curve.updates, learning_rate=curve.learning_rate,
                          changes=curve.changes)


@router.post("/surface/tune", response_model=TuneOut, responses=ERROR_RESPONSES)
async def tune_race(experiment: SurfaceExperiment) -> TuneOut:
    """Each enabled run's learning rate with the lowest final loss, from one sweep per run."""
    def compute() -> TuneOut:
        return TuneOut(runs=[TunedRunOut(optimizer=r.optimizer, learning_rate=r.learning_rate,
                                         final_loss=r.final_loss, status=r.status)
                             for r in tune(experiment)])

    return await run_cpu(compute)
