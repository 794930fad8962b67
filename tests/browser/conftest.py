"""Browser-test fixtures: a real uvicorn server, the Debian Chromium driven by Playwright.

Every page a test opens records console errors and uncaught page errors; the test fails if
there are any. The page's CSP forbids eval, so waits poll with ``page.evaluate`` instead of
``page.wait_for_function``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import live_server

CHROMIUM = Path(os.environ.get("DESCENSO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A real uvicorn serving the app on a free local port, for the whole session."""
    with live_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The Debian Chromium, headless (skipped where Playwright or Chromium is missing)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageProblems:
    """Console errors and uncaught exceptions seen by the pages of one test."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.messages.append(f"console.error: {message.text} ({message.location.get('url')})")


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def context(browser: Any, problems: PageProblems) -> Iterator[Any]:
    """A fresh browser context (1400×900, clipboard allowed); fails the test on page errors."""
    ctx = browser.new_context(viewport=VIEWPORT, permissions=["clipboard-read", "clipboard-write"])
    ctx.on("page", problems.watch)
    yield ctx
    ctx.close()
    assert problems.messages == [], "\n".join(problems.messages)


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Every test of this folder is a browser test (``-m "not browser"`` leaves them all out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
