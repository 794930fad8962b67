"""Where CPU-bound work runs: a small shared pool, fair to every client, never the event loop.

A few worker threads (``DESCENSO_WORKERS``, default 2 = the cores of a small server) take work
in FIFO order, and every piece of work is a short slice (see ``Player``), so a hundred clients
share the CPU round-robin: under load each one gets frames more slowly, none is starved, and
the event loop stays free to answer ``/healthz``. ``JobSlots`` caps how many streaming jobs one
process runs at once; past the cap a client gets a clear "busy, try again" instead of a queue.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from anyio import to_thread

T = TypeVar("T")

WORKERS = max(1, int(os.environ.get("DESCENSO_WORKERS", "2")))
MAX_JOBS = max(1, int(os.environ.get("DESCENSO_MAX_JOBS", "150")))
SLICE_SECONDS = 0.005
# Worker threads hand the GIL back to the event loop at least this often (Python's default is
# 5 ms): /healthz and message sends stay prompt while the pool computes.
SWITCH_INTERVAL = float(os.environ.get("DESCENSO_SWITCH_INTERVAL", "0.001"))

_limiters: dict[int, anyio.CapacityLimiter] = {}


def _limiter() -> anyio.CapacityLimiter:
    """One limiter per event loop (each uvicorn worker process has its own)."""
    import asyncio

    key = id(asyncio.get_running_loop())
    limiter = _limiters.get(key)
    if limiter is None:
        _limiters.clear()  # a new loop (tests start several): forget the old ones
        limiter = _limiters[key] = anyio.CapacityLimiter(WORKERS)
    return limiter


def configure_interpreter() -> None:
    """Called once when the app is created."""
    sys.setswitchinterval(SWITCH_INTERVAL)


async def run_cpu(func: Callable[..., T], *args: Any) -> T:
    """Run ``func(*args)`` on the shared worker pool."""
    return await to_thread.run_sync(func, *args, limiter=_limiter())


class JobSlots:
    """A counter of running streaming jobs with a hard cap."""

    def __init__(self, capacity: int = MAX_JOBS) -> None:
        self.capacity = capacity
        self.running = 0

    def try_acquire(self) -> bool:
        if self.running >= self.capacity:
            return False
        self.running += 1
        return True

    def release(self) -> None:
        self.running = max(0, self.running - 1)


JOB_SLOTS = JobSlots()
