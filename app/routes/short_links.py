"""Short links (``POST /api/short``, ``GET /s/<code>``) and QR codes (``GET /api/qr``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app._resources import TEMPLATES_DIR
from app.core.rooms import normalize_code as normalize_room_code
from app.i18n import LANGUAGES, catalog, negotiate, translate
from app.lessons import all_lessons
from app.lessons.links import step_number
from app.routes.errors import ERROR_RESPONSES, QUERY_JSON_ERROR_RESPONSES
from app.schema.labs import ActivationLab, InitLab
from app.schema.landscape import read_landscape_panel
from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import MlpExperiment
from app.schema.page_links import VIEW_KEYS, read_surface_link
from app.schema.served import page_default_mlp
from app.schema.url_codec import decode, encode
from app.settings import Settings, get_settings
from app.shortlinks.canonical import (
    MAX_URL_LENGTH,
    LinkError,
    PageLink,
    canonical_link,
    split_app_link,
)
from app.shortlinks.qr import QrTooLong, qr_svg
from app.shortlinks.store import ShortLinkStore, normalize_code

router = APIRouter(tags=["share"])
TEMPLATES = Jinja2Templates(directory=TEMPLATES_DIR)
SHORT_PREFIX = "/s/"
JOIN_PREFIX = "/join/"  # a class's join link (app/routes/rooms_pages.py)


def _surface(query: Mapping[str, str]) -> BaseModel:
    return read_surface_link(query)[0].resolved()


def _resolved_optimizer(model: type[MlpExperiment] | type[MapExperiment],
                        fallback: Callable[[], BaseModel]) -> Callable[[Mapping[str, str]], Any]:
    def read(query: Mapping[str, str]) -> Any:
        experiment: Any = decode(model, dict(query), fallback(), ignore=VIEW_KEYS)[0]
        return experiment.model_copy(update={"optimizer": experiment.optimizer.resolved()})
    return read


def _lab(model: type[ActivationLab] | type[InitLab]) -> Callable[[Mapping[str, str]], Any]:
    def read(query: Mapping[str, str]) -> Any:
        return decode(model, dict(query), model(), ignore=VIEW_KEYS)[0]
    return read


class LessonLink(BaseModel):
    """A lesson page's link state: the step on screen (1-based)."""

    step: int = Field(default=1, ge=1)


class LessonsIndexLink(BaseModel):
    """The lessons list's link has no state of its own (only view keys such as ``lang``)."""


def _lesson(steps: int) -> Callable[[Mapping[str, str]], Any]:
    """A lesson's link reader: the step its page opens (a bad one: step 1)."""
    def read(query: Mapping[str, str]) -> Any:
        return LessonLink(step=step_number(query.get("step"), steps)[0])
    return read


def _landscape_panel(query: Mapping[str, str]) -> list[tuple[str, str]]:
    """The landscape panel's keys, canonical (all of them), when the link carries any."""
    panel, _ = read_landscape_panel(query)
    return encode(panel) if panel is not None else []


_SURFACE = PageLink("/surface", _surface)
PAGE_LINKS: dict[str, PageLink] = {
    "/": _SURFACE,
    "/surface": _SURFACE,
    "/mlp": PageLink("/mlp", _resolved_optimizer(MlpExperiment, page_default_mlp),
                     _landscape_panel),
    "/map": PageLink("/map", _resolved_optimizer(MapExperiment, MapExperiment)),
    "/activations": PageLink("/activations", _lab(ActivationLab)),
    "/init": PageLink("/init", _lab(InitLab)),
    "/lessons": PageLink("/lessons", lambda query: LessonsIndexLink()),
    **{f"/lessons/{lesson.id}": PageLink(f"/lessons/{lesson.id}", _lesson(len(lesson.steps)))
       for lesson in all_lessons()},
}


@lru_cache(maxsize=8)
def _store(data_dir: Path) -> ShortLinkStore:
    return ShortLinkStore(data_dir)


def link_store(settings: Annotated[Settings, Depends(get_settings)]) -> ShortLinkStore:
    """The short-link store under the settings' data folder."""
    return _store(settings.data_dir)


