"""Keyboard and touch: space always plays or pauses (a focused button does not swallow it),
→ steps, r resets, ? lists the shortcuts; one tap on a map cell opens one race."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import VIEWPORT
from tests.browser.helpers import catalog, open_ready, wait_for
from tests.browser.test_map_page import READY_JS as MAP_READY_JS
from tests.browser.test_map_page import SMALL
from tests.browser.test_surface_page import READY_JS, settled_step

pytestmark = pytest.mark.browser

PLAYING = "() => window.__descenso.race.playing"


def test_space_plays_and_pauses_after_a_mouse_click_on_step_or_reset(page: Any,
                                                                    server_url: str) -> None:
    open_ready(page, f"{server_url}/?lang=en", READY_JS)
    for button in ("#btn-step", "#btn-reset"):
        page.locator(button).click()
        wait_for(page, "() => !window.__descenso.race.playing")
        before = settled_step(page)
        assert page.evaluate("() => document.activeElement.id") == button[1:]
        page.keyboard.press(" ")
        # Space played the race (pressing the focused button again would step or reset).
        wait_for(page, PLAYING)
        wait_for(page, f"() => window.__descenso.race.step >= {before + 5}")
        page.keyboard.press(" ")
        wait_for(page, "() => !window.__descenso.race.playing")


def test_shortcuts_stay_out_of_text_boxes(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/?lang=en", READY_JS)
    box = page.locator(".card[data-optimizer=sgd] [data-hp=learning_rate] input[type=text]")
    box.click()
    box.press("r")
    box.press(" ")
    assert not page.evaluate(PLAYING)
    assert page.evaluate("() => window.__descenso.race.step") == page.evaluate(
        "() => window.__descenso.race.total")


def test_question_mark_lists_the_shortcuts_in_the_page_language(page: Any,
                                                                server_url: str) -> None:
    strings = catalog("es")
    open_ready(page, f"{server_url}/mlp?lang=es", "() => document.body.dataset.ready === 'true'")
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts-dialog")
    wait_for(page, "() => document.getElementById('shortcuts-dialog')?.open")
    text = dialog.inner_text()
    for key in ("keys.title", "keys.play", "keys.step", "keys.reset", "keys.help"):
        assert strings[key] in text
    page.keyboard.press("?")
    wait_for(page, "() => !document.getElementById('shortcuts-dialog').open")


def test_one_tap_on_a_map_cell_opens_one_race(browser: Any, server_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORT, has_touch=True, is_mobile=False)
    try:
        page = context.new_page()
        open_ready(page, f"{server_url}/map?lang=en&{SMALL}", MAP_READY_JS)
        page.evaluate("() => { window.open = () => null; }")  # count the opens, keep one tab
        point = page.evaluate("() => window.__descenso.cellCentre(9, 6)")
        page.touchscreen.tap(point["x"], point["y"])
        wait_for(page, "() => window.__descenso.opened.length >= 1")
        page.wait_for_timeout(600)  # a duplicated handler would fire within the same tap
        assert page.evaluate("() => window.__descenso.opened.length") == 1
    finally:
        context.close()
