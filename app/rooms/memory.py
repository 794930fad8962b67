"""Rooms in this process' memory (the default: one uvicorn worker serves a class)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from app.core.rooms import (
    MAX_ROOMS,
    ROOM_TTL_SECONDS,
    Poll,
    Room,
    RoomError,
    new_code,
    new_token,
    token_digest,
    token_matches,
)
from app.core.rooms.room import tally
from app.rooms.hub import LocalHub, Subscription
from app.rooms.store import MAX_STREAM_MESSAGES, Channel, RoomStore, dumps


def unknown_room() -> RoomError:
    return RoomError("room.unknown", "no such room (wrong code, or it expired)")


class MemoryRoomStore(RoomStore):
    """A dict of rooms; ``clock`` (seconds) decides expiry, so tests can move time."""

    def __init__(self, clock: Callable[[], float] = time.time, max_rooms: int = MAX_ROOMS,
                 ttl: float = ROOM_TTL_SECONDS) -> None:
        self._rooms: dict[str, Room] = {}
        self._hub = LocalHub()
        self._clock, self.max_rooms, self.ttl = clock, max_rooms, ttl

    def _sweep(self) -> None:
        now = self._clock()
        for code in [c for c, room in self._rooms.items() if room.expired(now, self.ttl)]:
            del self._rooms[code]

    def _room(self, code: str, touch: bool = True) -> Room:
        room = self._rooms.get(code)
        now = self._clock()
        if room is None or room.expired(now, self.ttl):
            self._rooms.pop(code, None)
            raise unknown_room()
        if touch:
            room.touched = now
        return room

    def _send(self, code: str, channel: Channel, text: str, seq: int = 0) -> None:
        self._hub.publish(f"{code}:{channel}", seq, text)

    async def create(self) -> tuple[str, str]:
        self._sweep()
        if len(self._rooms) >= self.max_rooms:
            raise RoomError("room.too_many", f"this server has its maximum of {self.max_rooms} "
                            "open rooms; try again later", max=self.max_rooms)
        code = new_code()
        while code in self._rooms:
            code = new_code()
        token = new_token()
        self._rooms[code] = Room(code, token_digest(token), self._clock())
        return code, token

    async def students(self, code: str) -> int | None:
        try:
            return len(self._room(code, touch=False).students)
        except RoomError:
            return None

    async def is_teacher(self, code: str, token: str | None) -> bool:
        return token_matches(token, self._room(code).digest)

    async def join(self, code: str, name: str) -> str:
        room = self._room(code)
        student = secrets.token_hex(8)
        room.join(student, name)
        self._presence(room)
        return student

    async def leave(self, code: str, student: str) -> None:
        room = self._rooms.get(code)
        if room is not None and student in room.students:
            room.leave(student)
            self._presence(room)
            if room.poll is not None:
                self._send(code, "teacher", dumps(tally(room.poll, room.votes)))

    def _presence(self, room: Room) -> None:
        self._send(room.code, "teacher",
                   dumps({"type": "presence", "students": len(room.students)}))

    async def set_state(self, code: str, state_json: str) -> int:
        room = self._room(code)
        seq = room.set_state(state_json)
        self._send(code, "students", room.state or "", seq)
        return seq

    async def latest(self, code: str) -> tuple[int, str | None, Poll | None]:
        room = self._room(code)
        return room.seq, room.state, room.poll

    async def submit(self, code: str, name: str, result: dict[str, Any]) -> None:
        room = self._room(code)
        numbered = room.submit({"type": "submission", "name": name, "result": result})
        self._send(code, "teacher", dumps(numbered))

    async def submissions(self, code: str) -> list[dict[str, Any]]:
        return list(self._room(code).submissions)

    async def open_poll(self, code: str, question: str, choices: list[str]) -> Poll:
        room = self._room(code)
        poll = room.open_poll(question, choices)
        self._send(code, "students", dumps(poll.to_message()))
        self._send(code, "teacher", dumps(tally(poll, room.votes)))
        return poll

    async def vote(self, code: str, student: str, choice: int) -> None:
        self._send(code, "teacher", dumps(self._room(code).vote(student, choice)))

    async def tally(self, code: str) -> dict[str, Any] | None:
        room = self._room(code)
        return tally(room.poll, room.votes) if room.poll else None

    async def stream(self, code: str, text: str, start: bool) -> None:
        room = self._room(code)
        room.stream_seq += 1
        if start:
            room.stream = []
        room.stream.append((room.stream_seq, text))
        if len(room.stream) > MAX_STREAM_MESSAGES:  # keep the start, drop the oldest frames
            del room.stream[1]
        self._send(code, "stream", text, room.stream_seq)

    async def replay(self, code: str) -> list[tuple[int, str]]:
        return list(self._room(code).stream)

    async def subscribe(self, code: str, channel: Channel) -> Subscription:
        self._room(code, touch=False)
        return self._hub.subscribe(f"{code}:{channel}")

    async def close(self) -> None:
        """Nothing to release: the rooms go with the process."""
