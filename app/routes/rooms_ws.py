"""The classroom socket ``/ws/room/{code}``: the teacher (``?role=teacher&token=…``) sends
states and polls; students (``?role=student&name=…``) receive them in order and send runs and
votes, which reach only the teacher.

Server → teacher: ``hello`` (students, submissions so far, the poll's tally), ``presence``,
``submission``, ``tally``. Server → student: ``hello``, then the latest ``state`` at once, then
every ``state`` (with ``seq``) and ``poll``. Either side may get ``{"type": "error", "code":
"room.…", "params": {…}, "message": "…"}``; a refused connection or a message a role may not send
(a student's ``state``) is closed with 1008. A teacher's state on a lesson
(``{"page": "lesson", "lesson": id, "step": k}``) is checked against the lesson store first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from app.core.rooms import (
    MAX_RESULT_BYTES,
    MAX_STATE_BYTES,
    RateLimiter,
    RoomError,
    clean_name,
    json_size,
    normalize_code,
)
from app.rooms import RoomStore
from app.rooms.hub import Overflow, Subscription
from app.rooms.store import dumps
from app.routes.errors import first_error
from app.routes.room_deps import RoomStoreDep
from app.routes.room_lessons import check_state
from app.routes.socket_protocol import CLOSE_POLICY, ProtocolError, receive_json
from app.schema.room_messages import (
    STUDENT_COMMAND,
    TEACHER_COMMAND,
    PollMessage,
    StateMessage,
    SubmitMessage,
)

router = APIRouter(tags=["rooms"])
MAX_ROOM_MESSAGE = MAX_STATE_BYTES + 4096
CLOSE_TOO_SLOW = 1013
TEACHER_RATE = (60.0, 120.0)  # messages per second, burst
STUDENT_RATE = (5.0, 20.0)


class RoomSocket:
    """One connection: sends are serialized, refusals become ``error`` messages."""

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self._lock = asyncio.Lock()

    async def send_text(self, text: str) -> None:
        async with self._lock:
            await self.websocket.send_text(text)

    async def refuse(self, error: RoomError, close: bool = False) -> None:
        await self.send_text(dumps(error.to_dict()))
        if close:
            await self.websocket.close(code=CLOSE_POLICY, reason=error.message[:120])

    async def pump(self, sub: Subscription, after: int = 0) -> None:
        """Forward a channel's messages, skipping numbered ones the reader already has."""
        while True:
            seq, text = await sub.get()
            if seq and seq <= after:
                continue
            await self.send_text(text)


def refused(message: Any, adapter: Any) -> Any:
    """``message`` as a command, or a RoomError saying why not."""
    kind = message.get("type") if isinstance(message, dict) else None
    try:
        return adapter.validate_python(message)
    except ValidationError as error:
        where, kind_of_error, text = first_error(error, "message")
        if kind_of_error in ("union_tag_invalid", "union_tag_not_found", "model_type"):
            raise RoomError("room.not_allowed", f"this role may not send {kind!r} messages"[:120],
                            type=str(kind)[:40]) from None
        raise RoomError("room.bad_message", f"invalid message: {where}: {text}"[:160],
                        field=where[:60]) from None


@router.websocket("/ws/room/{code}")
async def room_socket(websocket: WebSocket, code: str, store: RoomStoreDep) -> None:
    """A teacher or a student in a room."""
    await websocket.accept()
    conn = RoomSocket(websocket)
    query = websocket.query_params
    try:
        normalized = normalize_code(code)
        if normalized is None or await store.students(normalized) is None:
            raise RoomError("room.unknown", "no such room (wrong code, or it expired)")
        role = query.get("role")
        if role == "teacher":
            if not await store.is_teacher(normalized, query.get("token")):
                raise RoomError("room.not_teacher", "wrong or missing teacher token")
            session = teacher(conn, store, normalized)
        elif role == "student":
            session = student(conn, store, normalized, clean_name(query.get("name")))
        else:
            raise RoomError("room.bad_role", "role must be teacher or student")
        await session
    except RoomError as error:
        with contextlib.suppress(Exception):
            await conn.refuse(error, close=True)
    except (WebSocketDisconnect, Overflow):
        pass


