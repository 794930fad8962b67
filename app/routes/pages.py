"""HTML pages. The link's query is decoded here (leniently) and handed to the page as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from app._resources import TEMPLATES_DIR
from app.i18n import LANGUAGES, catalog, negotiate, translate
from app.i18n.messages import render
from app.lessons import lessons_for_page
from app.lessons.views import card
from app.routes.deps import SettingsDep
from app.routes.security import framing_headers
from app.schema.landscape import LandscapeView
from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import MlpExperiment
from app.schema.page_links import SURFACE_VIEW_KEYS, VIEW_KEYS, panel_query, read_surface_link
from app.schema.served import map_schema, mlp_schema, page_default_mlp, surface_schema
from app.schema.surface_experiment import SurfaceView
from app.schema.url_codec import Notice, decode

TEMPLATES = Jinja2Templates(directory=TEMPLATES_DIR)
router = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_METHODS = ["GET", "HEAD"]  # HEAD answers like GET, without the body


def notice_dicts(lang: str, notices: list[Notice]) -> list[dict[str, Any]]:
    """The link's notices for the page: key, value, English message, code and params, and
    ``text``, the reason already rendered in the page's language."""
    return [{**n.to_dict(), "text": render(lang, n.code, n.params)} for n in notices]


def page_context(request: Request, lang: str, page: str, data: dict[str, Any]) -> dict[str, Any]:
    """What base.html needs: the language, the catalog, the page's data block and the lessons
    menu (the lessons with a step on this page)."""
    return {
        "request": request,
        "lang": lang,
        "languages": LANGUAGES,
        "page": page,
        "t": lambda key, **kw: translate(lang, key, **kw),
        "data": {"lang": lang, "catalog": catalog(lang), "page": page, **data},
        "lessons_menu": [card(lesson, lang) for lesson in lessons_for_page(page)],
    }


_context = page_context


@router.api_route("/", methods=PAGE_METHODS, response_class=HTMLResponse)
@router.api_route("/surface", methods=PAGE_METHODS, response_class=HTMLResponse)
async def surface_page(
    request: Request,
    settings: SettingsDep,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    """The surface race, restored from the link."""
    query = dict(request.query_params)
    lang = negotiate(query.get("lang"), accept_language)
    experiment, notices = read_surface_link(query)
    view, view_notices = decode(SurfaceView, {k: v for k, v in query.items()
                                              if k in SURFACE_VIEW_KEYS},
                                SurfaceView())
    data = {
        "schema": surface_schema().model_dump(mode="json"),
        "experiment": experiment.resolved().model_dump(mode="json"),
        "view": view.model_dump(mode="json"),
        "notices": notice_dicts(lang, notices + view_notices),
    }
    context = _context(request, lang, "surface", data)
    return TEMPLATES.TemplateResponse(request, "surface.html", context,
                                      headers=framing_headers(query, settings))


def simple_page(page: str, model: type[BaseModel], fallback: Callable[[], BaseModel],
                schema: Callable[[], BaseModel],
                panel: tuple[str, type[BaseModel]] | None = None) -> Any:
    """A page whose state is one experiment model read leniently from the link, and optionally
    a panel's own state (``panel``: its data key and model, read from the ``ls.*`` keys)."""
    async def render(request: Request, settings: SettingsDep,
                     accept_language: Annotated[str | None, Header()] = None) -> HTMLResponse:
        query = dict(request.query_params)
        lang = negotiate(query.get("lang"), accept_language)
        panel_keys = panel_query(query) if panel else {}
        experiment, notices = decode(model, query, fallback(),
                                     ignore=(*VIEW_KEYS, *panel_keys))
        hide = [h for h in query.get("hide", "").split(",") if h][:64]
        data: dict[str, Any] = {"schema": schema().model_dump(mode="json"),
                                "experiment": experiment.model_dump(mode="json"),
                                "view": {"hide": hide}}
        if panel:
            state, panel_notices = decode(panel[1], panel_keys, panel[1]())
            data[panel[0]] = state.model_dump(mode="json")
            notices += panel_notices
        data["notices"] = notice_dicts(lang, notices)
        return TEMPLATES.TemplateResponse(request, f"{page}.html",
                                          _context(request, lang, page, data),
                                          headers=framing_headers(query, settings))
    render.__doc__ = f"The {page} page, restored from the link."
    return render


router.add_api_route("/mlp", simple_page("mlp", MlpExperiment, page_default_mlp, mlp_schema,
                                          ("landscape", LandscapeView)),
                     response_class=HTMLResponse, methods=PAGE_METHODS)
router.add_api_route("/map", simple_page("map", MapExperiment, MapExperiment, map_schema),
                     response_class=HTMLResponse, methods=PAGE_METHODS)
