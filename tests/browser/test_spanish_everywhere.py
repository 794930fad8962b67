"""Spanish pages say everything in Spanish: link notices, formula errors, CSV rows, run errors.

The server sends each message as a catalog ``code`` with ``params`` (beside an English
``message`` for API clients); the page renders it through its own catalog with its own number
format. These tests open Spanish pages with bad input and look for English in what a person
sees. Words that are also Spanish ("error", "general") are not in the list; ``keras.Input`` in
the generated code is code, not English prose, so a word right after a dot does not count.
"""

from __future__ import annotations

import re
from typing import Any

from app.i18n.catalog import translate
from tests.browser.helpers import open_ready, query_dict, wait_for
from tests.browser.test_map_page import READY_JS as MAP_READY
from tests.browser.test_surface_page import open_page as open_surface

ENGLISH = ("input", "should", "must", "invalid", "allowed", "column", "greater", "less", "than",
           "diverged", "expected", "number", "found", "separated", "cannot", "value", "unable",
           "parse", "syntax", "required", "larger", "characters", "rows", "line")
ENGLISH_WORD = re.compile(r"(?<![.\w])(" + "|".join(ENGLISH) + r")(?!\w)", re.IGNORECASE)
UNFILLED = re.compile(r"\{[a-z_]+\}")  # a catalog placeholder left without its parameter

