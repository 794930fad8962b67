"""The share menu and the downloads, in a real Chromium against a real uvicorn.

A short link from the share menu opens the same experiment as the long link; its QR code
loads; the embed code frames the link with ``embed=1``. Every page's charts download as PNG
and SVG, and its run as CSV and JSON, with the content a slide or a report needs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.jobs.run_tables import MLP_COLUMNS, SURFACE_COLUMNS
from tests.browser.helpers import catalog, query_dict, wait_for
from tests.browser.test_map_page import open_map
from tests.browser.test_mlp_page import open_page as open_mlp
from tests.browser.test_mlp_page import step_epochs
from tests.browser.test_surface_page import READY_JS, lr_slider, open_page, release_slider

pytestmark = pytest.mark.browser

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EXPERIMENT_JS = "() => JSON.stringify(window.__descenso.state)"
SHORT_JS = "() => document.querySelector('[data-share=short]').value"
QR_LOADED_JS = """() => { const img = document.querySelector('[data-share=qr]');
  return !img.hidden && img.complete && img.naturalWidth > 0 && img.getAttribute('src'); }"""


def open_share_menu(page: Any) -> str:
    """Open the share menu and wait for the short link; return it (absolute)."""
    page.locator("#btn-share").click()
    assert page.locator("#share-dialog").is_visible()
    short: str = wait_for(page, SHORT_JS)
    return short


def test_short_link_opens_the_same_experiment_as_the_long_link(
        page: Any, context: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/surface?lang=es&hide=summary")
    page.locator("[data-field=surface] select").select_option("himmelblau")
    wait_for(page, "() => window.__descenso.state.experiment.start !== null")
    wait_for(page, READY_JS)
    release_slider(page, lr_slider(page, "rmsprop"), "-1.3")
    long_link = page.url
    state = json.loads(page.evaluate(EXPERIMENT_JS))
    assert state["experiment"]["surface"] == "himmelblau"

    short = open_share_menu(page)
    assert short.startswith(f"{server_url}/s/") and "?" not in short
    assert len(short) < len(long_link) // 10
    assert page.locator("[data-share=link]").input_value() == long_link
    assert page.locator("[data-share=short-text]").inner_text() == short.split("://", 1)[1]
    qr = wait_for(page, QR_LOADED_JS)
    assert qr == "/api/qr?url=" + short[len(server_url):].replace("/", "%2F")

    opened = open_page(context.new_page(), short)
    assert "/s/" not in opened.url  # redirected to the stored (canonical) link
    assert json.loads(opened.evaluate(EXPERIMENT_JS)) == state
    # the same experiment again gets the same code
    assert open_share_menu(opened) == short


def test_share_menu_copies_the_embed_code_and_the_short_link(page: Any, server_url: str) -> None:
    strings = catalog("en")
    open_page(page, f"{server_url}/surface?lang=en&hide=loss")
    short = open_share_menu(page)
    embed = page.locator("[data-share=embed]").input_value()
    assert embed.startswith(f'<iframe src="{server_url}/surface?lang=en')
    assert "&amp;hide=loss" in embed and embed.count("embed=1") == 1
    assert 'loading="lazy"' in embed and 'style="border:0"' in embed

    # space presses the focused button of the menu (the page's space = play stays out of it)
    page.locator("[data-share=copy-embed]").focus()
    page.keyboard.press(" ")
    wait_for(page, "() => document.getElementById('toast').classList.contains('is-shown')")
    assert page.locator("#toast").inner_text() == strings["share.toast_embed"]
    assert page.evaluate("() => navigator.clipboard.readText()") == embed
    page.locator("[data-share=copy-short]").click()
    toast = json.dumps(strings["share.toast_short"])
    wait_for(page, f"() => document.getElementById('toast').textContent === {toast}")
    assert page.evaluate("() => navigator.clipboard.readText()") == short

    # the page's shortcuts stay off while the menu is open; Escape closes it
    step = page.evaluate("() => window.__descenso.race.step")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.__descenso.race.step") == step
    page.keyboard.press("Escape")
    assert not page.locator("#share-dialog").is_visible()


def download(page: Any, selector: str, tmp_path: Path) -> tuple[str, bytes]:
    """Click a download button; the file's suggested name and bytes."""
    with page.expect_download() as info:
        page.locator(selector).click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    return info.value.suggested_filename, saved.read_bytes()


def check_chart(page: Any, name: str, chart_id: str, prefix: str, tmp_path: Path) -> str:
    """The chart `name` (element `chart_id`) downloads as a PNG twice its size on screen, for
    slides, and as an SVG; returns the SVG."""
    row = f"[data-downloads={name}]"
    filename, png = download(page, f"{row} [data-download=png]", tmp_path)
    assert filename == f"{prefix}_{name}.png"
    assert png.startswith(PNG_MAGIC)
    size = [int.from_bytes(png[at:at + 4], "big") for at in (16, 20)]  # IHDR width, height
    shown = page.evaluate(f"() => [document.getElementById('{chart_id}').clientWidth,"
                          f" document.getElementById('{chart_id}').clientHeight]")
    assert size == [2 * max(shown[0], 320), 2 * max(shown[1], 240)]
    filename, svg = download(page, f"{row} [data-download=svg]", tmp_path)
    assert filename == f"{prefix}_{name}.svg"
    text = svg.decode("utf-8")
    assert text.lstrip().startswith("<svg") and text.rstrip().endswith("</svg>")
    return text


