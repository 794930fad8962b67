"""The lessons on disk (``app/lessons/data/*.yaml``, one lesson per file, named by its id),
validated once and kept: a broken lesson stops the app at start-up and fails the tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from app.lessons.model import SECTIONS, Lesson, Page, Step
from app.schema.served import SCHEMAS

DATA_DIR = Path(__file__).parent / "data"


class LessonError(ValueError):
    """A lesson file that cannot be used, with the file's name in the message."""


def _names(controls: list[dict[str, Any]], out: set[str]) -> set[str]:
    for control in controls:
        out.add(control["name"])
        for key in ("fields", "items"):
            if isinstance(control.get(key), list):
                _names(control[key], out)
    return out


def served_control_names(served: dict[str, Any]) -> frozenset[str]:
    """The controls a served page schema (``GET /api/schema/{page}``) names: its fields, nested
    ones included, and, on the pages that race optimizers, the optimizers (each run's card)."""
    names = _names(served["experiment"], set()) | _names(served.get("view", []), set())
    return frozenset(names | set(served.get("optimizers", {})))


@cache
def control_names(page: Page) -> frozenset[str]:
    """What a step may highlight or hide on ``page``: the names its served schema has."""
    return served_control_names(SCHEMAS[page]().model_dump(mode="json"))


def check_controls(lesson_id: str, index: int, step: Step) -> None:
    """Every highlighted and hidden control is one the step's page serves."""
    unknown = sorted(set(step.highlight + step.hide) - control_names(step.page))
    if unknown:
        raise LessonError(f"lesson {lesson_id!r}, step {index + 1}: /{step.page} has no control "
                          f"{', '.join(unknown)}")


def read_lesson(path: Path) -> Lesson:
    """One lesson file, validated; its name must be its id."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        lesson = Lesson.model_validate(raw)
    except (yaml.YAMLError, ValueError) as error:
        raise LessonError(f"{path.name}: {error}") from error
    if lesson.id != path.stem:
        raise LessonError(f"{path.name}: id {lesson.id!r} differs from the file's name")
    for index, step in enumerate(lesson.steps):
        check_controls(lesson.id, index, step)
    return lesson


@cache
def all_lessons() -> tuple[Lesson, ...]:
    """Every lesson, in the lecture's order (section, then place in it)."""
    lessons = [read_lesson(path) for path in sorted(DATA_DIR.glob("*.yaml"))]
    return tuple(sorted(lessons, key=lambda one: (SECTIONS.index(one.section), one.order, one.id)))


def find_lesson(lesson_id: str) -> Lesson | None:
    return next((lesson for lesson in all_lessons() if lesson.id == lesson_id), None)


def lessons_for_page(page: str) -> list[Lesson]:
    """The lessons with a step on ``page`` (the page's lessons menu)."""
    return [lesson for lesson in all_lessons() if any(s.page == page for s in lesson.steps)]
