"""Benchmark 3: epochs per second on the page's default network while streaming.

The page's default experiment (``page_default_mlp``: spiral, 500 samples, half for training,
batch 10, two tanh layers of 8, Adam 0.01, float32) trains
- over a real uvicorn WebSocket ``/ws/mlp`` in mode "play" at the highest speed the protocol
  accepts, counting the epochs the client receives per second, and
- directly through ``MlpTraining.frames()`` in this process (no rendering, no socket): the
  baseline, so the ratio is the share of training speed that survives streaming.
The goal, 300 epochs/s, is 5× TensorFlow Playground, which trains one epoch per animation
frame (60 per second).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from app.jobs.mlp_training import MlpTraining
from app.routes.socket_protocol import StartMessage
from app.schema.mlp_experiment import MlpExperiment
from app.schema.served import page_default_mlp
from bench.common import Row, Table, format_seconds, say
from bench.server import receive, socket_to, uvicorn_server

GOAL_EPOCHS_PER_SECOND = 300.0
PLAYGROUND_EPOCHS_PER_SECOND = 60.0


def max_speed() -> float:
    """The highest speed a ``start`` message may ask for (its pydantic bound)."""
    for bound in StartMessage.model_fields["speed"].metadata:
        le = getattr(bound, "le", None)
        if le is not None:
            return float(le)
    raise RuntimeError("StartMessage.speed has no upper bound")


MAX_SPEED = max_speed()


def experiment(epochs: int) -> MlpExperiment:
    return page_default_mlp().model_copy(update={"epochs": epochs})


def describe(exp: MlpExperiment) -> str:
    sizes = "-".join(str(n) for n in [len(exp.features), *(la.units for la in exp.layers), 1])
    activations = "/".join(sorted({la.activation for la in exp.layers}))
    return (f"{exp.dataset.name} {exp.dataset.samples} ({exp.dataset.train_ratio:g} train), "
            f"{sizes} {activations}, batch {exp.batch_size}")


def direct(exp: MlpExperiment) -> tuple[int, float]:
    """Epochs trained and seconds taken by ``frames()`` after the initial frame."""
    training = MlpTraining(exp)
    start = time.perf_counter()
    epochs = sum(1 for _ in training.frames(initial=False))
    return epochs, time.perf_counter() - start


@dataclass(frozen=True)
class Streamed:
    """What the client saw of one streamed training."""

    first_frame: float  # seconds from sending "start" to the first frame (epoch 0)
    epochs: int  # epochs received after the first frame
    seconds: float  # from the first frame to the last
    messages: int  # frame messages after the first
    largest: int  # most epochs in one message


async def stream(base: str, exp: MlpExperiment, speed: float) -> Streamed:
    payload: dict[str, Any] = {"type": "start", "gen": 1, "mode": "play", "speed": speed,
                               "experiment": exp.model_dump(mode="json")}
    async with socket_to(base, "/ws/mlp") as ws:
        sent = time.perf_counter()
        await ws.send(json.dumps(payload))
        first: float | None = None
        epochs = messages = largest = 0
        while True:
            message = await receive(ws)
            if message["type"] != "frame":
                continue
            now = time.perf_counter()
            if first is None:
                first = now
            else:
                count = len(message["epochs"])
                epochs += count
                messages += 1
                largest = max(largest, count)
            if message["done"]:
                return Streamed(first - sent, epochs, now - first, messages, largest)


def measure(epochs: int, rounds: int, full: bool = True) -> Table:
    exp = experiment(epochs)
    say(f"  stream: {describe(exp)}, {epochs} epochs, {rounds} rounds")
    direct_best: tuple[int, float] | None = None
    streamed_best: Streamed | None = None
    direct(experiment(min(epochs, 20)))  # warm-up
    with uvicorn_server() as base:
        for _ in range(rounds):
            d = direct(exp)
            if direct_best is None or d[0] / d[1] > direct_best[0] / direct_best[1]:
                direct_best = d
            s = asyncio.run(stream(base, exp, MAX_SPEED))
            if streamed_best is None or s.epochs / s.seconds > (
                    streamed_best.epochs / streamed_best.seconds):
                streamed_best = s
    assert direct_best is not None and streamed_best is not None
    direct_rate = direct_best[0] / direct_best[1]
    s = streamed_best
    rate = s.epochs / s.seconds
    size = f"{epochs} epochs: {describe(exp)}"
    table = Table("3. Epochs per second on spiral while streaming (page default network)")
    table.rows = [
        Row(f"/ws/mlp, play at speed {MAX_SPEED:g}", size, s.seconds, rate, "epochs/s",
            "frames() directly", direct_rate, f"≥ {GOAL_EPOCHS_PER_SECOND:g} epochs/s",
            rate >= GOAL_EPOCHS_PER_SECOND if full else None),
        Row("MlpTraining.frames(), no streaming", size, direct_best[1], direct_rate,
            "epochs/s", "Playground's 1 epoch per frame at 60 fps: a reference",
            PLAYGROUND_EPOCHS_PER_SECOND),
    ]
    table.notes = [
        f"Best of {rounds} rounds, each one direct training then one streamed training "
        "(a uvicorn child process; the client only receives).",
        f"Streamed: first frame {format_seconds(s.first_frame)} after 'start'; then "
        f"{s.messages} frame messages in {format_seconds(s.seconds)} "
        f"({s.messages / s.seconds:.1f} per second), the largest carrying {s.largest} epochs.",
        "Each streamed message also carries the rendering (40 × 40 decision grid, layer "
        "statistics): work the direct baseline does not do.",
    ]
    if not full:
        table.notes.append("Goals are judged on a full run only.")
    return table


def run(quick: bool = False) -> Table:
    if quick:
        return measure(epochs=150, rounds=1, full=False)
    return measure(epochs=600, rounds=2)
