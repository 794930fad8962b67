"""Messages the server sends a page are catalog codes with plain parameters: every code has an
entry in both languages, and bad links, bodies, formulas, CSV rows and WebSocket messages read
in Spanish with no English sentence and no Python repr."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.formula import CODES as FORMULA_CODES
from app.core.formula import FormulaError, parse_formula
from app.i18n import LANGUAGES, catalog, translate
from app.i18n.catalog import format_number
from app.i18n.messages import PYDANTIC_ERRORS, render, server_codes, validation_message
from app.main import app
from app.routes.mlp_api import page_default_mlp
from app.routes.pages import notice_dicts
from app.schema.invalid import SCHEMA_ERRORS, invalid
from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import MlpExperiment
from app.schema.surface_experiment import SurfaceExperiment, page_default_experiment
from app.schema.url_codec import decode

ROOT = Path(__file__).resolve().parent.parent
CLIENT = TestClient(app)
ENGLISH = ("Input", "should", "must", "Invalid", "not allowed", "column", "greater", "less",
           "than", "diverged", "expected", "Value error")
ENGLISH_WORD = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b", re.IGNORECASE)


def assert_spanish(code: str, params: dict[str, Any]) -> str:
    assert all(isinstance(v, int | float | str) for v in params.values()), params
    text = render("es", code, params)
    assert text != code, f"{code} has no Spanish entry"
    assert not ENGLISH_WORD.search(text), (code, text)
    assert "{'" not in text and "{" not in text.replace("{}", ""), (code, text)
    return text


# --- every code has an entry ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_server_code_has_a_catalog_entry(lang: str) -> None:
    assert sorted(server_codes() - set(catalog(lang))) == []


def test_schema_error_registry_matches_the_raise_statements() -> None:
    used = set()
    for path in [*(ROOT / "app" / "schema").glob("*.py"), *(ROOT / "app" / "routes").glob("*.py"),
                 *(ROOT / "app" / "jobs").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""invalid\(\s*"(\w+)\"""", text))
        used |= set(re.findall(r""""type": "(\w+)",\s*\n?\s*"ctx\"""", text))
    assert used == SCHEMA_ERRORS


def test_formula_codes_are_the_codes_the_parser_raises() -> None:
    text = (ROOT / "app" / "core" / "formula.py").read_text(encoding="utf-8")
    raised = set(re.findall(r"""(?:fail|FormulaError)\(\s*"(\w+)\"""", text))
    assert raised == set(FORMULA_CODES)


def test_pydantic_types_map_to_codes_and_unknown_ones_fall_back() -> None:
    assert validation_message("less_than_equal", {"le": 5000}) == (
        "error.less_than_equal", {"le": 5000})
    assert validation_message("date_parsing", {"error": "x"}) == ("error.invalid", {})
    assert validation_message("literal_error", {"expected": "'a', 'b' or 'c'"}) == (
        "error.literal_error", {"expected": "a, b, c"})
    assert all(code.startswith("error.") for code, _ in PYDANTIC_ERRORS.values())


def test_invalid_refuses_a_code_missing_from_the_registry() -> None:
    with pytest.raises(KeyError):
        invalid("no_such_rule", "nope")


# --- numbers in the language's convention -----------------------------------------------------


@pytest.mark.parametrize(("value", "es", "en"), [
    (0.01, "0,01", "0.01"), (1e-12, "1e-12", "1e-12"), (1e-5, "1e-5", "1e-5"),
    (5000, "5000", "5000"), (250_000, "250.000", "250,000"), (-1234.5, "-1234,5", "-1234.5"),
    (1_000_000.0, "1.000.000", "1,000,000"), (3, "3", "3"), (0.5, "0,5", "0.5"),
])
def test_format_number_follows_the_language(value: float, es: str, en: str) -> None:
    assert (format_number("es", value), format_number("en", value)) == (es, en)


