"""A schedule's learning-rate curve, from the schedule code that trains: a race's (every update)
and an MLP run's (sampled over its updates, with the updates where a piecewise rate changes)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.core.datasets import train_size
from app.schema.instruments import ScheduleCurve
from app.schema.mlp_experiment import MlpExperiment
from app.schema.optimizer_spec import ScheduleSpec

MLP_CURVE_POINTS = 600
"""How many updates an MLP run's curve samples (plus two around each piecewise boundary)."""


def _rates(schedule: ScheduleSpec, learning_rate: float, total: int,
           iterations: NDArray[np.int64]) -> NDArray[np.float64]:
    built = schedule.build(learning_rate, total)
    with np.errstate(all="ignore"):
        rates = built(iterations) if callable(built) else np.full(len(iterations), built)
    return np.broadcast_to(np.asarray(rates, dtype=np.float64), iterations.shape)


def learning_rates(curve: ScheduleCurve) -> NDArray[np.float64]:
    """η_1 … η_steps: η_t is the rate of update t, i.e. the schedule at optimizer step t − 1
    (Keras calls the schedule with ``iterations`` before incrementing it)."""
    return _rates(curve.schedule, curve.learning_rate, curve.steps, np.arange(curve.steps))


@dataclass(frozen=True)
class MlpScheduleCurve:
    """``learning_rate[i]`` is the rate of update ``updates[i]`` (1-based); ``changes``: the
    updates whose rate differs from the previous update's (piecewise schedules only)."""

    steps_per_epoch: int
    total_steps: int
    updates: list[int]
    learning_rate: list[float]
    changes: list[int]


def mlp_schedule(experiment: MlpExperiment) -> MlpScheduleCurve:
    """The run's rate over its ``epochs × steps_per_epoch`` updates (as the trainer builds it)."""
    spec = experiment.optimizer
    per_epoch = -(-train_size(experiment.dataset.size(), experiment.dataset.train_ratio)
                  // experiment.batch_size)
    total = experiment.epochs * per_epoch
    lr = float(spec.hyperparameters()["learning_rate"])
    sampled = np.linspace(0, total - 1, min(total, MLP_CURVE_POINTS)).round().astype(np.int64)
    around = []
    if spec.schedule.name == "piecewise":
        around = [b + d for b in spec.schedule.boundaries for d in (0, 1)]
    iterations = np.unique(np.concatenate([sampled, np.clip(around, 0, total - 1)]).astype(
        np.int64))
    rates = _rates(spec.schedule, lr, total, iterations)
    changes = []
    if spec.schedule.name == "piecewise":
        step = (np.diff(iterations) == 1) & (rates[1:] != rates[:-1])
        changes = [int(i) + 1 for i in iterations[1:][step]]
    return MlpScheduleCurve(steps_per_epoch=per_epoch, total_steps=total,
                            updates=[int(i) + 1 for i in iterations],
                            learning_rate=rates.tolist(),
                            changes=changes)
