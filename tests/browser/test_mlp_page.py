"""The MLP playground page in a real Chromium against a real uvicorn.

Each test opens the page, waits until the training's latest frame is drawn (the page exposes
``window.__descenso``), acts like a teacher would and checks what is on screen, in the link and
in the Plotly traces. Console errors or page errors fail the test (see conftest.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from app.routes.mlp_api import page_default_mlp
from app.schema.url_codec import encode
from tests.browser.helpers import (
    catalog,
    offered_hide_keys,
    open_ready,
    page_hide_keys,
    query,
    query_dict,
    wait_for,
)

pytestmark = pytest.mark.browser

READY_JS = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.run.info
    && d.drawnGen === d.run.gen && d.drawnEpoch === d.run.epoch && d.curvesCurrent); }"""
EPOCH_JS = "() => window.__descenso.run.epoch"
GOOD_CSV = "x1,x2,label\n" + "\n".join(
    f"{(i % 7) - 3},{(i % 5) - 2},{int((i % 7) - 3 + (i % 5) - 2 > 0)}" for i in range(40))
BAD_CSV = "x1,x2,label\n1,2,0\n3,abc,1\n4,5\n" + "\n".join(f"{i},{i},{i % 2}" for i in range(12))


def open_page(page: Any, url: str) -> Any:
    return open_ready(page, url, READY_JS)


def epoch(page: Any) -> int:
    value: int = page.evaluate(EPOCH_JS)
    return value


def chart(page: Any, selector: str) -> list[dict[str, Any]]:
    """Name and data length of each trace of the Plotly chart at ``selector``."""
    result: list[dict[str, Any]] = page.evaluate(
        """(sel) => Array.from(document.querySelector(sel).data || []).map((t) => ({
          type: t.type, name: t.name, n: (t.x || []).length,
          last: t.y && t.y.length ? t.y[t.y.length - 1] : null}))""", selector)
    return result


def step_epochs(page: Any, count: int) -> None:
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    start = epoch(page)
    for _ in range(count):
        page.keyboard.press("ArrowRight")
    wait_for(page, f"() => window.__descenso.run.epoch === {start + count}")
    wait_for(page, READY_JS)


def metrics_at(page: Any, at: int) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(
        "(k) => window.__descenso.run.epochs.find((e) => e.epoch === k)", at)
    return found


def test_mlp_page_speaks_spanish_and_english(page: Any, server_url: str) -> None:
    for lang in ("es", "en"):
        strings = catalog(lang)
        open_page(page, f"{server_url}/mlp?lang={lang}")
        assert page.evaluate("() => document.documentElement.lang") == lang
        assert strings["mlp.page_title"] in page.title()
        assert page.locator("#network-title").inner_text() == strings["mlp.network"]
        assert page.locator("#data-title").inner_text() == strings["mlp.data"]
        assert strings["player.play"] in page.locator("#btn-play").inner_text()
        activation = page.locator("[data-field=activation] label").first
        assert activation.inner_text() == strings["mlp.activation"]
        assert page.locator(".site-nav [aria-current=page]").inner_text() == strings["nav.mlp"]
        assert page.locator(f"[data-lang-link={lang}]").get_attribute("aria-current") == "true"
        assert strings["mlp.test_loss"] in page.locator("#metrics").inner_text()
        assert "NaN" not in page.locator("main").inner_text()
        assert [t["type"] for t in chart(page, "#boundary-plot [data-layer=base]")] == ["heatmap"]
        points = chart(page, "#boundary-plot [data-layer=top]")
        assert [(t["type"], t["name"]) for t in points] == [
            ("scatter", strings["mlp.train"]), ("scatter", strings["mlp.test"])]
        assert [t["n"] for t in points] == [250, 250]


