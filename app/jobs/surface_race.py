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

from app.core.formula import FormulaSurface
from app.core.optimizer import Optimizer
from app.core.surfaces import Surface, make_surface
from app.schema.surface_experiment import RunSpec, SurfaceExperiment

Status = Literal["ok", "diverged", "off"]
DIVERGENCE_BOUND = 1e10
CUSTOM_WINDOW = (-2.0, 2.0, -2.0, 2.0)


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
        window = getattr(choice, "window", None) or CUSTOM_WINDOW
        return FormulaSurface(choice.expression or "", window=window)
    if choice.surface == "quadratic":
        return make_surface("quadratic", condition_number=choice.condition_number)
    return make_surface(choice.surface)


def start_point(experiment: SurfaceExperiment, surface: Surface) -> tuple[float, float]:
    return experiment.start if experiment.start is not None else surface.default_start


@dataclass
class RunSummary:
    """What the summary table shows for one run."""

    final_loss: float | None = None
    distance_to_minimum: float | None = None
    steps_to_tolerance: int | None = None

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
        self.surface = surface
        self.tolerance = tolerance
        global_minima = [m.value for m in surface.minima if m.kind == "global"]
        self.best = min(global_minima) if global_minima else None

    def update(self, summary: RunSummary, step: int, point: NDArray[np.float64],
               loss: float) -> None:
        summary.final_loss = loss
        distance, _ = self.surface.nearest_minimum(point)
        d = float(distance)
        summary.distance_to_minimum = d if np.isfinite(d) else None
        if (summary.steps_to_tolerance is None and self.best is not None
                and loss - self.best <= self.tolerance):
            summary.steps_to_tolerance = step


def race(experiment: SurfaceExperiment) -> Iterator[RaceFrame]:
    """Yield the start (step 0) and then one frame per update of every enabled run."""
    surface = build_surface(experiment)
    x0 = np.array(start_point(experiment, surface), dtype=np.float64)
    scorer = _Scorer(surface, experiment.tolerance)
    racers = []
    for index, spec in enumerate(experiment.runs):
        optimizer = spec.build(total_steps=experiment.steps) if spec.enabled else None
        racers.append(_Racer(spec, optimizer, x0.copy(),
                             np.random.default_rng([experiment.seed, index]),
                             status="ok" if spec.enabled else "off"))

    loss0 = float(surface.value_at(x0))
    frames = []
    for racer in racers:
        if racer.status == "off":
            frames.append(RunFrame(None, None, "off", None, racer.summary))
            continue
        if not np.isfinite(loss0):
            racer.status, racer.diverged_at = "diverged", 0
            frames.append(RunFrame(None, None, "diverged", 0, racer.summary))
            continue
        scorer.update(racer.summary, 0, x0, loss0)
        frames.append(RunFrame((float(x0[0]), float(x0[1])), loss0, "ok", None, racer.summary))
    yield RaceFrame(0, frames, done=experiment.steps == 0)

    for step in range(1, experiment.steps + 1):
        frames = []
        for racer in racers:
            if racer.status != "ok" or racer.optimizer is None:
                frames.append(RunFrame(None, None, racer.status, racer.diverged_at,
                                       racer.summary))
                continue
            frames.append(_advance(racer, surface, scorer, experiment.noise, step))
        yield RaceFrame(step, frames, done=step == experiment.steps)


def _advance(racer: _Racer, surface: Surface, scorer: _Scorer, noise: float,
             step: int) -> RunFrame:
    assert racer.optimizer is not None
    with np.errstate(all="ignore"):
        grad = surface.gradient_at(racer.point)
        if noise > 0:
            grad = grad + noise * racer.rng.standard_normal(2)
        if np.all(np.isfinite(grad)):
            racer.optimizer.apply([grad], [racer.point])
        loss = float(surface.value_at(racer.point))
    finite = (np.all(np.isfinite(grad)) and np.all(np.isfinite(racer.point))
              and np.isfinite(loss) and float(np.max(np.abs(racer.point))) <= DIVERGENCE_BOUND)
    if not finite:
        racer.status, racer.diverged_at = "diverged", step
        return RunFrame(None, None, "diverged", step, racer.summary)
    scorer.update(racer.summary, step, racer.point, loss)
    return RunFrame((float(racer.point[0]), float(racer.point[1])), loss, "ok", None,
                    racer.summary)


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
