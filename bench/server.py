"""A real uvicorn serving the app on a free 127.0.0.1 port, for the WebSocket benchmarks."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def uvicorn_process(*extra: str, timeout: float = 30.0, env: dict[str, str] | None = None
                    ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start ``uvicorn app.main:app`` (as deployed: no per-message deflate) in a child process
    with ``extra`` arguments; yields ``("127.0.0.1:PORT", process)`` once ``/healthz`` answers,
    and stops it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
               "--port", str(port), "--ws-per-message-deflate", "false",
               "--log-level", "warning", "--no-access-log", *extra]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=env)
    base = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"uvicorn exited with {process.returncode}: {err[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://{base}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not answer on {base} within {timeout:g} s")
            time.sleep(0.05)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


@contextlib.contextmanager
def uvicorn_server(*extra: str, timeout: float = 30.0) -> Iterator[str]:
    """:func:`uvicorn_process`, yielding only ``127.0.0.1:PORT``."""
    with uvicorn_process(*extra, timeout=timeout) as (base, _):
        yield base


@contextlib.asynccontextmanager
async def socket_to(base: str, path: str) -> AsyncIterator[ClientConnection]:
    """A WebSocket client (no compression, no size limit) to ``ws://base/path``."""
    async with connect(f"ws://{base}{path}", compression=None, max_size=None) as ws:
        yield ws


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(await ws.recv())
    if not isinstance(message, dict):
        raise RuntimeError(f"unexpected message: {message!r}")
    if message.get("type") == "error":
        raise RuntimeError(f"the server refused the experiment: {message.get('errors')}")
    return message
