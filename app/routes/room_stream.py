"""Shared computation for a class: the teacher's experiment is computed once, and every
follower receives the same messages.

The teacher's page opens its usual stream (``/ws/mlp`` or ``/ws/surface``) with
``?room=CODE&token=…``: every message that stream sends the teacher (``started``, ``frame``,
``updated``…; not errors) is also handed to the room, already encoded. A following student
opens ``WS /ws/room/{code}/stream`` and receives the stream since its last ``started`` at once,
then every message as the teacher gets it: a room of 40 costs one training plus 40 sends. A
student who explores on her own closes it and opens her own stream.

A stream that feeds a room also tells its player's state after every command but ``speed``
(``start``, ``play``, ``pause``, ``step``, ``reset``): ``{"type": "player", "gen": n,
"playing": true|false}``, to the room and to the teacher's socket alike (her page ignores it).
With ``started`` (which carries the load ``mode``: ``"play"``, ``"pause"`` or ``"instant"``)
and each frame's ``playing`` (false on the frame that ends the job), a follower knows whether
the teacher's player plays, from the latest message, even when it joins late (the replay keeps
the start and the latest messages).
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.core.rooms import MAX_STUDENTS, RoomError, normalize_code
from app.rooms import RoomStore
from app.rooms.hub import Overflow
from app.routes.room_deps import RoomStoreDep, app_room_store
from app.routes.rooms_ws import CLOSE_TOO_SLOW, RoomSocket, run_both

router = APIRouter(tags=["rooms"])
log = logging.getLogger("descenso.rooms")
_followers: dict[str, int] = {}


class Outbox:
    """Where a stream's messages go: its socket and, for a teacher in a room, the room."""

    def __init__(self, websocket: WebSocket, store: RoomStore | None = None,
                 code: str | None = None) -> None:
        self.websocket, self.store, self.code = websocket, store, code

    async def send_text(self, text: str, kind: str | None = None) -> None:
        await self.websocket.send_text(text)
        if self.store is not None and self.code is not None and kind != "error":
            try:
                await self.store.stream(self.code, text, start=kind == "started")
            except RoomError:  # the room expired: the teacher's own stream goes on
                self.store = None
            except Exception:  # Redis away: never break the teacher's own stream
                log.exception("room %s: could not hand a frame to the followers", self.code)

    async def send_json(self, message: dict[str, Any]) -> None:
        await self.send_text(json.dumps(message, separators=(",", ":"), allow_nan=False),
                             kind=message.get("type"))

    @property
    def feeds_room(self) -> bool:
        return self.store is not None and self.code is not None

    async def announce(self, message: dict[str, Any]) -> None:
        """A message for a class only (the player's state): sent, like the stream, to the
        teacher's socket and the room when this stream feeds one; a lone page never gets it."""
        if self.feeds_room:
            await self.send_json(message)


async def outbox_for(websocket: WebSocket) -> Outbox:
    """The stream's outbox: with ``?room=CODE&token=…`` of the room's teacher, it feeds the
    room's followers; otherwise (or with a wrong token) only this socket."""
    query = websocket.query_params
    code = normalize_code(query.get("room", ""))
    if code is None:
        return Outbox(websocket)
    from app.settings import get_settings
    settings = websocket.app.dependency_overrides.get(get_settings, get_settings)()
    store = app_room_store(websocket.app, settings.redis_url)
    try:
        if await store.is_teacher(code, query.get("token")):
            # a new stream of the teacher (she opened another page): followers start afresh
            await store.stream(code, json.dumps({"type": "teacher_stream",
                                                 "path": websocket.url.path}), start=True)
            return Outbox(websocket, store, code)
    except RoomError:
        pass
    return Outbox(websocket)


@router.websocket("/ws/room/{code}/stream")
async def follow_stream(websocket: WebSocket, code: str, store: RoomStoreDep) -> None:
    """The teacher's experiment stream, for a student who follows (receive only)."""
    await websocket.accept()
    conn = RoomSocket(websocket)
    normalized = normalize_code(code)
    try:
        if normalized is None or await store.students(normalized) is None:
            raise RoomError("room.unknown", "no such room (wrong code, or it expired)")
        if _followers.get(normalized, 0) >= MAX_STUDENTS:
            raise RoomError("room.full", f"the room is full ({MAX_STUDENTS} students)",
                            max=MAX_STUDENTS)
    except RoomError as error:
        with contextlib.suppress(Exception):
            await conn.refuse(error, close=True)
        return
    _followers[normalized] = _followers.get(normalized, 0) + 1
    sub = await store.subscribe(normalized, "stream")
    try:
        last = 0
        for seq, text in await store.replay(normalized):
            await conn.send_text(text)
            last = seq
        await run_both(_ignore_input(websocket), conn.pump(sub, after=last), conn)
    except (WebSocketDisconnect, Overflow):
        with contextlib.suppress(Exception):
            await websocket.close(code=CLOSE_TOO_SLOW)
    finally:
        sub.close()
        _followers[normalized] -= 1
        if not _followers[normalized]:
            del _followers[normalized]


async def _ignore_input(websocket: WebSocket) -> None:
    """A follower only listens: whatever it sends is dropped; returns when it leaves."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
