"""Benchmark 2: MLP training steps per second, our NumPy core against PyTorch CPU eager.

The same network (initial weights copied), the same spiral batches, binary cross-entropy, Adam
(learning rate 0.01, epsilon 1e-7), float32. Ours: ``Sequential.train_step``; PyTorch: the
idiomatic loop ``opt.zero_grad(); loss = bce(model(x), y); loss.backward(); opt.step()``.
Both are timed with one thread (``torch.set_num_threads(1)``, NumPy's OpenBLAS on 1 thread) and
with each library's default thread count.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.core.datasets import make_dataset
from app.core.nn.layers import Dense
from app.core.nn.losses import BinaryCrossentropy
from app.core.nn.model import Sequential, build_mlp
from app.core.optimizers import Adam
from bench.common import Row, Table, blas_threads, interleaved, limited_blas, say

LEARNING_RATE = 0.01
EPSILON = 1e-7
SAMPLES = 2560  # spiral points; half are for training: 1,280 = 128 batches of 10, 5 of 256


@dataclass(frozen=True)
class Net:
    """A network and batch size to time, with the speed-up we aim for."""

    label: str
    hidden: tuple[int, ...]
    activation: str
    batch: int
    goal: float


NETS = {
    "small": Net("2-4-2-1 tanh, batch 10", (4, 2), "tanh", 10, 4.0),
    "large": Net("2-64-64-64-1 relu, batch 256", (64, 64, 64), "relu", 256, 1.2),
}


def batches(batch: int, seed: int = 0) -> list[tuple[NDArray[np.float32], NDArray[np.float32]]]:
    """Contiguous float32 (x, y) batches of the spiral's training half."""
    data = make_dataset("spiral", SAMPLES, 0.1, 0.5, np.random.default_rng(seed))
    x = data.x_train.astype(np.float32)
    y = data.y_train.astype(np.float32).reshape(-1, 1)
    n = len(x) // batch * batch
    return [(np.ascontiguousarray(x[i:i + batch]), np.ascontiguousarray(y[i:i + batch]))
            for i in range(0, n, batch)]


class Ours:
    """``Sequential.train_step`` with the core's Adam."""

    def __init__(self, net: Net, data: list[tuple[NDArray[np.float32], NDArray[np.float32]]],
                 seed: int = 0) -> None:
        specs = [{"units": u, "activation": net.activation} for u in net.hidden]
        self.model: Sequential = build_mlp(2, specs, 1, "sigmoid", np.random.default_rng(seed))
        self.optimizer = Adam(LEARNING_RATE, epsilon=EPSILON)
        self.loss = BinaryCrossentropy()
        self.data = data
        self.i = 0
        self.loss_after = float("nan")

    def steps(self, count: int) -> float:
        model, loss, optimizer, data = self.model, self.loss, self.optimizer, self.data
        n = len(data)
        for _ in range(count):
            x, y = data[self.i % n]
            self.loss_after = model.train_step(x, y, loss, optimizer)
            self.i += 1
        return count


class Torch:
    """The idiomatic PyTorch loop on a copy of the same initial network."""

    def __init__(self, net: Net, ours: Sequential,
                 data: list[tuple[NDArray[np.float32], NDArray[np.float32]]]) -> None:
        import torch

        self.torch = torch
        layers: list[Any] = []
        activation = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[net.activation]
        dense = [layer for layer in ours.layers if isinstance(layer, Dense)]
        for i, layer in enumerate(dense):
            linear = torch.nn.Linear(layer.input_dim, layer.units)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(layer.params["kernel"].T.copy()))
                linear.bias.copy_(torch.from_numpy(layer.params["bias"].copy()))
            layers += [linear, activation() if i < len(dense) - 1 else torch.nn.Sigmoid()]
        self.model = torch.nn.Sequential(*layers)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE, eps=EPSILON)
        self.bce = torch.nn.BCELoss()
        self.data = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in data]
        self.i = 0
        self.loss_after = float("nan")

    def steps(self, count: int) -> float:
        model, bce, opt, data = self.model, self.bce, self.optimizer, self.data
        n = len(data)
        loss = None
        for _ in range(count):
            x, y = data[self.i % n]
            opt.zero_grad()
            loss = bce(model(x), y)
            loss.backward()
            opt.step()
            self.i += 1
        if loss is not None:
            self.loss_after = float(loss.item())
        return count


def measure(steps: dict[str, int], rounds: int, nets: tuple[str, ...] = ("small", "large"),
            full: bool = True) -> Table:
    table = Table("2. MLP training steps per second: NumPy core vs PyTorch CPU eager")
    try:
        import torch
    except ImportError as error:
        table.skipped = f"PyTorch is not importable ({error})"
        return table
    default_torch = torch.get_num_threads()
    default_blas = blas_threads()
    settings: list[tuple[str, int | None, int]] = [
        ("1 thread", 1, 1),
        (f"default threads (torch {default_torch}, BLAS {default_blas or '?'})", None,
         default_torch),
    ]
    losses: dict[str, str] = {}
    try:
        for key in nets:
            net = NETS[key]
            data = batches(net.batch)
            count = steps[key]
            for label, blas, torch_threads in settings:
                say(f"  mlp: {net.label}, {label}: {rounds} rounds of {count} steps")
                ours = Ours(net, data)
                theirs = Torch(net, ours.model, data)
                torch.set_num_threads(torch_threads)
                with limited_blas(blas):
                    m = interleaved({"ours": partial(ours.steps, count),
                                     "torch": partial(theirs.steps, count)}, rounds)
                ratio = m["ours"].rate / m["torch"].rate
                table.rows.append(Row(
                    f"{net.label}, {label}", f"{count} steps", m["ours"].best, m["ours"].rate,
                    "steps/s", "torch", m["torch"].rate, f"≥ {net.goal:g}×",
                    ratio >= net.goal if full else None))
                losses[net.label] = (f"{net.label}: {ours.loss_after:.3g} (ours) vs "
                                     f"{theirs.loss_after:.3g} (torch)")
    finally:
        torch.set_num_threads(default_torch)
    table.notes = [
        f"Best of {rounds} interleaved calls; the time is that of our best call.",
        "Both sides step the same batches from the same initial weights. Loss of the last "
        "batch, to show they train alike (Keras' Adam and torch's "
        "differ only in where epsilon goes): " + "; ".join(losses.values()) + ".",
    ]
    if not full:
        table.notes.append("Goals are judged on a full run only.")
    return table


def run(quick: bool = False) -> Table:
    if quick:
        return measure({"small": 200, "large": 30}, rounds=2, full=False)
    return measure({"small": 1000, "large": 150}, rounds=5)

