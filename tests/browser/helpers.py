"""What every browser test does: wait for the page (its CSP forbids ``wait_for_function``),
read the link it wrote, look up its strings."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from app.i18n import catalog as load_catalog


def catalog(lang: str) -> dict[str, str]:
    return load_catalog(lang)


def wait_for(page: Any, script: str, timeout: float = 20.0) -> Any:
    """Poll ``script`` (a JS function) until truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        time.sleep(0.02)


def open_ready(page: Any, url: str, ready_js: str) -> Any:
    """Go to ``url`` and wait until the page says it is ready."""
    page.goto(url)
    wait_for(page, ready_js)
    return page


def query(page: Any) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(page.url).query, keep_blank_values=True)


def query_dict(page: Any) -> dict[str, str]:
    return dict(query(page))


def served_schema(page: Any) -> Any:
    """The schema the page was served with (its data block), as the page's JavaScript reads it."""
    return page.evaluate(
        "() => JSON.parse(document.getElementById('descenso-data').textContent).schema")


def default_race(page: Any) -> list[str]:
    """The optimizers of the surface page's default race, from the served schema (never a count
    written in a test: the registry decides it)."""
    return [run["optimizer"] for run in served_schema(page)["default"]["runs"]]


def offered_hide_keys(page: Any) -> list[str]:
    """The keys the classroom dialog offers, in its order."""
    return list(page.evaluate("""() => [...document.querySelectorAll('[data-hide-option]')]
      .map((el) => el.dataset.hideOption)"""))


def page_hide_keys(page: Any) -> list[str]:
    """Every hide key the page's elements carry, in page order (optimizer cards included)."""
    return list(page.evaluate("""() => [...new Set(
      [...document.querySelectorAll('main [data-hide-key]')].map((el) => el.dataset.hideKey))]"""))
