"""Presentation mode at a projector's 1280×720: each page fits one screen and shows what a class
watches; the link keeps ``present=1`` and the header button toggles it. Phones: no sideways
scroll, a header well under a quarter of the screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import query_dict, wait_for

pytestmark = pytest.mark.browser
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
READY = "() => document.body.dataset.ready === 'true'"
# what each page must show whole on the screen: the main plot, the player, the loss chart
SHOWN = {
    "surface": ["#surface-plot", "#btn-play", "#loss-chart", "#chips"],
    "mlp": ["#boundary-plot", "#btn-play", "#loss-chart", "#network-diagram", "#grad-chart"],
    "map": ["#map-plot", "#btn-compute"],
}
ON_SCREEN = """(selector) => { const e = document.querySelector(selector); if (!e) return null;
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 20 && r.top >= 0 && r.bottom <= innerHeight + 0.5
    && r.left >= 0 && r.right <= innerWidth + 0.5; }"""
PLOT_DRAWN = "(s) => document.querySelector(s + ' .main-svg') !== null"
SMALL_TEXT = """() => [...document.querySelectorAll('main *, header *')].filter((e) =>
  e.closest('svg') === null && e.offsetParent !== null && e.getClientRects().length
  && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
  && parseFloat(getComputedStyle(e).fontSize) < 16)
  .map((e) => e.className || e.tagName).slice(0, 10)"""
BOX = "(s) => document.querySelector(s).getBoundingClientRect()"


def _open(context: Any, path: str, viewport: dict[str, int]) -> Any:
    page = context.new_page()
    page.set_viewport_size(viewport)
    page.goto(path)
    wait_for(page, READY, timeout=60)
    return page


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("name", list(SHOWN))
def test_present_mode_fits_a_projector(context, server_url, name, lang):
    page = _open(context, f"{server_url}/{name}?lang={lang}&present=1", PROJECTOR)
    wait_for(page, f"() => ({PLOT_DRAWN})('{SHOWN[name][0]}')", timeout=60)
    page.wait_for_timeout(300)  # plots follow their boxes on the next frame
    assert page.evaluate("() => document.documentElement.scrollHeight") <= PROJECTOR["height"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PROJECTOR["width"]
    for selector in SHOWN[name]:
        assert page.evaluate(ON_SCREEN, selector), selector
    assert page.evaluate(SMALL_TEXT) == []
    assert query_dict(page).get("present") == "1"


def test_present_button_toggles_the_mode_and_the_link(context, server_url):
    page = _open(context, f"{server_url}/surface?lang=es", PROJECTOR)
    assert page.evaluate("() => document.documentElement.scrollHeight") > PROJECTOR["height"]
    page.click("#btn-present")
    wait_for(page, "() => document.documentElement.dataset.present === '1'")
    assert query_dict(page).get("present") == "1"
    assert page.get_attribute("#btn-present", "aria-pressed") == "true"
    wait_for(page, "() => document.documentElement.scrollHeight <= 720")
    # the language switch and the other pages keep the mode
    assert "present=1" in page.get_attribute("[data-lang-link=en]", "href")
    assert "present=1" in page.get_attribute(".site-nav a[href^='/mlp']", "href")
    page.click("#btn-present")
    wait_for(page, "() => !('present' in document.documentElement.dataset)")
    assert "present" not in query_dict(page)


def test_a_chip_opens_its_card_over_the_page(context, server_url):
    page = _open(context, f"{server_url}/surface?lang=es&present=1", PROJECTOR)
    chips = page.locator("#chips .run-chip")
    runs = page.evaluate("() => window.__descenso.state.experiment.runs.length")
    assert chips.count() == runs
    assert page.evaluate("() => document.querySelector('.optimizers').offsetParent === null")
    chips.nth(1).click()
    card = page.locator("#cards > .card.is-focused")
    assert card.count() == 1 and card.is_visible()
    assert page.locator("#cards > .card:visible").count() == 1
    page.keyboard.press("Escape")
    assert not card.is_visible()


def test_a_link_edit_keeps_the_modes(context, server_url):
    page = _open(context, f"{server_url}/mlp?lang=es&present=1&embed=1", PROJECTOR)
    page.click("#btn-step")
    wait_for(page, "() => window.__descenso.drawnEpoch >= 1", timeout=60)
    page.select_option("#quick-optimizer select", "sgd")
    wait_for(page, "() => location.search.includes('sgd')")
    params = query_dict(page)
    assert params.get("present") == "1" and params.get("embed") == "1"
    href = page.get_attribute("#embed-open", "href")
    assert "embed" not in href and "present=1" in href and "sgd" in href


@pytest.mark.parametrize("name", list(SHOWN))
def test_phone_has_no_sideways_scroll_and_a_small_header(context, server_url, name):
    page = _open(context, f"{server_url}/{name}?lang=es", PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    header = page.evaluate(BOX, ".site-header")["height"]
    assert header < PHONE["height"] / 4
    width = page.evaluate(BOX, SHOWN[name][0])["width"]
    assert width >= PHONE["width"] - 60


def test_a_tab_whose_panel_the_teacher_hid_goes_with_it(context, server_url):
    page = _open(context, f"{server_url}/mlp?lang=en&present=1&hide=gradients", PROJECTOR)
    tabs = page.evaluate("""() => [...document.querySelectorAll('.tab-list .tab')]
        .map((tab) => ({ hidden: tab.hidden, controls: tab.getAttribute('aria-controls') }))""")
    hidden = [tab for tab in tabs if tab["hidden"]]
    assert len(tabs) == page.locator("[data-tab-panel]").count() and len(hidden) == 1
    gone = page.evaluate("(id) => document.getElementById(id).dataset.hideKey",
                         hidden[0]["controls"])
    assert gone == "gradients"
    shown = page.evaluate("() => document.querySelector('[data-tab-panel].is-tab-shown')"
                          ".dataset.hideKey")
    assert shown == "histograms"


MENU_REACHABLE = """() => { const s = document.querySelector('#lessons-menu > summary');
  const r = s.getBoundingClientRect();
  if (!(r.width > 0 && r.left >= 0 && r.right <= innerWidth && r.top >= 0)) return false;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return hit !== null && s.contains(hit); }"""


def test_the_lessons_menu_stays_in_view_on_a_projector(context, server_url):
    """At 1280×720 in Spanish (the longest labels) the pages' links may scroll sideways, but the
    lessons menu stays on screen, clickable, and its list opens unclipped."""
    page = context.new_page()
    page.set_viewport_size(PROJECTOR)
    for path in ("/surface", "/mlp", "/map", "/activations", "/init", "/lessons/momentum"):
        page.goto(f"{server_url}{path}?lang=es")
        assert page.evaluate(MENU_REACHABLE), path
    page.click("#lessons-menu > summary")
    assert page.evaluate(ON_SCREEN, ".lessons-menu-all"), "the list's last entry"
