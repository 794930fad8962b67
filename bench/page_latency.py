"""Slider release → new trajectories drawn, in headless Chromium on a local uvicorn.

The surface page marks ``window.__descenso.lastDrawMs`` (from the slider's ``change`` to the
last trace drawn), ``lastServerMs`` (until the last frame arrived) and ``lastPaintMs``.
Baseline: the same page's first full draw of the default race (the page opens at step 0, paused;
then "to the end" computes and draws every run), measured in the same browser.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import Row, Table, say
from bench.server import uvicorn_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.gen !== undefined
    && d.drawnGen === d.gen && d.drawnComplete === true); }"""
OPENED = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.gen !== undefined
    && d.drawnGen === d.gen && d.race.mode === 'pause' && d.race.paths.length > 0); }"""
VALUES = ("-1.2", "-1.8", "-1.4", "-1.6", "-1.3", "-1.7", "-1.1", "-1.5", "-1.9", "-1.25")
GOAL_MS = 100.0


def _wait(page: Any, script: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise TimeoutError(script)
        time.sleep(0.005)


def measure(releases: int = len(VALUES)) -> dict[str, list[float]]:
    """Release Adam's learning-rate slider ``releases`` times; the page's own timings."""
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"draw": [], "server": [], "paint": [], "first": []}
    with uvicorn_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        page.goto(f"http://{base}/surface?lang=en")
        _wait(page, OPENED)  # step 0, ready to play
        page.keyboard.press("e")  # to the end: every run computed and drawn
        _wait(page, READY)
        out["first"].append((time.perf_counter() - start) * 1000)
        slider = page.locator(".card[data-optimizer=adam] [data-hp=learning_rate] "
                              "input[type=range]")
        for value in (VALUES * (releases // len(VALUES) + 1))[:releases]:
            before = page.evaluate("() => window.__descenso.draws.length")
            slider.fill(value)
            _wait(page, f"() => window.__descenso.draws.length > {before}")
            _wait(page, READY)
            out["draw"].append(page.evaluate("() => window.__descenso.lastDrawMs"))
            out["server"].append(page.evaluate("() => window.__descenso.lastServerMs"))
            out["paint"].append(page.evaluate("() => window.__descenso.lastPaintMs"))
        browser.close()
    return out


def run(quick: bool = False) -> Table:
    title = "5. Surface page: slider release → trajectories drawn (headless Chromium)"
    if not CHROMIUM.exists():
        return Table(title, skipped="no /usr/bin/chromium (apt-get install chromium)")
    say("  page: 10 releases of Adam's learning-rate slider" if not quick else "  page: 3")
    timings = measure(3 if quick else len(VALUES))
    median = statistics.median(timings["draw"])
    first = timings["first"][0]
    table = Table(title)
    table.rows.append(Row(
        "slider change → the race's paths drawn (median)", f"{len(timings['draw'])} releases",
        median / 1000, 1000 / median, "redraws/s", "page load → step 0 → 'to the end' drawn",
        1000 / first, f"< {GOAL_MS:.0f} ms", None if quick else median < GOAL_MS))
    table.notes.append(
        f"Median until the last frame arrived {statistics.median(timings['server']):.1f} ms, "
        f"drawing {statistics.median(timings['paint']):.1f} ms; all "
        f"{[round(t, 1) for t in timings['draw']]} ms. Only the changed run is recomputed.")
    return table
