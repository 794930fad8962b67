"""The hyperparameter map page in a real Chromium against a real uvicorn.

Each test opens the page, waits until the latest map is computed and drawn (the page exposes
``window.__descenso``), acts like a teacher would and checks the link, the Plotly traces and the
surface race a cell opens. Console errors or page errors fail the test (see conftest.py).
"""

from __future__ import annotations

import base64
import math
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest

from app.schema.map_experiment import MapExperiment
from app.schema.url_codec import encode
from tests.browser.helpers import (
    catalog,
    offered_hide_keys,
    open_ready,
    page_hide_keys,
    query_dict,
    wait_for,
)
from tests.browser.test_surface_page import OPENED_JS as SURFACE_OPENED_JS

pytestmark = pytest.mark.browser

READY_JS = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.gen > 0 && !d.busy
    && d.drawnGen === d.gen && d.result); }"""
HEATMAP_JS = """() => { const gd = document.getElementById('map-plot');
  const t = gd.data.find((trace) => trace.name === 'map');
  return {x: Array.from(t.x), y: Array.from(t.y), z: t.z.map((r) => Array.from(r)),
          text: t.text.map((r) => Array.from(r)), xtype: gd.layout.xaxis.type,
          images: (gd.layout.images || []).length}; }"""
# A small momentum map on the quadratic ½(x² + 10·y²): quick, and it diverges on the right.
SMALL = ("f=quadratic&k=10.0&n=100&tol=1e-06&o.o=momentum&y=momentum&y0=0.0&y1=0.9"
         "&lr0=0.001&lr1=2.0&nx=20&ny=15")


def open_map(page: Any, url: str) -> Any:
    return open_ready(page, url, READY_JS)


def recomputed(page: Any, gen: int) -> None:
    """Wait until a computation newer than ``gen`` is drawn."""
    wait_for(page, f"() => window.__descenso.gen > {gen}")
    wait_for(page, READY_JS)


def gen(page: Any) -> int:
    value: int = page.evaluate("() => window.__descenso.gen")
    return value


def heatmap(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(HEATMAP_JS)
    return result


def api_map(page: Any, server_url: str) -> dict[str, Any]:
    """The same map computed by the JSON API from the page's own experiment."""
    experiment = page.evaluate("() => window.__descenso.state.experiment")
    response = page.request.post(f"{server_url}/api/map/run", data=experiment)
    assert response.ok
    body: dict[str, Any] = response.json()
    shape = (body["ny"], body["nx"])
    for key in ("final_loss", "steps_to_tolerance", "diverged_at"):
        body[key] = np.frombuffer(base64.b64decode(body[key]), "<f4").reshape(shape)
    return body


def click_cell(page: Any, row: int, col: int) -> None:
    point = page.evaluate(f"() => window.__descenso.cellCentre({row}, {col})")
    page.mouse.click(point["x"], point["y"])


def test_map_page_speaks_spanish_and_english(page: Any, server_url: str) -> None:
    for lang in ("es", "en"):
        strings = catalog(lang)
        open_map(page, f"{server_url}/map?lang={lang}")
        assert page.evaluate("() => document.documentElement.lang") == lang
        assert strings["map.page_title"] in page.title()
        assert page.locator("#btn-compute").inner_text().strip() == strings["map.compute"]
        surface_label = page.locator("[data-field=surface] label").inner_text()
        assert surface_label == strings["controls.surface"]
        assert page.locator(".site-nav [aria-current=page]").inner_text() == strings["nav.map"]
        assert page.locator("[data-colour-choice=loss]").inner_text() == strings["map.colour_loss"]
        assert page.locator("#map-plot .xtitle").text_content() == strings["map.axis_lr"]
        assert page.locator(f"[data-lang-link={lang}]").get_attribute("aria-current") == "true"
        summary = page.locator("#map-summary").inner_text()
        assert "NaN" not in summary and "undefined" not in summary


