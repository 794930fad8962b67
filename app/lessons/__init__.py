"""Lessons: the lecture, section by section, as data the player walks through."""

from app.lessons.model import SECTIONS, Lesson, Step
from app.lessons.store import LessonError, all_lessons, find_lesson, lessons_for_page

__all__ = ["SECTIONS", "Lesson", "LessonError", "Step", "all_lessons", "find_lesson",
           "lessons_for_page"]
