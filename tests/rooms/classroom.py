"""A class over real sockets: a teacher on one server, students on another (or the same), the
teacher's states timed from send to every student's receipt."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from dataclasses import dataclass

from websockets.asyncio.client import connect


def create_room(base: str) -> dict:
    request = urllib.request.Request(f"http://{base}/api/rooms", method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@dataclass
class ClassResult:
    received: list[list[int]]  # per student, the state numbers in the order received
    steps: list[list[int]]  # per student, the teacher's "step" field in that order
    latencies: list[float]  # seconds, every (state, student) pair

    def p95(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(0.95 * (len(ordered) - 1))]


async def run_class(teacher_base: str, student_base: str, students: int = 40,
                    states: int = 20, pause: float = 0.02) -> ClassResult:
    room = create_room(teacher_base)
    code, token = room["code"], room["teacher_token"]
    sent: dict[int, float] = {}
    latencies: list[float] = []
    received: list[list[int]] = [[] for _ in range(students)]
    steps: list[list[int]] = [[] for _ in range(students)]
    sockets = []
    for i in range(students):
        ws = await connect(f"ws://{student_base}/ws/room/{code}?role=student&name=s{i}",
                           compression=None)
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello", hello
        sockets.append(ws)

    async def listen(i: int) -> None:
        while len(received[i]) < states:
            message = json.loads(await sockets[i].recv())
            if message["type"] == "state":
                now = time.perf_counter()
                received[i].append(message["seq"])
                steps[i].append(message["state"]["step"])
                latencies.append(now - sent[message["state"]["step"]])

    listeners = [asyncio.create_task(listen(i)) for i in range(students)]
    async with connect(f"ws://{teacher_base}/ws/room/{code}?role=teacher&token={token}",
                       compression=None) as teacher:
        hello = json.loads(await teacher.recv())
        assert hello["type"] == "hello" and hello["students"] == students, hello
        for step in range(states):
            sent[step] = time.perf_counter()
            await teacher.send(json.dumps({"type": "state", "state": {"step": step,
                                                                      "page": "mlp"}}))
            await asyncio.sleep(pause)
        await asyncio.wait_for(asyncio.gather(*listeners), timeout=60)
    for ws in sockets:
        await ws.close()
    return ClassResult(received, steps, latencies)