def test_map_page_draws_every_cell_on_a_log_learning_rate_axis(page: Any,
                                                                server_url: str) -> None:
    open_map(page, f"{server_url}/map?lang=en")
    drawn = heatmap(page)
    default = MapExperiment()
    assert len(drawn["z"]) == default.ny and all(len(r) == default.nx for r in drawn["z"])
    assert len(drawn["x"]) == default.nx + 1  # brick edges
    assert drawn["xtype"] == "log"
    edges = np.log10(drawn["x"])
    assert np.allclose(np.diff(edges), np.diff(edges)[0])  # equal bricks in log space
    assert math.sqrt(drawn["x"][0] * drawn["x"][1]) == pytest.approx(default.lr_min)
    assert math.sqrt(drawn["x"][-2] * drawn["x"][-1]) == pytest.approx(default.lr_max)

    # colour = log10(final loss − f*) of the very runs the API computes
    reference = api_map(page, server_url)
    want = np.log10(np.maximum(reference["final_loss"].astype(np.float64)
                               - reference["best_value"], 1e-16))
    assert np.allclose(np.array(drawn["z"], dtype=np.float64), want, atol=1e-6)
    text = "".join("".join(row) for row in drawn["text"])
    assert "NaN" not in text and "undefined" not in text and "null" not in text
    assert page.locator("#map-cell").is_visible()  # the best cell, with its race
    assert "Infinity" not in page.locator("#map-cell").inner_text()


def test_map_page_link_is_written_like_the_python_codec(page: Any, server_url: str) -> None:
    open_map(page, f"{server_url}/map?lang=es")
    start = tuple(page.evaluate("() => window.__descenso.result.start"))
    expected = [("lang", "es"), *encode(MapExperiment(start=start))]
    assert parse_qsl(urlsplit(page.url).query, keep_blank_values=True) == expected


def test_map_page_recomputes_when_the_axis_or_optimizer_changes(page: Any,
                                                                 server_url: str) -> None:
    open_map(page, f"{server_url}/map?lang=en&nx=12&ny=10")
    before = gen(page)
    page.locator("[data-field=second] select").select_option("beta_2")
    recomputed(page, before)
    assert query_dict(page)["y"] == "beta_2"
    y = heatmap(page)["y"]
    assert len(y) == 11 and y[0] < 0 < y[1] and y[-1] > 0.99  # 0 … 0.999, edges around them
    assert page.locator("[data-hp=beta_1]").is_visible()  # β₁ is now fixed for every cell
    assert not page.locator("[data-hp=beta_2]").is_visible()

    before = gen(page)
    page.locator("[data-field=optimizer] select").select_option("sgd")
    recomputed(page, before)
    q = query_dict(page)
    assert (q["o.o"], q["y"]) == ("sgd", "momentum")  # SGD has no β₂: the axis follows
    options = page.locator("[data-field=second] option").evaluate_all(
        "(all) => all.map((o) => o.value)")
    assert options == ["momentum", "weight_decay"]
    assert "β₂" not in "".join("".join(r) for r in heatmap(page)["text"])

    before = gen(page)
    page.locator("[data-field=nx] .value").fill("16")
    page.locator("[data-field=nx] .value").press("Enter")
    recomputed(page, before)
    assert query_dict(page)["nx"] == "16"
    assert all(len(r) == 16 for r in heatmap(page)["z"])


def test_map_page_marks_diverged_cells(page: Any, server_url: str) -> None:
    open_map(page, f"{server_url}/map?lang=en&f=quadratic&o.o=sgd&y=momentum&y1=0.9"
                   "&lr0=0.01&lr1=2.0&nx=24&ny=12&n=100")
    drawn = heatmap(page)
    reference = api_map(page, server_url)
    diverged = reference["diverged_at"] >= 0
    assert diverged.any() and not diverged.all()
    assert diverged[:, -1].all()  # lr = 2 > 2(1+μ)/κ: every momentum diverges
    z = np.array([[v is None for v in row] for row in drawn["z"]])
    assert (z == diverged).all()  # empty cells over the hatch are exactly the diverged runs
    assert drawn["images"] == 1
    legend = page.locator("[data-legend=diverged]").inner_text()
    assert legend == catalog("en")["map.legend_diverged"]
    row, col = np.argwhere(diverged)[0]
    step = int(reference["diverged_at"][row, col])
    assert f"Diverged at step {step}" in drawn["text"][row][col]
    summary = page.locator("#map-summary").inner_text()
    assert f"{int(diverged.sum())} diverged" in summary


