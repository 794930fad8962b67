"""The ASGI app: static files, Plotly from the installed package, templates and routers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from app.jobs.workers import configure_interpreter
from app.routes import (
    health,
    map_api,
    mlp_api,
    mlp_ws,
    pages,
    run_exports,
    short_links,
    surface_api,
    surface_ws,
    vendor,
)
from app.routes.errors import validation_error_response

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Plotly writes style attributes and a <style> element at run time.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class SecurityHeaders(BaseHTTPMiddleware):
    """CSP without inline scripts or third-party origins, plus the usual hardening headers."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def create_app() -> FastAPI:
    """Build the application (no state is kept between requests or connections)."""
    configure_interpreter()
    app = FastAPI(
        title="Descenso",
        summary="Gradient descent and neural-network training playground",
        version="0.1.0",
    )
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(RequestValidationError, validation_error_response)  # type: ignore[arg-type]
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (health, vendor, pages, surface_api, surface_ws, mlp_api, mlp_ws, map_api,
                   short_links, run_exports):
        app.include_router(module.router)
    return app


app = create_app()