class ShortLinkIn(BaseModel):
    """A link to one of the app's pages, app-relative (``/surface?…``)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=MAX_URL_LENGTH, examples=["/surface?f=himmelblau&n=300"])

    @field_validator("url")
    @classmethod
    def _canonical(cls, value: str) -> str:
        try:
            return canonical_link(value, PAGE_LINKS)
        except LinkError as error:
            raise ValueError(str(error)) from None


class ShortLinkOut(BaseModel):
    """The code, the short link to share, and the canonical link it opens."""

    code: str
    short_url: str
    url: str


@router.post("/api/short", response_model=ShortLinkOut, responses=ERROR_RESPONSES)
def shorten(link: ShortLinkIn,
            store: Annotated[ShortLinkStore, Depends(link_store)]) -> ShortLinkOut:
    """A short link ``/s/<code>`` for a page link; the same experiment always gets the same
    code (the link is canonicalized first: key order and omitted defaults do not matter)."""
    code = store.shorten(link.url)
    return ShortLinkOut(code=code, short_url=SHORT_PREFIX + code, url=link.url)


# A page route like /surface (a redirect or an HTML page, not JSON): not in the OpenAPI document.
@router.get(SHORT_PREFIX + "{code}", response_class=RedirectResponse, status_code=307,
            include_in_schema=False)
def open_short_link(code: str, request: Request,
                    store: Annotated[ShortLinkStore, Depends(link_store)],
                    accept_language: Annotated[str | None, Header()] = None) -> Response:
    """Redirect (307) to the link stored under ``code``; an unknown code: a 404 page."""
    url = store.resolve(code)
    if url is not None:
        return RedirectResponse(url, status_code=307)
    lang = negotiate(request.query_params.get("lang"), accept_language)
    context = {"request": request, "lang": lang, "languages": LANGUAGES, "page": "short_link",
               "t": lambda key, **kw: translate(lang, key, **kw), "code": code[:40],
               "data": {"lang": lang, "catalog": catalog(lang), "page": "short_link"}}
    return TEMPLATES.TemplateResponse(request, "short_link_missing.html", context,
                                      status_code=404)


class SvgImage(Response):
    """An SVG image (the OpenAPI description says ``image/svg+xml``)."""

    media_type = "image/svg+xml"


QR_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The QR code as SVG",
          "content": {"image/svg+xml": {"schema": {"type": "string"}}}},
    **QUERY_JSON_ERROR_RESPONSES}


def _qr_target(url: str, request: Request) -> str:
    """The absolute link the QR code carries: this app's page or short link, on this host."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        host = request.headers.get("host", "")
        if parts.scheme not in ("http", "https") or not host or parts.netloc != host:
            raise LinkError("an absolute link must point to this server "
                            f"({host or 'unknown host'}); send an app-relative link instead")
        relative = url[len(f"{parts.scheme}://{parts.netloc}"):] or "/"
        origin = f"{parts.scheme}://{parts.netloc}"
    else:
        relative, origin = url, str(request.base_url).rstrip("/")
    if relative.startswith(SHORT_PREFIX) and "?" not in relative and "#" not in relative:
        if normalize_code(relative[len(SHORT_PREFIX):]) is None:
            raise LinkError("not a short code")
    elif relative.startswith(JOIN_PREFIX) and "?" not in relative and "#" not in relative:
        if normalize_room_code(relative[len(JOIN_PREFIX):]) is None:
            raise LinkError("not a class code")
    else:
        split_app_link(relative, PAGE_LINKS)
    return origin + relative


@router.get("/api/qr", response_class=SvgImage, responses=QR_RESPONSES)
def qr_code(request: Request,
            url: Annotated[str, Query(max_length=MAX_URL_LENGTH,
                                      description="/s/<code>, /join/<class code>, a page "
                                                  "link, or one of them on this host as an "
                                                  "absolute URL")]) -> Response:
    """The QR code (SVG, made here with segno) of a short link or a page link of this app.

    An app-relative link is prefixed with the origin the request came to."""
    try:
        target = _qr_target(url, request)
        svg = qr_svg(target, title=target[:200])
    except (LinkError, QrTooLong) as error:
        raise RequestValidationError([{"loc": ("query", "url"), "type": "value_error",
                                       "msg": str(error), "input": url[:60]}]) from None
    return SvgImage(svg, media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})
