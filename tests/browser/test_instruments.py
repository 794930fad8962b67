"""The optimizer instruments in a real Chromium: the anatomy of one run's update on /surface
(numbers from POST /api/surface/explain, the ghost path without bias correction), the lr(t)
charts under the schedule controls of /surface and /mlp, and Tune."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.helpers import catalog, open_ready, query_dict, served_schema, wait_for

pytestmark = pytest.mark.browser

# The page has drawn its first state (the race itself may still be at step 0 or playing).
READY_JS = "() => document.body.dataset.ready === 'true' && Boolean(window.__descenso)"
ANATOMY_JS = """() => { const p = document.getElementById('anatomy');
  return !p.hidden && p.dataset.loading === 'false' && p.dataset.step; }"""
FORMAT_JS = """async ([values, digits]) => {
  const i18n = await import('/static/js/i18n.js');
  return values.map((v) => i18n.formatNumber(v, digits)); }"""


def race_index(page: Any, optimizer: str) -> int:
    runs = served_schema(page)["default"]["runs"]
    return [r["optimizer"] for r in runs].index(optimizer)


def shown_step(page: Any) -> int:
    return int(wait_for(page, ANATOMY_JS))


def explain_api(page: Any, server_url: str, bias_correction: bool = True) -> dict[str, Any]:
    body = page.evaluate("(b) => window.__descenso.anatomy.body(b)", bias_correction)
    response = page.request.post(f"{server_url}/api/surface/explain", data=body)
    assert response.ok, response.text()
    result: dict[str, Any] = response.json()
    return result


def pair_text(page: Any, lang: str, x: float, y: float) -> str:
    fx, fy = page.evaluate(FORMAT_JS, [[x, y], 4])
    return str(catalog(lang)["anatomy.pair"].format(x=fx, y=fy))


def caption(page: Any, role: str) -> str:
    return str(page.locator(f"#anatomy li[data-role={role}]").inner_text())


def test_anatomy_walks_forward_and_back_with_the_api_numbers(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/surface?lang=en", READY_JS)
    adam = race_index(page, "adam")
    assert page.locator("#anatomy").is_hidden()
    page.locator(f".card[data-run='{adam}'] .explain-button").click()
    assert shown_step(page) == 1
    link = query_dict(page)
    assert link["ex"] == str(adam) and link["exk"] == "1" and link["gh"] == "0"
    api = explain_api(page, server_url)["steps"]
    en = catalog("en")
    rule = served_schema(page)["optimizers"]["adam"]["update_rule"]
    assert page.locator("#anatomy .anatomy-rule").inner_text() == rule

    def check(k: int) -> None:
        assert shown_step(page) == k
        assert query_dict(page)["exk"] == str(k)
        step = api[k - 1]
        x, y = step["point"]
        dx, dy = step["update"]
        assert caption(page, "step") == en["anatomy.step"].format(
            v=pair_text(page, "en", dx, dy), theta=pair_text(page, "en", x + dx, y + dy))
        gx, gy = step["gradient"]
        assert caption(page, "gradient") == en["anatomy.at"].format(
            theta=pair_text(page, "en", x, y), g=pair_text(page, "en", gx, gy))
        m, m_hat = step["slots"]["momentum"], step["parts"]["m_hat"]
        assert caption(page, "m_hat") == en["anatomy.m_hat"].format(
            m=pair_text(page, "en", *m), v=pair_text(page, "en", *m_hat))
        assert caption(page, "slot-velocity")
        # the arrows start at the point before the update; the step arrow ends at the next point
        arrows = page.evaluate("""() => document.querySelector('[data-layer=anatomy]')
          .layout.annotations.filter((a) => a.showarrow).map((a) => ({name: a.name, x: a.x,
            y: a.y, ax: a.ax, ay: a.ay}))""")
        factor = float(page.evaluate(
            "() => document.querySelector('[data-layer=anatomy]').dataset.factor"))
        names = {a["name"]: a for a in arrows}
        assert set(names) == {"gradient", "moment", "step"}
        arrow = names["step"]
        assert arrow["ax"] == pytest.approx(x) and arrow["ay"] == pytest.approx(y)
        assert arrow["x"] == pytest.approx(x + dx * factor)
        assert arrow["y"] == pytest.approx(y + dy * factor)

    check(1)
    page.locator("#anatomy-forward").click()
    check(2)
    page.keyboard.press(".")
    page.keyboard.press(".")
    check(4)
    page.keyboard.press(",")
    check(3)
    page.locator("#anatomy-back").click()
    page.locator("#anatomy-back").click()
    check(1)
    assert page.locator("#anatomy-back").is_disabled()
    page.locator("#anatomy-close").click()
    wait_for(page, "() => document.getElementById('anatomy').hidden")
    assert "ex" not in query_dict(page)  # no run explained: the key is left out


def test_anatomy_ghost_path_without_bias_correction_for_adam(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/surface?lang=es", READY_JS)
    sgd, adam = race_index(page, "sgd"), race_index(page, "adam")
    page.locator(f".card[data-run='{sgd}'] .explain-button").click()
    shown_step(page)
    assert page.locator("#anatomy .anatomy-ghost").is_hidden()  # SGD has nothing to correct
    page.locator(f".card[data-run='{adam}'] .explain-button").click()
    wait_for(page, "() => !document.querySelector('#anatomy .anatomy-ghost').hidden")
    page.locator("#anatomy .anatomy-ghost").click()
    wait_for(page, """() => (document.querySelector('[data-layer=anatomy]').data || [])
      .some((t) => t.meta && t.meta.ghost)""")
    assert query_dict(page)["gh"] == "1"
    for _ in range(9):
        page.keyboard.press(".")
    assert shown_step(page) == 10
    ghost = page.evaluate("""() => document.querySelector('[data-layer=anatomy]').data
      .filter((t) => t.meta && t.meta.ghost).map((t) => ({name: t.name, x: Array.from(t.x),
        y: Array.from(t.y)}))[0]""")
    es = catalog("es")
    assert ghost["name"] == es["anatomy.ghost_label"]
    labels = page.evaluate("""() => document.querySelector('[data-layer=anatomy]').layout
      .annotations.filter((a) => !a.showarrow).map((a) => a.text)""")
    assert es["anatomy.ghost_label"] in labels and "no es Keras" in es["anatomy.ghost_label"]
    uncorrected = explain_api(page, server_url, bias_correction=False)
    assert uncorrected["keras"] is False
    points = [s["point"] for s in uncorrected["steps"][:10]]
    last = uncorrected["steps"][9]
    points.append([last["point"][0] + last["update"][0], last["point"][1] + last["update"][1]])
    assert ghost["x"] == pytest.approx([p[0] for p in points])
    assert ghost["y"] == pytest.approx([p[1] for p in points])
    keras_path = explain_api(page, server_url)["steps"]
    assert ghost["x"][-2] != pytest.approx(keras_path[9]["point"][0])
    assert page.locator("#anatomy li[data-role=ghost]").count() == 1


def test_anatomy_state_comes_back_from_the_link(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/surface?lang=en", READY_JS)
    adam = race_index(page, "adam")
    open_ready(page, f"{server_url}/surface?lang=en&ex={adam}&exk=7&gh=1", READY_JS)
    assert shown_step(page) == 7
    assert page.locator("#anatomy .anatomy-ghost input").is_checked()
    assert page.locator(f".card[data-run='{adam}'] .explain-button").get_attribute(
        "aria-pressed") == "true"
    # an old link (no anatomy keys) opens without the panel, and without a notice
    open_ready(page, f"{server_url}/surface?lang=en&f=himmelblau", READY_JS)
    assert page.locator("#anatomy").is_hidden()
    assert page.locator("#notices").is_hidden()


CHART_READY_JS = """([scope, want]) => {
  const c = document.querySelector(`${scope} [data-lrchart]`);
  return Boolean(c && c.dataset.loading === 'false'
    && Object.entries(want).every(([k, v]) => c.dataset[k] === v)); }"""


def chart_data(page: Any, scope: str, **expected: str) -> dict[str, str]:
    """The drawn chart's data attributes, once it has drawn (and shows ``expected``)."""
    deadline = time.monotonic() + 20
    while not page.evaluate(CHART_READY_JS, [scope, expected]):
        assert time.monotonic() < deadline, (scope, expected)
        page.wait_for_timeout(50)
    data: dict[str, str] = page.evaluate(
        "(scope) => ({...document.querySelector(`${scope} [data-lrchart]`).dataset})", scope)
    return data


