"""Optimizer anatomy: one run of a race, step by step, with what each update saw and kept.

For update k (1 … steps) of the run: the point before it, the gradient as the update used it
(after noise and clipping), the learning rate, the optimizer's slots after it under Keras'
variable names (``momentum``, ``velocity``… as the core optimizers name them), and the update
itself (next point − point). The run steps exactly as in :func:`app.jobs.surface_race.race`
(same optimizer, same noise generator, same divergence rule), so the points are the race's;
the explanation ends where the race stops the run.

With ``bias_correction=False`` (Adam, AdamW, Adamax, Nadam only) the run steps with the
optimizer's uncorrected twin instead: the "ghost" path the lecture contrasts, not Keras.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from app.core.optimizers.anatomy import has_bias_correction, parts, without_bias_correction
from app.jobs.surface_race import DIVERGENCE_BOUND, build_surface, start_point
from app.schema.surface_experiment import SurfaceExperiment

Vector = tuple[float | None, float | None]
"""Two coordinates; ``None`` where a value is not a finite float64 (JSON has no inf)."""


@dataclass(frozen=True)
class ExplainedStep:
    """Update ``step`` of the run: ``point + update`` is the point before update step + 1."""

    step: int
    point: tuple[float, float]
    gradient: Vector
    learning_rate: float
    slots: dict[str, Vector]
    update: tuple[float, float]
    parts: dict[str, Vector] = field(default_factory=dict)
    """The update's pieces (see :func:`app.core.optimizers.anatomy.parts`)."""


@dataclass
class Explanation:
    """Every update the run made, and how it ended (``diverged_at``: the update that broke it,
    0 when the start itself is undefined)."""

    steps: list[ExplainedStep] = field(default_factory=list)
    status: Literal["ok", "diverged"] = "ok"
    diverged_at: int | None = None
    has_bias_correction: bool = False
    keras: bool = True
    """False for the uncorrected twin (``bias_correction=False``): not Keras' rule."""


def _vector(values: NDArray[np.floating[Any]]) -> Vector:
    x, y = (float(v) if np.isfinite(v) else None for v in values)
    return x, y


def _inside(point: NDArray[np.float64], loss: float) -> bool:
    """The race's rule for a run that is still going (finite loss, coordinates within ±1e10)."""
    return bool(np.isfinite(loss) and np.all(np.abs(point) <= DIVERGENCE_BOUND))


def explain(experiment: SurfaceExperiment, index: int = 0, bias_correction: bool = True,
            stream: int | None = None) -> Explanation:
    """Step run ``index`` of the experiment (enabled or not) and record every update; without
    ``bias_correction``, an Adam-family run steps uncorrected (not Keras). ``stream``: the
    run's index in the race it comes from (its noise generator), ``index`` by default."""
    surface = build_surface(experiment)
    spec = experiment.runs[index]
    optimizer = spec.build(total_steps=experiment.steps)
    out = Explanation(has_bias_correction=has_bias_correction(optimizer))
    if not bias_correction and out.has_bias_correction:
        optimizer = without_bias_correction(optimizer)
        out.keras = False
    # the race's generator for this run
    rng = np.random.default_rng([experiment.seed, index if stream is None else stream])
    point = np.array(start_point(experiment, surface), dtype=np.float64)
    with np.errstate(all="ignore"):
        if not _inside(point, float(surface.value_at(point))):
            out.status, out.diverged_at = "diverged", 0
            return out
        for step in range(1, experiment.steps + 1):
            grad = surface.gradient_at(point[None, :])[0]
            if experiment.noise > 0:
                grad = grad + experiment.noise * rng.standard_normal(2)
            before = point.copy()
            if not np.isfinite(grad).all():
                out.status, out.diverged_at = "diverged", step
                return out
            learning_rate = float(np.asarray(optimizer.current_learning_rate()))
            (used,) = optimizer.clip_gradients([grad])
            optimizer.apply([grad], [point])
            if not _inside(point, float(surface.value_at(point))):
                out.status, out.diverged_at = "diverged", step
                return out
            slots = {name: _vector(value) for name, value in optimizer.slot_values().items()}
            pieces = {name: _vector(value)
                      for name, value in parts(optimizer, used, learning_rate).items()}
            update = point - before
            out.steps.append(ExplainedStep(
                step=step, point=(float(before[0]), float(before[1])), gradient=_vector(used),
                learning_rate=learning_rate, slots=slots,
                update=(float(update[0]), float(update[1])), parts=pieces))
    return out
