"""The surface playground page in a real Chromium against a real uvicorn.

Each test opens the page (at step 0, paused, ready to play), runs the race to the end with the
player's "to the end" (key ``e``) and waits until it is completely drawn (the page exposes
``window.__descenso``), acts like a teacher would and checks what is on screen, in the link and
in the Plotly traces. Console errors or page errors fail the test (see conftest.py).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.schema.surface_experiment import SurfaceExperiment, SurfaceView, page_default_experiment
from app.schema.url_codec import encode
from tests.browser.helpers import (
    catalog,
    default_race,
    offered_hide_keys,
    open_ready,
    page_hide_keys,
    query,
    query_dict,
    served_schema,
    wait_for,
)

pytestmark = pytest.mark.browser


TRACES_JS = """() => Array.from(document.querySelector('[data-layer=top]').data || [])
  .filter((t) => t.mode === 'lines')
  .map((t) => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)}))"""
READY_JS = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.gen !== undefined
    && d.drawnGen === d.gen && d.drawnComplete === true); }"""
# the page as it opens: the race's first frame (step 0) drawn, paused, nothing computed yet
OPENED_JS = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.gen !== undefined
    && d.drawnGen === d.gen && d.race.mode === 'pause' && d.race.paths.length > 0); }"""


def run_to_end(page: Any) -> Any:
    """Press "to the end" (key e) and wait for the complete race on screen."""
    page.keyboard.press("e")
    wait_for(page, READY_JS)
    return page


def open_page(page: Any, url: str) -> Any:
    """Open the surface page at step 0, then run its race to the end."""
    open_ready(page, url, OPENED_JS)
    return run_to_end(page)


def traces(page: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(TRACES_JS)
    return result


def run_index(page: Any, optimizer: str) -> int:
    index: int = page.evaluate(
        "(name) => window.__descenso.state.experiment.runs.findIndex((r) => r.optimizer === name)",
        optimizer)
    return index


def lr_slider(page: Any, optimizer: str) -> Any:
    card = page.locator(f".card[data-optimizer={optimizer}]")
    return card.locator("[data-hp=learning_rate] input[type=range]")


def release_slider(page: Any, slider: Any, value: str) -> float:
    """Set a slider as a user letting go of it; wait for the redraw; return change→drawn ms."""
    before = page.evaluate("() => window.__descenso.draws.length")
    slider.fill(value)
    wait_for(page, f"() => window.__descenso.draws.length > {before}")
    wait_for(page, READY_JS)
    elapsed: float = page.evaluate("() => window.__descenso.lastDrawMs")
    return elapsed


def test_surface_page_speaks_spanish_and_english(page: Any, server_url: str) -> None:
    for lang in ("es", "en"):
        strings = catalog(lang)
        open_page(page, f"{server_url}/?lang={lang}")
        assert page.evaluate("() => document.documentElement.lang") == lang
        assert strings["surface.page_title"] in page.title()
        assert page.locator("#btn-share").inner_text().strip() == strings["share.button"]
        assert strings["player.play"] in page.locator("#btn-play").inner_text()
        surface_label = page.locator("[data-field=surface] label").inner_text()
        assert surface_label == strings["controls.surface"]
        assert page.locator(".summary thead th").first.inner_text() == strings["summary.optimizer"]
        assert page.locator(f"[data-lang-link={lang}]").get_attribute("aria-current") == "true"


def test_surface_page_link_is_written_like_the_python_codec(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=es")
    expected = [("lang", "es"), *encode(page_default_experiment()), *encode(SurfaceView())]
    assert query(page) == expected


def test_surface_page_draws_contour_minima_and_every_default_trajectory(page: Any,
                                                                        server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en")
    base = page.evaluate("""() => { const t = document.querySelector('[data-layer=base]').data[0];
      return {type: t.type, rows: t.z.length, cols: t.z[0].length,
              finite: t.z.flat().filter((v) => Number.isFinite(v)).length}; }""")
    assert base["type"] == "contour"
    assert base["rows"] == 120 and base["cols"] == 120
    assert base["finite"] == 120 * 120
    assert page.locator("#surface-plot .colorbar").count() == 1
    stars = page.evaluate("""() => document.querySelector('[data-layer=top]').data
      .filter((t) => t.marker && t.marker.symbol === 'star').map((t) => [t.x, t.y])""")
    assert stars == [[[1.0], [1.0]]]  # Rosenbrock's global minimum
    lines = traces(page)
    names = [t["name"] for t in lines]
    race = default_race(page)
    assert names == [catalog("en")[f"optimizer.{name}"] for name in race]
    assert all(len(t["x"]) > 1 and t["x"][0] == -1.5 and t["y"][0] == 2.5 for t in lines)
    assert page.locator("#summary-body tr").count() == len(race)
    assert "NaN" not in page.locator(".summary").inner_text()


def test_surface_page_slider_rewrites_link_and_redraws_only_that_run(
    page: Any, server_url: str
) -> None:
    open_page(page, f"{server_url}/?lang=en")
    adam = run_index(page, "adam")
    before = {t["name"]: t for t in traces(page)}
    release_slider(page, lr_slider(page, "adam"), "-1.5")  # learning_rate = 10**-1.5 ≈ 0.032
    assert query_dict(page)[f"r{adam}.lr"] == "0.032"
    after = {t["name"]: t for t in traces(page)}
    assert after["Adam"]["x"] != before["Adam"]["x"]
    assert after["SGD"] == before["SGD"]
    assert "learning_rate=0.032" in page.locator(".card[data-optimizer=adam] .code").inner_text()

    # Only Adam was recomputed; the picture must equal a whole race run from scratch.
    experiment = page.evaluate("() => window.__descenso.state.experiment")
    response = page.request.post(f"{server_url}/api/surface/run", data=experiment)
    assert response.ok
    reference = response.json()["runs"]
    for trace, run in zip(traces(page), reference, strict=True):
        assert trace["x"] == [p[0] for p in run["points"]]
        assert trace["y"] == [p[1] for p in run["points"]]

    # How fast (slider release → drawn, goal < 100 ms) is measured by the benchmark
    # `python -m bench.run --only page`, not asserted here: timings depend on the machine's load.


def test_surface_page_click_on_contour_sets_start(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en")
    target = (0.5, 1.5)
    box = page.evaluate("""() => { const gd = document.querySelector('[data-layer=top]');
      const r = gd.getBoundingClientRect(); const s = gd._fullLayout._size;
      return {x: r.left + s.l, y: r.top + s.t, w: s.w, h: s.h}; }""")
    xmin, xmax, ymin, ymax = -2.0, 2.0, -1.0, 3.0  # Rosenbrock's window
    px = box["x"] + (target[0] - xmin) / (xmax - xmin) * box["w"]
    py = box["y"] + (ymax - target[1]) / (ymax - ymin) * box["h"]
    gen = page.evaluate("() => window.__descenso.gen")
    page.mouse.click(px, py)
    wait_for(page, f"() => window.__descenso.gen > {gen}")
    wait_for(page, READY_JS)
    x0 = [float(v) for v in query_dict(page)["x0"].split(",")]
    assert x0 == pytest.approx(target, abs=0.02)
    for trace in traces(page):
        assert (trace["x"][0], trace["y"][0]) == (x0[0], x0[1])


def test_surface_page_copied_link_restores_the_race(page: Any, context: Any,
                                                    server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=es")
    page.locator("[data-field=surface] select").select_option("himmelblau")
    wait_for(page, "() => window.__descenso.state.experiment.start !== null")
    wait_for(page, READY_JS)
    release_slider(page, lr_slider(page, "rmsprop"), "-1.3")
    page.locator("#btn-share").click()  # the share menu
    page.locator("#btn-copy").click()
    toast = page.locator("#toast")
    wait_for(page, "() => document.getElementById('toast').classList.contains('is-shown')")
    assert toast.inner_text() == catalog("es")["toast.link_copied"]
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    assert "f=himmelblau" in copied

    restored = open_page(context.new_page(), copied)
    assert restored.url == copied
    assert traces(restored) == traces(page)
    assert restored.locator("[data-field=surface] select").input_value() == "himmelblau"


def test_surface_page_language_switch_keeps_the_experiment(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=es")
    steps = page.locator("[data-field=steps] input[type=range]")
    release_slider(page, steps, "2.1")  # 10**2.1 ≈ 126 → 130 steps
    experiment = page.evaluate("() => window.__descenso.state.experiment")
    drawn = traces(page)
    page.locator("[data-lang-link=en]").click()
    page.wait_for_url("**lang=en**")
    wait_for(page, OPENED_JS)  # a page load: step 0 again
    run_to_end(page)
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.evaluate("() => window.__descenso.state.experiment") == experiment
    assert query_dict(page)["n"] == "130"
    assert traces(page) == drawn


def settled_step(page: Any, quiet: float = 0.4, timeout: float = 10.0) -> int:
    """The race's step once no frame has changed it for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    step: int = page.evaluate("() => window.__descenso.race.step")
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now: int = page.evaluate("() => window.__descenso.race.step")
        if now == step:
            return step
        step = now
    raise AssertionError("the race kept moving after pause")


