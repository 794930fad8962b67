"""A classroom's load: many WebSocket clients on ONE uvicorn process, on 127.0.0.1 only.

    .venv/bin/python -m bench.load [--clients 100] [--seconds 20] [--cycles 1000]

Phase 1 opens ``--clients`` concurrent clients (by default 70 % nine-optimizer surface races,
30 % MLP trainings on spiral, each playing at the speed given; more than two cores can serve) while
``/healthz`` is polled every 50 ms from another process; it reports
errors, every client's frame rate (the slowest one matters: the server must lower the rate for
all rather than starve some), and the health-check latency percentiles.
Phase 2 connects and disconnects ``--cycles`` times (each time starting a small race) and
compares the server's resident memory with the baseline taken after a warm-up.
Counts and time are bounded; the server is started and stopped by the script.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets

from bench.server import uvicorn_process

ROOT = Path(__file__).resolve().parent.parent
MAX_CLIENTS = 300
MAX_SECONDS = 120
MAX_CYCLES = 5000

SURFACE = {
    "surface": "rosenbrock", "start": [-1.5, 2.0], "steps": 5000,
    "runs": [{"optimizer": name, "learning_rate": lr} for name, lr in (
        ("sgd", 0.001), ("momentum", 0.0005), ("nesterov", 0.0005), ("adagrad", 0.5),
        ("rmsprop", 0.02), ("adam", 0.05), ("adamax", 0.1), ("nadam", 0.05), ("adamw", 0.05))],
}
MLP = {"dataset": {"name": "spiral", "samples": 500, "noise": 0.1, "train_ratio": 0.5,
                   "seed": 1},
       "layers": [{"units": 8, "activation": "tanh"}, {"units": 8, "activation": "tanh"}],
       "epochs": 5000, "batch_size": 10}


@dataclass
class ClientStats:
    kind: str
    frames: int = 0
    steps: int = 0  # race steps or training epochs the frames carried
    messages: int = 0
    errors: list[str] = field(default_factory=list)
    first_frame: float | None = None
    busy: bool = False


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def stream_client(url: str, kind: str, stop: asyncio.Event, t0: float,
                        speeds: tuple[float, float]) -> ClientStats:
    stats = ClientStats(kind)
    path, experiment, speed = (("/ws/surface", SURFACE, speeds[0]) if kind == "surface"
                               else ("/ws/mlp", MLP, speeds[1]))
    try:
        async with websockets.connect(url + path, max_size=2**24, compression=None) as ws:
            await ws.send(json.dumps({"type": "start", "gen": 1, "experiment": experiment,
                                      "mode": "play", "speed": speed}))
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                message = json.loads(raw)
                stats.messages += 1
                if message["type"] == "frame":
                    stats.frames += 1
                    stats.steps += (len(message["epochs"]) if kind == "mlp"
                                    else message["step"] - message["from"] + 1)
                    if stats.first_frame is None:
                        stats.first_frame = time.perf_counter() - t0
                    if message.get("done"):  # keep the load on: start again
                        await ws.send(json.dumps({"type": "reset"}))
                        await ws.send(json.dumps({"type": "play"}))
                elif message["type"] == "busy":
                    stats.busy = True
                elif message["type"] == "error":
                    stats.errors.append(str(message.get("errors")))
    except Exception as error:
        stats.errors.append(f"{type(error).__name__}: {error}")
    return stats


HEALTH_POLLER = """
import sys, time, urllib.request
url, seconds = sys.argv[1], float(sys.argv[2])
end = time.perf_counter() + seconds
while time.perf_counter() < end:
    t = time.perf_counter()
    urllib.request.urlopen(url, timeout=5).read()
    print((time.perf_counter() - t) * 1000, flush=True)
    time.sleep(0.05)
"""


async def poll_health(base: str, seconds: float) -> list[float]:
    """/healthz latencies measured from a process of its own, so the load generator's busy
    event loop does not inflate them."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HEALTH_POLLER, f"{base}/healthz", str(seconds),
        stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    return [float(line) for line in out.decode().split()]


