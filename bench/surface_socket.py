"""Benchmark 4: the surface race WebSocket ``/ws/surface`` over a real uvicorn.

The page's default race (all nine optimizers on Rosenbrock) is streamed
- in mode "instant" (the whole race in one message): time from sending ``start`` to holding the
  parsed frame, against computing the same race, encoding it and serializing it in this process
  (``race`` + ``encode_frames`` + ``json.dumps``): the ratio is what the socket path keeps;
- in mode "play" at the highest speed the protocol accepts: time to the first frame, race steps
  delivered per second against the speed asked for, and messages per second against the
  player's tick rate.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from app.jobs.player import TICKS_PER_SECOND
from app.jobs.surface_race import race
from app.routes.surface_ws import encode_frames
from app.schema.surface_experiment import SurfaceExperiment, page_default_experiment
from bench.common import Row, Table, interleaved, say
from bench.server import receive, socket_to, uvicorn_server
from bench.stream import MAX_SPEED

FIRST_FRAME_GOAL = 0.1  # seconds: the usual limit for a response that feels immediate
PACE_GOAL = 0.95  # share of the asked speed that play must deliver


def experiment(steps: int) -> SurfaceExperiment:
    return page_default_experiment().model_copy(update={"steps": steps})


def start_message(exp: SurfaceExperiment, mode: str, speed: float = 60.0) -> str:
    payload: dict[str, Any] = {"type": "start", "gen": 1, "mode": mode, "speed": speed,
                               "experiment": exp.model_dump(mode="json")}
    return json.dumps(payload)


async def instant(base: str, exp: SurfaceExperiment) -> float:
    """Seconds from sending ``start`` to the parsed frame that holds the whole race."""
    async with socket_to(base, "/ws/surface") as ws:
        sent = time.perf_counter()
        await ws.send(start_message(exp, "instant"))
        while True:
            message = await receive(ws)
            if message["type"] == "frame" and message["done"]:
                if message["step"] != exp.steps:
                    raise RuntimeError(f"instant frame ends at step {message['step']}")
                return time.perf_counter() - sent


@dataclass(frozen=True)
class Played:
    """What the client saw of one race in mode "play"."""

    first_frame: float  # seconds from sending "start" to the first frame
    steps: int  # race steps received after the first frame
    seconds: float  # from the first frame to the last
    messages: int  # frame messages after the first


async def play(base: str, exp: SurfaceExperiment, speed: float) -> Played:
    async with socket_to(base, "/ws/surface") as ws:
        sent = time.perf_counter()
        await ws.send(start_message(exp, "play", speed))
        first: float | None = None
        first_step = messages = 0
        while True:
            message = await receive(ws)
            if message["type"] != "frame":
                continue
            now = time.perf_counter()
            if first is None:
                first, first_step = now, message["step"]
            else:
                messages += 1
            if message["done"]:
                return Played(first - sent, message["step"] - first_step, now - first,
                              messages)


def in_process(exp: SurfaceExperiment) -> float:
    """The instant path without the socket: compute, encode, serialize; returns the steps."""
    json.dumps(encode_frames(list(race(exp)), 1), separators=(",", ":"))
    return exp.steps


def measure(instant_steps: tuple[int, ...], play_steps: int, rounds: int,
            full: bool = True, play_rounds: int | None = None) -> Table:
    table = Table("4. Surface race WebSocket /ws/surface (nine optimizers, Rosenbrock)")
    runs = len(experiment(10).runs)
    with uvicorn_server() as base:
        for steps in instant_steps:
            exp = experiment(steps)
            say(f"  surface: instant, {runs} runs × {steps} steps, {rounds} rounds")

            def socket_path(e: SurfaceExperiment = exp) -> float:
                asyncio.run(instant(base, e))
                return e.steps

            m = interleaved({"socket": socket_path, "in_process": partial(in_process, exp)},
                            rounds)
            page = steps == page_default_experiment().steps
            table.rows.append(Row(
                "instant: start → whole race parsed", f"{runs} optimizers × {steps} steps",
                m["socket"].best, m["socket"].rate, "steps/s",
                "race + encode + json.dumps in process", m["in_process"].rate,
                f"< {FIRST_FRAME_GOAL * 1e3:g} ms" if page else "—",
                m["socket"].best < FIRST_FRAME_GOAL if page and full else None))
        exp = experiment(play_steps)
        play_rounds = play_rounds or rounds
        say(f"  surface: play at speed {MAX_SPEED:g}, {runs} runs × {play_steps} steps, "
            f"{play_rounds} rounds")
        played = [asyncio.run(play(base, exp, MAX_SPEED)) for _ in range(play_rounds)]
    best = max(played, key=lambda p: p.steps / p.seconds)
    first = min(p.first_frame for p in played)
    size = f"{runs} optimizers × {play_steps} steps"
    table.rows += [
        Row(f"play at speed {MAX_SPEED:g}: start → first frame", size, first, None, "",
            goal=f"< {FIRST_FRAME_GOAL * 1e3:g} ms",
            met=first < FIRST_FRAME_GOAL if full else None),
        Row(f"play at speed {MAX_SPEED:g}: race steps delivered", size, best.seconds,
            best.steps / best.seconds, "steps/s", "the speed asked for: a setting", MAX_SPEED,
            f"≥ {PACE_GOAL:g}×", best.steps / best.seconds >= PACE_GOAL * MAX_SPEED
            if full else None),
        Row(f"play at speed {MAX_SPEED:g}: messages", size, best.seconds,
            best.messages / best.seconds, "msg/s", "the player's ticks: a setting",
            float(TICKS_PER_SECOND)),
    ]
    table.notes = [
        f"Best of {rounds} rounds for instant (interleaved with the in-process baseline), "
        f"{play_rounds} for play. "
        "The server is a uvicorn child process started with --ws-per-message-deflate false.",
        "A race step moves all nine optimizers; a frame message carries every step since "
        "the previous message.",
    ]
    if not full:
        table.notes.append("Goals are judged on a full run only.")
    return table


def run(quick: bool = False) -> Table:
    if quick:
        return measure((page_default_experiment().steps,), play_steps=1000, rounds=2,
                       full=False)
    return measure((page_default_experiment().steps, 5000), play_steps=5000, rounds=5,
                   play_rounds=3)