def test_surface_page_plays_pauses_and_steps_the_default_race(page: Any,
                                                               server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en")
    draws = page.evaluate("() => window.__descenso.drawCount")
    page.locator("#btn-play").click()
    wait_for(page, "() => window.__descenso.race.playing && window.__descenso.race.step >= 15")
    assert page.locator("#btn-play").get_attribute("aria-pressed") == "true"
    page.locator("#btn-play").click()  # pause
    wait_for(page, "() => !window.__descenso.race.playing")
    paused_at = settled_step(page)  # frames already on the wire may still land
    time.sleep(0.5)
    assert page.evaluate("() => window.__descenso.race.step") == paused_at
    assert 15 <= paused_at < 300
    assert page.evaluate("() => window.__descenso.drawCount") >= draws + 3
    lines = traces(page)
    assert len(lines) == len(default_race(page))
    assert all(len(t["x"]) == paused_at + 1 for t in lines)

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    wait_for(page, f"() => window.__descenso.race.step === {paused_at + 1}")
    page.keyboard.press("r")
    wait_for(page, "() => window.__descenso.race.step === 0"
                   " && window.__descenso.race.paths[0].x.length === 1")
    page.keyboard.press(" ")
    wait_for(page, "() => window.__descenso.race.playing && window.__descenso.race.step > 0")
    page.keyboard.press(" ")
    wait_for(page, "() => !window.__descenso.race.playing")


def test_surface_page_bad_link_opens_defaults_with_a_notice(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en&lr=abc&r0.lr=-5&f=nope")
    notice = page.locator("#notices")
    assert notice.is_visible()
    text = notice.inner_text()
    assert catalog("en")["notices.title"] in text
    for key in ("lr=abc", "r0.lr", "f=nope"):
        assert key in text
    assert page.locator("[data-field=surface] select").input_value() == "rosenbrock"
    assert "f=rosenbrock" in page.url and "nope" not in page.url
    assert len(traces(page)) >= 1
    notice.locator("button").click()
    assert not notice.is_visible()


def test_surface_page_bad_formula_shows_column_and_token(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en")
    page.locator("[data-field=surface] select").select_option("custom")
    wait_for(page, "() => document.getElementById('surface-plot').dataset.surface === 'custom'")
    wait_for(page, READY_JS)
    formula = page.locator("input.formula")
    formula.fill("x^2 + foo(y)")
    formula.press("Enter")
    error = page.locator(".formula-error")
    wait_for(page, "() => document.querySelector('.formula-error').textContent.length > 0")
    assert "column 7" in error.inner_text()
    assert "foo" in error.inner_text()
    assert formula.get_attribute("aria-invalid") == "true"

    formula.fill("x^2 + 3*y^2")
    formula.press("Enter")
    wait_for(page, "() => document.querySelector('.formula-error').textContent === ''")
    wait_for(page, READY_JS)
    assert query_dict(page)["expr"] == "x^2 + 3*y^2"
    assert len(traces(page)) == len(default_race(page))


def test_surface_page_classroom_link_hides_controls(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en&hide=surface,steps,adam")
    assert not page.locator("[data-field=surface]").is_visible()
    assert not page.locator("[data-field=steps]").is_visible()
    assert not page.locator(".card[data-optimizer=adam]").is_visible()
    assert page.locator(".card[data-optimizer=sgd]").is_visible()
    assert page.locator("[data-field=noise]").is_visible()
    assert page.locator("#classroom-badge").is_visible()

    page.locator("#btn-classroom").click()
    page.locator("[data-hide-option=seed]").check()
    assert query_dict(page)["hide"] == "surface,steps,seed,adam"
    assert not page.locator("[data-field=seed]").is_visible()
    page.locator("#classroom-close").click()
    assert page.locator("#btn-play").is_visible()


def _numeric_fields() -> list[str]:
    """Every top-level int, float or bool field of the race, except those declared not drawn."""
    out = []
    for name, info in SurfaceExperiment.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if info.annotation in (int, float, bool) and extra.get("control") != "none":
            out.append(name)
    return out


def test_surface_page_draws_every_numeric_field_with_its_hide_key(page: Any,
                                                                  server_url: str) -> None:
    # A field added to SurfaceExperiment is in this list without editing the test: the page must
    # draw it (from the served schema) and offer it in the classroom dialog under its own name.
    names = _numeric_fields()
    assert {"steps", "noise", "seed", "tolerance", "condition_number"} <= set(names)
    open_page(page, f"{server_url}/?lang=en")
    served = {f["name"] for f in served_schema(page)["experiment"]}
    assert set(names) <= served
    for name in names:
        control = page.locator(f"#race-controls [data-field={name}]")
        assert control.count() == 1, name
        assert control.get_attribute("data-hide-key") == name
        assert page.locator(f"[data-hide-option={name}]").count() == 1, name
    offered = [k for k in page_hide_keys(page) if k not in default_race(page)]
    assert offered_hide_keys(page)[: len(offered)] == offered
    labels = page.locator(".hide-list label").all_inner_texts()[: len(offered)]
    assert labels == [catalog("en")[f"hide.{key}"] for key in offered]
    page.locator("#btn-classroom").click()
    page.locator("[data-hide-option=noise]").check()
    assert query_dict(page)["hide"] == "noise"
    assert not page.locator("[data-field=noise]").is_visible()


def test_surface_page_adds_removes_and_switches_off_runs(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en")
    n = len(default_race(page))
    page.locator(".card[data-optimizer=sgd] [aria-label='Remove SGD']").click()
    wait_for(page, f"() => window.__descenso.state.experiment.runs.length === {n - 1}")
    wait_for(page, READY_JS)
    assert "SGD" not in [t["name"] for t in traces(page)]
    assert f"r{n - 1}.o" not in query_dict(page)

    page.locator("#add-optimizer").select_option("adam")
    wait_for(page, f"() => window.__descenso.state.experiment.runs.length === {n}")
    wait_for(page, READY_JS)
    lines = {t["name"]: t for t in traces(page)}
    first, second = lines["Adam"], lines["Adam (2)"]
    assert (second["x"], second["y"]) == (first["x"], first["y"])  # same settings, same path
    assert query_dict(page)[f"r{n - 1}.o"] == "adam"

    # Switch off the last racer of the default race (named from the served schema).
    last = default_race(page)[-1]
    label = catalog("en")[f"optimizer.{last}"]
    page.locator(".legend-item", has_text=label).first.click()
    wait_for(page, READY_JS)
    index = run_index(page, last)
    assert not page.evaluate(f"() => window.__descenso.state.experiment.runs[{index}].enabled")
    assert query_dict(page)[f"r{index}.on"] == "0"
    assert page.locator(f"#summary-body tr[data-run='{index}']").inner_text().endswith("Off")


def test_surface_page_switches_to_3d_and_back(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/?lang=en")
    button = page.locator("[data-view-choice='3d']")
    if button.is_disabled():  # no WebGL here: the page says so instead of failing
        assert button.get_attribute("title") == catalog("en")["view.no_webgl"]
        return
    button.click()
    kinds = wait_for(page, """() => { const gd = document.querySelector('[data-layer=solid]');
      return gd.data && gd.data.length > 1 && gd.data.map((t) => t.type); }""")
    assert kinds == ["surface"] + ["scatter3d"] * len(default_race(page))
    assert query_dict(page)["view"] == "3d"
    assert not page.locator("[data-layer=top]").is_visible()
    page.locator("[data-view-choice=contour]").click()
    assert page.locator("[data-layer=top]").is_visible()
    assert query_dict(page)["view"] == "contour"


def test_surface_page_opens_at_step_0_ready_to_play(page: Any, server_url: str) -> None:
    # a shared link with its own state opens at step 0 as well: the teacher presses play
    for url in (f"{server_url}/?lang=en",
                f"{server_url}/surface?lang=en&f=himmelblau&x0=-0.27,-0.92&n=200"
                "&r0.o=adam&r0.lr=0.05&r1.o=sgd&r1.lr=0.01"):
        open_ready(page, url, OPENED_JS)
        race = page.evaluate("""() => { const r = window.__descenso.race;
          return {step: r.step, done: r.done, playing: r.playing, total: r.total}; }""")
        assert race["step"] == 0 and not race["done"] and not race["playing"]
        start = page.evaluate("() => window.__descenso.state.experiment.start")
        lines = traces(page)
        assert lines and all(len(t["x"]) == 1 for t in lines)  # every run at its start point
        assert all([t["x"][0], t["y"][0]] == start for t in lines)
        assert page.locator("#btn-play").get_attribute("aria-pressed") == "false"
        assert page.locator("#step-readout").inner_text() == catalog("en")["player.step_of"].format(
            step=0, total=race["total"])
    page.keyboard.press("ArrowRight")
    wait_for(page, "() => window.__descenso.race.step === 1")
    page.keyboard.press(" ")
    wait_for(page, "() => window.__descenso.race.playing && window.__descenso.race.step > 3")
    page.locator("#btn-end").click()  # to the end: the rest at once
    wait_for(page, READY_JS)
    assert page.evaluate("() => window.__descenso.race.step") == 200
    assert all(len(t["x"]) > 1 for t in traces(page))
