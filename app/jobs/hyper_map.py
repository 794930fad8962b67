"""The hyperparameter map: every cell of a learning-rate × second-hyperparameter grid is a run,
and all runs step together — one array per optimizer slot, no Python loop over runs.

Points live in one ``(runs, 2)`` array; the optimizer gets ``run_axes=1`` and per-run arrays
of learning rate and the second hyperparameter, so clipping, schedules and weight decay apply
per run exactly as in a single race. A run that leaves the finite world (or ±1e10) is frozen
where it was and its step recorded.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.jobs.surface_race import DIVERGENCE_BOUND, build_surface
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

    def to_json(self) -> dict[str, Any]:
        def b64(a: NDArray[Any]) -> str:
            return base64.b64encode(np.asarray(a, dtype="<f4").tobytes()).decode("ascii")
        return {
            "x": self.learning_rates.tolist(), "y": self.seconds.tolist(),
            "nx": len(self.learning_rates), "ny": len(self.seconds),
            "final_loss": b64(self.final_loss), "steps_to_tolerance": b64(self.steps_to_tolerance),
            "diverged_at": b64(self.diverged_at), "best_value": self.best_value,
            "start": list(self.start),
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
    """All cells, vectorized."""
    surface = build_surface(experiment)
    start = experiment.start if experiment.start is not None else surface.default_start
    lrs, seconds = axes(experiment)
    lr_grid, second_grid = np.meshgrid(lrs, seconds)  # (ny, nx)
    runs = lr_grid.size
    spec = experiment.optimizer.model_copy(update={
        "learning_rate": 1.0, experiment.second: 0.5})  # placeholders, replaced below
    optimizer = spec.build(total_steps=experiment.steps, run_axes=1)
    # the schedule (if any) must start from each run's own learning rate
    hp = spec.hyperparameters()
    hp["learning_rate"] = spec.schedule.build(lr_grid.ravel(), experiment.steps)
    hp[experiment.second] = second_grid.ravel()
    optimizer.set_hyperparameters(**hp)

    points = np.tile(np.asarray(start, dtype=np.float64), (runs, 1))
    alive = np.ones(runs, dtype=bool)
    diverged_at = np.full(runs, -1, dtype=np.int64)
    reached = np.full(runs, -1, dtype=np.int64)
    minima = [m.value for m in surface.minima if m.kind == "global"]
    best = min(minima) if minima else None
    with np.errstate(all="ignore"):
        loss = surface.value_at(points)
        if best is not None:
            reached[loss - best <= experiment.tolerance] = 0
        for step in range(1, experiment.steps + 1):
            grads = surface.gradient_at(points)
            grads[~alive] = 0.0
            before = points.copy()
            optimizer.apply([grads], [points])
            loss = surface.value_at(points)
            broken = alive & ~(np.isfinite(loss) & np.all(np.isfinite(points), axis=1)
                               & (np.max(np.abs(points), axis=1) <= DIVERGENCE_BOUND))
            if broken.any():
                diverged_at[broken] = step
                alive &= ~broken
                points[broken] = before[broken]
            points[~alive] = before[~alive]
            if best is not None:
                newly = alive & (reached < 0) & (loss - best <= experiment.tolerance)
                reached[newly] = step
        final = surface.value_at(points)
    final[~alive] = np.nan
    shape = lr_grid.shape
    return MapResult(lrs, seconds, final.reshape(shape), reached.reshape(shape),
                     diverged_at.reshape(shape), best, (float(start[0]), float(start[1])))


def scalar_reference(experiment: MapExperiment, row: int, col: int) -> NDArray[np.float64]:
    """One cell's run with the plain single-run code path (for tests and benchmarks)."""
    surface = build_surface(experiment)
    start = experiment.start if experiment.start is not None else surface.default_start
    lrs, seconds = axes(experiment)
    spec = experiment.optimizer.model_copy(update={
        "learning_rate": float(lrs[col]), experiment.second: float(seconds[row])})
    optimizer = spec.build(total_steps=experiment.steps)
    point = np.asarray(start, dtype=np.float64).copy()
    with np.errstate(all="ignore"):
        for _ in range(experiment.steps):
            optimizer.apply([surface.gradient_at(point)], [point])
    return point
