"""Benchmark 6: the loss landscape's 2D slice, one batched forward pass against a per-point loop.

The page's default network (2-8-8-1 tanh, sigmoid output, spiral, 250 training points) is
trained once as ``/api/mlp/run`` trains it (not timed in the comparison: the training is the
run's cost, not the slice's). Then, in alternation:

- ``slice``: what ``/api/mlp/landscape`` does after training in ``random`` mode: two
  filter-normalized directions, L(θ* + αδ + βη) on the 51 × 51 grid by :class:`BatchedLoss`
  (every grid point's weights stacked on a leading axis), and the float32 base64 encoding;
- ``loop``: the same grid one point at a time: write θ* + αδ + βη into the network and call
  ``model.evaluate`` (the per-point loop this design replaces). Both must give the same grid.

A last row times a whole ``/api/mlp/landscape`` job (training included) once, for information.
"""

from __future__ import annotations

import time

import numpy as np

from app.core.nn.batched import BatchedLoss
from app.core.nn.flat import assign
from app.core.nn.landscape import filter_normalized, random_slice
from app.jobs.encoding import float32_base64
from app.jobs.landscape import landscape, train_path
from app.schema.landscape import LandscapeRequest
from app.schema.served import page_default_mlp
from bench.common import Row, Table, interleaved, say

SLICE_GOAL_SECONDS = 0.3


def measure(grid: int, rounds: int, full: bool) -> Table:
    experiment = page_default_mlp()
    path = train_path(experiment)
    training = path.training
    theta = path.snapshots[-1]
    evaluate = BatchedLoss(training.model, training.x_train, training.y_train, training.loss)
    holder: dict[str, np.ndarray] = {}

    def batched() -> float:
        rng = np.random.default_rng([0, 3])
        _, _, losses = random_slice(evaluate, theta, rng, "ignore", 1.0, grid)
        float32_base64(losses.astype(np.float32).ravel())
        holder["slice"] = losses
        return grid * grid

    def loop() -> float:
        rng = np.random.default_rng([0, 3])
        delta = filter_normalized(evaluate.layout, theta, rng, "ignore")
        eta = filter_normalized(evaluate.layout, theta, rng, "ignore")
        axis = np.linspace(-1.0, 1.0, grid)
        model = training.model
        out = np.empty((grid, grid))
        for i, b in enumerate(axis):
            for j, a in enumerate(axis):
                assign(model, theta + a * delta + b * eta)
                out[i, j] = model.evaluate(training.x_train, training.y_train, training.loss)
        assign(model, theta)
        float32_base64(out.astype(np.float32).ravel())
        holder["loop"] = out
        return grid * grid

    say(f"  landscape: {grid}×{grid} slice of the default network, {rounds} rounds")
    m = interleaved({"slice": batched, "loop": loop}, rounds)
    worst = float(np.max(np.abs(holder["slice"] - holder["loop"])
                         / np.maximum(np.abs(holder["loop"]), 1e-12)))
    start = time.perf_counter()
    landscape(LandscapeRequest(experiment=experiment, grid=grid))
    whole = time.perf_counter() - start
    size = f"{grid}×{grid} points, {len(training.x_train)} samples, {theta.size} weights"
    unit = "points/s"
    table = Table("6. Loss landscape slice: one batched pass vs a per-point loop")
    table.rows = [
        Row("slice end to end (directions, grid, encoding)", size, m["slice"].best,
            m["slice"].rate, unit, goal=f"< {SLICE_GOAL_SECONDS:g} s",
            met=m["slice"].best < SLICE_GOAL_SECONDS if full else None),
        Row("vs per-point loop (assign + evaluate)", size, m["slice"].best, m["slice"].rate,
            unit, "loop", m["loop"].rate, goal="for information"),
        Row("whole request, 200 epochs of training included", size, whole, None, "",
            goal="for information"),
    ]
    table.notes = [f"largest relative difference between the two grids: {worst:.1e} "
                   "(float32, different summation order)",
                   f"median slice {np.median(m['slice'].seconds) * 1e3:.1f} ms, median loop "
                   f"{np.median(m['loop'].seconds) * 1e3:.1f} ms"]
    return table


def run(quick: bool = False) -> Table:
    if quick:
        return measure(grid=11, rounds=2, full=False)
    return measure(grid=51, rounds=5, full=True)
