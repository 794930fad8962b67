"""JSON API of the surface playground."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.optimizers import OPTIMIZERS
from tests.decoders import float32_grid

ISSUE_EXAMPLE = {
    "surface": "rosenbrock", "start": [-1.5, 2.0], "steps": 150,
    "runs": [{"optimizer": "adam", "learning_rate": 0.02, "beta_1": 0.85, "beta_2": 0.99,
              "epsilon": 1e-6, "clipnorm": None,
              "schedule": {"name": "power", "decay_steps": 20, "power": 1.0}}],
}


def test_surface_run_issue_example(client):
    response = client.post("/api/surface/run", json=ISSUE_EXAMPLE)
    assert response.status_code == 200
    (run,) = response.json()["runs"]
    assert run["optimizer"] == "adam" and run["status"] == "ok" and run["diverged_at"] is None
    assert len(run["points"]) == 151 and len(run["losses"]) == 151
    assert run["points"][0] == [-1.5, 2.0]
    assert run["losses"][-1] < run["losses"][0]


def test_surface_run_custom_formula(client):
    body = {**ISSUE_EXAMPLE, "surface": "custom", "expression": "(1-x)**2 + 100*(y-x**2)**2"}
    a = client.post("/api/surface/run", json=ISSUE_EXAMPLE).json()["runs"][0]["points"]
    b = client.post("/api/surface/run", json=body).json()["runs"][0]["points"]
    np.testing.assert_allclose(a, b, rtol=1e-10)


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"runs": [{"optimizer": "adam", "learning_rate": -1}]}, "runs.0.learning_rate",
         "greater than or equal to"),
        ({"runs": [{"optimizer": "adamz"}]}, "runs.0.optimizer", "Input should be"),
        ({"steps": 10**9}, "steps", "less than or equal"),
        ({"runs": [{"optimizer": "adam", "momentum": 0.9}]}, "runs.0", "does not apply"),
        ({"runs": [{"optimizer": "sgd", "clipnorm": 1, "clipvalue": 1}]}, "runs.0",
         "at most one"),
        ({"surface": "custom"}, "(body)", "expression is required"),
        ({"surface": "custom", "expression": "__import__('os')"}, "expression", "__import__"),
        ({"surface": "custom", "expression": "x.real"}, "expression", "column"),
        ({"surface": "custom", "expression": "9**9**9**9"}, "expression", "xponent"),
        ({"surface": "custom", "expression": "x+" * 50_000}, "expression", ""),
        ({"bogus": 1}, "bogus", "Extra inputs"),
        ({"runs": []}, "runs", "at least 1"),
    ],
)
def test_surface_run_bad_input_is_422_with_field_and_reason(client, body, field, reason):
    response = client.post("/api/surface/run", json=body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and reason in e["message"] for e in errors), errors


@pytest.mark.parametrize("raw", ['{"start": [NaN, 0]}', '{"noise": Infinity}',
                                 '{"runs": [{"optimizer": "adam", "learning_rate": NaN}]}'])
def test_surface_run_non_finite_numbers_are_422(client, raw):
    response = client.post("/api/surface/run", content=raw,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "finite" in response.json()["errors"][0]["message"]


def test_surface_run_formula_error_names_token_and_column(client):
    response = client.post("/api/surface/run",
                           json={"surface": "custom", "expression": "x + open('f')"})
    (error,) = response.json()["errors"]
    assert error["field"] == "expression"
    assert error["token"] == "open" and error["column"] == 5


def test_surfaces_listing_has_labels_minima_and_windows(client):
    surfaces = {s["name"]: s for s in client.get("/api/surfaces").json()}
    assert len(surfaces) >= 17
    rosen = surfaces["rosenbrock"]
    assert rosen["log_scale"] is True
    assert rosen["minima"][0]["x"] == 1 and rosen["minima"][0]["y"] == 1
    assert {"es", "en"} <= set(rosen["label"])


def test_surface_grid_is_binary_float32_of_the_surface(client):
    response = client.get("/api/surface/grid", params={"surface": "booth", "n": 11})
    assert response.status_code == 200
    data = response.json()
    z = float32_grid(data, "z")
    x, y = np.meshgrid(data["x"], data["y"])
    np.testing.assert_allclose(z, (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2, rtol=1e-6)


def test_surface_grid_custom_and_bad_formula(client):
    ok = client.get("/api/surface/grid", params={"surface": "custom", "expression": "x*y",
                                                 "n": 10})
    assert ok.status_code == 200
    bad = client.get("/api/surface/grid", params={"surface": "custom", "expression": "x.y"})
    assert bad.status_code == 422
    too_big = client.get("/api/surface/grid", params={"surface": "sphere", "n": 100000})
    assert too_big.status_code == 422


def test_schema_describes_every_control_once(client):
    schema = client.get("/api/schema/surface").json()
    names = [f["name"] for f in schema["experiment"]]
    assert len(names) == len(set(names))
    runs = next(f for f in schema["experiment"] if f["name"] == "runs")
    lr = next(f for f in runs["fields"] if f["name"] == "learning_rate")
    assert lr["url"] == "lr" and lr["scale"] == "log" and lr["ge"] == 1e-12
    assert list(schema["optimizers"]) == list(OPTIMIZERS)
    assert schema["optimizers"]["adamw"]["defaults"]["weight_decay"] == 0.004
    lion = schema["optimizers"]["lion"]
    assert lion["keras_class"] == "Lion" and lion["bounds"]["beta_1"] == {"gt": 0, "le": 1}
    assert set(lion) == {"keras_class", "defaults", "bounds", "update_rule", "page_learning_rate",
                         "colour", "in_default_race"}


def test_plotly_served_locally_and_security_headers(client):
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200 and len(response.content) > 1_000_000
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "http" not in csp


def test_healthz(client):
    assert client.get("/healthz").json()["status"] == "ok"
