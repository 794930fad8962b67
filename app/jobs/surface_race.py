"""The surface race as a generator of frames: every enabled optimizer steps on the same surface.

Knows nothing about sockets or HTTP: the JSON route drains it, the WebSocket route paces it,
tests iterate it. Computation is float64. A run whose position or loss stops being finite (or
leaves ±1e10) is stopped and flagged ``diverged`` at the update that broke it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from app.core.formula_surface import DEFAULT_WINDOW, FormulaSurface
from app.core.optimizer import Optimizer
from app.core.surface import Surface
from app.core.surfaces import make_surface
from app.schema.surface_experiment import RunSpec, SurfaceExperiment

Status = Literal["ok", "diverged", "off"]
DIVERGENCE_BOUND = 1e10


class SurfaceChoice(Protocol):
    """The part of an experiment that names a surface."""

    @property
    def surface(self) -> str: ...
    @property
    def expression(self) -> str | None: ...
    @property
    def condition_number(self) -> float: ...


def build_surface(choice: SurfaceChoice) -> Surface:
    """The surface an experiment names (a typed formula for ``custom``)."""
    if choice.surface == "custom":
        window = getattr(choice, "window", None) or DEFAULT_WINDOW
        return FormulaSurface(choice.expression or "", window=window)
    if choice.surface == "quadratic":
        return make_surface("quadratic", condition_number=choice.condition_number)
    return make_surface(choice.surface)


def start_point(choice: SurfaceChoice, surface: Surface) -> tuple[float, float]:
    """The experiment's start, or the surface's classic one when it names none."""
    start: tuple[float, float] | None = getattr(choice, "start", None)
    return start if start is not None else surface.default_start


@dataclass
class RunSummary:
    """What the summary table shows for one run (the distance is computed when shown)."""

    final_loss: float | None = None
    steps_to_tolerance: int | None = None
    last_point: tuple[float, float] | None = None
    surface: Surface | None = field(default=None, repr=False, compare=False)

    @property
    def distance_to_minimum(self) -> float | None:
        if self.surface is None or self.last_point is None:
            return None
        with np.errstate(all="ignore"):
            distance = float(self.surface.nearest_minimum(np.asarray(self.last_point))[0])
        return distance if np.isfinite(distance) else None

    def to_dict(self) -> dict[str, float | int | None]:
        return {
            "final_loss": self.final_loss,
            "distance_to_minimum": self.distance_to_minimum,
            "steps_to_tolerance": self.steps_to_tolerance,
        }


@dataclass
class RunFrame:
    """One run at one step: its new position (None once stopped) and its state."""

    point: tuple[float, float] | None
    loss: float | None
    status: Status
    diverged_at: int | None
    summary: RunSummary


@dataclass
class RaceFrame:
    """All runs after ``step`` updates (step 0 is the start)."""

    step: int
    runs: list[RunFrame]
    done: bool


@dataclass
class _Racer:
    spec: RunSpec
    optimizer: Optimizer | None
    point: NDArray[np.float64]
    rng: np.random.Generator
    status: Status = "ok"
    diverged_at: int | None = None
    summary: RunSummary = field(default_factory=RunSummary)


class _Scorer:
    """Final loss, distance to the nearest global minimum and steps to reach the tolerance."""

    def __init__(self, surface: Surface, tolerance: float) -> None:
        self.tolerance = tolerance
        global_minima = [m.value for m in surface.minima if m.kind == "global"]
        self.best = min(global_minima) if global_minima else None

    def update(self, summary: RunSummary, step: int, point: tuple[float, float],
               loss: float) -> None:
        summary.final_loss = loss
        summary.last_point = point
        if (summary.steps_to_tolerance is None and self.best is not None
                and loss - self.best <= self.tolerance):
            summary.steps_to_tolerance = step


def race(experiment: SurfaceExperiment) -> Iterator[RaceFrame]:
    """Yield the start (step 0) and then one frame per update of every enabled run.

    All positions live in one ``(runs, 2)`` array, so the surface and its gradient are
    evaluated once per step for every run; each optimizer updates its own row.
    """
    surface = build_surface(experiment)
    x0 = np.array(start_point(experiment, surface), dtype=np.float64)
    scorer = _Scorer(surface, experiment.tolerance)
    points = np.tile(x0, (len(experiment.runs), 1))
    racers = []
    for index, spec in enumerate(experiment.runs):
        optimizer = spec.build(total_steps=experiment.steps) if spec.enabled else None
        racers.append(_Racer(spec, optimizer, points[index],
                             np.random.default_rng([experiment.seed, index]),
                             status="ok" if spec.enabled else "off",
                             summary=RunSummary(surface=surface)))
    with np.errstate(all="ignore"):
        loss0 = float(surface.value_at(x0))
    start = (float(x0[0]), float(x0[1]))
    if not np.isfinite(loss0):
        for racer in racers:
            if racer.status == "ok":
                racer.status, racer.diverged_at = "diverged", 0
    frames = []
    for racer in racers:
        if racer.status != "ok":
            frames.append(RunFrame(None, None, racer.status, racer.diverged_at, racer.summary))
            continue
        scorer.update(racer.summary, 0, start, loss0)
        frames.append(RunFrame(start, loss0, "ok", None, racer.summary))
    yield RaceFrame(0, frames, done=experiment.steps == 0)

    for step in range(1, experiment.steps + 1):
        with np.errstate(all="ignore"):
            grads = surface.gradient_at(points)
            for index, racer in enumerate(racers):
                if racer.status == "ok":
                    _step(racer, grads[index], experiment.noise)
            losses = surface.value_at(points)
        frames = [_frame(racer, step, float(losses[i]), scorer)
                  for i, racer in enumerate(racers)]
        yield RaceFrame(step, frames, done=step == experiment.steps)


def _step(racer: _Racer, grad: NDArray[np.float64], noise: float) -> None:
    assert racer.optimizer is not None
    if noise > 0:
        grad = grad + noise * racer.rng.standard_normal(2)
    if np.isfinite(grad).all():
        racer.optimizer.apply([grad], [racer.point])
    else:
        racer.point[:] = np.nan


def _frame(racer: _Racer, step: int, loss: float, scorer: _Scorer) -> RunFrame:
    if racer.status != "ok":
        return RunFrame(None, None, racer.status, racer.diverged_at, racer.summary)
    x, y = float(racer.point[0]), float(racer.point[1])
    if not (np.isfinite(loss) and abs(x) <= DIVERGENCE_BOUND and abs(y) <= DIVERGENCE_BOUND):
        racer.status, racer.diverged_at = "diverged", step
        return RunFrame(None, None, "diverged", step, racer.summary)
    scorer.update(racer.summary, step, (x, y), loss)
    return RunFrame((x, y), loss, "ok", None, racer.summary)


@dataclass
class RunResult:
    """A whole trajectory, as the JSON API returns it."""

    optimizer: str
    points: list[tuple[float, float]] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    status: Status = "ok"
    diverged_at: int | None = None
    summary: RunSummary = field(default_factory=RunSummary)


def run_race(experiment: SurfaceExperiment) -> list[RunResult]:
    """Drain :func:`race` into one trajectory per run."""
    results = [RunResult(spec.optimizer) for spec in experiment.runs]
    for frame in race(experiment):
        for result, run in zip(results, frame.runs, strict=True):
            if run.point is not None and run.loss is not None:
                result.points.append(run.point)
                result.losses.append(run.loss)
            result.status, result.diverged_at, result.summary = (
                run.status, run.diverged_at, run.summary)
    return results
