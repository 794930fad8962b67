"""Fair races: each enabled run's learning rate tuned by one vectorized sweep.

Per run, every candidate rate is a run of its own: the points of all candidates form one
``(rates, 2)`` param and the optimizer gets ``run_axes=1`` with one learning rate per row
(its schedule, if any, starts from each row's rate), so clipping, schedules and weight decay
act per candidate exactly as in a single race. The candidates step as the race steps the run
(same noise generator: every candidate sees the race's noise), and a candidate that diverges
(the race's rule) scores +inf. The rate with the lowest final loss wins; ties go to the
smaller rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from app.core.optimizers import OPTIMIZERS
from app.jobs.surface_race import DIVERGENCE_BOUND, build_surface, start_point
from app.schema.optimizer_spec import MAX_LEARNING_RATE
from app.schema.surface_experiment import RunSpec, SurfaceExperiment

TUNE_GRID = np.geomspace(1e-5, MAX_LEARNING_RATE, 49)
"""The swept rates (8 per decade from 1e-5 to the schema's cap), plus each run's own."""


@dataclass(frozen=True)
class TunedRun:
    """One run's best rate and its final loss (``None``: every rate diverged, or the run is
    off; the run keeps its own rate then)."""

    optimizer: str
    learning_rate: float
    final_loss: float | None
    status: Literal["tuned", "diverged", "off"]


def own_rate(spec: RunSpec) -> float:
    """The run's learning rate, the Keras default where it names none."""
    return float(spec.hyperparameters()["learning_rate"])


def candidate_rates(spec: RunSpec) -> NDArray[np.float64]:
    """The grid, the run's own rate and its optimizer's page rate, sorted, without repeats."""
    extra = [own_rate(spec), OPTIMIZERS[spec.optimizer].page_learning_rate]
    return np.unique(np.concatenate([TUNE_GRID, extra]))


def sweep(experiment: SurfaceExperiment, index: int,
          rates: NDArray[np.float64]) -> NDArray[np.float64]:
    """The final loss of run ``index`` at each rate (+inf where it diverged)."""
    surface = build_surface(experiment)
    spec = experiment.runs[index]
    count = len(rates)
    optimizer = spec.build(total_steps=experiment.steps, run_axes=1)
    optimizer.set_hyperparameters(learning_rate=spec.schedule.build(rates, experiment.steps))
    rng = np.random.default_rng([experiment.seed, index])  # the race's generator for this run
    points = np.tile(np.array(start_point(experiment, surface), dtype=np.float64), (count, 1))
    final = np.full(count, np.inf)
    with np.errstate(all="ignore"):
        loss = surface.value_at(points)
        alive = np.isfinite(loss)
        for _ in range(experiment.steps):
            if not alive.any():
                break
            grads = surface.gradient_at(points)
            if experiment.noise > 0:
                grads = grads + experiment.noise * rng.standard_normal(2)
            grads[~alive] = 0.0
            broken = ~np.isfinite(grads).all(axis=1)
            grads[broken] = 0.0
            optimizer.apply([grads], [points])
            loss = surface.value_at(points)
            alive &= ~broken & np.isfinite(loss) & np.all(np.abs(points) <= DIVERGENCE_BOUND,
                                                          axis=1)
        final[alive] = loss[alive]
    return final


def tune(experiment: SurfaceExperiment) -> list[TunedRun]:
    """Every run in order: enabled ones tuned, disabled ones reported ``off``."""
    out = []
    for index, spec in enumerate(experiment.runs):
        own = own_rate(spec)
        if not spec.enabled:
            out.append(TunedRun(spec.optimizer, own, None, "off"))
            continue
        rates = candidate_rates(spec)
        final = sweep(experiment, index, rates)
        best = int(np.argmin(final))  # the first of equal losses: the smaller rate
        if not np.isfinite(final[best]):
            out.append(TunedRun(spec.optimizer, own, None, "diverged"))
        else:
            out.append(TunedRun(spec.optimizer, float(rates[best]), float(final[best]), "tuned"))
    return out