def test_surface_charts_and_race_download(page: Any, server_url: str, tmp_path: Path) -> None:
    open_page(page, f"{server_url}/surface?lang=es")
    svg = check_chart(page, "surface", "surface-plot", "descenso_surface", tmp_path)
    # one picture of the stacked layers: the contour under the trajectories, with its axes
    assert 'class="contourlevel"' in svg and 'class="js-line"' in svg and 'class="xtick"' in svg
    check_chart(page, "loss", "loss-chart", "descenso_surface", tmp_path)
    runs = page.evaluate("() => window.__descenso.state.experiment.runs.map((r) => r.optimizer)")

    filename, csv = download(page, "[data-downloads=loss] [data-download=csv]", tmp_path)
    assert filename == "descenso_surface_run.csv"
    lines = csv.decode("utf-8").splitlines()
    assert lines[0] == ",".join(SURFACE_COLUMNS)
    assert {line.split(",")[1] for line in lines[1:]} == set(runs)

    filename, body = download(page, "[data-downloads=loss] [data-download=json]", tmp_path)
    assert filename == "descenso_surface_run.json"
    race = json.loads(body)
    assert [run["optimizer"] for run in race["runs"]] == runs


def test_mlp_charts_and_training_download(page: Any, server_url: str, tmp_path: Path) -> None:
    open_mlp(page, f"{server_url}/mlp?lang=es&ep=5")
    step_epochs(page, 1)  # the curves have something to draw
    check_chart(page, "loss", "loss-chart", "descenso_mlp", tmp_path)
    check_chart(page, "boundary", "boundary-plot", "descenso_mlp", tmp_path)
    assert page.locator("[data-downloads=uncertainty]").is_hidden()  # its chart is hidden

    filename, csv = download(page, "[data-downloads=loss] [data-download=csv]", tmp_path)
    assert filename == "descenso_mlp_run.csv"
    lines = csv.decode("utf-8").splitlines()
    assert lines[0] == ",".join(MLP_COLUMNS)
    assert len(lines) == 1 + 6  # epoch 0 (before training) and the five epochs

    filename, body = download(page, "[data-downloads=loss] [data-download=json]", tmp_path)
    assert [row["epoch"] for row in json.loads(body)["epochs"]] == list(range(6))


def test_map_downloads_its_cells(page: Any, server_url: str, tmp_path: Path) -> None:
    open_map(page, f"{server_url}/map?lang=en")
    check_chart(page, "map", "map-plot", "descenso_map", tmp_path)
    second, nx, ny = page.evaluate("""() => { const d = window.__descenso;
      return [d.state.experiment.second, d.result.nx, d.result.ny]; }""")

    filename, csv = download(page, "[data-downloads=map] [data-download=csv]", tmp_path)
    assert filename == "descenso_map_run.csv"
    lines = csv.decode("utf-8").splitlines()
    assert lines[0] == f"row,col,learning_rate,{second},final_loss,steps_to_tolerance,diverged_at"
    assert len(lines) == 1 + nx * ny

    _, body = download(page, "[data-downloads=map] [data-download=json]", tmp_path)
    cells = json.loads(body)
    assert cells["second"] == second
    assert len(cells["final_loss"]) == ny and all(len(row) == nx for row in cells["final_loss"])
    shown = page.evaluate("() => window.__descenso.result.loss")
    assert cells["final_loss"] == shown


@pytest.mark.parametrize(("path", "opener", "changed"), [
    ("/mlp?lang=en&ep=7&nz=0.25&ds=3&hide=code", open_mlp, ("epochs", 7)),
    ("/map?lang=en&f=himmelblau&n=50&tol=0.01", open_map, ("surface", "himmelblau")),
])
def test_short_links_of_the_other_pages_open_the_same_experiment(
        page: Any, context: Any, server_url: str, path: str, opener: Any,
        changed: tuple[str, Any]) -> None:
    opener(page, server_url + path)
    state = json.loads(page.evaluate(EXPERIMENT_JS))
    assert state["experiment"][changed[0]] == changed[1]
    short = open_share_menu(page)
    opened = opener(context.new_page(), short)
    assert "/s/" not in opened.url
    experiment = json.loads(opened.evaluate(EXPERIMENT_JS))["experiment"]
    # The canonical link spells out the optimizer's defaults (the map page keeps them as null).
    given = {k: v for k, v in state["experiment"]["optimizer"].items() if v is not None}
    assert {k: experiment["optimizer"][k] for k in given} == given
    assert {**experiment, "optimizer": None} == {**state["experiment"], "optimizer": None}
    assert query_dict(opened).get("hide") == query_dict(page).get("hide")
    if path.startswith("/map"):  # and it computes the same map
        raw = "() => JSON.stringify(window.__descenso.result.raw)"
        assert opened.evaluate(raw) == page.evaluate(raw)
