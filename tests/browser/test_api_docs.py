"""``/docs`` (Swagger UI) and ``/redoc`` work offline under the CSP: every request that would
leave 127.0.0.1 is blocked, and the pages list every operation with no console error."""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import wait_for

pytestmark = pytest.mark.browser


def _operations(server_url: str) -> list[tuple[str, str]]:
    with urllib.request.urlopen(f"{server_url}/openapi.json", timeout=10) as answer:
        document = json.load(answer)
    return sorted((method.upper(), path) for path, ops in document["paths"].items()
                  for method in ops)


@pytest.fixture
def offline(context: Any) -> list[str]:
    """Abort every request to a host other than 127.0.0.1; the list of those attempted."""
    blocked: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    return blocked


def test_swagger_ui_lists_every_operation_offline(page, server_url, offline):
    operations = _operations(server_url)
    page.goto(f"{server_url}/docs")
    count = len(operations)
    wait_for(page, f"() => document.querySelectorAll('.opblock').length === {count}")
    shown = page.evaluate("""() => [...document.querySelectorAll('.opblock')].map(b => [
        b.querySelector('.opblock-summary-method').textContent.trim(),
        b.querySelector('.opblock-summary-path').dataset.path])""")
    assert sorted(map(tuple, shown)) == operations
    assert offline == []


def test_redoc_lists_every_operation_offline(page, server_url, offline):
    operations = _operations(server_url)
    page.goto(f"{server_url}/redoc")
    wait_for(page, "() => document.querySelectorAll('[data-section-id^=\"operation/\"]').length"
                   f" >= {len(operations)}", timeout=30)
    assert offline == []