def test_translate_formats_numeric_params_and_keeps_missing_ones_visible() -> None:
    assert translate("es", "error.less_than_equal", le=0.01) == "Debe ser 0,01 o menos"
    assert translate("en", "error.less_than_equal", le=0.01) == "Must be at most 0.01"
    assert translate("es", "error.learning_rate_too_small", min=1e-12).endswith("1e-12 o más")
    assert translate("es", "error.less_than_equal") == "Debe ser {le} o menos"
    assert translate("es", "run.diverged", step=12) == "Divergió en el paso 12"


# --- bad links ------------------------------------------------------------------------------

BAD_LINKS: list[tuple[type, Any, dict[str, str]]] = [
    (SurfaceExperiment, page_default_experiment, {"x0": "foo"}),
    (SurfaceExperiment, page_default_experiment, {"x0": "1,2,3"}),
    (SurfaceExperiment, page_default_experiment, {"x0": "1e9,0"}),
    (SurfaceExperiment, page_default_experiment, {"n": "99999", "sig": "-1", "tol": "0"}),
    (SurfaceExperiment, page_default_experiment, {"f": "custom", "expr": "x.y"}),
    (SurfaceExperiment, page_default_experiment, {"f": "custom", "expr": "__import__('os')"}),
    (SurfaceExperiment, page_default_experiment, {"f": "custom", "expr": "x" * 350}),
    (SurfaceExperiment, page_default_experiment, {"f": "nope", "zz": "1", "v": "x" * 500}),
    (SurfaceExperiment, page_default_experiment, {"r0.o": "adam", "r0.m": "0.5"}),
    (SurfaceExperiment, page_default_experiment, {"r0.o": "sgd", "r0.cv": "1", "r0.cn": "1"}),
    (SurfaceExperiment, page_default_experiment, {"r0.o": "sgd", "r0.lr": "1e-20"}),
    (SurfaceExperiment, page_default_experiment, {"r0.o": "sgd", "r0.sn": "piecewise",
                                                  "r0.bd": "5,3"}),
    (SurfaceExperiment, page_default_experiment, {"win": "1,0,0,1", "f": "custom",
                                                  "expr": "x"}),
    (MlpExperiment, page_default_mlp, {"l0.u": "999", "ft": "x1,x1", "d": "csv"}),
    (MlpExperiment, page_default_mlp, {"loss": "categorical_crossentropy", "sh": "maybe"}),
    (MlpExperiment, page_default_mlp, {"ft": "x1,zz", "ep": "5000", "bs": "1", "ns": "5000"}),
    (MapExperiment, MapExperiment, {"lr0": "1", "lr1": "0.1", "y": "momentum"}),
    (MapExperiment, MapExperiment, {"y": "epsilon", "y0": "0", "nx": "200", "ny": "200"}),
]


@pytest.mark.parametrize(("model", "fallback", "query"), BAD_LINKS)
def test_bad_link_notices_read_in_spanish(model: type, fallback: Any, query: dict[str, str]
                                          ) -> None:
    _, notices = decode(model, query, fallback())
    assert notices
    for notice in notices:
        assert notice.message and notice.code
        assert "{'" not in notice.value and not notice.value.startswith(("{", "[")), notice
        assert_spanish(notice.code, notice.params)


def test_bad_link_notice_names_the_key_as_written() -> None:
    _, notices = decode(SurfaceExperiment, {"x0": "foo"}, page_default_experiment())
    assert [(n.key, n.value, n.code) for n in notices] == [("x0", "foo", "error.number")]


def test_bad_link_formula_is_quoted_as_text_and_the_surface_falls_back() -> None:
    decoded, notices = decode(SurfaceExperiment, {"f": "custom", "expr": "x.y", "n": "40"},
                              page_default_experiment())
    assert decoded.surface == "rosenbrock" and decoded.steps == 40  # the rest of the link holds
    assert [(n.key, n.value) for n in notices] == [("expr", "x.y"), ("f", "custom")]


