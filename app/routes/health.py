"""Liveness probe."""

import os

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str | int]:
    """Answer at once: the event loop is alive (``worker`` = the answering process)."""
    return {"status": "ok", "worker": os.getpid()}
