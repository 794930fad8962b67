"""A real uvicorn on a free 127.0.0.1 port, for tests that need sockets and processes (the
same starter the benchmarks use), with its data folder in a scratch directory."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from bench.server import uvicorn_process


@contextmanager
def live_server(*extra: str, **settings: str) -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of a uvicorn serving the app, stopped on exit. ``settings``
    become ``DESCENSO_<NAME>`` variables (``frame_ancestors="'self'"``); ``DESCENSO_DATA_DIR``
    is a temporary folder unless given."""
    with tempfile.TemporaryDirectory(prefix="descenso-live-") as data_dir:
        env = {**os.environ, "DESCENSO_DATA_DIR": data_dir,
               **{f"DESCENSO_{name.upper()}": value for name, value in settings.items()}}
        with uvicorn_process(*extra, env=env) as (base, _):
            yield f"http://{base}"