def test_surface_page_renders_notice_text_in_its_language() -> None:
    _, notices = decode(SurfaceExperiment, {"x0": "foo", "n": "99999"},
                        page_default_experiment())
    shown = notice_dicts("es", notices)
    assert {(n["key"], n["code"], n["text"]) for n in shown} == {
        ("x0", "error.number", "Debe ser un número"),
        ("n", "error.less_than_equal", "Debe ser 5000 o menos")}
    assert json.loads(json.dumps(shown)) == shown  # plain JSON values only
    page = CLIENT.get("/surface", params={"lang": "es", "x0": "foo", "n": "99999"}).text
    assert "Debe ser 5000 o menos" in page


# --- bad bodies -----------------------------------------------------------------------------

BAD_BODIES: list[tuple[str, Any]] = [
    ("/api/surface/run", {"steps": 99999, "noise": -1, "surface": "nope", "bogus": 1}),
    ("/api/surface/run", {"surface": "custom", "expression": "x + open('f')"}),
    ("/api/surface/run", {"surface": "custom", "expression": "x" * 301}),
    ("/api/surface/run", {"surface": "custom"}),
    ("/api/surface/run", {"runs": [{"optimizer": "adam", "momentum": 0.9}]}),
    ("/api/surface/run", {"runs": [{"optimizer": "sgd", "learning_rate": 1e-20}]}),
    ("/api/surface/run", {"runs": "x", "start": [1, 2, 3]}),
    ("/api/surface/run", {"runs": [{"optimizer": "sgd", "schedule": {"name": "piecewise",
                                                                      "boundaries": [],
                                                                      "factors": []}}]}),
    ("/api/mlp/run", {"layers": [{"units": 999}], "features": ["x1", "x1"]}),
    ("/api/mlp/run", {"dataset": {"name": "csv"}}),
    ("/api/mlp/run", {"dataset": {"samples": 5000}, "epochs": 5000, "batch_size": 1}),
    ("/api/mlp/run", {"dataset": {"name": "xor"}, "loss": "categorical_crossentropy"}),
    ("/api/map/run", {"lr_min": 1, "lr_max": 0.1, "nx": 1}),
    ("/api/map/run", {"second": "momentum"}),
]


@pytest.mark.parametrize(("path", "body"), BAD_BODIES)
def test_bad_body_422_reasons_read_in_spanish(path: str, body: Any) -> None:
    response = CLIENT.post(path, json=body)
    assert response.status_code == 422
    for error in response.json()["errors"]:
        assert error["message"] and error["field"]
        assert_spanish(error["code"], error["params"])


def test_formula_error_keeps_its_place_and_code() -> None:
    response = CLIENT.post("/api/surface/run",
                           json={"surface": "custom", "expression": "x + open('f')"})
    (error,) = response.json()["errors"]
    assert (error["code"], error["params"]) == ("error.formula_name",
                                                {"column": 5, "token": "open"})
    assert assert_spanish(error["code"], error["params"]).startswith(
        "El nombre «open» no está permitido (columna 5)")


# --- bad formulas ---------------------------------------------------------------------------

BAD_FORMULAS = ["", "x +", "x.y", "__import__('os')", "sin", "sin(x, y)", "x(y)", "x ** 1000",
                "-" * 40 + "x", "+".join(["x*y"] * 80), "x" * 301, "x # c",
                "lambda: 1", "[x]", "x if y else 1", "1 < x", "'a'"]


