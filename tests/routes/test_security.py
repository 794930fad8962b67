"""Security headers: everything refuses framing except a page asked for with ``embed=1``, which
the origins of ``Settings.frame_ancestors`` may frame; pages answer ``HEAD`` like ``GET``."""

from __future__ import annotations

import urllib.request

import pytest

from app.settings import Settings
from tests.app_client import make_client, scratch_settings
from tests.live_server import live_server

PAGES = ["/", "/surface", "/mlp", "/map", "/activations", "/init"]


def _frame_ancestors(response) -> str:
    directives = [d.strip() for d in response.headers["content-security-policy"].split(";")]
    (value,) = [d.removeprefix("frame-ancestors ") for d in directives
                if d.startswith("frame-ancestors ")]
    return value


@pytest.mark.parametrize("path", PAGES)
def test_embed_pages_allow_framing_by_default(client, path):
    response = client.get(path, params={"embed": "1"})
    assert response.status_code == 200
    assert _frame_ancestors(response) == "*"
    assert "x-frame-options" not in response.headers
    assert "script-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", [*PAGES, "/surface?embed=0", "/mlp?embed=true",
                                  "/api/schema/surface", "/healthz", "/static/js/state.js",
                                  "/vendor/plotly.min.js?embed=1", "/docs?embed=1"])
def test_everything_else_refuses_framing(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert _frame_ancestors(response) == "'none'"
    assert response.headers["x-frame-options"] == "DENY"


def test_frame_ancestors_come_from_the_injected_settings(tmp_path):
    client = make_client(scratch_settings(tmp_path, frame_ancestors="https://slides.example"))
    assert _frame_ancestors(client.get("/mlp?embed=1")) == "https://slides.example"
    assert _frame_ancestors(client.get("/mlp")) == "'none'"


@pytest.mark.parametrize("value", ["*; script-src *", "a\r\nX-Evil: 1", "", "a, b"])
def test_frame_ancestors_setting_is_one_source_list(value):
    with pytest.raises(ValueError, match="source list"):
        Settings(frame_ancestors=value)


def test_settings_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DESCENSO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DESCENSO_FRAME_ANCESTORS", "'self' https://moodle.example")
    settings = Settings.from_environment()
    assert settings.data_dir == tmp_path
    assert settings.frame_ancestors == "'self' https://moodle.example"


@pytest.mark.parametrize("path", [*PAGES, "/surface?embed=1", "/docs", "/redoc",
                                  "/vendor/plotly.min.js", "/static/js/state.js"])
def test_head_answers_like_get(client, path):
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-security-policy", "x-content-type-options"):
        assert head.headers.get(name) == got.headers.get(name), name


def test_frame_ancestors_environment_variable_reaches_a_real_server():
    """End to end: ``DESCENSO_FRAME_ANCESTORS`` → ``Settings`` → the embed page's header."""
    with live_server(frame_ancestors="https://slides.example") as base:
        with urllib.request.urlopen(f"{base}/map?embed=1", timeout=10) as answer:
            csp = answer.headers["content-security-policy"]
            assert answer.headers["x-frame-options"] is None
        assert "frame-ancestors https://slides.example" in csp
