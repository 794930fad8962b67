"""Fixtures every test may use: a fresh app with scratch settings, and its client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.settings import Settings
from tests.app_client import make_app, scratch_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings, with the data folder in the test's ``tmp_path``."""
    return scratch_settings(tmp_path / "data")


@pytest.fixture
def web_app(settings: Settings) -> FastAPI:
    """A freshly built app whose ``get_settings`` answers the ``settings`` fixture."""
    return make_app(settings)


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    """A ``TestClient`` on the ``web_app`` fixture (override ``settings`` to change them)."""
    with TestClient(web_app) as test_client:
        yield test_client
