"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) with their assets served from the installed
``fastapi-offline`` package: no CDN, so they work offline and under the CSP (no inline script:
Swagger UI starts from ``static/js/api_docs.js``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

router = APIRouter(tags=["docs"], include_in_schema=False)
ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
         "redoc.standalone.js": "text/javascript", "favicon.png": "image/png"}
OPENAPI_URL = "/openapi.json"
# ReDoc's sidebar credit loads its logo from a CDN (no option turns it off): served with an empty
# inline image instead, so the page makes no outside request. Search is off: it needs a worker
# built from a blob: URL, which the CSP's script-src 'self' refuses.
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_SVG = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"

SWAGGER_HTML = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Descenso API · Swagger UI</title>
<link rel="stylesheet" href="/vendor/api-docs/swagger-ui.css">
<link rel="icon" href="/vendor/api-docs/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{OPENAPI_URL}"></div>
<script src="/vendor/api-docs/swagger-ui-bundle.js"></script>
<script src="/static/js/api_docs.js"></script>
</body>
</html>
"""

REDOC_HTML = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Descenso API · ReDoc</title>
<link rel="icon" href="/vendor/api-docs/favicon.png">
</head>
<body>
<redoc spec-url="{OPENAPI_URL}" disable-search="true"></redoc>
<script src="/vendor/api-docs/redoc.standalone.js"></script>
</body>
</html>
"""


@router.api_route("/docs", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def swagger_ui() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``."""
    return HTMLResponse(SWAGGER_HTML)


@router.api_route("/redoc", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def redoc() -> HTMLResponse:
    """ReDoc over ``/openapi.json``."""
    return HTMLResponse(REDOC_HTML)


@lru_cache(maxsize=1)
def _redoc_bundle() -> bytes:
    return (ASSETS / "redoc.standalone.js").read_bytes().replace(REDOC_CDN_LOGO, EMPTY_SVG)


@router.api_route("/vendor/api-docs/{name}", methods=["GET", "HEAD"], response_model=None)
async def asset(name: str) -> Response:
    """One of the Swagger UI / ReDoc files that ship with ``fastapi-offline``."""
    if name not in FILES:
        raise HTTPException(status_code=404)
    headers = {"Cache-Control": "public, max-age=86400"}
    if name == "redoc.standalone.js":
        return Response(_redoc_bundle(), media_type=FILES[name], headers=headers)
    return FileResponse(ASSETS / name, media_type=FILES[name], headers=headers)
