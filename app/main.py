"""The ASGI app: static files, Plotly and the API docs from installed packages, templates and
routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from app._resources import STATIC_DIR
from app.jobs.workers import configure_interpreter
from app.lessons import all_lessons
from app.rooms.store import warn_if_rooms_split
from app.routes import (
    api_docs,
    health,
    instruments_nn,
    instruments_surface,
    landscape_api,
    lessons_api,
    map_api,
    mlp_api,
    mlp_ws,
    pages,
    pages_labs,
    pages_lessons,
    room_stream,
    rooms_api,
    rooms_pages,
    rooms_ws,
    run_exports,
    schema_api,
    short_links,
    surface_api,
    surface_ws,
    vendor,
)
from app.routes.errors import http_error_response, validation_error_response
from app.routes.room_deps import close_room_store
from app.routes.security import CONTENT_SECURITY_POLICY, SecurityHeaders
from app.settings import get_settings

__all__ = ["CONTENT_SECURITY_POLICY", "STATIC_DIR", "app", "create_app"]

ROUTERS = (health, vendor, api_docs, pages, pages_labs, schema_api, surface_api, surface_ws,
           mlp_api, mlp_ws, map_api, short_links, run_exports, instruments_surface, instruments_nn,
           landscape_api, lessons_api, pages_lessons, rooms_api, rooms_ws, room_stream, rooms_pages)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start-up, say that rooms need Redis when several workers serve without it; at
    shutdown, close the room store's connections."""
    settings = app.dependency_overrides.get(get_settings, get_settings)()
    warn_if_rooms_split(settings.redis_url)
    yield
    await close_room_store(app)


def create_app() -> FastAPI:
    """Build the application (no state is kept between requests or connections); settings come
    from ``app.settings.get_settings`` through ``Depends``, so tests override them per app."""
    configure_interpreter()
    all_lessons()  # a broken lesson file stops the start-up, not the class
    app = FastAPI(
        title="Descenso",
        summary="Gradient descent and neural-network training playground",
        version="0.1.0",
        docs_url=None,  # served offline by app.routes.api_docs
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(RequestValidationError, validation_error_response)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, http_error_response)  # type: ignore[arg-type]
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in ROUTERS:
        app.include_router(module.router)
    return app


app = create_app()
