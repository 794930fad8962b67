"""Dependencies the routes share (FastAPI's ``Annotated`` + ``Depends`` pattern)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.settings import Settings, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]
"""The process' settings, read once; tests override ``get_settings`` in ``dependency_overrides``."""
