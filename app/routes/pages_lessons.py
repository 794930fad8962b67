"""The lessons' pages: ``/lessons`` (cards by section) and ``/lessons/{id}?step=k`` (the player:
the step's instrument beside its text)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse

from app.i18n import negotiate
from app.lessons import SECTIONS, all_lessons, find_lesson
from app.lessons.links import step_number
from app.lessons.views import card, lesson_view
from app.routes.deps import SettingsDep
from app.routes.pages import PAGE_METHODS, TEMPLATES, page_context
from app.routes.security import framing_headers

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.api_route("/lessons", methods=PAGE_METHODS, response_class=HTMLResponse)
async def lessons_page(request: Request, settings: SettingsDep,
                       accept_language: Annotated[str | None, Header()] = None) -> HTMLResponse:
    """Every lesson, grouped by the lecture's sections."""
    query = dict(request.query_params)
    lang = negotiate(query.get("lang"), accept_language)
    cards = [card(lesson, lang) for lesson in all_lessons()]
    sections = [{"id": s, "cards": [c for c in cards if c["section"] == s]} for s in SECTIONS]
    context = page_context(request, lang, "lessons", {"notices": []})
    context["sections"] = [s for s in sections if s["cards"]]
    return TEMPLATES.TemplateResponse(request, "lessons.html", context,
                                      headers=framing_headers(query, settings))


@router.api_route("/lessons/{lesson_id}", methods=PAGE_METHODS, response_class=HTMLResponse)
async def lesson_page(lesson_id: str, request: Request, settings: SettingsDep,
                      accept_language: Annotated[str | None, Header()] = None) -> HTMLResponse:
    """The lesson player, at the link's step."""
    query = dict(request.query_params)
    lang = negotiate(query.get("lang"), accept_language)
    lesson = find_lesson(lesson_id)
    headers = framing_headers(query, settings)
    if lesson is None:
        context = page_context(request, lang, "lessons", {"notices": []})
        context["lesson_id"] = lesson_id[:100]
        return TEMPLATES.TemplateResponse(request, "lesson_missing.html", context,
                                          status_code=404, headers=headers)
    step, notices = step_number(query.get("step"), len(lesson.steps))
    view = lesson_view(lesson, lang)
    context = page_context(request, lang, "lesson",
                           {"lesson": view, "step": step, "notices": notices})
    context["lesson"] = view
    context["step"] = step
    return TEMPLATES.TemplateResponse(request, "lesson.html", context, headers=headers)