PAGE_READY = "() => document.body.dataset.ready === 'true'"
SURFACE_READY = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.gen !== undefined
    && d.drawnGen === d.gen && d.drawnComplete === true); }"""
BAD_CSV = "x1,x2,label\n1,2,0\n3,abc,1\n4,5\n" + "\n".join(f"{i},{i},{i % 2}" for i in range(12))


def visible_text(page: Any) -> str:
    text: str = page.evaluate("() => document.body.innerText")
    return text


def assert_no_english(text: str) -> None:
    """No English word, no Python dict and no unfilled placeholder in ``text``."""
    english = sorted({m.group(0) for m in ENGLISH_WORD.finditer(text)})
    lines = [line for line in text.splitlines() if ENGLISH_WORD.search(line)]
    assert not english, f"English on a Spanish page: {english}\n" + "\n".join(lines[:10])
    assert "{'" not in text, "a Python repr on a Spanish page"
    assert not UNFILLED.search(text), UNFILLED.findall(text)


def es(code: str, **params: Any) -> str:
    return translate("es", code, **params)


def test_spanish_surface_link_with_bad_values_and_formula(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/surface?lang=es&n=99999&r0.lr=foo&x0=abc&r1.m=5&tol=50"
                     "&f=custom&expr=x%2A%2A%2Ay", PAGE_READY)
    notices = page.locator("#notices").inner_text()
    assert es("error.less_than_equal", le=5000) in notices
    assert es("error.less_than_equal", le=10) in notices
    assert es("error.number") in notices
    assert es("error.formula_syntax", column=4, token="*") in notices
    assert "x0=abc" in notices
    assert_no_english(visible_text(page))


def test_spanish_surface_typed_bad_formula_and_formula_over_the_cap(
    page: Any, server_url: str
) -> None:
    open_surface(page, f"{server_url}/surface?lang=es")
    page.locator("[data-field=surface] select").select_option("custom")
    wait_for(page, "() => document.getElementById('surface-plot').dataset.surface === 'custom'")
    wait_for(page, SURFACE_READY)
    formula = page.locator("input.formula")
    formula.fill("x^2 + foo(y)")
    formula.press("Enter")
    wait_for(page, "() => document.querySelector('.formula-error').textContent.length > 0")
    shown = page.locator(".formula-error").inner_text()
    assert es("error.formula_name", token="foo", column=7) in shown
    assert formula.get_attribute("aria-invalid") == "true"
    assert_no_english(visible_text(page))

    # Over the length cap: the box keeps every character and the server's cap is named.
    long_formula = "x^2 + " + " + ".join(["y^2"] * 60)
    assert len(long_formula) > 300
    formula.fill("x^2")
    formula.press("Enter")
    wait_for(page, "() => document.querySelector('.formula-error').textContent === ''")
    formula.fill(long_formula)
    formula.press("Enter")
    wait_for(page, "() => document.querySelector('.formula-error').textContent.length > 0")
    assert formula.input_value() == long_formula
    shown = page.locator(".formula-error").inner_text()
    assert "300" in shown and "301" not in shown
    assert_no_english(visible_text(page))


def test_spanish_mlp_link_with_bad_values(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/mlp?lang=es&ns=99999&o.lr=abc&l0.a=foo&tr=0.95&o.cv=1e9",
               PAGE_READY)
    notices = page.locator("#notices").inner_text()
    assert es("error.less_than_equal", le=0.9) in notices  # "Debe ser 0,9 o menos"
    assert "0,9" in notices
    assert es("error.less_than_equal", le=1_000_000.0) in notices  # "1.000.000"
    assert es("error.number") in notices
    assert_no_english(visible_text(page))


def test_spanish_mlp_bad_csv_lists_rows_in_spanish(
    page: Any, server_url: str, problems: Any
) -> None:
    open_ready(page, f"{server_url}/mlp?lang=es", PAGE_READY)
    page.locator("#csv-file").set_input_files(
        files=[{"name": "malo.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}])
    wait_for(page, "() => document.querySelectorAll('.csv-errors li').length >= 2")
    text = page.locator(".csv-errors").inner_text()
    assert es("mlp.csv_rejected", name="malo.csv") in text
    assert es("csv.number", row=3, column=2) in text
    assert es("csv.columns", row=4) in text
    assert_no_english(visible_text(page))
    # Chromium logs every 4xx response as a console error: this 422 is the one we asked for.
    expected = [m for m in problems.messages if "422" in m and "/api/mlp/csv" in m]
    assert len(expected) == 1
    problems.messages.remove(expected[0])


def test_spanish_map_link_with_bad_formula(page: Any, server_url: str) -> None:
    open_ready(page, f"{server_url}/map?lang=es&f=custom&expr=x%2Bfoo(y)&nx=9999", PAGE_READY)
    notices = page.locator("#notices").inner_text()
    assert es("error.formula_name", token="foo", column=3) in notices
    assert es("error.less_than_equal", le=200) in notices
    assert_no_english(visible_text(page))


def test_spanish_map_of_a_formula_undefined_at_the_start_says_so(page: Any,
                                                                  server_url: str) -> None:
    open_ready(page, f"{server_url}/map?lang=es&f=custom&expr=sqrt(x)%2By%5E2&x0=-1,1"
                     "&nx=6&ny=4&n=20", MAP_READY)
    said = es("run.undefined_start", x=-1, y=1)
    assert page.locator("#map-summary").inner_text() == said
    hover = page.evaluate("""() => document.getElementById('map-plot').data
      .find((trace) => trace.name === 'map').text[0][0]""")
    assert said in hover and es("summary.diverged_at", step=0) not in hover
    assert_no_english(visible_text(page))


def test_spanish_learning_rate_box_takes_a_decimal_comma(page: Any, server_url: str) -> None:
    open_surface(page, f"{server_url}/surface?lang=es")
    index = page.evaluate("() => window.__descenso.state.experiment.runs"
                          ".findIndex((r) => r.optimizer === 'sgd')")
    box = page.locator(".card[data-optimizer=sgd] [data-hp=learning_rate] input.value")
    shown = box.input_value()
    assert "," in shown and "." not in shown, shown  # the default 0.001 reads "0,001"
    box.fill("0,01")
    box.press("Enter")
    page.wait_for_url(f"**r{index}.lr=0.01&**")
    assert float(query_dict(page)[f"r{index}.lr"]) == 0.01
    assert box.input_value() == "0,01"
    box.fill("0.02")  # a decimal point is read too
    box.press("Enter")
    page.wait_for_url(f"**r{index}.lr=0.02&**")
    assert box.input_value() == "0,02"


def test_spanish_summary_says_a_formula_is_undefined_at_the_start(
    page: Any, server_url: str
) -> None:
    open_surface(page, f"{server_url}/surface?lang=es&f=custom&expr=sqrt(x)%2By%5E2&x0=-1,1")
    statuses = page.locator("td.status").all_inner_texts()
    assert statuses and all(s == es("run.undefined_start", x=-1, y=1) for s in statuses), statuses
    assert_no_english(visible_text(page))
