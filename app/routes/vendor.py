"""Plotly.js served from the installed ``plotly`` package: no CDN, works offline."""

from __future__ import annotations

from pathlib import Path

import plotly
from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(tags=["static"])
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@router.api_route("/vendor/plotly.min.js", methods=["GET", "HEAD"], include_in_schema=False)
async def plotly_js() -> FileResponse:
    """The plotly.js bundle that ships with the Python package."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})
