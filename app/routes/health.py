"""Liveness probe."""

import os

from fastapi import APIRouter

from app.routes.responses import HealthOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut)
async def healthz() -> dict[str, str | int]:
    """Answer at once: the event loop is alive (``worker`` = the answering process)."""
    return {"status": "ok", "worker": os.getpid()}
