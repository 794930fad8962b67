"""Run a coroutine to completion from a synchronous test.

Playwright's sync API keeps an event loop running in the main thread for the whole session, so
``asyncio.run`` there fails; a thread of its own always has none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def in_fresh_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``function`` in a thread without an event loop: code that calls ``asyncio.run`` or
    starts Playwright's sync API itself (the benchmarks) works even after a browser test has
    left the session's loop running in the main thread (as under pytest-xdist)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
