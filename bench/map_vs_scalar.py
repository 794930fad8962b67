"""Benchmark 1: the hyperparameter map against running its cells one at a time.

``run_map`` steps every cell of a learning-rate × beta_1 grid of Adam runs on Rosenbrock together
(one array op per update term for all runs). Its run-steps per second are compared with:

- a pure-Python loop (plain floats, no NumPy) that does a cell's whole step as the map does it:
  Rosenbrock's gradient, Keras' Adam update, the new loss, the divergence test and the tolerance
  test. It runs a subset of the cells, and its results must equal the map's for those cells;
- the same loop stripped to gradient + Adam (no loss, no tests): the least any per-run Python
  loop must do, so the hardest baseline;
- ``scalar_reference``: the NumPy single-run path (the optimizer core stepping one 2-vector).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.jobs.hyper_map import MapResult, axes, run_map, scalar_reference
from app.jobs.surface_race import DIVERGENCE_BOUND, build_surface
from app.schema.map_experiment import MapExperiment
from bench.common import Row, Table, interleaved, say

MAP_GOAL_SECONDS = 1.0
PYTHON_GOAL_RATIO = 25.0


@dataclass(frozen=True)
class CellResult:
    """What the map reports for one cell."""

    final_loss: float  # nan when diverged
    steps_to_tolerance: int  # -1: never
    diverged_at: int  # -1: never


def experiment(side: int, steps: int) -> MapExperiment:
    """The page's default map (Adam, learning rate × beta_1, Rosenbrock), side × side cells."""
    return MapExperiment(nx=side, ny=side, steps=steps)


