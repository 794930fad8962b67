"""Uniform 422 bodies: FastAPI's ``detail`` plus ``errors`` with a dotted field and a reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.i18n.messages import validation_message

SKIPPED_LOCATIONS = ("body", "query", "path")


def field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """``[{"field": "runs.0.learning_rate", "message": "…", "type": "…", "code":
    "error.less_than_equal", "params": {"le": 10}}]`` from pydantic errors: ``message`` in
    English, ``code`` + ``params`` for the page's catalog (see ``app/i18n/messages.py``)."""
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in SKIPPED_LOCATIONS:
            loc = loc[1:]
        message = str(error.get("msg", "invalid"))
        message = message.removeprefix("Value error, ")
        error_type = str(error.get("type", ""))
        ctx = error.get("ctx") or {}
        code, params = validation_message(error_type, ctx)
        item: dict[str, Any] = {"field": ".".join(loc) or "(body)", "message": message,
                                "type": error_type, "code": code, "params": params}
        for key in ("column", "token"):  # a formula error's place, as before
            if key in ctx:
                item[key] = ctx[key]
        out.append(item)
    return out


async def validation_error_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming each field and the reason."""
    errors = exc.errors()
    return JSONResponse(
        status_code=422,
        content={"detail": [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")),
                             "type": str(e.get("type", ""))} for e in errors],
                 "errors": field_errors(errors)},
    )
