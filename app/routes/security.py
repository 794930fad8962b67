"""Security headers: a CSP without inline scripts or third-party origins, and who may frame us.

Every response refuses framing (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``) except
a page requested with ``embed=1``, whose CSP lets the origins of ``Settings.frame_ancestors``
frame it (for slides and course platforms) and which sends no ``X-Frame-Options``.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from app.settings import Settings


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        # Plotly writes style attributes and a <style> element at run time.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        f"frame-ancestors {frame_ancestors}",
        "form-action 'self'",
    ])


CONTENT_SECURITY_POLICY = content_security_policy()


def framing_headers(query: Mapping[str, str], settings: Settings) -> dict[str, str]:
    """The headers of a page: allows framing by ``settings.frame_ancestors`` when ``embed=1``."""
    if query.get("embed") != "1":
        return {}
    return {"Content-Security-Policy": content_security_policy(settings.frame_ancestors)}


class SecurityHeaders(BaseHTTPMiddleware):
    """The CSP and hardening headers on every response that did not set its own CSP."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
