"""Uniform error bodies: FastAPI's ``detail`` plus ``errors`` with a dotted field and a reason.

A body that is not JSON (malformed, or sent with another content type) answers 400; a JSON body
the schema refuses answers 422. The models here document both in the OpenAPI description.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from app.i18n.messages import validation_message

SKIPPED_LOCATIONS = ("body", "query", "path")


def first_error(error: ValidationError, whole: str) -> tuple[str, str, str]:
    """The first problem pydantic found in a message: where (its dotted location, or ``whole``
    for the message itself), the error's type and its English text."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or whole
    return where, str(first["type"]), str(first["msg"])


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


class ErrorDetail(BaseModel):
    """One error as FastAPI reports it: where (``["body", "runs", 0, "learning_rate"]``), why."""

    loc: list[str | int]
    msg: str
    type: str


class FieldError(BaseModel):
    """One error for a person: the dotted field, the reason, and for formulas where it is."""

    field: str
    message: str
    type: str
    column: int | None = None
    token: str | None = None
    code: str | None = None


class ErrorOut(BaseModel):
    """The body of a 400 or a 422."""

    detail: list[ErrorDetail]
    errors: list[FieldError]


def _not_json(error: Any) -> bool:
    """The body could not be read as JSON: malformed, or not sent as ``application/json``."""
    return error.get("type") == "json_invalid" or (
        tuple(error.get("loc", ())) == ("body",) and isinstance(error.get("input"), bytes))


def not_json_error(error: Any) -> dict[str, Any]:
    reason = "the body is not valid JSON" if error.get("type") == "json_invalid" else \
        "the body must be JSON sent as application/json"
    ctx = error.get("ctx") or {}
    if ctx.get("error"):
        reason += f" ({ctx['error']})"
    return {"loc": ["body"], "msg": reason, "type": "json_invalid"}


async def validation_error_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    """400 for a body that is not JSON; otherwise 422 naming each field and the reason."""
    errors = exc.errors()
    bad_body = [not_json_error(e) for e in errors if _not_json(e)]
    if bad_body:
        return JSONResponse(status_code=400, content={
            "detail": bad_body[:1], "errors": field_errors(bad_body[:1])})
    return JSONResponse(
        status_code=422,
        content={"detail": [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")),
                             "type": str(e.get("type", ""))} for e in errors],
                 "errors": field_errors(errors)},
    )


async def http_error_response(request: Request, exc: HTTPException) -> Response:
    """FastAPI's 400 for a body it could not parse (e.g. a broken form), in the same shape as a
    body that is not JSON; every other HTTP error as FastAPI writes it."""
    if exc.status_code == 400 and isinstance(exc.detail, str):
        error = {"loc": ["body"], "msg": exc.detail, "type": "json_invalid"}
        return JSONResponse(status_code=400, content={
            "detail": [error], "errors": field_errors([error])}, headers=exc.headers)
    return await http_exception_handler(request, exc)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The body is not JSON"},
    422: {"model": ErrorOut, "description": "A field is invalid: each error names it and why"},
}
"""``responses=`` of every route that reads a JSON body."""

JSON_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": spec["description"], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for status, spec in ERROR_RESPONSES.items()}
"""The same, for a route whose success is not JSON (FastAPI would give a ``model`` the route's
media type); ``ErrorOut`` is in the components because the JSON routes use it."""

QUERY_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "A query parameter is invalid"},
}
"""``responses=`` of every route that reads query parameters."""

QUERY_JSON_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": spec["description"], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for status, spec in QUERY_ERROR_RESPONSES.items()}
"""The same, for a route reading query parameters whose success is not JSON."""
