"""JSON API of the hyperparameter map."""

from __future__ import annotations

import numpy as np
import pytest

from tests.decoders import float32_grid as grid


def test_map_run_returns_binary_grids(client):
    body = {"surface": "quadratic", "condition_number": 10, "start": [1.0, 1.0], "steps": 50,
            "optimizer": {"optimizer": "momentum"}, "second": "momentum", "second_min": 0.0,
            "second_max": 0.9, "lr_min": 0.01, "lr_max": 1.0, "nx": 8, "ny": 5}
    response = client.post("/api/map/run", json=body)
    assert response.status_code == 200
    data = response.json()
    assert (data["nx"], data["ny"]) == (8, 5) and len(data["x"]) == 8
    diverged = grid(data, "diverged_at")
    final = grid(data, "final_loss")
    assert np.all(np.isnan(final[diverged > 0])) and np.all(np.isfinite(final[diverged < 0]))
    assert (diverged > 0).any() and (diverged < 0).any()
    assert data["outcome"] is None


def test_map_run_formula_undefined_at_the_start_answers_the_outcome_code(client):
    body = {"surface": "custom", "expression": "sqrt(x) + y^2", "start": [-1.0, 1.0],
            "steps": 20, "nx": 3, "ny": 2, "optimizer": {"optimizer": "sgd"},
            "second": "momentum", "second_min": 0.0, "second_max": 0.5}
    data = client.post("/api/map/run", json=body).json()
    assert data["outcome"] == {"code": "run.undefined_start", "params": {"x": -1.0, "y": 1.0}}
    assert np.all(grid(data, "diverged_at") == 0)


@pytest.mark.parametrize(("body", "field"), [
    ({"surface": "custom", "expression": "x.y"}, "expression"),
    ({"nx": 500}, "nx"),
    ({"second": "rho"}, "(body)"),
    ({"start": [1e9, 0]}, "(body)"),
    ({"lr_min": 0.5, "lr_max": 0.1}, "(body)"),
])
def test_map_run_bad_input_is_422_naming_the_field(client, body, field):
    response = client.post("/api/map/run", json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