def test_map_page_click_opens_the_race_of_that_cell(page: Any, context: Any,
                                                    server_url: str) -> None:
    open_map(page, f"{server_url}/map?lang=en&{SMALL}")
    row, col = 9, 6
    lr = page.evaluate(f"() => window.__descenso.result.lrs[{col}]")
    mu = page.evaluate(f"() => window.__descenso.result.seconds[{row}]")
    cell_loss = page.evaluate(f"() => window.__descenso.result.loss[{row}][{col}]")
    assert cell_loss is not None
    with context.expect_page() as opened:
        click_cell(page, row, col)
    race = opened.value
    wait_for(race, SURFACE_OPENED_JS)  # the race opens at step 0, ready to play
    url = urlsplit(race.url)
    assert url.path == "/surface"
    q = dict(parse_qsl(url.query))
    assert (q["lang"], q["f"], q["k"], q["x0"], q["n"], q["tol"]) == (
        "en", "quadratic", "10.0", "-1.8,0.6", "100", "1e-06")
    assert (q["r0.o"], float(q["r0.lr"]), float(q["r0.m"])) == ("momentum", lr, mu)
    assert not any(key.startswith("r1.") for key in q)
    # the surface page rewrites its link from its state: unchanged, so the link is its own
    opened_url = page.evaluate("() => window.__descenso.opened.at(-1)")
    assert race.url == f"{server_url}{opened_url}"
    runs = race.evaluate("() => window.__descenso.state.experiment.runs")
    assert len(runs) == 1 and runs[0]["learning_rate"] == lr and runs[0]["momentum"] == mu
    # …and its race ends where the map's cell ended
    experiment = race.evaluate("() => window.__descenso.state.experiment")
    replay = page.request.post(f"{server_url}/api/surface/run", data=experiment).json()
    assert replay["runs"][0]["summary"]["final_loss"] == pytest.approx(cell_loss, rel=1e-5,
                                                                        abs=1e-30)
    # the clicked cell is selected, with a link to copy
    assert page.locator("#map-cell").get_attribute("data-row") == str(row)
    assert page.locator("#map-cell-title").inner_text() == catalog("en")["map.cell_selected"]
    page.locator("#map-cell-copy").click()
    wait_for(page, "() => document.getElementById('toast').classList.contains('is-shown')")
    assert page.evaluate("() => navigator.clipboard.readText()") == race.url


def test_map_page_copied_link_restores_the_same_map(page: Any, context: Any,
                                                    server_url: str) -> None:
    open_map(page, f"{server_url}/map?lang=es&nx=20&ny=20")
    before = gen(page)
    page.locator("[data-field=surface] select").select_option("himmelblau")
    recomputed(page, before)
    before = gen(page)
    page.locator("[data-field=optimizer] select").select_option("rmsprop")
    recomputed(page, before)
    page.locator("#btn-share").click()  # the share menu
    page.locator("#btn-copy").click()
    wait_for(page, "() => document.getElementById('toast').classList.contains('is-shown')")
    assert page.locator("#toast").inner_text() == catalog("es")["toast.link_copied"]
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    assert "f=himmelblau" in copied and "o.o=rmsprop" in copied and "y=rho" in copied

    restored = open_map(context.new_page(), copied)
    assert restored.url == copied
    same = "() => window.__descenso.result.raw.final_loss"
    assert restored.evaluate(same) == page.evaluate(same)
    assert heatmap(restored)["z"] == heatmap(page)["z"]
    assert restored.locator("[data-field=optimizer] select").input_value() == "rmsprop"


