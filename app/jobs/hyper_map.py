"""The hyperparameter map: every cell of a learning-rate × second-hyperparameter grid is a run,
and all runs step together — one array per optimizer slot, no Python loop over runs.

A run is a cell: x and y are two ``(ny, nx)`` params, the optimizer gets ``run_axes=2`` and
per-run arrays of learning rate ``(1, nx)`` and of the second hyperparameter ``(ny, 1)``, so
clipping, schedules and weight decay apply per run exactly as in a single race. A run that
leaves the finite world (or ±1e10) has its step recorded and gets no more gradient; it has no
final loss. A function that is not finite at the start point takes no step at all: every cell
"diverges" at step 0 and the result carries the ``run.undefined_start`` outcome, as a race does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.i18n.messages import run_message
from app.jobs.encoding import float32_base64
from app.jobs.surface_race import DIVERGENCE_BOUND, build_surface, start_point
from app.schema.map_experiment import LOG_AXES, MapExperiment


@dataclass
class MapResult:
    """Per cell (row = second hyperparameter, column = learning rate)."""

    learning_rates: NDArray[np.float64]
    seconds: NDArray[np.float64]
    final_loss: NDArray[np.float64]  # nan where diverged
    steps_to_tolerance: NDArray[np.int64]  # -1: never
    diverged_at: NDArray[np.int64]  # -1: never
    best_value: float | None
    start: tuple[float, float]
    outcome: dict[str, Any] | None = None  # run.undefined_start {x, y}, else None

    def to_json(self) -> dict[str, Any]:
        b64 = float32_base64  # a loss beyond float32 travels as inf (app/jobs/encoding.py)
        return {
            "x": self.learning_rates.tolist(), "y": self.seconds.tolist(),
            "nx": len(self.learning_rates), "ny": len(self.seconds),
            "final_loss": b64(self.final_loss), "steps_to_tolerance": b64(self.steps_to_tolerance),
            "diverged_at": b64(self.diverged_at), "best_value": self.best_value,
            "start": list(self.start), "outcome": self.outcome,
        }


def axes(experiment: MapExperiment) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Learning rates (log-spaced) and second-hyperparameter values (log-spaced where it suits)."""
    lrs = np.geomspace(experiment.lr_min, experiment.lr_max, experiment.nx)
    if experiment.second in LOG_AXES:
        seconds = np.geomspace(experiment.second_min, experiment.second_max, experiment.ny)
    else:
        seconds = np.linspace(experiment.second_min, experiment.second_max, experiment.ny)
    return lrs, seconds


def run_map(experiment: MapExperiment) -> MapResult:
    """All cells, vectorized: x and y of every run as two (ny, nx) params stepped together."""
    surface = build_surface(experiment)
    start = start_point(experiment, surface)
    lrs, seconds = axes(experiment)
    ny, nx = len(seconds), len(lrs)
    spec = experiment.optimizer.model_copy(update={
        "learning_rate": 1.0, experiment.second: 0.5})  # placeholders, replaced below
    # run_axes=2: a run is a cell (row, col). Per-run values are shaped (1, nx) and (ny, 1) so
    # that NumPy broadcasts them along whole contiguous rows; x and y are two params so that
    # every array op runs over contiguous memory (a (ny, nx, 2) param with (ny, nx, 1)
    # hyperparameters makes NumPy loop over a 2-long axis, ~7x slower).
    optimizer = spec.build(total_steps=experiment.steps, run_axes=2)
    hp = spec.hyperparameters()
    # the schedule (if any) must start from each run's own learning rate
    hp["learning_rate"] = spec.schedule.build(lrs.reshape(1, nx), experiment.steps)
    hp[experiment.second] = seconds.reshape(ny, 1)
    if spec.clipnorm is not None:
        # clipnorm is the norm of a run's whole gradient (gx, gy), which is global_clipnorm
        # over the two params
        hp.update(clipnorm=None, global_clipnorm=spec.clipnorm)
    optimizer.set_hyperparameters(**hp)

    x = np.full((ny, nx), float(start[0]))
    y = np.full((ny, nx), float(start[1]))
    dead = np.zeros((ny, nx), dtype=bool)
    any_dead = False
    diverged_at = np.full((ny, nx), -1, dtype=np.int64)
    reached = np.full((ny, nx), -1, dtype=np.int64)
    minima = [m.value for m in surface.minima if m.kind == "global"]
    best = min(minima) if minima else None
    start_xy = (float(start[0]), float(start[1]))
    with np.errstate(all="ignore"):
        loss = surface.value(x, y)
        if not np.isfinite(loss).all():  # f undefined at the start: no run can take a step
            diverged_at[:] = 0
            return MapResult(lrs, seconds, np.full((ny, nx), np.nan), reached, diverged_at, best,
                             start_xy, run_message("diverged", 0, start_xy))
        if best is not None:
            reached[loss - best <= experiment.tolerance] = 0
        pending = reached < 0  # alive and not yet within tolerance
        for step in range(1, experiment.steps + 1):
            gx, gy = surface.gradient(x, y)
            if any_dead:
                gx[dead] = 0.0
                gy[dead] = 0.0
            optimizer.apply([gx, gy], [x, y])
            loss = surface.value(x, y)
            # |x| <= bound is False for nan and ±inf: it also tests that the point is finite
            ok = np.isfinite(loss)
            ok &= np.abs(x) <= DIVERGENCE_BOUND
            ok &= np.abs(y) <= DIVERGENCE_BOUND
            if any_dead:
                ok |= dead
            if not ok.all():
                broken = ~ok
                diverged_at[broken] = step
                dead |= broken
                pending &= ok
                any_dead = True
            if best is not None:
                newly = loss - best <= experiment.tolerance
                newly &= pending
                if newly.any():
                    reached[newly] = step
                    pending &= ~newly
        final = surface.value(x, y)
    final[dead] = np.nan  # a diverged run stays where it broke (non-finite): no final loss
    return MapResult(lrs, seconds, final, reached, diverged_at, best, start_xy)


def scalar_reference(experiment: MapExperiment, row: int, col: int) -> NDArray[np.float64]:
    """One cell's run with the plain single-run code path (for tests and benchmarks)."""
    surface = build_surface(experiment)
    start = start_point(experiment, surface)
    lrs, seconds = axes(experiment)
    spec = experiment.optimizer.model_copy(update={
        "learning_rate": float(lrs[col]), experiment.second: float(seconds[row])})
    optimizer = spec.build(total_steps=experiment.steps)
    point = np.asarray(start, dtype=np.float64).copy()
    with np.errstate(all="ignore"):
        for _ in range(experiment.steps):
            optimizer.apply([surface.gradient_at(point)], [point])
    return point
