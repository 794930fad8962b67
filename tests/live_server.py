"""A real uvicorn on a free 127.0.0.1 port, for tests that need sockets and processes (the
same starter the benchmarks use)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bench.server import uvicorn_server


@contextmanager
def live_server(*extra: str) -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of a uvicorn serving the app, stopped on exit."""
    with uvicorn_server(*extra) as base:
        yield f"http://{base}"