@pytest.mark.parametrize("text", BAD_FORMULAS)
def test_bad_formula_reads_in_spanish(text: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert_spanish(f"error.formula_{info.value.code}", info.value.params)


def test_too_long_formula_says_so_with_the_cap() -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("x" * 350)
    assert render("es", "error.formula_too_long", info.value.params) == (
        "Fórmula demasiado larga: 350 caracteres (máximo 300)")
    assert "(max 300)" in info.value.message and "column" not in info.value.message


# --- bad CSV rows ---------------------------------------------------------------------------

GOOD_ROWS = "\n".join(f"{i / 10},{(i % 7) / 3},{i % 2}" for i in range(30))
BAD_CSV = ["", "1,2,0\n3,x,1\n" + GOOD_ROWS, "1,2\n" + GOOD_ROWS, "1,nan,0\n1,inf,1\n,2,1",
           "x1,x2\n" + GOOD_ROWS, "1,2,1\n" * 20, "1,2,0\n", b"\xff\xfe1,2,0", b"1,2,\xff\n"]


@pytest.mark.parametrize("data", BAD_CSV)
def test_bad_csv_rows_read_in_spanish(data: str | bytes) -> None:
    response = CLIENT.post("/api/mlp/csv", content=data)
    assert response.status_code == 422
    errors = response.json()["detail"]["errors"]
    assert errors
    for error in errors:
        assert error["code"].startswith("csv.") and error["message"]
        assert_spanish(error["code"], error["params"])


# --- bad WebSocket messages -----------------------------------------------------------------

BAD_WS = [b"binary", "not json", "x" * (300 * 1024), '{"type": "launch"}',
          '{"type": "step", "count": 10001}', '{"type": "play", "extra": 1}',
          '{"type": "speed", "value": "fast"}']


@pytest.mark.parametrize("message", BAD_WS)
def test_bad_websocket_message_reads_in_spanish(message: str | bytes) -> None:
    with CLIENT.websocket_connect("/ws/surface") as ws:
        if isinstance(message, bytes):
            ws.send_bytes(message)
        else:
            ws.send_text(message)
        frame = ws.receive_json()
    assert frame["type"] == "error" and frame["gen"] is None
    for error in frame["errors"]:
        assert_spanish(error["code"], error["params"])


def test_bad_websocket_experiment_reads_in_spanish() -> None:
    with CLIENT.websocket_connect("/ws/mlp") as ws:
        ws.send_json({"type": "start", "gen": 4, "experiment": {"layers": [{"units": 0}]}})
        frame = ws.receive_json()
    assert frame["type"] == "error" and frame["gen"] == 4
    for error in frame["errors"]:
        assert_spanish(error["code"], error["params"])


# --- how runs end ---------------------------------------------------------------------------


def test_formula_undefined_at_the_start_says_so_not_diverged_at_step_0() -> None:
    body = {"surface": "custom", "expression": "log(x)", "start": [-1.5, 0.25], "steps": 3,
            "runs": [{"optimizer": "sgd"}]}
    (run,) = CLIENT.post("/api/surface/run", json=body).json()["runs"]
    assert run["status"] == "diverged" and run["diverged_at"] == 0
    assert run["outcome"] == {"code": "run.undefined_start", "params": {"x": -1.5, "y": 0.25}}
    assert assert_spanish(run["outcome"]["code"], run["outcome"]["params"]) == (
        "La función no está definida en el punto de partida (-1,5; 0,25): elige otro")


def test_diverged_run_outcome_names_the_step() -> None:
    body = {"surface": "rosenbrock", "steps": 200,
            "runs": [{"optimizer": "sgd", "learning_rate": 1.0}, {"optimizer": "adam"}]}
    diverged, fine = CLIENT.post("/api/surface/run", json=body).json()["runs"]
    assert diverged["outcome"] == {"code": "run.diverged",
                                   "params": {"step": diverged["diverged_at"]}}
    assert fine["outcome"] is None
    assert_spanish(diverged["outcome"]["code"], diverged["outcome"]["params"])


def test_websocket_frames_carry_the_outcome() -> None:
    experiment = {"surface": "custom", "expression": "sqrt(x)", "start": [-1, 0], "steps": 2,
                  "runs": [{"optimizer": "adam"}]}
    with CLIENT.websocket_connect("/ws/surface") as ws:
        ws.send_json({"type": "start", "gen": 1, "experiment": experiment, "mode": "instant"})
        assert ws.receive_json()["type"] == "started"
        frame = ws.receive_json()
    assert frame["runs"][0]["outcome"]["code"] == "run.undefined_start"
