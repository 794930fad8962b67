"""The bodies of the surface instruments: an optimizer's anatomy (one run of a race) and a
schedule's learning-rate curve. The race body itself (``SurfaceExperiment``) serves the tuner."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.schema.invalid import invalid
from app.schema.optimizer_spec import MAX_LEARNING_RATE, MIN_LEARNING_RATE, ScheduleSpec
from app.schema.surface_experiment import MAX_RUNS, RunSpec, SurfaceExperiment

MAX_SCHEDULE_STEPS = 100_000
"""The longest curve ``/api/schedule`` draws (an MLP run's updates may exceed a race's)."""


class ExplainExperiment(SurfaceExperiment):
    """A race of exactly one run, explained update by update."""

    run_index: int = Field(
        0, ge=0, lt=MAX_RUNS, description="the run's place in its race: with noise, run i of a "
        "race draws from generator [seed, i], so explaining it needs its index")
    bias_correction: bool = Field(
        True, description="false: step Adam, AdamW, Adamax or Nadam without bias correction "
        "(the ghost path; not Keras). Other optimizers have none to remove.")

    @field_validator("runs")
    @classmethod
    def _one_run(cls, runs: list[RunSpec]) -> list[RunSpec]:
        if len(runs) != 1:
            raise invalid("explain_one_run", f"explain takes exactly one run (got {len(runs)})",
                          count=len(runs), field="runs")
        return runs


class ScheduleCurve(BaseModel):
    """A run's learning rate and schedule, and how many updates to draw."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    learning_rate: float = Field(0.1, ge=MIN_LEARNING_RATE, le=MAX_LEARNING_RATE,
                                 description="η0, the run's learning_rate")
    schedule: ScheduleSpec = Field(default_factory=ScheduleSpec)
    steps: int = Field(300, ge=1, le=MAX_SCHEDULE_STEPS, description="number of updates")
