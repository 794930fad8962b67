"""Classrooms over HTTP: ``POST /api/rooms`` opens one, ``GET /api/rooms/{code}`` says how many
students are in it (404 for an unknown or expired room)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from app.core.rooms import RoomError, normalize_code
from app.routes.errors import QUERY_ERROR_RESPONSES
from app.routes.room_deps import RoomStoreDep
from app.schema.room_messages import RoomErrorOut, RoomInfoOut, RoomOut

router = APIRouter(tags=["rooms"])
JOIN_PREFIX = "/join/"


def room_error(status: int, error: RoomError) -> JSONResponse:
    return JSONResponse(status_code=status, content=RoomErrorOut(
        code=error.code, message=error.message, params=error.params).model_dump())


UNKNOWN: dict[int | str, dict[str, Any]] = {
    404: {"model": RoomErrorOut, "description": "No such room (wrong code, or it expired)"},
    **QUERY_ERROR_RESPONSES}
CodePath = Annotated[str, Path(min_length=1, max_length=16,
                               description="The room's code, e.g. K7P2QD (case and dashes do "
                                           "not matter)")]
FULL: dict[int | str, dict[str, Any]] = {
    503: {"model": RoomErrorOut, "description": "The server has its maximum of open rooms"}}


@router.post("/api/rooms", response_model=RoomOut, responses=FULL)
async def create_room(store: RoomStoreDep) -> Any:
    """Open a room: its code, the teacher's token (keep it in the teacher's tab) and the
    students' join link."""
    try:
        code, token = await store.create()
    except RoomError as error:
        return room_error(503, error)
    return RoomOut(code=code, teacher_token=token, join_url=JOIN_PREFIX + code)


@router.get("/api/rooms/{code}", response_model=RoomInfoOut, responses=UNKNOWN)
async def room_info(code: CodePath, store: RoomStoreDep) -> Any:
    """How many students are connected to a room; 404 if it does not exist or expired."""
    normalized = normalize_code(code)
    students = await store.students(normalized) if normalized else None
    if students is None:
        return room_error(404, RoomError("room.unknown",
                                         "no such room (wrong code, or it expired)"))
    return RoomInfoOut(students=students)