async def phase_load(port: int, clients: int, seconds: float,
                     speeds: tuple[float, float], mlp_share: float = 0.3) -> dict[str, Any]:
    base, url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    stop = asyncio.Event()
    t0 = time.perf_counter()
    kinds = ["mlp" if i < round(clients * mlp_share) else "surface" for i in range(clients)]
    tasks = [asyncio.create_task(stream_client(url, kind, stop, t0, speeds)) for kind in kinds]
    await asyncio.sleep(min(1.0, seconds / 4))  # let every client start first
    latencies = await poll_health(base, seconds - min(1.0, seconds / 4))
    stop.set()
    results = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    rates = sorted(r.frames / elapsed for r in results)

    def slowest_steps(kind: str) -> float | None:
        values = [r.steps / elapsed for r in results if r.kind == kind]
        return round(min(values), 1) if values else None

    lat = sorted(latencies)
    return {
        "clients": clients, "seconds": round(elapsed, 1),
        "errors": sum(len(r.errors) for r in results),
        "busy": sum(r.busy for r in results),
        "clients_without_frames": sum(r.frames == 0 for r in results),
        "slowest_fps": round(rates[0], 2), "median_fps": round(statistics.median(rates), 2),
        "fastest_fps": round(rates[-1], 2),
        "slowest_race_steps_per_s": slowest_steps("surface"),
        "slowest_training_epochs_per_s": slowest_steps("mlp"),
        "slowest_first_frame_s": round(max(r.first_frame or elapsed for r in results), 2),
        "healthz_samples": len(lat),
        "healthz_p50_ms": round(lat[len(lat) // 2], 1) if lat else None,
        "healthz_p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 1) if lat else None,
        "first_errors": [e for r in results for e in r.errors][:3],
    }


async def one_cycle(url: str) -> None:
    small = {**SURFACE, "steps": 50}
    async with websockets.connect(url + "/ws/surface", compression=None) as ws:
        await ws.send(json.dumps({"type": "start", "gen": 1, "experiment": small,
                                  "mode": "instant"}))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "frame" and message["done"]:
                return


async def phase_cycles(port: int, pid: int, cycles: int) -> dict[str, Any]:
    url = f"ws://127.0.0.1:{port}"
    for _ in range(100):  # warm-up: imports, caches, thread pool
        await one_cycle(url)
    await asyncio.sleep(0.5)
    before = rss_kib(pid)
    for start in range(0, cycles, 10):
        await asyncio.gather(*(one_cycle(url) for _ in range(min(10, cycles - start))))
    await asyncio.sleep(0.5)
    after = rss_kib(pid)
    return {"cycles": cycles, "rss_before_mib": round(before / 1024, 1),
            "rss_after_mib": round(after / 1024, 1),
            "change_percent": round(100 * (after - before) / before, 1)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--surface-speed", type=float, default=120.0,
                        help="steps per second each race asks for (the page's default is 60)")
    parser.add_argument("--mlp-speed", type=float, default=100.0,
                        help="epochs per second each training asks for")
    parser.add_argument("--mlp-share", type=float, default=0.3,
                        help="fraction of the clients that train networks (the rest race)")
    args = parser.parse_args(argv)
    clients = max(1, min(args.clients, MAX_CLIENTS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    cycles = max(0, min(args.cycles, MAX_CYCLES))
    env = {**os.environ, "DESCENSO_MAX_JOBS": str(MAX_CLIENTS + 10)}
    with uvicorn_process(env=env) as (base, server):
        port = int(base.rsplit(":", 1)[1])
        rss_start = rss_kib(server.pid)
        load = asyncio.run(phase_load(port, clients, seconds,
                                      (args.surface_speed, args.mlp_speed),
                                      min(1.0, max(0.0, args.mlp_share))))
        memory = asyncio.run(phase_cycles(port, server.pid, cycles)) if cycles else {}
    report = {"server_rss_at_start_mib": round(rss_start / 1024, 1),
              "asked_surface_steps_per_s": args.surface_speed,
              "asked_mlp_epochs_per_s": args.mlp_speed, "mlp_share": args.mlp_share,
              **load, **memory}
    print_report(report)
    return report


def print_report(report: dict[str, Any]) -> None:
    goals = {
        "errors": ("== 0", report.get("errors") == 0),
        "clients_without_frames": ("== 0", report.get("clients_without_frames") == 0),
        "healthz_p99_ms": ("< 100", (report.get("healthz_p99_ms") or 1e9) < 100),
        "change_percent": ("within ±10", abs(report.get("change_percent", 0)) <= 10),
    }
    print("\n| measure | value | goal | met |\n|---|---|---|---|")
    for key, value in report.items():
        goal, met = goals.get(key, ("", None))
        mark = "" if met is None else ("yes" if met else "NO")
        print(f"| {key} | {value} | {goal} | {mark} |")


if __name__ == "__main__":
    main()
