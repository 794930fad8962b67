"""The students' way into a class: ``/join/CODE`` (from the QR code or the link) and ``/join``
(type the code). The page asks for an optional display name, then follows the teacher."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse

from app.core.rooms import CODE_LENGTH, MAX_NAME, normalize_code
from app.i18n import negotiate
from app.routes.pages import PAGE_METHODS, TEMPLATES, _context

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.api_route("/join", methods=PAGE_METHODS, response_class=HTMLResponse)
@router.api_route("/join/{code}", methods=PAGE_METHODS, response_class=HTMLResponse)
async def join_page(request: Request, code: str = "",
                    accept_language: Annotated[str | None, Header()] = None) -> HTMLResponse:
    """Join a class: the code from the link (or typed), an optional name."""
    lang = negotiate(request.query_params.get("lang"), accept_language)
    normalized = normalize_code(code) if code else None
    data = {"code": normalized, "typed": code[:CODE_LENGTH * 2] if code and not normalized
            else "", "max_name": MAX_NAME, "code_length": CODE_LENGTH}
    return TEMPLATES.TemplateResponse(request, "join.html", _context(request, lang, "join", data))