def python_cell(learning_rate: float, beta_1: float, beta_2: float, epsilon: float, steps: int,
                start: tuple[float, float], best: float, tolerance: float) -> CellResult:
    """One cell in plain Python floats, step for step what ``run_map`` computes for it."""
    x, y = start
    m_x = m_y = v_x = v_y = 0.0
    loss = (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2
    reached = 0 if loss - best <= tolerance else -1
    for t in range(1, steps + 1):
        r = y - x * x
        g_x = -2.0 * (1.0 - x) - 400.0 * x * r
        g_y = 200.0 * r
        alpha = learning_rate * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
        m_x += (g_x - m_x) * (1.0 - beta_1)
        m_y += (g_y - m_y) * (1.0 - beta_1)
        v_x += (g_x * g_x - v_x) * (1.0 - beta_2)
        v_y += (g_y * g_y - v_y) * (1.0 - beta_2)
        new_x = x - m_x * alpha / (math.sqrt(v_x) + epsilon)
        new_y = y - m_y * alpha / (math.sqrt(v_y) + epsilon)
        loss = (1.0 - new_x) ** 2 + 100.0 * (new_y - new_x * new_x) ** 2
        if not (math.isfinite(loss) and abs(new_x) <= DIVERGENCE_BOUND
                and abs(new_y) <= DIVERGENCE_BOUND):
            return CellResult(math.nan, reached, t)
        x, y = new_x, new_y
        if reached < 0 and loss - best <= tolerance:
            reached = t
    return CellResult(loss, reached, -1)


def python_cell_bare(learning_rate: float, beta_1: float, beta_2: float, epsilon: float,
                     steps: int, start: tuple[float, float]) -> tuple[float, float]:
    """Gradient and Adam only: the floor of a per-run Python loop."""
    x, y = start
    m_x = m_y = v_x = v_y = 0.0
    for t in range(1, steps + 1):
        r = y - x * x
        g_x = -2.0 * (1.0 - x) - 400.0 * x * r
        g_y = 200.0 * r
        alpha = learning_rate * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
        m_x += (g_x - m_x) * (1.0 - beta_1)
        m_y += (g_y - m_y) * (1.0 - beta_1)
        v_x += (g_x * g_x - v_x) * (1.0 - beta_2)
        v_y += (g_y * g_y - v_y) * (1.0 - beta_2)
        x -= m_x * alpha / (math.sqrt(v_x) + epsilon)
        y -= m_y * alpha / (math.sqrt(v_y) + epsilon)
    return x, y


def sample_cells(ny: int, nx: int, count: int) -> list[tuple[int, int]]:
    """About ``count`` cells spread evenly over the grid (row, col)."""
    k = max(1, math.isqrt(max(count, 1)))
    rows = np.unique(np.linspace(0, ny - 1, k).round().astype(int))
    cols = np.unique(np.linspace(0, nx - 1, k).round().astype(int))
    return [(int(r), int(c)) for r in rows for c in cols]


class PythonCells:
    """The pure-Python baseline on a subset of one experiment's cells."""

    def __init__(self, exp: MapExperiment, cells: list[tuple[int, int]]) -> None:
        if exp.optimizer.optimizer != "adam" or exp.surface != "rosenbrock" or (
                exp.second != "beta_1"):
            raise ValueError("the Python baseline is written for Adam × beta_1 on Rosenbrock")
        if exp.optimizer.schedule.name != "constant" or any(
                getattr(exp.optimizer, c) is not None
                for c in ("clipvalue", "clipnorm", "global_clipnorm")):
            raise ValueError("the Python baseline has no schedule and no clipping")
        hp = exp.optimizer.hyperparameters()
        if hp["amsgrad"] or hp["weight_decay"] is not None:
            raise ValueError("the Python baseline is plain Adam")
        lrs, seconds = axes(exp)
        self.cells = cells
        self.args = [(float(lrs[c]), float(seconds[r])) for r, c in cells]
        self.beta_2, self.epsilon = float(hp["beta_2"]), float(hp["epsilon"])
        self.steps, self.tolerance = exp.steps, exp.tolerance
        surface = build_surface(exp)
        self.start = exp.start if exp.start is not None else surface.default_start
        self.best = min(m.value for m in surface.minima if m.kind == "global")
        self.results: list[CellResult] = []

    @property
    def run_steps(self) -> int:
        return len(self.cells) * self.steps

    def full(self) -> float:
        self.results = [python_cell(lr, b1, self.beta_2, self.epsilon, self.steps, self.start,
                                    self.best, self.tolerance) for lr, b1 in self.args]
        return self.run_steps

    def bare(self) -> float:
        for lr, b1 in self.args:
            python_cell_bare(lr, b1, self.beta_2, self.epsilon, self.steps, self.start)
        return self.run_steps

    def disagreements(self, result: MapResult) -> tuple[int, float]:
        """How many sampled cells differ from the map (loss beyond 1e-9 relative, or another
        tolerance / divergence step), and the largest relative loss difference seen."""
        bad, worst = 0, 0.0
        for (r, c), cell in zip(self.cells, self.results, strict=True):
            got = float(result.final_loss[r, c])
            if math.isnan(got) or math.isnan(cell.final_loss):
                same = math.isnan(got) and math.isnan(cell.final_loss)
            else:
                rel = abs(got - cell.final_loss) / max(abs(cell.final_loss), 1e-300)
                worst = max(worst, rel)
                same = rel <= 1e-9
            same = same and cell.steps_to_tolerance == result.steps_to_tolerance[r, c]
            same = same and cell.diverged_at == result.diverged_at[r, c]
            bad += not same
        return bad, worst


def measure(side: int, steps: int, python_cells: int, reference_cells: int,
            rounds: int) -> Table:
    exp = experiment(side, steps)
    runs = side * side
    holder: dict[str, MapResult] = {}

    def vectorized() -> float:
        holder["map"] = run_map(exp)
        return runs * steps

    python = PythonCells(exp, sample_cells(side, side, python_cells))
    references = sample_cells(side, side, reference_cells)

    def numpy_single() -> float:
        for r, c in references:
            scalar_reference(exp, r, c)
        return len(references) * steps

    say(f"  map: {side}×{side} runs × {steps} steps, {rounds} rounds")
    m = interleaved({"map": vectorized, "python": python.full, "bare": python.bare,
                     "numpy": numpy_single}, rounds)
    bad, worst = python.disagreements(holder["map"])
    size = f"{runs:,} runs × {steps} steps"
    unit = "run-steps/s"
    map_m = m["map"]
    full = runs * steps >= 5_000_000  # the goals are set for the 100 × 100 × 500 map
    table = Table("1. Hyperparameter map (Adam × beta_1 on Rosenbrock) vs one run at a time")
    table.rows = [
        Row("run_map end to end", size, map_m.best, map_m.rate, unit,
            goal=f"< {MAP_GOAL_SECONDS:g} s", met=map_m.best < MAP_GOAL_SECONDS if full else None),
        Row("vs pure-Python loop, same work per step", size, map_m.best, map_m.rate, unit,
            f"{len(python.cells)} cells", m["python"].rate, f"≥ {PYTHON_GOAL_RATIO:g}×",
            map_m.rate / m["python"].rate >= PYTHON_GOAL_RATIO if full else None),
        Row("vs pure-Python loop, gradient + Adam only", size, map_m.best, map_m.rate, unit,
            f"{len(python.cells)} cells", m["bare"].rate),
        Row("vs NumPy single-run path (scalar_reference)", size, map_m.best, map_m.rate, unit,
            f"{len(references)} cells", m["numpy"].rate),
    ]
    table.notes = [
        f"Best of {rounds} interleaved calls per job; median map rate "
        f"{map_m.median_rate / 1e6:.1f} M run-steps/s.",
        "Same work per step: gradient, Keras' Adam update, new loss, divergence test "
        "(non-finite or |x|, |y| > 1e10) and tolerance test, in Python floats.",
        f"The pure-Python cells agree with the map: {len(python.cells) - bad} of "
        f"{len(python.cells)} equal (final loss to 1e-9 relative, same tolerance and "
        f"divergence steps); largest relative loss difference {worst:.1e}.",
        "The 'gradient + Adam only' loop skips work the map does (loss, tests): "
        "a floor for a Python loop, given for information.",
    ]
    if not full:
        table.notes.append("Goals are judged at the full size (100 × 100 runs × 500 steps) only.")
    if bad:
        table.notes.append(f"WARNING: {bad} sampled cells disagree with the map.")
    return table


def run(quick: bool = False) -> Table:
    if quick:
        return measure(side=40, steps=200, python_cells=36, reference_cells=4, rounds=3)
    return measure(side=100, steps=500, python_cells=100, reference_cells=9, rounds=5)