async def run_both(reader: Awaitable[None], pump: Awaitable[None], conn: RoomSocket) -> None:
    """Read commands and forward messages at once, until either ends."""
    tasks = [asyncio.ensure_future(reader), asyncio.ensure_future(pump)]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    for task in done:
        error = task.exception()
        if isinstance(error, Overflow):
            with contextlib.suppress(Exception):
                await conn.websocket.close(code=CLOSE_TOO_SLOW, reason="too slow to follow")
        elif error is not None and not isinstance(error, WebSocketDisconnect):
            raise error


async def commands(conn: RoomSocket, adapter: Any, rate: tuple[float, float],
                   handle: Callable[[Any], Awaitable[None]]) -> None:
    """The reading loop both roles share: caps, rate limit, refusals."""
    limiter = RateLimiter(*rate)
    while True:
        try:
            message = await receive_json(conn.websocket, MAX_ROOM_MESSAGE)
        except ProtocolError as error:
            first = error.errors[0]
            await conn.refuse(RoomError(first["code"], error.reason, **first["params"]))
            await conn.websocket.close(code=error.code, reason=error.reason)
            return
        if not limiter.allow():
            await conn.refuse(RoomError("room.rate_limited", "too many messages: slow down"))
            continue
        try:
            await handle(refused(message, adapter))
        except RoomError as error:
            await conn.refuse(error, close=error.code == "room.not_allowed")
            if error.code == "room.not_allowed":
                return


async def teacher(conn: RoomSocket, store: RoomStore, code: str) -> None:
    sub = await store.subscribe(code, "teacher")
    try:
        await conn.send_text(dumps({
            "type": "hello", "role": "teacher", "code": code,
            "students": await store.students(code) or 0,
            "submissions": await store.submissions(code), "tally": await store.tally(code)}))

        async def handle(command: Any) -> None:
            if isinstance(command, StateMessage):
                if json_size(command.state) > MAX_STATE_BYTES:
                    raise RoomError("room.state_too_big",
                                    f"a state has at most {MAX_STATE_BYTES} bytes",
                                    max=MAX_STATE_BYTES)
                check_state(command.state)
                await store.set_state(code, dumps(command.state))
            elif isinstance(command, PollMessage):
                await store.open_poll(code, command.question, command.choices)

        await run_both(commands(conn, TEACHER_COMMAND, TEACHER_RATE, handle), conn.pump(sub),
                       conn)
    finally:
        sub.close()


async def student(conn: RoomSocket, store: RoomStore, code: str, name: str) -> None:
    sub = await store.subscribe(code, "students")
    me: str | None = None
    try:
        me = await store.join(code, name)
        seq, latest, poll = await store.latest(code)
        await conn.send_text(dumps({"type": "hello", "role": "student", "code": code,
                                    "name": name}))
        if latest is not None:
            await conn.send_text(latest)
        if poll is not None:
            await conn.send_text(dumps(poll.to_message()))
        student_id = me

        async def handle(command: Any) -> None:
            if isinstance(command, SubmitMessage):
                if json_size(command.result) > MAX_RESULT_BYTES:
                    raise RoomError("room.result_too_big",
                                    f"a run has at most {MAX_RESULT_BYTES} bytes",
                                    max=MAX_RESULT_BYTES)
                shown = clean_name(command.name) if command.name is not None else name
                await store.submit(code, shown, command.result)
            else:
                await store.vote(code, student_id, command.choice)

        await run_both(commands(conn, STUDENT_COMMAND, STUDENT_RATE, handle),
                       conn.pump(sub, after=seq), conn)
    finally:
        sub.close()
        if me is not None:
            with contextlib.suppress(Exception):
                await store.leave(code, me)