def test_map_page_distill_preset_and_condition_number(page: Any, server_url: str) -> None:
    open_map(page, f"{server_url}/map?lang=en")
    assert not page.locator("[data-field=condition_number]").is_visible()
    before = gen(page)
    page.locator("#btn-preset-distill").click()
    recomputed(page, before)
    q = query_dict(page)
    assert (q["f"], q["o.o"], q["y"], q["k"]) == ("quadratic", "momentum", "momentum", "100.0")
    assert page.locator("[data-field=condition_number]").is_visible()
    assert page.locator("#map-distill-note").is_visible()
    # the best cell sits next to Polyak's optimum α* = 4/(√κ+1)², μ* = ((√κ−1)/(√κ+1))²
    best = page.evaluate("() => window.__descenso.result.bestCell()")
    assert math.log10(best["lr"]) == pytest.approx(math.log10(4 / 11**2), abs=0.1)
    assert best["value"] == pytest.approx((9 / 11) ** 2, abs=0.06)
    limit = page.evaluate("""() => document.getElementById('map-plot').data
      .find((t) => t.mode === 'lines' && t.line.dash === 'dash')""")
    assert limit["x"][0] == pytest.approx(2 * (1 + limit["y"][0]) / 100)

    before = gen(page)
    page.locator("[data-field=condition_number] input[type=range]").fill("3")  # κ = 10³
    recomputed(page, before)
    assert query_dict(page)["k"] == "1000.0"
    limit = page.evaluate("""() => document.getElementById('map-plot').data
      .find((t) => t.mode === 'lines' && t.line.dash === 'dash')""")
    assert limit["x"][0] == pytest.approx(2 * (1 + limit["y"][0]) / 1000)
    best = page.evaluate("() => window.__descenso.result.bestCell()")
    assert best["value"] > 0.8  # worse conditioning wants more momentum


def test_map_page_bad_link_opens_defaults_with_a_notice(page: Any, server_url: str) -> None:
    open_map(page, f"{server_url}/map?lang=en&nx=abc&f=nope&o.o=adam&zz=1")
    notice = page.locator("#notices")
    assert notice.is_visible()
    text = notice.inner_text()
    assert catalog("en")["notices.title"] in text
    for key in ("nx=abc", "f=nope", "zz=1"):
        assert key in text
    assert page.locator("[data-field=surface] select").input_value() == "rosenbrock"
    assert "nope" not in page.url and "zz=" not in page.url
    assert len(heatmap(page)["z"]) == MapExperiment().ny
    notice.locator("button").click()
    assert not notice.is_visible()


def test_map_page_classroom_link_hides_controls(page: Any, server_url: str) -> None:
    open_map(page, f"{server_url}/map?lang=en&hide=optimizer,resolution,preset")
    assert not page.locator("[data-field=optimizer]").is_visible()
    assert not page.locator("[data-field=nx]").is_visible()
    assert not page.locator("#btn-preset-distill").is_visible()
    assert page.locator("[data-field=lr_min]").is_visible()
    assert page.locator("#classroom-badge").is_visible()
    page.locator("#btn-classroom").click()
    # the dialog offers exactly the parts of the page that carry a hide key, in page order, each
    # with its label in the catalog
    keys = page_hide_keys(page)
    assert offered_hide_keys(page) == keys
    assert {"steps", "optimizer", "start", "colour"} <= set(keys)
    labels = page.locator(".hide-list label").all_inner_texts()
    assert labels == [catalog("en")[f"hide.{key}"] for key in keys]
    page.locator("[data-hide-option=steps]").check()
    assert query_dict(page)["hide"] == ",".join(
        k for k in keys if k in {"steps", "optimizer", "resolution", "preset"})
    assert not page.locator("[data-field=steps]").is_visible()
    page.locator("#classroom-close").click()
    assert page.locator("#btn-compute").is_visible()
