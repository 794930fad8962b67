"""A real ``redis-server`` on a free loopback port for a test (skipped, saying why, only where
the binary is absent: ``scripts/test.sh`` installs Debian's)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench.server import free_port


def redis_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if shutil.which("/usr/bin/redis-server") else None)


@contextmanager
def redis_server() -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a throwaway server (no persistence), stopped on exit."""
    binary = redis_binary()
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/test.sh installs Debian's "
                    "redis-server): the Redis room tests need a real one")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="descenso-redis-") as folder:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", folder, "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                        s.sendall(b"PING\r\n")
                        if s.recv(16).startswith(b"+PONG"):
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)