def test_mlp_page_link_is_written_like_the_python_codec(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/mlp?lang=es")
    assert query(page) == [("lang", "es"), *encode(page_default_mlp())]


def test_mlp_page_builds_a_network_trains_and_keeps_training_after_lr_change(
    page: Any, server_url: str
) -> None:
    open_page(page, f"{server_url}/mlp?lang=en")
    page.locator("#btn-add-layer").click()
    wait_for(page, "() => window.__descenso.state.experiment.layers.length === 3")
    third = page.locator(".layer-col[data-layer='2']")
    for _ in range(2):
        third.locator("[data-role=units-plus]").click()
    page.locator(".layer-col[data-layer='0'] [data-field=activation] select").select_option("relu")
    page.locator(".layer-col[data-layer='0'] [data-field=kernel_initializer] select").select_option(
        "he_normal")
    third.locator("[data-field=activation] select").select_option("sigmoid")
    wait_for(page, READY_JS)
    link = query_dict(page)
    assert (link["l0.a"], link["l0.i"], link["l2.u"], link["l2.a"]) == (
        "relu", "he_normal", "10", "sigmoid")
    assert epoch(page) == 0
    assert page.locator("#network-diagram .nodes").count() == 5  # inputs, 3 hidden, output
    assert 'keras.layers.Dense(8, activation="relu", kernel_initializer="he_normal"),' in (
        page.locator("#keras-code").inner_text())

    page.locator("#btn-play").click()
    wait_for(page, "() => window.__descenso.curvesEpoch >= 12")
    first = chart(page, "#loss-chart")
    wait_for(page, "() => window.__descenso.curvesEpoch >= 24")
    second = chart(page, "#loss-chart")
    assert [t["name"] for t in second] == ["Training", "Test"]
    assert second[0]["n"] > first[0]["n"] >= 12
    assert chart(page, "#metric-chart")[0]["n"] >= second[0]["n"]
    grads = chart(page, "#grad-chart")
    assert [t["name"] for t in grads] == ["Layer 1 (relu)", "Layer 2 (tanh)", "Layer 3 (sigmoid)",
                                          "Output (sigmoid)"]
    assert all(t["n"] >= 2 for t in grads)
    heat = page.evaluate("""() => {
      const t = document.querySelector('#boundary-plot [data-layer=base]').data[0];
      return {rows: t.z.length, cols: t.z[0].length, lo: Math.min(...t.z.flat()),
              hi: Math.max(...t.z.flat())}; }""")
    assert heat["rows"] == 40 and heat["cols"] == 40 and 0 <= heat["lo"] < heat["hi"] <= 1

    before = epoch(page)
    starts = page.evaluate("() => window.__descenso.sent.length")
    page.locator("#quick-optimizer [data-hp=learning_rate] input[type=range]").fill("-1.5")
    assert query_dict(page)["o.lr"] == "0.032"
    wait_for(page, f"() => window.__descenso.run.epoch >= {before + 15}")
    sent = page.evaluate(f"() => window.__descenso.sent.slice({starts})")
    assert sent == [{"gen": sent[0]["gen"], "mode": "play", "continues": True}]
    epochs = page.evaluate("() => window.__descenso.run.epochs.map((e) => e.epoch)")
    assert epochs == list(range(len(epochs)))  # one history from epoch 0: nothing was reset
    wait_for(page, "() => window.__descenso.run.latest.learning_rate === 0.032", timeout=5)

    # A structural change restarts the training, and it keeps playing.
    page.locator("[data-feature=x1x2]").click()
    wait_for(page, "() => window.__descenso.state.experiment.features.length === 3")
    assert page.evaluate("() => window.__descenso.sent.at(-1)")["continues"] is False
    wait_for(page, "() => window.__descenso.run.info && window.__descenso.run.epoch >= 3"
                   " && window.__descenso.run.playing")
    assert page.evaluate("() => window.__descenso.run.epochs[0].epoch") == 0
    page.locator("#btn-play").click()
    wait_for(page, "() => !window.__descenso.run.playing")


def test_mlp_page_copied_link_reproduces_the_run(page: Any, context: Any,
                                                 server_url: str) -> None:
    open_page(page, f"{server_url}/mlp?lang=es")
    page.locator("[data-field=name] select").first.select_option("moons")
    page.locator("[data-feature=x1_sq]").click()
    second = page.locator(".layer-col[data-layer='1']")
    second.locator("[data-field=batch_normalization] select").select_option("before")
    wait_for(page, "() => window.__descenso.state.experiment.features.length === 3")
    wait_for(page, READY_JS)
    step_epochs(page, 6)
    page.locator("#btn-share").click()  # the share menu
    page.locator("#btn-copy").click()
    wait_for(page, "() => document.getElementById('toast').classList.contains('is-shown')")
    assert page.locator("#toast").inner_text() == catalog("es")["toast.link_copied"]
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    assert "d=moons" in copied and "ft=x1,x2,x1_sq" in copied and "l1.bn=before" in copied

    restored = open_page(context.new_page(), copied)
    assert restored.url == copied
    step_epochs(restored, 6)
    for k in (0, 3, 6):
        assert metrics_at(restored, k) == metrics_at(page, k)
    assert restored.locator("[data-feature=x1_sq]").get_attribute("aria-pressed") == "true"

    restored.keyboard.press("r")  # back to epoch 0: same initial network, history cleared
    wait_for(restored, "() => window.__descenso.run.epochs.length === 1"
                       " && window.__descenso.run.epoch === 0")
    assert metrics_at(restored, 0) == metrics_at(page, 0)


def test_mlp_page_uploads_csv_and_lists_bad_rows(page: Any, server_url: str,
                                                  problems: Any) -> None:
    open_page(page, f"{server_url}/mlp?lang=en")
    page.locator("#csv-file").set_input_files(
        files=[{"name": "points.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}])
    wait_for(page, "() => window.__descenso.run.info && window.__descenso.run.info.data"
                   " && window.__descenso.run.info.data.train.x.length === 20")
    wait_for(page, READY_JS)
    assert page.locator("[data-field=name] select").first.input_value() == "csv"
    assert "points.csv: 40 rows, binary classification" in page.locator(".csv-status").inner_text()
    link = query_dict(page)
    assert link["d"] == "csv" and "pts" not in link
    assert page.locator(".csv-link-note").is_visible()

    page.locator("#csv-file").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}])
    errors = page.locator(".csv-errors")
    wait_for(page, "() => document.querySelectorAll('.csv-errors li').length >= 2")
    text = errors.inner_text()
    strings = catalog("en")
    assert strings["mlp.csv_rejected"].format(name="bad.csv") in text
    assert strings["csv.number"].format(row=3, column=2) in text
    assert strings["csv.columns"].format(row=4) in text
    assert "null" not in text and "undefined" not in text
    assert page.evaluate("() => window.__descenso.state.experiment.dataset.name") == "csv"
    # Chromium logs every 4xx response as a console error: this 422 is the one we asked for.
    expected = [m for m in problems.messages if "422" in m and "/api/mlp/csv" in m]
    assert len(expected) == 1
    problems.messages.remove(expected[0])


def test_mlp_page_vanishing_gradient_preset_plays_and_shows_every_layer(
    page: Any, server_url: str
) -> None:
    open_page(page, f"{server_url}/mlp?lang=en")
    page.locator("#preset-select").select_option("vanishing")
    page.wait_for_url("**l7.a=sigmoid**")
    wait_for(page, "() => window.__descenso.run.epoch >= 30", timeout=30)
    assert page.locator("#notices").is_hidden()
    assert page.locator("#story").is_visible()
    assert catalog("en")["mlp.preset.vanishing"] in page.locator("#story").inner_text()
    assert page.locator("#preset-select").input_value() == "vanishing"
    page.locator("#btn-play").click()
    wait_for(page, "() => !window.__descenso.run.playing")
    wait_for(page, READY_JS)
    grads = chart(page, "#grad-chart")
    assert len(grads) == 9 and grads[0]["name"] == "Layer 1 (sigmoid)"
    # the first layer's gradient is orders of magnitude below the last hidden layer's
    assert grads[0]["last"] < grads[7]["last"] / 100
    assert page.locator(".hist").count() == 9
    assert page.locator(".layer-col").count() == 8


def test_mlp_page_presets_open_without_notices(page: Any, server_url: str) -> None:
    from app.schema.mlp_experiment import MlpExperiment
    from app.schema.url_codec import decode

    open_page(page, f"{server_url}/mlp?lang=en")
    presets = page.evaluate("""async () => (await import('/static/js/mlp_presets.js')).PRESETS""")
    assert len(presets) == 7
    for preset in presets:
        _, notices = decode(MlpExperiment, dict(parse_qsl(preset["query"])), page_default_mlp())
        assert notices == [], (preset["id"], notices)


def test_mlp_page_code_follows_the_network_and_downloads_scripts(page: Any,
                                                                 server_url: str) -> None:
    open_page(page, f"{server_url}/mlp?lang=en")
    layer = page.locator(".layer-col[data-layer='0']")
    layer.locator("[data-field=activation] select").select_option("relu")
    layer.locator("[data-field=batch_normalization] select").select_option("before")
    layer.locator("[data-field=dropout] input.value").fill("0.2")
    layer.locator("[data-field=dropout] input.value").press("Enter")
    layer.locator("[data-field=kernel_regularizer] select").select_option("l2")
    layer.locator("[data-field=max_norm] .switch").click()
    page.locator("#quick-optimizer [data-field=optimizer] select").select_option("momentum")
    wait_for(page, "() => window.__descenso.state.experiment.optimizer.optimizer === 'momentum'")
    code = page.locator("#keras-code").inner_text()
    for line in ('keras.layers.BatchNormalization(),', 'keras.layers.Activation("relu"),',
                 "keras.layers.Dropout(rate=0.2),", "use_bias=False",
                 "kernel_regularizer=keras.regularizers.l2(0.01)",
                 "kernel_constraint=keras.constraints.max_norm(1.0)",
                 "optimizer = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)"):
        assert line in code, line
    link = query_dict(page)
    assert (link["l0.bn"], link["l0.do"], link["l0.kr.rn"], link["l0.mn"], link["o.o"]) == (
        "before", "0.2", "l2", "1.0", "momentum")
    with page.expect_download() as download:
        page.locator("#btn-export-keras").click()
    script = download.value
    assert script.suggested_filename == "descenso_mlp_keras.py"
    source = Path(script.path()).read_text(encoding="utf-8")
    assert "keras.layers.BatchNormalization()" in source and "keras.optimizers.SGD" in source

    # No hidden layer at all: logistic regression, written `l=0` as the Python codec does.
    for _ in range(2):
        page.locator("#btn-remove-layer").click()
    wait_for(page, "() => window.__descenso.state.experiment.layers.length === 0")
    wait_for(page, READY_JS)
    assert query_dict(page)["l"] == "0"
    assert page.locator("#layer-count").inner_text() == catalog("en")["mlp.layer_count_zero"]
    assert page.locator("#btn-remove-layer").is_disabled()
    code = page.locator("#keras-code").inner_text()
    assert 'keras.Input(shape=(2,)),\n    keras.layers.Dense(1, activation="sigmoid"),' in code


def test_mlp_page_bad_link_opens_defaults_with_a_notice(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/mlp?lang=en&l0.u=abc&o.lr=-5&d=nope")
    notice = page.locator("#notices")
    assert notice.is_visible()
    text = notice.inner_text()
    assert catalog("en")["notices.title"] in text
    for key in ("l0.u=abc", "o.lr", "d=nope"):
        assert key in text
    assert page.locator("[data-field=name] select").first.input_value() == "spiral"
    assert "nope" not in page.url and "abc" not in page.url
    notice.locator("button").click()
    assert not notice.is_visible()


def test_mlp_page_csv_link_explains_that_data_is_not_in_links(page: Any,
                                                              server_url: str) -> None:
    open_page(page, f"{server_url}/mlp?lang=es&d=csv")
    text = page.locator("#notices").inner_text()
    assert catalog("es")["mlp.csv_link_notice"] in text
    assert "{" not in text


def test_mlp_page_classroom_link_hides_panels(page: Any, server_url: str) -> None:
    open_page(page, f"{server_url}/mlp?lang=en&hide=network,code,presets")
    assert not page.locator(".network-panel").is_visible()
    assert not page.locator(".code-panel").is_visible()
    assert not page.locator(".preset-panel").is_visible()
    assert page.locator("#boundary-plot").is_visible()
    assert page.locator("#classroom-badge").is_visible()
    page.locator("#btn-classroom").click()
    keys = page_hide_keys(page)
    assert offered_hide_keys(page) == keys
    assert {"samples", "data_seed", "training", "gradients", "code"} <= set(keys)
    labels = page.locator(".hide-list label").all_inner_texts()
    assert labels == [catalog("en")[f"hide.{key}"] for key in keys]
    page.locator("[data-hide-option=gradients]").check()
    assert query_dict(page)["hide"] == "presets,network,gradients,code"
    assert not page.locator("#grad-chart").is_visible()
    page.locator("#classroom-close").click()
    page.locator("#btn-play").click()
    wait_for(page, "() => window.__descenso.run.epoch >= 3")


LR_FIND_DRAWN = """() => Boolean(window.__descenso.lrFind)
  && document.querySelector('#lr-find-chart .main-svg') !== null
  && document.querySelectorAll('#lr-find-dialog [data-suggestion]').length > 0"""


def test_lr_finder_draws_the_sweep_and_use_it_sets_the_rate(page: Any, server_url: str) -> None:
    strings = catalog("es")
    open_page(page, f"{server_url}/mlp?lang=es")
    finder = page.locator("#btn-lr-find")
    assert finder.get_attribute("aria-label") == strings["mlp.lr_find_button"]
    finder.click()
    dialog = page.locator("#lr-find-dialog")
    assert dialog.locator("h2").inner_text() == strings["mlp.lr_find_title"]
    wait_for(page, LR_FIND_DRAWN, timeout=60)
    result = page.evaluate("() => window.__descenso.lrFind")
    drawn = page.evaluate("""() => { const gd = document.getElementById('lr-find-chart');
      return {xtype: gd.layout.xaxis.type, traces: gd.data.map((t) => ({mode: t.mode,
        x: Array.from(t.x), y: Array.from(t.y)}))}; }""")
    assert drawn["xtype"] == "log"
    lines = [tr for tr in drawn["traces"] if tr["mode"] == "lines"]
    assert [tr["y"] for tr in lines] == [result["losses"], result["smoothed"]]  # raw, smoothed
    assert all(tr["x"] == result["learning_rates"] for tr in lines)
    marks = [tr["x"][0] for tr in drawn["traces"] if tr["mode"] == "markers"]
    suggested = [result["suggestions"][name] for name in ("valley", "steep", "minimum")]
    assert marks == [lr for lr in suggested if lr is not None]
    valley = result["suggestions"]["valley"]
    assert valley is not None
    use = dialog.locator("[data-suggestion=valley]")
    assert strings["mlp.lr_find_valley"] in use.inner_text()
    use.click()
    rate = float(f"{valley:.2g}")  # the page keeps two significant digits
    wait_for(page, f"() => window.__descenso.state.experiment.optimizer.learning_rate === {rate!r}")
    assert not dialog.is_visible()
    assert float(query_dict(page)["o.lr"]) == pytest.approx(rate)
    box = page.locator("#quick-optimizer [data-hp=learning_rate] input[type=text], "
                       "#quick-optimizer [data-hp=learning_rate] input[inputmode]").first
    assert box.input_value().replace(",", ".") == f"{rate:g}"
