"""``/docs`` and ``/redoc`` load only local files and no inline script (the CSP forbids both)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_use_only_local_scripts_and_styles(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert asset.content, source


def test_docs_assets_are_only_the_shipped_files(client):
    assert client.get("/vendor/api-docs/swagger-ui-bundle.js").headers["content-type"].startswith(
        "text/javascript")
    assert client.get("/vendor/api-docs/../main.py").status_code == 404
    assert client.get("/vendor/api-docs/core.py").status_code == 404
