"""The WebSocket control messages, validated; oversized or malformed input closes the socket."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import WebSocket
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

MAX_MESSAGE_BYTES = 64 * 1024
CLOSE_TOO_BIG = 1009
CLOSE_UNSUPPORTED = 1003
CLOSE_POLICY = 1008


class ProtocolError(Exception):
    """A message the server will not read: it closes the socket with ``code`` and ``reason``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


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


async def receive_json(websocket: WebSocket) -> Any:
    """The next text message as JSON, refusing binary, oversized or malformed ones."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        from fastapi import WebSocketDisconnect

        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if text is None:
        raise ProtocolError(CLOSE_UNSUPPORTED, "binary messages are not accepted")
    if len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError(CLOSE_TOO_BIG, f"message larger than {MAX_MESSAGE_BYTES} bytes")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(CLOSE_UNSUPPORTED, "message is not valid JSON") from error


def parse_command(message: Any) -> Command:
    try:
        return _COMMAND.validate_python(message)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "message"
        reason = f"invalid message: {where}: {first['msg']}"[:120]
        raise ProtocolError(CLOSE_POLICY, reason) from error


async def close_for(websocket: WebSocket, error: ProtocolError) -> None:
    await websocket.close(code=error.code, reason=error.reason)
