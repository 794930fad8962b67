"""One way to build a test app: a fresh ``create_app()`` whose settings point at a scratch data
folder, through FastAPI's ``dependency_overrides`` (the ``client`` fixture in ``conftest.py``
uses it; hypothesis modules that need a module-level client call :func:`make_client`)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings, get_settings


def scratch_settings(data_dir: Path | None = None, **changes: str) -> Settings:
    """Settings for a test: data under ``data_dir`` (a new temporary folder by default)."""
    folder = data_dir if data_dir is not None else Path(tempfile.mkdtemp(prefix="descenso-"))
    return Settings(data_dir=folder, **changes)


def make_app(settings: Settings | None = None) -> FastAPI:
    """A fresh app whose ``get_settings`` dependency answers ``settings``."""
    app = create_app()
    chosen = settings if settings is not None else scratch_settings()
    app.dependency_overrides[get_settings] = lambda: chosen
    return app


def make_client(settings: Settings | None = None) -> TestClient:
    return TestClient(make_app(settings))
