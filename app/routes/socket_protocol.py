"""The WebSocket control messages and loop; oversized or malformed input closes the socket.

Before closing, the server sends ``{"type": "error", "gen": null, "errors": [{"field":
"message", "message": "…", "type": "…", "code": "ws.bad_json", "params": {}}]}`` (for a
command that is JSON but not a valid command, the pydantic errors of the message, as a 422
lists them: ``"field": "count"``, ``"code": "error.less_than_equal"``); the close reason is the
English message.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from app.jobs.player import Player
from app.jobs.workers import JOB_SLOTS
from app.routes.errors import field_errors, first_error

MAX_MESSAGE_BYTES = 256 * 1024  # an MLP start may carry 2,000 uploaded points
CLOSE_TOO_BIG = 1009
CLOSE_UNSUPPORTED = 1003
CLOSE_POLICY = 1008


class ProtocolError(Exception):
    """A message the server will not read: it closes the socket with ``code`` and ``reason``;
    ``errors`` (field, message, code, params) go to the page first."""

    def __init__(self, code: int, reason: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.errors = errors


def _protocol_error(close: int, reason: str, code: str, **params: int) -> ProtocolError:
    return ProtocolError(close, reason, [{"field": "message", "message": reason,
                                          "type": code.removeprefix("ws."), "code": code,
                                          "params": params}])


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartMessage(_Message):
    type: Literal["start"]
    gen: int = Field(0, ge=0, le=2**53)
    experiment: dict[str, Any]
    mode: Literal["instant", "play", "pause"] = "instant"
    speed: float = Field(60.0, ge=1, le=5000)


class PlayMessage(_Message):
    type: Literal["play"]


class PauseMessage(_Message):
    type: Literal["pause"]


class StepMessage(_Message):
    type: Literal["step"]
    count: int = Field(1, ge=1, le=10_000)


class ResetMessage(_Message):
    type: Literal["reset"]


class SpeedMessage(_Message):
    type: Literal["speed"]
    value: float = Field(ge=1, le=5000)


Command = Annotated[
    StartMessage | PlayMessage | PauseMessage | StepMessage | ResetMessage | SpeedMessage,
    Field(discriminator="type"),
]
_COMMAND: TypeAdapter[Command] = TypeAdapter(Command)


async def receive_json(websocket: WebSocket, max_bytes: int = MAX_MESSAGE_BYTES) -> Any:
    """The next text message as JSON, refusing binary, oversized or malformed ones."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if text is None:
        raise _protocol_error(CLOSE_UNSUPPORTED, "binary messages are not accepted", "ws.binary")
    # surrogatepass: a lone surrogate (possible where the server does not check UTF-8) is
    # measured, then refused by json.loads, instead of raising here
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise _protocol_error(CLOSE_TOO_BIG, f"message larger than {max_bytes} bytes",
                              "ws.too_big", max=max_bytes)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise _protocol_error(CLOSE_UNSUPPORTED, "message is not valid JSON",
                              "ws.bad_json") from error


def parse_command(message: Any) -> Command:
    try:
        return _COMMAND.validate_python(message)
    except ValidationError as error:
        where, _, text = first_error(error, "message")
        reason = f"invalid message: {where}: {text}"[:120]
        raise ProtocolError(CLOSE_POLICY, reason, field_errors(error.errors())) from error


async def close_for(websocket: WebSocket, error: ProtocolError) -> None:
    """Tell the page why (an ``error`` frame of no generation), then close with the reason."""
    await websocket.send_json({"type": "error", "gen": None, "errors": error.errors})
    await websocket.close(code=error.code, reason=error.reason)


CLOSE_BUSY = 1013


def player_message(player: Player[Any]) -> dict[str, Any]:
    """The player's state as a stream tells it: ``{"type": "player", "gen": n, "playing": b}``."""
    return {"type": "player", "gen": player.generation, "playing": player.playing}


async def serve(websocket: WebSocket, player: Player[Any],
                on_start: Callable[[StartMessage], Awaitable[None]],
                on_reset: Callable[[], Awaitable[None]] | None = None,
                announce: Callable[[dict[str, Any]], Awaitable[None]] | None = None) -> None:
    """The control loop every stream shares: admission, commands, protocol errors, cleanup.

    After every command but ``speed`` (``start``, ``play``, ``pause``, ``step``, ``reset``),
    ``announce`` is handed the player's state (``player_message``): a stream that feeds a
    class tells it to the followers, whose pages cannot see the teacher's buttons."""
    await websocket.accept()
    if not JOB_SLOTS.try_acquire():
        await websocket.send_json({"type": "busy", "message": "server busy, try again",
                                   "code": "ws.busy", "params": {}})
        await websocket.close(code=CLOSE_BUSY, reason="server busy, try again")
        return
    try:
        while True:
            try:
                command = parse_command(await receive_json(websocket))
            except ProtocolError as error:
                await close_for(websocket, error)
                return
            if isinstance(command, StartMessage):
                await on_start(command)
            elif isinstance(command, PlayMessage):
                await player.play()
            elif isinstance(command, PauseMessage):
                await player.pause()
            elif isinstance(command, StepMessage):
                await player.step(command.count)
            elif isinstance(command, ResetMessage):
                await (on_reset() if on_reset is not None else player.reset())
            elif isinstance(command, SpeedMessage):
                player.set_speed(command.value)
            if announce is not None and not isinstance(command, SpeedMessage):
                await announce(player_message(player))
    except WebSocketDisconnect:
        pass
    finally:
        JOB_SLOTS.release()
        await player.close()
