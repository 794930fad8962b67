"""The rooms interface the routes use, and the choice of backend.

Channels carry JSON text, each message numbered where order matters (``seq``):
``students`` (the teacher's states, numbered, and polls), ``teacher`` (submissions, tallies,
presence) and ``stream`` (the frames of the teacher's experiment that followers draw,
numbered). A reader subscribes first, then reads what it missed (the latest state, or the
stream so far) and drops numbered messages it already has, so nothing is lost or doubled.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from abc import ABC, abstractmethod
from typing import Any, Literal

from app.core.rooms import Poll
from app.rooms.hub import Subscription

Channel = Literal["students", "teacher", "stream"]
MAX_STREAM_MESSAGES = 600
"""Messages of the teacher's stream kept for followers who join late (from the last start)."""

log = logging.getLogger("descenso.rooms")


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class RoomStore(ABC):
    """Rooms, wherever they live. Every method taking ``code`` raises ``RoomError``
    (``room.unknown``) for a room that does not exist or expired."""

    @abstractmethod
    async def create(self) -> tuple[str, str]:
        """A new room: ``(code, teacher token)``; ``room.too_many`` past the server's cap."""

    @abstractmethod
    async def students(self, code: str) -> int | None:
        """Students connected now; None for an unknown or expired room."""

    @abstractmethod
    async def is_teacher(self, code: str, token: str | None) -> bool: ...

    @abstractmethod
    async def join(self, code: str, name: str) -> str:
        """A new student (her id); ``room.full`` past the cap; tells the teacher."""

    @abstractmethod
    async def leave(self, code: str, student: str) -> None: ...

    @abstractmethod
    async def set_state(self, code: str, state_json: str) -> int:
        """Keep the teacher's state as the latest and send it to the students: its number."""

    @abstractmethod
    async def latest(self, code: str) -> tuple[int, str | None, Poll | None]:
        """The latest state message (with its number) and the open poll, for a late joiner."""

    @abstractmethod
    async def submit(self, code: str, name: str, result: dict[str, Any]) -> None:
        """Keep a student's run and send it to the teacher."""

    @abstractmethod
    async def submissions(self, code: str) -> list[dict[str, Any]]: ...

    @abstractmethod
    async def open_poll(self, code: str, question: str, choices: list[str]) -> Poll:
        """A new poll (votes start at zero), sent to the students."""

    @abstractmethod
    async def vote(self, code: str, student: str, choice: int) -> None:
        """Count a vote (a student's later vote replaces hers); the tally goes to the teacher."""

    @abstractmethod
    async def tally(self, code: str) -> dict[str, Any] | None: ...

    @abstractmethod
    async def stream(self, code: str, text: str, start: bool) -> None:
        """One message of the teacher's experiment stream; ``start`` begins a new replay."""

    @abstractmethod
    async def replay(self, code: str) -> list[tuple[int, str]]:
        """The stream since its last start, numbered."""

    @abstractmethod
    async def subscribe(self, code: str, channel: Channel) -> Subscription:
        """Messages of one channel from now on (close the subscription when done)."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections."""


def open_store(redis_url: str | None) -> RoomStore:
    """Redis when a URL is given, else the process' memory."""
    if redis_url:
        from app.rooms.redis_store import RedisRoomStore
        return RedisRoomStore(redis_url)
    from app.rooms.memory import MemoryRoomStore
    return MemoryRoomStore()


def warn_if_rooms_split(redis_url: str | None) -> bool:
    """Log, at start-up, that rooms need Redis when this process is one of several workers
    (a uvicorn ``--workers`` child, or ``WEB_CONCURRENCY`` > 1) and no Redis is set."""
    several = (multiprocessing.parent_process() is not None
               or int(os.environ.get("WEB_CONCURRENCY", "1") or 1) > 1)
    if several and not redis_url:
        log.warning("descenso: this server runs several worker processes but rooms live in "
                    "one process: a class (Start a class, /join/CODE) needs "
                    "DESCENSO_REDIS_URL=redis://… so the teacher and the students may land on "
                    "different workers")
        return True
    return False
