"""The caps every room obeys, the per-connection rate limit, and display names.

Each cap answers with a :class:`RoomError`: a catalog code (``room.*`` in
``app/i18n/*/messages.json``), its parameters and an English message.
"""

from __future__ import annotations

import json
import os
import time
import unicodedata
from collections.abc import Callable
from typing import Any

MAX_STATE_BYTES = 64 * 1024
"""A teacher's ``state`` object, as compact JSON."""
MAX_RESULT_BYTES = 16 * 1024
"""A student's submitted ``result`` object, as compact JSON."""
MAX_NAME = 40
"""A display name, in characters."""
MAX_STUDENTS = 300
"""Students connected to one room at once."""
MAX_SUBMISSIONS = 1000
"""Submissions one room keeps."""
MAX_ROOMS = max(1, int(os.environ.get("DESCENSO_MAX_ROOMS", "500")))
"""Open rooms per server (per Redis, when rooms go through Redis)."""
ROOM_TTL_SECONDS = 4 * 3600
"""A room nobody used for this long is gone."""
MAX_POLL_CHOICES = 8
MAX_POLL_TEXT = 200


class RoomError(Exception):
    """A request a room refuses: ``code`` and ``params`` for the page, ``message`` in English."""

    def __init__(self, code: str, message: str, **params: int | str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def to_dict(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "params": self.params,
                "message": self.message}


def json_size(value: Any) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON (what a store keeps and sends)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False)
               .encode("utf-8", "surrogatepass"))


def clean_name(name: str | None) -> str:
    """A display name as shown: control and format characters dropped, spaces collapsed; empty
    means anonymous. Longer than :data:`MAX_NAME` characters is refused, not cut. (Pages show it
    as text, never as HTML.)"""
    if not name:
        return ""
    kept = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    cleaned = " ".join(kept.split())
    if len(cleaned) > MAX_NAME:
        raise RoomError("room.name_too_long", f"a name has at most {MAX_NAME} characters",
                        max=MAX_NAME)
    return cleaned


class RateLimiter:
    """A token bucket: ``rate`` messages per second on average, bursts of up to ``burst``."""

    def __init__(self, rate: float, burst: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens = burst
        self._last = clock()

    def allow(self) -> bool:
        """Take one token if there is one."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False
