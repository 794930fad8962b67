"""The loss-landscape panel of the MLP page in a real Chromium: each view computes and draws, its
settings go into the link (``ls.*``) and come back from it, in Spanish and English, on a
projector, a phone and in presentation mode. Screenshots go to DESCENSO_SCREENSHOTS if set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from app.schema.landscape import LandscapeView
from tests.browser.helpers import catalog, query_dict, wait_for

pytestmark = pytest.mark.browser

READY = "() => document.body.dataset.ready === 'true' && Boolean(window.__descenso.run.info)"
SMALL = "ep=12&ns=120"  # a short training: each request retrains the experiment
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("DESCENSO_SCREENSHOTS")


def traces(page: Any, selector: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(
        """(sel) => Array.from(document.querySelector(sel).data || []).map((t) => ({
          type: t.type, name: t.name, n: (t.x || []).length}))""", selector)
    return result


def open_panel(context: Any, url: str, viewport: dict[str, int]) -> Any:
    page = context.new_page()
    page.set_viewport_size(viewport)
    page.goto(url)
    wait_for(page, READY, timeout=60)
    return page


def compute(page: Any, view: str) -> None:
    page.locator(f".landscape-tabs [data-view={view}]").click()
    page.locator("#btn-landscape").click()
    wait_for(page, f"() => document.querySelector('#landscape-chart').dataset.drawn === '{view}'"
             " && !document.querySelector('#btn-landscape').disabled", timeout=90)


def shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        # the sticky site header would cover the panel's title in an element screenshot
        page.evaluate("() => { for (const e of document.querySelectorAll('header')) "
                      "e.style.position = 'static'; }")
        page.locator(".landscape-panel").screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_view_computes_and_draws(context: Any, server_url: str, lang: str) -> None:
    strings = catalog(lang)
    page = open_panel(context, f"{server_url}/mlp?lang={lang}&{SMALL}", PROJECTOR)
    assert page.locator("#landscape-title").inner_text() == strings["landscape.title"]
    assert strings["landscape.empty"] in page.locator(".landscape-panel").inner_text()

    compute(page, "slice")
    kinds = [(t["type"], t["n"]) for t in traces(page, "#landscape-chart")]
    assert kinds == [("contour", 51), ("scatter", 1)]
    status = page.locator(".landscape-status").inner_text()
    assert strings["landscape.center"].split("{")[0] in status
    page.locator(".landscape-panel").scroll_into_view_if_needed()
    shot(page, f"landscape-slice-{lang}")

    compute(page, "pca")
    kinds = [t["type"] for t in traces(page, "#landscape-chart")]
    assert kinds == ["contour", "scatter", "scatter"]
    assert traces(page, "#landscape-chart")[1]["n"] == 13  # epochs 0 … 12
    x_title = page.evaluate(
        "() => document.querySelector('#landscape-chart').layout.xaxis.title.text")
    assert "%" in x_title
    honesty = traces(page, "#landscape-honesty")
    assert [t["name"] for t in honesty] == [strings["landscape.true_loss"],
                                            strings["landscape.plane_loss"]]
    shot(page, f"landscape-pca-{lang}")

    compute(page, "interpolate")
    assert traces(page, "#landscape-chart")[0]["n"] == 401
    shot(page, f"landscape-interpolate-{lang}")

    compute(page, "sharpness")
    assert [t["name"] for t in traces(page, "#landscape-chart")] == [
        strings["landscape.lambda_max"], strings["landscape.two_over_lr"]]
    shot(page, f"landscape-sharpness-{lang}")
    assert "NaN" not in page.locator(".landscape-panel").inner_text()
    assert query_dict(page)["ls.v"] == "sharpness"


def test_the_panel_state_is_in_the_link_and_a_change_marks_the_result_stale(
        context: Any, server_url: str) -> None:
    page = open_panel(context, f"{server_url}/mlp?lang=es&{SMALL}", PROJECTOR)
    assert not any(key.startswith("ls.") for key in query_dict(page))  # untouched: old links
    compute(page, "slice")
    page.locator("[data-field=ls-bias] select").select_option("normalize")
    link = query_dict(page)
    assert link["ls.b"] == "normalize" and link["ls.v"] == "slice"
    assert link["ls.g"] == str(LandscapeView().grid)
    assert page.evaluate("() => document.querySelector('#landscape-body')"
                         ".classList.contains('is-stale')")
    reopened = open_panel(context, f"{server_url}/mlp?lang=es&{SMALL}&ls.v=pca&ls.g=9&ls.s=0.5",
                          PROJECTOR)
    assert reopened.evaluate("() => window.__descenso.state.landscape") | {} == {
        **reopened.evaluate("() => window.__descenso.state.landscape"),
        "view": "pca", "grid": 9, "span": 0.5}
    assert reopened.locator(".landscape-tabs [data-view=pca]").get_attribute(
        "aria-selected") == "true"


def test_a_bad_panel_link_opens_defaults_with_a_notice(context: Any, server_url: str) -> None:
    page = open_panel(context, f"{server_url}/mlp?lang=es&{SMALL}&ls.g=50", PROJECTOR)
    assert page.evaluate("() => window.__descenso.state.landscape.grid") == LandscapeView().grid
    assert "ls.g" in page.locator("#notices").inner_text()


def test_the_panel_works_on_a_phone_and_as_a_presentation_tab(context: Any,
                                                               server_url: str) -> None:
    page = open_panel(context, f"{server_url}/mlp?lang=es&{SMALL}&ls.v=pca", PHONE)
    compute(page, "pca")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1  # no sideways scrolling
    box = page.locator("#landscape-chart").bounding_box()
    assert box is not None and box["width"] <= PHONE["width"] and box["height"] > 200
    page.locator(".landscape-panel").scroll_into_view_if_needed()
    shot(page, "landscape-phone-es")
    present = open_panel(context, f"{server_url}/mlp?lang=es&{SMALL}&present=1", PROJECTOR)
    tab = present.locator(".tab-list .tab", has_text=catalog("es")["landscape.title"])
    tab.click()
    compute(present, "slice")
    if SHOTS:
        present.screenshot(path=str(Path(SHOTS) / "landscape-present-es.png"))


def curve(page: Any) -> list[float]:
    result: list[float] = page.evaluate(
        "() => Array.from(document.querySelector('#landscape-chart').data[0].y)")
    return result


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_interpolation_runs_to_another_config_or_a_pasted_link(
        context: Any, problems: Any, server_url: str, lang: str) -> None:
    strings = catalog(lang)
    page = open_panel(context, f"{server_url}/mlp?lang={lang}&{SMALL}", PROJECTOR)
    compute(page, "interpolate")
    from_initial = curve(page)

    # (b) the same experiment with another optimizer, learning rate and batch size
    page.locator("[data-field=ls-other] select").select_option("config")
    page.locator("[data-field=ls-other_optimizer] select").select_option("rmsprop")
    box = page.locator("[data-field=ls-other_batch_size] input")
    box.fill("5")
    box.dispatch_event("change")
    link = query_dict(page)
    assert (link["ls.o"], link["ls.oo"], link["ls.ob"]) == ("config", "rmsprop", "5")
    compute(page, "interpolate")
    to_config = curve(page)
    assert len(to_config) == 401 and to_config != from_initial
    page.set_viewport_size(PHONE)
    shot(page, f"landscape-interpolate-config-phone-{lang}")
    page.set_viewport_size(PROJECTOR)

    # (c) a pasted short link to the same experiment with another seed: the server reads it
    short = page.request.post(f"{server_url}/api/short",
                              data={"url": f"/mlp?{SMALL}&seed=5"}).json()["short_url"]
    page.locator("[data-field=ls-other] select").select_option("link")
    pasted = page.locator("#ctl-ls-other-link")
    pasted.fill(urljoin(server_url, short))  # as a student copies it from the address bar
    pasted.dispatch_event("change")
    compute(page, "interpolate")
    assert page.locator(".landscape-status").inner_text() == "", problems.messages
    to_link = curve(page)
    assert len(to_link) == 401 and to_link not in (from_initial, to_config)
    link = query_dict(page)
    assert link["ls.o"] == "link" and not any("/s/" in v for v in link.values())
    shot(page, f"landscape-interpolate-link-{lang}")

    # a link with other data: the translated "same data required", the chart stays as it was
    pasted.fill(f"/mlp?{SMALL}&nz=0.3")
    pasted.dispatch_event("change")
    page.locator("#btn-landscape").click()
    message = strings["error.interpolate_same_data"]
    wait_for(page, f"() => document.querySelector('.landscape-status').textContent"
             f".includes({message[:30]!r})", timeout=60)
    assert curve(page) == to_link
    # the refusal is the one expected console error (the browser logs every 422)
    expected = [m for m in problems.messages if "422" in m and "/api/mlp/interpolate" in m]
    assert len(expected) == 1, problems.messages
    problems.messages[:] = [m for m in problems.messages if m not in expected]
