"""Hostile requests: schemathesis against the OpenAPI schema, and hypothesis-made JSON bodies and
queries for every compute route — never a 5xx, never a hang, and every 422 names a field."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.schema.map_experiment import MAX_MAP_SIDE, MAX_MAP_STEPS
from app.schema.mlp_experiment import (
    MAX_BATCH,
    MAX_EPOCHS,
    MAX_GRID,
    MAX_LAYERS,
    MAX_MC_PASSES,
    MAX_RENDER_WORK,
    MAX_SAMPLES,
    MAX_TRAINING_WORK,
    MAX_UNITS,
    MlpExperiment,
)
from app.schema.nn_instruments import (
    MAX_CURVE_POINTS,
    MAX_DEPTH,
    MAX_LR_FIND_IT,
    MAX_PROPAGATION_SAMPLES,
    MAX_WIDTH,
)
from app.schema.surface_experiment import MAX_RUNS, MAX_STEPS
from tests.app_client import make_app
from tests.decoders import float32s
from tests.fuzz import (
    FORMULA_TEXTS,
    count,
    deadline,
    fuzz_settings,
    map_dicts,
    mlp_dicts,
    no_gc,
    report,
    surface_dicts,
)

HANG_SECONDS = 60.0  # the guard that turns a hang into a failure
APP = make_app()
CLIENT = TestClient(APP)

# A numeric warning from a hostile input is a bug too: under ``python -W error`` it is a 500.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from report(request)


def check_422(body: Any) -> None:
    """A 422 lists every problem with a message and where it is: a non-empty field for JSON
    (``(body)`` for whole-experiment rules, whose message names the fields involved), or a row,
    a column and a code for a CSV upload."""
    where: tuple[str, ...]
    if "errors" in body:
        errors, where = body["errors"], ("field",)
    else:
        errors, where = body["detail"]["errors"], ("row", "column", "code")
    assert errors, body
    for error in errors:
        assert isinstance(error.get("message"), str) and error["message"], error
        assert all(key in error for key in where), error
        if "field" in where:
            assert isinstance(error["field"], str) and error["field"], error


def call(method: str, url: str, **kwargs: Any) -> Any:
    with no_gc(), deadline(HANG_SECONDS, f"{method} {url}"):
        response = CLIENT.request(method, url, **kwargs)
    count("request")
    assert response.status_code < 500, response.text[:500]
    if response.status_code == 422:
        check_422(response.json())
    return response


def post_json(url: str, body: Any) -> Any:
    """POST ``body`` as JSON; NaN and Infinity are sent as the JS literals (Python's json allows
    them and so does the server's parser, so pydantic must refuse them)."""
    return call("POST", url, content=json.dumps(body, allow_nan=True),
                headers={"content-type": "application/json"})


# -- schemathesis: every operation of the OpenAPI schema --------------------------------------

SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
# .ok() raises on an operation schemathesis cannot read: a broken schema fails the module
OPERATIONS = {op.label: op for op in (result.ok()  # type: ignore[union-attr]
                                      for result in SCHEMA.get_all_operations())}
SMALL = {"steps": 60, "epochs": 2, "samples": 60, "nx": 12, "ny": 12, "grid": 12,
         "mc_passes": 3, "n": 40, "depth": 4, "width": 16, "num_it": 12}
# what a positive body of these operations gets when it leaves out a costly field
SMALL_DEFAULTS: dict[str, dict[str, Any]] = {
    "POST /api/mlp/run": {"epochs": 2, "dataset": {"samples": 60}},
    "POST /api/map/run": {"steps": 20, "nx": 8, "ny": 8},
    "POST /api/surface/run": {"steps": 60},
    "POST /api/mlp/export/csv": {"epochs": 2, "dataset": {"samples": 60}},
    "POST /api/surface/export/csv": {"steps": 60},
    "POST /api/surface/explain": {"steps": 60},
    "POST /api/surface/tune": {"steps": 20},
    "POST /api/schedule": {"steps": 300},
    "POST /api/init/propagate": {"depth": 4, "width": 16, "samples": 60},
    "POST /api/mlp/lr_find": {"num_it": 12, "experiment": {"dataset": {"samples": 60}}},
    "POST /api/mlp/landscape": {"experiment": {"epochs": 2, "dataset": {"samples": 60}}},
    "POST /api/mlp/interpolate": {"experiment": {"epochs": 2, "dataset": {"samples": 60}}},
    "POST /api/mlp/sharpness": {"experiment": {"epochs": 2, "dataset": {"samples": 60}}},
}


def _small(value: Any) -> Any:
    """Positive cases shrunk to a CI budget: the caps themselves are tested below."""
    if isinstance(value, dict):
        return {k: (min(v, SMALL[k]) if k in SMALL and isinstance(v, int | float)
                    and not isinstance(v, bool) else _small(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_small(v) for v in value]
    return value


def _with_defaults(body: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    out = dict(body)
    for key, value in defaults.items():
        if isinstance(value, dict) and isinstance(out.get(key, {}), dict):
            out[key] = _with_defaults(out.get(key, {}), value)
        else:
            out.setdefault(key, value)
    return out


# the document tells the truth: no 5xx, and every status, content type and body it answers is
# one the OpenAPI description declares
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def run_schemathesis(label: str, mode: schemathesis.GenerationMode, examples: int,
                     weight: float) -> None:
    operation = OPERATIONS[label]

    @fuzz_settings(examples, weight)
    @given(case=operation.as_strategy(generation_mode=mode))
    def one_case(case: Any) -> None:
        if mode is schemathesis.GenerationMode.POSITIVE and isinstance(case.body, dict):
            case.body = _small(_with_defaults(case.body, SMALL_DEFAULTS.get(label, {})))
        with deadline(HANG_SECONDS, label):
            response = case.call_and_validate(checks=CHECKS)
        count("request")
        if response.status_code == 422:
            check_422(response.json())

    one_case()


HAS_INPUT = sorted(label for label, op in OPERATIONS.items()
                   if op.body or any(True for _ in op.iter_parameters()))


def test_schemathesis_sees_every_route():
    assert {"POST /api/surface/run", "GET /api/surface/grid", "POST /api/mlp/run",
            "POST /api/map/run", "POST /api/mlp/csv", "GET /healthz"} <= set(OPERATIONS)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_schemathesis_positive_cases_are_not_server_errors(label):
    if label in HAS_INPUT:
        run_schemathesis(label, schemathesis.GenerationMode.POSITIVE, 60, weight=0.05)
    else:
        run_schemathesis(label, schemathesis.GenerationMode.POSITIVE, 5, weight=0.001)


@pytest.mark.parametrize("label", HAS_INPUT)
def test_schemathesis_negative_cases_are_not_server_errors(label):
    run_schemathesis(label, schemathesis.GenerationMode.NEGATIVE, 60, weight=0.05)


# -- hypothesis bodies: valid experiments, and valid ones with one hostile value --------------

HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10**30, 10**30),
    st.sampled_from([10**20, -(10**20), 2**63, 2**64 + 1, 10**300, 10**400, 0, -1, 1,
                     2**53 + 1]),
    st.floats(), st.sampled_from([math.nan, math.inf, -math.inf, 1e308, 5e-324, -0.0]),
    st.text(max_size=30), st.sampled_from(["", "x" * 10_000, "nan", "1e999", "custom", "csv"]),
    st.lists(st.integers(0, 3), max_size=5), st.lists(st.floats(), max_size=5),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.lists(st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=3), max_size=30),
    FORMULA_TEXTS,
)
JSON_ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


@st.composite
def mutated(draw: st.DrawFn, valid: st.SearchStrategy[dict[str, Any]]) -> Any:
    """A valid body with one value replaced, one key dropped or one unknown key added."""
    body = json.loads(json.dumps(draw(valid)))
    paths = _paths(body)
    action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
    path = draw(st.sampled_from(paths)) if paths else ()
    parent: Any = body
    for part in path[:-1]:
        parent = parent[part]
    if not path:
        return draw(HOSTILE)
    key = path[-1]
    if action == "replace":
        parent[key] = draw(HOSTILE)
    elif action == "drop" and isinstance(parent, dict):
        del parent[key]
    elif isinstance(parent, dict):
        parent[draw(st.text(max_size=8))] = draw(HOSTILE)
    return body


def bodies(valid: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    return st.one_of(valid, mutated(valid), mutated(valid), JSON_ANY)


SMALL_SURFACES = surface_dicts(max_steps=300, max_runs=4)
SMALL_MLPS = mlp_dicts(max_epochs=3, max_samples=200, max_layers=3, max_units=16, max_grid=20,
                       max_mc=3)
SMALL_MAPS = map_dicts(max_cells=400, max_steps=40)


@fuzz_settings(250, weight=0.1)
@given(bodies(SMALL_SURFACES))
@example({"surface": "custom", "expression": "x" + "**x" * 60, "steps": 10})
@example({"surface": "custom", "expression": "exp(exp(exp(x)))", "window": [-1e4, 1e4, -1e4, 1e4],
          "start": [1e6, -1e6], "steps": 50, "runs": [{"optimizer": "sgd", "learning_rate": 10}]})
@example({"runs": [{"optimizer": "sgd", "schedule": {"name": "piecewise",
                                                     "boundaries": [10**30], "factors": [1, 2]}}]})
@example({"runs": [{"optimizer": "adam", "clipnorm": 1e-300, "epsilon": 5e-324}] * MAX_RUNS})
@example({"steps": 10**20})
@example({"runs": [{"schedule": {"name": "piecewise", "boundaries": [], "factors": [1]}}]})
@example({"runs": [{"schedule": {"name": "piecewise", "boundaries": [10**400],
                                 "factors": [1, 0.5]}}]})
@example({"noise": 1e308, "steps": 5})
def test_surface_run_any_body(body):
    response = post_json("/api/surface/run", body)
    assert response.status_code in (200, 400, 422)
    if response.status_code == 200:
        runs = response.json()["runs"]
        assert len(runs) == len(body.get("runs", [None]))
        for run in runs:
            assert len(run["points"]) == len(run["losses"])
            assert all(math.isfinite(v) for point in run["points"] for v in point)


@fuzz_settings(100, weight=0.05)
@given(bodies(SMALL_SURFACES))
@example({"surface": "custom", "expression": "exp(exp(exp(x)))", "start": [1e6, -1e6],
          "steps": 30, "noise": 1e308, "runs": [{"optimizer": "adam", "clipnorm": 1e-300,
                                                 "epsilon": 5e-324}]})
@example({"runs": [{"optimizer": "sgd", "learning_rate": 10, "schedule": {
    "name": "piecewise", "boundaries": [3], "factors": [100, 1e-6]}}], "steps": 30})
def test_surface_instruments_any_body(body):
    """The tuner takes a race body, the explainer the same body with one run."""
    response = post_json("/api/surface/tune", body)
    assert response.status_code in (200, 400, 422)
    if response.status_code == 200:
        assert len(response.json()["runs"]) == len(body.get("runs", [None]))
    response = post_json("/api/surface/explain", body)
    assert response.status_code in (200, 400, 422)
    if response.status_code == 200:
        for step in response.json()["steps"]:
            assert all(math.isfinite(v) for v in step["point"] + step["update"])


@fuzz_settings(200, weight=0.05)
@given(bodies(SMALL_MLPS))
@example({"dataset": {"name": "csv", "points": [[0, 0, 0], [1, 1, 1]]}, "epochs": 1})
@example({"dataset": {"name": "csv", "points": [[0, 0, 0.5], [1, 1, 1.5]] * 5}, "epochs": 1})
@example({"dataset": {"name": "csv", "points": [[1e300, -1e300, 0], [0, 0, 1]] * 5},
          "epochs": 2, "features": ["x1_sq", "x1x2"]})
@example({"dataset": {"name": "csv", "points": [[0, 0, 7]] * 10}, "epochs": 1})
@example({"dataset": {"name": "reg_plane", "samples": 10}, "epochs": 3, "batch_size": 1,
          "optimizer": {"optimizer": "sgd", "learning_rate": 10}, "dtype": "float32"})
@example({"layers": [{"units": 1, "activation": "selu", "kernel_initializer": "ones"}] * 10,
          "optimizer": {"optimizer": "adam", "learning_rate": 10}, "epochs": 3,
          "dataset": {"samples": 10}})
def test_mlp_run_any_body(body):
    response = post_json("/api/mlp/run", body)
    assert response.status_code in (200, 400, 422)
    if response.status_code == 200:
        epochs = response.json()["epochs"]
        assert epochs[0]["epoch"] == 0
        assert len(epochs) <= MlpExperiment.model_validate(body).epochs + 1


@fuzz_settings(200, weight=0.05)
@given(bodies(SMALL_MAPS))
@example({"nx": MAX_MAP_SIDE, "ny": MAX_MAP_SIDE, "steps": MAX_MAP_STEPS})
@example({"optimizer": {"optimizer": "sgd"}, "second": "momentum", "second_max": 1.0, "nx": 3,
          "ny": 3, "steps": 3})
@example({"surface": "custom", "expression": "1/x", "nx": 4, "ny": 4, "steps": 5,
          "start": [0, 0]})
def test_map_run_any_body(body):
    response = post_json("/api/map/run", body)
    assert response.status_code in (200, 400, 422)
    if response.status_code == 200:
        data = response.json()
        cells = data["nx"] * data["ny"]
        assert len(base64.b64decode(data["final_loss"])) == 4 * cells


GRID_KEYS = ["surface", "expression", "condition_number", "xmin", "xmax", "ymin", "ymax", "n"]
GRID_VALUES = st.one_of(
    st.sampled_from(["rosenbrock", "custom", "quadratic", "easom", "nan", "inf", "-0", "1e999",
                     "10", "200", "201", "9", "1e4", "-1e4", "10001", "", "x**2", "sin(x)*y",
                     "__import__('os')", "x" * 301]),
    st.integers(-10**6, 10**6).map(str), st.floats().map(repr), FORMULA_TEXTS, st.text(max_size=20),
)


@fuzz_settings(300, weight=0.2)
@given(st.dictionaries(st.sampled_from(GRID_KEYS) | st.text(max_size=6), GRID_VALUES, max_size=8))
@example({"surface": "custom", "expression": "x" + "*x" * 99, "n": "200", "xmin": "-1e4",
          "xmax": "1e4", "ymin": "-1e4", "ymax": "1e4"})
@example({"surface": "custom"})
@example({"surface": "quadratic", "condition_number": "1000", "n": "200"})
def test_surface_grid_any_query(query):
    response = call("GET", "/api/surface/grid", params=query)
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        data = response.json()
        assert len(base64.b64decode(data["z"])) == 4 * data["nx"] * data["ny"]


# -- the caps: the most expensive requests each route accepts, and one step beyond ------------


@pytest.mark.parametrize(("url", "body"), [
    ("/api/mlp/run", {"epochs": MAX_EPOCHS, "batch_size": 1,
                      "dataset": {"name": "spiral", "samples": MAX_SAMPLES}}),
    ("/api/mlp/run", {"epochs": MAX_EPOCHS, "dataset": {"samples": MAX_SAMPLES},
                      "layers": [{"units": MAX_UNITS, "batch_normalization": "before",
                                  "dropout": 0.5}] * MAX_LAYERS, "batch_size": MAX_BATCH}),
    ("/api/mlp/run", {"epochs": 1, "layers": [{"units": MAX_UNITS, "dropout": 0.5}] * MAX_LAYERS,
                      "grid": MAX_GRID, "mc_passes": MAX_MC_PASSES}),
    ("/api/mlp/run", {"epochs": MAX_EPOCHS + 1}),
    ("/api/map/run", {"nx": MAX_MAP_SIDE, "ny": MAX_MAP_SIDE, "steps": MAX_MAP_STEPS}),
    ("/api/surface/run", {"steps": MAX_STEPS + 1}),
    ("/api/surface/run", {"runs": [{"optimizer": "adam"}] * (MAX_RUNS + 1)}),
    ("/api/activations", {"name": "relu", "x": [0.0] * (MAX_CURVE_POINTS + 1)}),
    ("/api/init/propagate", {"depth": MAX_DEPTH, "width": MAX_WIDTH,
                             "samples": MAX_PROPAGATION_SAMPLES}),
    ("/api/mlp/lr_find", {"num_it": MAX_LR_FIND_IT + 1}),
    ("/api/mlp/lr_find", {"num_it": MAX_LR_FIND_IT, "experiment": {
        "batch_size": MAX_BATCH, "layers": [{"units": MAX_UNITS}] * MAX_LAYERS, "epochs": 1}}),
])
def test_request_beyond_a_cap_is_refused(url, body):
    response = post_json(url, body)
    assert response.status_code == 422


def test_most_expensive_surface_race_answers():
    body = {"surface": "custom", "expression": "+".join(["sin(x)*cos(y)"] * 21)[:279],
            "steps": MAX_STEPS, "noise": 1.0,
            "runs": [{"optimizer": "adam", "clipnorm": 1.0, "schedule": {"name": "cosine"}}]
            * MAX_RUNS}
    response = post_json("/api/surface/run", body)
    assert response.status_code == 200


def test_work_caps_leave_room_for_what_the_page_offers():
    """The page's network at the epoch slider's end, and its grid and Monte-Carlo sliders at
    theirs on a 10 × 32 network with dropout, are all accepted."""
    assert MlpExperiment(epochs=MAX_EPOCHS).training_work() < MAX_TRAINING_WORK
    wide = MlpExperiment.model_validate({"layers": [{"units": 32, "dropout": 0.2}] * 10,
                                         "grid": MAX_GRID, "mc_passes": 50, "epochs": 1})
    assert wide.render_work() < MAX_RENDER_WORK


# -- regressions: each of these was a 500 (or a warning that is a 500 under -W error) ---------

POINTS = [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]] * 5


@pytest.mark.parametrize(("url", "body", "field", "reason"), [
    ("/api/mlp/run", {"dataset": {"name": "csv", "points": POINTS[:4]}}, "dataset",
     "at least 10 points"),
    ("/api/mlp/run", {"dataset": {"name": "csv", "points": [[0, 0, 0.5], [1, 1, 1.5]] * 5}},
     "dataset", "within [-1, 1]"),
    ("/api/mlp/run", {"dataset": {"name": "csv", "points": [[1e300, 0, 0], [0, 0, 1]] * 5}},
     "dataset", "within ±1e+06"),
    ("/api/mlp/run", {"optimizer": {"optimizer": "sgd", "schedule": {
        "name": "piecewise", "boundaries": [], "factors": [1.0]}}}, "optimizer.schedule",
     "at least one boundary"),
    ("/api/surface/run", {"runs": [{"optimizer": "sgd", "schedule": {
        "name": "piecewise", "boundaries": [10**400], "factors": [1, 0.5]}}]},
     "runs.0.schedule", "boundaries must be in"),
    ("/api/surface/run", {"runs": [{"optimizer": "sgd", "learning_rate": 5e-324, "schedule": {
        "name": "piecewise", "boundaries": [10], "factors": [1, 1e-300]}}]},
     "runs.0.schedule", "factors must be in"),
    # the floor is a field bound (so the OpenAPI description carries it)
    ("/api/surface/run", {"runs": [{"optimizer": "sgd", "learning_rate": 5e-324}]},
     "runs.0.learning_rate", "greater than or equal to"),
    ("/api/map/run", {"lr_min": 5e-324}, "lr_min", "greater than or equal to"),
    ("/api/mlp/run", {"epochs": MAX_EPOCHS, "batch_size": 1, "dataset": {"samples": MAX_SAMPLES}},
     "(body)", "training too large"),
    ("/api/mlp/run", {"layers": [{"units": MAX_UNITS, "dropout": 0.5}] * 3, "grid": MAX_GRID,
                      "mc_passes": MAX_MC_PASSES, "epochs": 1}, "(body)", "mc_passes too large"),
])
def test_bad_input_that_was_a_server_error_is_a_422(url, body, field, reason):
    response = post_json(url, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and reason in e["message"] for e in errors), errors


def test_diverging_regression_reports_null_metrics():
    """Regression: R² of a diverged regression was -inf (JSON cannot carry it) and its
    computation warned; metrics that are not finite are now null."""
    body = {"dataset": {"name": "reg_plane", "samples": 20}, "epochs": 3, "batch_size": 1,
            "layers": [{"units": 8, "activation": "relu"}], "dtype": "float64",
            "optimizer": {"optimizer": "sgd", "learning_rate": 10}}
    response = post_json("/api/mlp/run", body)
    assert response.status_code == 200
    for epoch in response.json()["epochs"]:
        for key in ("train_metric", "test_metric"):
            assert epoch[key] is None or math.isfinite(epoch[key])


def test_map_loss_beyond_float32_travels_as_infinity():
    """Regression: a final loss over float32's range warned while being packed."""
    body = {"surface": "custom", "expression": "x**10", "start": [1e5, 0], "second": "momentum",
            "optimizer": {"optimizer": "sgd", "clipvalue": 1e-6}, "nx": 2, "ny": 2, "steps": 2}
    response = post_json("/api/map/run", body)
    assert response.status_code == 200
    losses = float32s(response.json()["final_loss"])
    assert np.all(np.isposinf(losses))