def test_surface_schedule_chart_draws_and_redraws(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/surface?lang=en", READY_JS)
    adam = race_index(page, "adam")
    card = f".card[data-run='{adam}']"
    page.locator(f"{card} details.advanced summary").click()
    steps = page.evaluate("() => window.__descenso.state.experiment.steps")
    first = chart_data(page, card)
    assert first["points"] == str(steps) and first["changes"] == "0"
    page.locator(f"{card} [data-field=schedule] select").select_option("piecewise")
    drawn = chart_data(page, card, changes="2")
    run = page.evaluate(f"() => window.__descenso.state.experiment.runs[{adam}]")
    api = page.request.post(f"{server_url}/api/schedule", data={
        "learning_rate": run["learning_rate"], "schedule": run["schedule"], "steps": steps}).json()
    assert float(drawn["first"]) == api["learning_rate"][0]
    assert float(drawn["last"]) == api["learning_rate"][-1]
    # the loss chart marks both changes in Adam's colour, at the points before them
    wait_for(page, """() => (document.getElementById('loss-chart').layout?.shapes || [])
      .filter((s) => s.name === 'schedule-change').length === 2""")
    shapes = page.evaluate("""() => document.getElementById('loss-chart').layout.shapes
      .map((s) => s.x0)""")
    rates = api["learning_rate"]
    assert shapes == [t for t in range(1, steps) if rates[t] != rates[t - 1]]
    # a longer race redraws the chart
    box = page.locator("#race-controls [data-field=steps] input.value")
    box.fill("300")
    box.press("Enter")
    chart_data(page, card, points="300")


def test_mlp_schedule_chart_is_the_runs_curve(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/mlp?lang=es", READY_JS)
    page.locator("#optimizer-controls details.advanced summary").click()
    drawn = chart_data(page, "#optimizer-controls")
    experiment = page.evaluate("() => window.__descenso.state.experiment")
    api = page.request.post(f"{server_url}/api/mlp/schedule", data=experiment).json()
    assert drawn["points"] == str(len(api["learning_rate"]))
    assert float(drawn["last"]) == api["learning_rate"][-1]
    assert catalog("es")["lrchart.epoch"] in page.locator(
        "#optimizer-controls [data-lrchart]").inner_text()
    # a piecewise schedule: the chart and the loss chart mark its changes, in epochs
    page.locator("#optimizer-controls [data-field=schedule] select").select_option("piecewise")
    chart_data(page, "#optimizer-controls", changes="2")
    experiment = page.evaluate("() => window.__descenso.state.experiment")
    api = page.request.post(f"{server_url}/api/mlp/schedule", data=experiment).json()
    expected = [(u - 1) / api["steps_per_epoch"] for u in api["changes"]]
    wait_for(page, """() => (document.getElementById('loss-chart').layout?.shapes || [])
      .filter((s) => s.name === 'schedule-change').length === 2""")
    marks = page.evaluate("""() => document.getElementById('loss-chart').layout.shapes
      .filter((s) => s.name === 'schedule-change').map((s) => s.x0)""")
    assert marks == pytest.approx(expected)


def test_tune_applies_the_rates_and_marks_the_cards(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/surface?lang=en", READY_JS)
    experiment = page.evaluate("() => window.__descenso.state.experiment")
    page.locator("#btn-tune").click()
    wait_for(page, "() => !document.getElementById('tune-results').hidden")
    api = page.request.post(f"{server_url}/api/surface/tune", data=experiment).json()["runs"]
    rows = page.locator("#tune-results tbody tr")
    assert rows.count() == len(api)
    page.locator("#btn-tune-apply").click()
    wait_for(page, "() => document.getElementById('tune-results').hidden")
    link = query_dict(page)
    runs = page.evaluate("() => window.__descenso.state.experiment.runs")
    tuned = [i for i, r in enumerate(api) if r["status"] == "tuned"]
    assert tuned
    for i in tuned:
        assert runs[i]["learning_rate"] == api[i]["learning_rate"]
        assert float(link[f"r{i}.lr"]) == pytest.approx(api[i]["learning_rate"], rel=1e-6)
    wait_for(page, f"() => document.querySelectorAll('.card .tuned-badge').length === {len(tuned)}")
    assert page.locator(".card.is-tuned .tuned-badge").first.inner_text() == \
        catalog("en")["tune.badge"]
    # moving one rate takes its mark away, the others keep theirs
    first = tuned[0]
    page.locator(f".card[data-run='{first}'] [data-hp=learning_rate] input[type=range]") \
        .fill("-2.2")
    wait_for(page, f"""() => !document.querySelector(".card[data-run='{first}']")
      .classList.contains('is-tuned')""")
    assert page.locator(".card .tuned-badge").count() == len(tuned) - 1
    # the link keeps the marks (view key `tuned`): a reload shows the same badges
    kept = [str(i) for i in tuned[1:]]
    wait_for(page, f"() => new URLSearchParams(location.search).get('tuned') === "
                   f"'{','.join(kept)}'")
    page.reload()
    wait_for(page, READY_JS)
    marked = "() => [...document.querySelectorAll('.card.is-tuned')].map((c) => c.dataset.run)"
    assert page.evaluate(marked) == kept
    # presentation mode: Tune follows the chips, its results open over the page
    page.locator("#btn-present").click()
    page.locator("#btn-tune-present").click()
    page.locator("#btn-tune-apply").click()
    wait_for(page, "() => document.querySelectorAll('.run-chip .tuned-badge').length === "
                   f"{len(tuned)}")
    assert query_dict(page)["tuned"] == ",".join(map(str, tuned))
    assert page.evaluate("() => document.activeElement.id") == "btn-tune-present"
