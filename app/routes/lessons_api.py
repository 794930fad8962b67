"""JSON API of the lessons: the list (cards) and one lesson with its steps, in one language."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel

from app.i18n import translate
from app.lessons import all_lessons, find_lesson
from app.lessons.model import Page
from app.lessons.views import card, lesson_view
from app.routes.errors import QUERY_ERROR_RESPONSES

router = APIRouter(prefix="/api", tags=["lessons"])
Lang = Annotated[Literal["es", "en"], Query(description="The language of the texts")]


class LessonCardOut(BaseModel):
    """A lesson in the list: its section, title, summary, minutes, how many steps, its page."""

    id: str
    section: str
    section_title: str
    title: str
    summary: str
    minutes: int
    steps: int
    url: str


class LessonsOut(BaseModel):
    lessons: list[LessonCardOut]


class QuestionOut(BaseModel):
    """"What will happen?": asked before the run, ``answer`` (an index) revealed after it."""

    prompt: str
    choices: list[str]
    answer: int
    explanation: str


class RunOut(BaseModel):
    """Play ``count`` steps (surface) or epochs (MLP) at ``speed`` per second."""

    unit: Literal["steps", "epochs"]
    count: int
    speed: float


class GoalOut(BaseModel):
    """What the run must show, checked on its stream; ``label`` says it in words."""

    kind: Literal["reach", "final", "compare", "diverges"]
    run: int
    metric: str | None
    op: str | None
    value: float | None
    other: int | None
    label: str
    met: str
    missed: str


class StepOut(BaseModel):
    """One step: Markdown text, the page and its full link, controls to highlight and hide."""

    text: str
    page: Page
    url: str
    highlight: list[str]
    hide: list[str]
    question: QuestionOut | None
    run: RunOut | None
    goal: GoalOut | None


class LessonOut(LessonCardOut):
    steps: list[StepOut]  # type: ignore[assignment]


class NotFoundOut(BaseModel):
    """An unknown lesson: ``code`` and ``params`` for a catalog, ``message`` in the asked
    language."""

    detail: dict[str, Any]


@router.get("/lessons", response_model=LessonsOut, responses=QUERY_ERROR_RESPONSES)
async def list_lessons(lang: Lang = "es") -> dict[str, Any]:
    """Every lesson, in the lecture's order, as cards."""
    return {"lessons": [card(lesson, lang) for lesson in all_lessons()]}


@router.get("/lessons/{lesson_id}", response_model=LessonOut,
            responses={**QUERY_ERROR_RESPONSES,
                       404: {"model": NotFoundOut, "description": "No lesson has this id"}})
async def get_lesson(lesson_id: Annotated[str, Path(max_length=100)],
                     lang: Lang = "es") -> dict[str, Any]:
    """One lesson with its steps (text, link, highlighted and hidden controls, question, run,
    goal)."""
    lesson = find_lesson(lesson_id)
    if lesson is None:
        raise HTTPException(status_code=404, detail={
            "code": "lessons.unknown", "params": {"id": lesson_id},
            "message": translate(lang, "lessons.unknown", id=lesson_id)})
    return lesson_view(lesson, lang)
