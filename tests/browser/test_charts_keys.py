"""Keyboard and touch: space always plays or pauses (a focused button does not swallow it),
→ steps, r resets, ? lists the shortcuts; one tap on a map cell opens one race."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import VIEWPORT
from tests.browser.helpers import catalog, default_race, open_ready, query, wait_for
from tests.browser.test_map_page import READY_JS as MAP_READY_JS
from tests.browser.test_map_page import SMALL
from tests.browser.test_mlp_page import READY_JS as MLP_READY_JS
from tests.browser.test_surface_page import open_page, settled_step

pytestmark = pytest.mark.browser

PLAYING = "() => window.__descenso.race.playing"


def test_space_plays_and_pauses_after_a_mouse_click_on_step_or_reset(page: Any,
                                                                    server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en")
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
    open_page(page, f"{server_url}/?lang=en")
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


def test_hidden_optimizer_leaves_the_race_and_the_legend(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en&hide=adam")
    race = default_race(page)
    assert "adam" in race
    names = page.evaluate("""() => document.querySelector('[data-layer=top]').data
      .filter((t) => t.mode === 'lines').map((t) => t.name)""")
    adam = catalog("en")["optimizer.adam"]
    assert adam not in names and len(names) == len(race) - 1
    assert adam not in page.locator("#legend").inner_text()
    assert page.locator("#summary-body tr").count() == len(race) - 1
    assert adam not in [t["name"] for t in page.evaluate(
        "() => document.getElementById('loss-chart').data.map((t) => ({name: t.name}))")]


def test_apply_to_all_layers_is_one_change(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/mlp?lang=en", MLP_READY_JS)
    page.locator("#preset-select").select_option("zero_init")
    page.wait_for_url("**l1.i=zeros**")
    wait_for(page, MLP_READY_JS)
    column = page.locator(".layer-col[data-layer='0']")
    column.locator("[data-field=activation] select").select_option("relu")
    sent = page.evaluate("() => window.__descenso.sent.length")
    column.locator("[data-apply-all=activation]").click()
    layers = page.evaluate("() => window.__descenso.state.experiment.layers")
    assert len(layers) >= 2 and all(layer["activation"] == "relu" for layer in layers)
    assert page.evaluate("() => window.__descenso.sent.length") == sent + 1  # one action
    link = dict(query(page))
    assert all(link[f"l{i}.a"] == "relu" for i in range(len(layers)))
    second = page.locator(".layer-col[data-layer='1'] [data-field=activation] select")
    assert second.input_value() == "relu"


def test_architecture_change_mid_training_says_restarted(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/mlp?lang=es", MLP_READY_JS)
    page.locator("#btn-play").click()
    wait_for(page, "() => window.__descenso.run.epoch >= 3")
    page.locator(".layer-col[data-layer='0'] [data-role=units-plus]").click()
    note = page.locator("#run-restarted")
    wait_for(page, "() => document.getElementById('run-restarted')?.hidden === false")
    assert note.inner_text() == catalog("es")["mlp.restarted_network"]


def test_a_panel_whose_every_control_is_hidden_collapses(page: Any, server_url: str) -> None:
    panel = "document.querySelector('.panel-controls')"
    open_page(page, f"{server_url}/?lang=en&hide=steps")
    assert page.evaluate(f"getComputedStyle({panel}).display") != "none"  # seed etc. remain
    keys = page.evaluate(f"[...{panel}.querySelectorAll('[data-hide-key]')]"
                         ".map((el) => el.dataset.hideKey)")
    assert "surface" in keys and "steps" in keys
    open_page(page, f"{server_url}/?lang=en&hide={','.join(keys)}")
    assert page.evaluate(f"getComputedStyle({panel}).display") == "none"
    # the plot panel, whose player is not hideable, stays
    plot = "document.querySelector('.panel-plot')"
    assert page.evaluate(f"getComputedStyle({plot}).display") != "none"


def test_a_diverged_mlp_run_ends_its_loss_curve_with_a_cross(page: Any, server_url: str) -> None:
    from urllib.parse import urlencode

    from app.schema.mlp_experiment import MlpExperiment
    from app.schema.url_codec import encode

    experiment = MlpExperiment.model_validate({
        "dataset": {"name": "reg_plane", "samples": 60}, "epochs": 5, "batch_size": 1,
        "optimizer": {"optimizer": "sgd", "learning_rate": 10}})
    link = urlencode(encode(experiment), safe=",")
    open_ready(page, f"{server_url}/mlp?lang=es&{link}", MLP_READY_JS)
    page.locator("#btn-play").click()
    wait_for(page, "() => window.__descenso.run.status === 'diverged'")
    wait_for(page, MLP_READY_JS)
    epoch = page.evaluate("window.__descenso.run.divergedAt ?? window.__descenso.run.epoch")
    marks = page.evaluate("""() => document.querySelector('#loss-chart').data
        .filter((tr) => tr.marker && tr.marker.symbol === 'x').length""")
    assert marks == 1
    note = page.evaluate("document.querySelector('#loss-chart').layout.annotations[0].text")
    assert note == catalog("es")["run.diverged_epoch"].replace("{epoch}", str(epoch))
