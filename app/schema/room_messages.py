"""The classroom protocol's messages (``/ws/room/{code}``) and the rooms API's answers.

Teacher → server: ``state`` (any JSON object up to 64 kB, fanned out to the students in order)
and ``poll``. Student → server: ``submit`` and ``vote``. Anything else is refused.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, TypeAdapter

from app.core.rooms import CODE_LENGTH, MAX_NAME
from app.core.rooms.limits import MAX_POLL_CHOICES, MAX_POLL_TEXT


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StateMessage(_Message):
    """What the teacher shows (page, link, lesson step, player…): students receive it as is."""

    type: Literal["state"]
    state: dict[str, Any]


class LessonState(_Message):
    """A teacher on a lesson's step (``/lessons/<id>?step=k``): the lesson, the step on screen
    (1-based) and, once she changed the step's instrument, its link (``frame``: the query of the
    step's page, without the viewer's modes). The server checks the lesson exists and the step is
    one of its steps (:mod:`app.routes.room_lessons`) before any student sees it."""

    page: Literal["lesson"]
    lesson: str = Field(min_length=1, max_length=40, examples=["gradient-descent"])
    step: StrictInt = Field(examples=[2])
    frame: str | None = Field(None, max_length=4000)


class PollMessage(_Message):
    type: Literal["poll"]
    question: str = Field(min_length=1, max_length=MAX_POLL_TEXT)
    choices: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        min_length=2, max_length=MAX_POLL_CHOICES)


class SubmitMessage(_Message):
    """A student's run: its link and final metrics (``result``, up to 16 kB)."""

    type: Literal["submit"]
    result: dict[str, Any]
    name: str | None = Field(None, max_length=4 * MAX_NAME)  # cleaned and capped after


class VoteMessage(_Message):
    type: Literal["vote"]
    choice: int = Field(ge=0, lt=MAX_POLL_CHOICES)


TeacherCommand = Annotated[StateMessage | PollMessage, Field(discriminator="type")]
StudentCommand = Annotated[SubmitMessage | VoteMessage, Field(discriminator="type")]
TEACHER_COMMAND: TypeAdapter[TeacherCommand] = TypeAdapter(TeacherCommand)
STUDENT_COMMAND: TypeAdapter[StudentCommand] = TypeAdapter(StudentCommand)


class RoomOut(BaseModel):
    """A new room: its code, the teacher's secret (keep it in the teacher's tab only) and the
    link students open."""

    code: str = Field(min_length=CODE_LENGTH, max_length=CODE_LENGTH, examples=["K7P2QD"])
    teacher_token: str
    join_url: str = Field(examples=["/join/K7P2QD"])


class RoomInfoOut(BaseModel):
    """A room that exists: how many students are connected."""

    students: int = Field(ge=0)


class RoomErrorOut(BaseModel):
    """A room refused: a catalog code (``room.unknown``, ``room.too_many``…) and English text."""

    code: str
    message: str
    params: dict[str, int | str] = Field(default_factory=dict)
