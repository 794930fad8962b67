"""The activation lab and the initializer lab in a real browser: they draw, a link reopens the
same state and every control writes it back, a bad link opens with a Spanish notice, both fit a
projector with present=1 and a phone, and the MLP builder's activation peek draws and links.

``DESCENSO_SCREENSHOTS=<dir>`` saves each page at 1280×720 and 390×844 in both languages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from app.core.nn.activations import HIDDEN_ACTIVATIONS
from app.i18n.catalog import translate
from app.schema.labs import ActivationLab, InitLab
from app.schema.url_codec import encode
from tests.browser.helpers import open_ready, page_hide_keys, query, query_dict, wait_for
from tests.browser.test_spanish_everywhere import assert_no_english, visible_text

pytestmark = pytest.mark.browser
READY = "() => document.body.dataset.ready === 'true'"
DRAWN = """() => { const d = window.__descenso; return document.body.dataset.ready === 'true'
  && d.drawnGen === d.gen && d.result !== null; }"""
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
PLOTS = {"activations": ["#f-plot", "#df-plot", "#dist-plot"],
         "init": ["#std-plot", "#grad-plot", "#hist-plot"]}
ON_SCREEN = """(selector) => { const e = document.querySelector(selector);
  const r = e.getBoundingClientRect();
  return r.width > 100 && r.height > 100 && r.top >= 0 && r.bottom <= innerHeight + 0.5
    && r.left >= 0 && r.right <= innerWidth + 0.5; }"""


def _open(context: Any, url: str, viewport: dict[str, int] | None = None) -> Any:
    page = context.new_page()
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(url)
    wait_for(page, DRAWN, timeout=90)  # two cores shared by many: be patient
    return page


def _traces(page: Any, selector: str) -> int:
    return int(page.evaluate(f"() => document.querySelector('{selector}').data.length"))


def _link(model: Any) -> str:
    return "&".join(f"{k}={v}" for k, v in encode(model))


def test_activation_lab_draws_and_chips_choose(context, server_url):
    page = _open(context, f"{server_url}/activations?lang=en")
    chosen = ActivationLab().activations
    for selector in PLOTS["activations"]:
        assert _traces(page, selector) == len(chosen)
    assert page.locator("#health-table tbody tr").count() == len(chosen)
    assert not page.locator("[data-field=alpha]").is_visible()
    gen = page.evaluate("() => window.__descenso.gen")
    page.click(".lab-chip[data-activation=elu]")
    wait_for(page, f"() => window.__descenso.drawnGen > {gen}")
    wait_for(page, DRAWN)
    # the chips keep the menu's order (the registry's)
    assert query_dict(page)["a"].split(",") == [n for n in HIDDEN_ACTIVATIONS
                                                if n in {*chosen, "elu"}]
    assert page.locator("[data-field=alpha]").is_visible()
    assert page.locator("#health-table tbody tr").count() == len(chosen) + 1
    # relu of N(0, 1): half the inputs dead
    dead = page.locator("#health-table tr[data-activation=relu] td[data-col=dead]").inner_text()
    assert dead.startswith("50")


def test_activation_lab_link_round_trip(context, server_url):
    lab = ActivationLab(activations=["leaky_relu", "gelu"], negative_slope=0.05,
                        approximate=True, mean=-1.0, std=2.5)
    page = _open(context, f"{server_url}/activations?lang=en&{_link(lab)}")
    assert page.evaluate("() => window.__descenso.state.experiment") == lab.model_dump(
        mode="json")
    assert query(page) == [("lang", "en"), *encode(lab)]
    assert page.locator("[data-field=negative_slope]").is_visible()
    box = page.locator("[data-field=std] input.value")
    box.fill("0.5")
    box.press("Enter")
    wait_for(page, "() => new URLSearchParams(location.search).get('sd') === '0.5'")
    wait_for(page, DRAWN)
    again = _open(context, page.url)
    assert again.evaluate("() => window.__descenso.state.experiment")["std"] == 0.5


def test_init_lab_draws_both_sides_and_writes_its_link(context, server_url):
    lab = InitLab(depth=8, width=64, samples=100)
    page = _open(context, f"{server_url}/init?lang=en&{_link(lab)}")
    assert query(page) == [("lang", "en"), *encode(lab)]
    assert _traces(page, "#std-plot") == 4 and _traces(page, "#grad-plot") == 2
    assert _traces(page, "#hist-plot") == 2
    numbers = page.locator("#argument-numbers").inner_text()
    assert "fan_in · Var(w) = 64 ·" in numbers
    gen = page.evaluate("() => window.__descenso.gen")
    page.select_option("#setting-b [data-field=initializer] select", "variance_scaling")
    wait_for(page, f"() => window.__descenso.drawnGen > {gen}")
    assert query_dict(page)["b.i"] == "variance_scaling"
    assert query_dict(page)["b.vs"] == "1.0"
    assert page.locator("#setting-b [data-field=variance_scaling]").is_visible()
    assert not page.locator("#setting-a [data-field=variance_scaling]").is_visible()
    again = _open(context, page.url)
    assert again.evaluate("() => window.__descenso.state.experiment.b.initializer") == (
        "variance_scaling")


@pytest.mark.parametrize(("path", "bad", "keys"), [
    ("activations", "a=relu,nope&sd=-1", {"a=relu,nope", "sd=-1"}),
    ("init", "d=500&b.bn=sideways", {"d=500", "b.bn=sideways"}),
])
def test_a_bad_lab_link_opens_with_a_spanish_notice(context, server_url, path, bad, keys):
    page = _open(context, f"{server_url}/{path}?lang=es&{bad}")
    notices = page.locator("#notices")
    assert notices.is_visible()
    text = notices.inner_text()
    assert translate("es", "notices.title") in text
    for key in keys:
        assert key in text
    assert_no_english(visible_text(page))
    model = ActivationLab if path == "activations" else InitLab
    assert page.evaluate("() => window.__descenso.state.experiment") == model().model_dump(
        mode="json")


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("path", list(PLOTS))
def test_lab_present_mode_fits_a_projector(context, server_url, path, lang):
    page = _open(context, f"{server_url}/{path}?lang={lang}&present=1", PROJECTOR)
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.documentElement.scrollHeight") <= PROJECTOR["height"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PROJECTOR["width"]
    for selector in PLOTS[path]:
        assert page.evaluate(ON_SCREEN, selector), selector
    assert query_dict(page).get("present") == "1"


@pytest.mark.parametrize("path", list(PLOTS))
def test_lab_embed_and_hide(context, server_url, path):
    hidden = {"activations": "distribution", "init": "argument"}[path]
    page = _open(context, f"{server_url}/{path}?lang=es&embed=1&hide={hidden}", PROJECTOR)
    assert not page.locator(".site-header").is_visible()
    assert page.locator("#embed-open").is_visible()
    assert not page.locator(f"[data-hide-key={hidden}]").first.is_visible()
    for key in page_hide_keys(page):
        assert translate("es", f"hide.{key}") != f"hide.{key}", key


@pytest.mark.parametrize("path", list(PLOTS))
def test_lab_on_a_phone_has_no_sideways_scroll(context, server_url, path):
    page = _open(context, f"{server_url}/{path}?lang=es", PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    width = page.evaluate(f"() => document.querySelector('{PLOTS[path][0]}')"
                          ".getBoundingClientRect().width")
    assert width >= PHONE["width"] - 60


def test_mlp_builder_peeks_at_each_activation(context, server_url):
    page = context.new_page()
    open_ready(page, f"{server_url}/mlp?lang=en", READY)
    wait_for(page, "() => document.querySelector('.activation-peek .peek-f') !== null")
    layers = page.evaluate("() => window.__descenso.state.experiment.layers.length")
    assert page.locator(".activation-peek").count() == layers
    first = page.locator(".layer-col").first
    first.locator("[data-field=activation] select").select_option("relu")
    wait_for(page, "() => document.querySelector('.activation-peek').dataset.peek === 'relu'")
    href = first.locator(".activation-peek").get_attribute("href")
    assert href == "/activations?lang=en&a=relu"


SHOTS = os.environ.get("DESCENSO_SCREENSHOTS")


@pytest.mark.skipif(not SHOTS, reason="set DESCENSO_SCREENSHOTS=<dir> to save screenshots")
@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("path", list(PLOTS))
def test_lab_screenshots(context, server_url, path, lang):
    out = Path(str(SHOTS))
    out.mkdir(parents=True, exist_ok=True)
    for name, viewport, mode in (("", PROJECTOR, ""), ("present-", PROJECTOR, "&present=1"),
                                 ("phone-", PHONE, "")):
        page = _open(context, f"{server_url}/{path}?lang={lang}{mode}", viewport)
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / f"{name}{path}-{lang}.png"), full_page=name == "phone-")
        page.close()
