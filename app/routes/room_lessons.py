"""What a teacher's state may say about a lesson: the server owns the rules. A state whose
``page`` is ``"lesson"`` must name a lesson of the store and one of its steps, or it is refused
with a coded error and never reaches a student; any other state passes as it is."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.core.rooms import RoomError
from app.lessons import find_lesson
from app.routes.errors import first_error
from app.schema.room_messages import LessonState

LESSON_STATE: TypeAdapter[LessonState] = TypeAdapter(LessonState)


def check_state(state: dict[str, Any]) -> None:
    """Refuse a lesson state with an unknown lesson, a step out of range or a bad shape."""
    if state.get("page") != "lesson":
        return
    try:
        place = LESSON_STATE.validate_python(state)
    except ValidationError as error:
        where, _, text = first_error(error, "state")
        raise RoomError("room.bad_message", f"invalid lesson state: {where}: {text}"[:160],
                        field=f"state.{where}"[:60]) from None
    lesson = find_lesson(place.lesson)
    if lesson is None:
        raise RoomError("room.unknown_lesson", f"no lesson {place.lesson!r}"[:120],
                        lesson=place.lesson)
    total = len(lesson.steps)
    if not 1 <= place.step <= total:
        raise RoomError("room.bad_step",
                        f"lesson {place.lesson!r} has steps 1 to {total}, not {place.step}"[:120],
                        step=place.step, max=total)
