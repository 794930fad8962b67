"""Benchmark 6: a class following the teacher's MLP costs about one viewer.

The page's default network (spiral) plays at 30 epochs/s on a real uvicorn child process:
- one viewer: a client on ``/ws/mlp`` (the baseline), and
- a class: the teacher's ``/ws/mlp?room=…&token=…`` with 40 followers on
  ``/ws/room/{code}/stream``, every one of which must receive every message the teacher does.
The figure is the server process' CPU time (user + system, from ``/proc``) over each run; the
goal is at most 2× the single viewer's.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from bench.common import Row, Table, say
from bench.server import socket_to, uvicorn_process
from bench.stream import describe, experiment

SPEED = 30.0
FOLLOWERS = 40
GOAL_RATIO = 2.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc/<pid>/stat``)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Run:
    cpu: float  # server CPU seconds
    seconds: float  # wall time from start to the last frame
    messages: int  # messages the teacher (or viewer) received
    followers_complete: int  # followers who received exactly the teacher's messages


async def _until_done(ws: Any) -> list[str]:
    texts = []
    while True:
        text = await ws.recv()
        message = json.loads(text)
        if message.get("type") == "teacher_stream":  # followers' marker of a new stream
            continue
        texts.append(text)
        if message.get("type") == "error":
            raise RuntimeError(f"refused: {message}")
        if message.get("type") == "frame" and message.get("done"):
            return texts


async def one_run(base: str, pid: int, epochs: int, followers: int) -> Run:
    payload = {"type": "start", "gen": 1, "mode": "play", "speed": SPEED,
               "experiment": experiment(epochs).model_dump(mode="json")}
    path = "/ws/mlp"
    code = ""
    if followers:
        request = urllib.request.Request(f"http://{base}/api/rooms", method="POST")
        with urllib.request.urlopen(request) as answer:
            room = json.loads(answer.read())
        code = room["code"]
        path = f"/ws/mlp?room={code}&token={room['teacher_token']}"
    async with _followers(base, code, followers) as follows:
        tasks = [asyncio.create_task(_until_done(ws)) for ws in follows]
        async with socket_to(base, path) as ws:
            cpu0, t0 = cpu_seconds(pid), time.perf_counter()
            await ws.send(json.dumps(payload))
            seen = await _until_done(ws)
            got = await asyncio.gather(*tasks)
            seconds, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    return Run(cpu, seconds, len(seen), sum(1 for g in got if g == seen))


class _followers:
    """``count`` follower sockets of room ``code``, open before the teacher starts."""

    def __init__(self, base: str, code: str, count: int) -> None:
        self.base, self.code, self.count = base, code, count
        self._contexts: list[Any] = []

    async def __aenter__(self) -> list[Any]:
        sockets = []
        for _ in range(self.count):
            context = socket_to(self.base, f"/ws/room/{self.code}/stream")
            sockets.append(await context.__aenter__())
            self._contexts.append(context)
        return sockets

    async def __aexit__(self, *exc: object) -> None:
        for context in self._contexts:
            await context.__aexit__(None, None, None)


def measure(epochs: int, rounds: int, followers: int = FOLLOWERS, full: bool = True) -> Table:
    exp = experiment(epochs)
    say(f"  room: {describe(exp)}, {epochs} epochs at {SPEED:g}/s, {followers} followers")
    viewer: list[Run] = []
    room: list[Run] = []
    env = {**os.environ, "DESCENSO_DATA_DIR": os.environ.get("DESCENSO_DATA_DIR", "/tmp")}
    with uvicorn_process(env=env) as (base, process):
        asyncio.run(one_run(base, process.pid, 5, 0))  # warm-up
        for _ in range(rounds):  # interleaved
            viewer.append(asyncio.run(one_run(base, process.pid, epochs, 0)))
            room.append(asyncio.run(one_run(base, process.pid, epochs, followers)))
    one = min(viewer, key=lambda r: r.cpu)
    best = min(room, key=lambda r: r.cpu)
    complete = min(r.followers_complete for r in room)
    ratio = best.cpu / one.cpu
    size = f"{epochs} epochs at {SPEED:g} epochs/s: {describe(exp)}"
    table = Table("6. A class following the teacher's MLP (shared computation)")
    table.rows = [
        Row(f"server CPU, teacher + {followers} followers", size, best.seconds, best.cpu,
            "CPU s", "one viewer", one.cpu, f"≤ {GOAL_RATIO:g}×",
            ratio <= GOAL_RATIO and complete == followers if full else None),
    ]
    table.notes = [
        f"Server CPU seconds (user + system of the uvicorn process): one viewer "
        f"{one.cpu:.3f} s, the class {best.cpu:.3f} s: {ratio:.2f}× (best of {rounds} "
        "interleaved rounds each).",
        f"Wall time of a run: {one.seconds:.2f} s (viewer), {best.seconds:.2f} s (class); the "
        f"teacher received {best.messages} messages and {complete} of {followers} followers "
        "received every one of them, in order, in every round.",
        "Without shared computation each follower would train its own network: about "
        f"{followers + 1}× one viewer.",
    ]
    if not full:
        table.notes.append("Goals are judged on a full run only.")
    return table


def run(quick: bool = False) -> Table:
    if quick:
        return measure(epochs=30, rounds=1, followers=10, full=False)
    return measure(epochs=90, rounds=2)
