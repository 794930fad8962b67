"""Tests for app.routes.landscape_api: answers, declared responses, caps and coded 422s."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import numpy as np
import pytest

from app.jobs.mlp_run import MAX_REQUEST_STEPS
from app.schema.landscape import MAX_LANDSCAPE_GRID
from app.schema.mlp_experiment import MlpExperiment
from app.schema.url_codec import encode

SMALL = {"epochs": 3, "dataset": {"samples": 60}}


def _codes(response) -> list[str]:
    assert response.status_code == 422, response.text
    return [e["code"] for e in response.json()["errors"]]


def test_landscape_answers_a_random_slice(client):
    response = client.post("/api/mlp/landscape", json={"experiment": SMALL, "grid": 5,
                                                       "span": 0.5})
    assert response.status_code == 200, response.text
    body = response.json()
    grid = np.frombuffer(base64.b64decode(body["loss"]), dtype="<f4").reshape(5, 5)
    assert body["alpha"] == pytest.approx([-0.5, -0.25, 0.0, 0.25, 0.5]) == body["beta"]
    assert grid[2, 2] == pytest.approx(body["center_loss"], rel=1e-5)
    assert "path" not in body and "residual" not in body


def test_landscape_pca_answers_the_path(client):
    body = client.post("/api/mlp/landscape", json={"experiment": SMALL, "grid": 3,
                                                   "mode": "pca", "dims": 1}).json()
    assert len(body["path"]) == len(body["residual"]) == len(body["path_loss"]) == 4
    assert body["beta"] == [0.0] and len(body["alpha"]) == 3
    assert len(base64.b64decode(body["loss"])) == 3 * 4


def test_interpolate_and_sharpness_answer(client):
    body = client.post("/api/mlp/interpolate", json={"experiment": SMALL, "points": 5}).json()
    assert body["alpha"] == pytest.approx([-0.5, 0.0, 0.5, 1.0, 1.5])
    assert len(body["loss"]) == 5
    body = client.post("/api/mlp/sharpness", json={"experiment": SMALL}).json()
    assert body["epochs"] == [0, 1, 2, 3] and len(body["lambda_max"]) == 4
    assert body["two_over_lr"] == pytest.approx([2 / 0.01] * 4)


@pytest.mark.parametrize(("url", "body", "code", "field"), [
    ("/api/mlp/landscape", {"grid": 50}, "error.landscape_grid_odd", "grid"),
    ("/api/mlp/landscape", {"grid": MAX_LANDSCAPE_GRID + 2}, "error.less_than_equal", "grid"),
    ("/api/mlp/landscape", {"bias": "zero"}, "error.literal_error", "bias"),
    ("/api/mlp/landscape", {"span": 0}, "error.greater_than", "span"),
    ("/api/mlp/landscape", {"grid": 101, "experiment": {
        "dataset": {"samples": 5000}, "layers": [{"units": 128}] * 3, "epochs": 1}},
     "error.landscape_too_large", "grid"),
    ("/api/mlp/interpolate", {"range": [1.0, 0.5]}, "error.interpolate_range", "range"),
    ("/api/mlp/interpolate", {"range": [-1.0, 0.5]}, "error.greater_than_equal", "range"),
    ("/api/mlp/interpolate", {"points": 1}, "error.greater_than_equal", "points"),
    ("/api/mlp/interpolate", {"other": {**SMALL, "layers": [{"units": 3}]}},
     "error.interpolate_same_network", "other"),
    ("/api/mlp/interpolate", {"other": {"layers": [{"units": 3}]}},
     "error.interpolate_same_data", "other"),
    ("/api/mlp/sharpness", {"measurements": 301}, "error.less_than_equal", "measurements"),
    ("/api/mlp/sharpness", {"measurements": 300, "experiment": {
        "dataset": {"samples": 1000}, "layers": [{"units": 64}] * 2, "epochs": 300,
        "batch_size": 1024}}, "error.sharpness_too_large", "measurements"),
])
def test_bad_requests_are_coded_422s_naming_the_field(client, url, body, code, field):
    body = {"experiment": SMALL, **body}
    response = client.post(url, json=body)
    assert _codes(response)[0] == code
    error = response.json()["errors"][0]
    assert field in error["field"] or error["params"].get("field") == field


@pytest.mark.parametrize("url", ["/api/mlp/landscape", "/api/mlp/interpolate",
                                 "/api/mlp/sharpness"])
def test_a_training_over_the_step_cap_is_refused(client, url):
    # a linear model: cheap enough per step for the work cap, too many steps for one request
    experiment = {"epochs": 5000, "batch_size": 1, "layers": [], "dataset": {"samples": 120}}
    assert MAX_REQUEST_STEPS < 5000 * 60
    response = client.post(url, json={"experiment": experiment})
    assert "error.too_many_steps" in _codes(response)


def test_openapi_declares_the_landscape_routes(client):
    schema = client.get("/openapi.json").json()
    for path, model in (("/api/mlp/landscape", "LandscapeOut"),
                        ("/api/mlp/interpolate", "InterpolateOut"),
                        ("/api/mlp/sharpness", "SharpnessOut")):
        ok = schema["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["$ref"].endswith(model)
        assert "422" in schema["paths"][path]["post"]["responses"]


def _mlp_link(**change) -> str:
    experiment = MlpExperiment.model_validate({**SMALL, **change})
    return "/mlp?" + urlencode(encode(experiment), safe=",")


def test_a_pasted_link_is_the_second_run(client):
    # the same experiment with another seed: as an experiment, a full link and a short link
    other = {**SMALL, "seed": 7}
    expected = client.post("/api/mlp/interpolate", json={"experiment": SMALL, "other": other,
                                                         "points": 5}).json()["loss"]
    link = _mlp_link(seed=7)
    short = client.post("/api/short", json={"url": link}).json()["short_url"]
    for pasted in (link, "http://aula.example:8000" + link, short, " http://x" + short + " "):
        response = client.post("/api/mlp/interpolate", json={"experiment": SMALL, "points": 5,
                                                             "other_link": pasted})
        assert response.status_code == 200, (pasted, response.text)
        assert response.json()["loss"] == pytest.approx(expected, rel=1e-6)
    # not the initial network: the line ends at another network
    initial = client.post("/api/mlp/interpolate", json={"experiment": SMALL, "points": 5})
    assert initial.json()["loss"] != pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(("change", "code"), [
    ({"dataset": {"samples": 60, "noise": 0.3}}, "error.interpolate_same_data"),
    ({"dataset": {"samples": 80}}, "error.interpolate_same_data"),
    ({"layers": [{"units": 3}]}, "error.interpolate_same_network"),
])
def test_a_pasted_link_with_other_data_is_a_coded_422(client, change, code):
    response = client.post("/api/mlp/interpolate", json={
        "experiment": SMALL, "other_link": _mlp_link(**change)})
    assert _codes(response) == [code]
    error = response.json()["errors"][0]
    assert "other_link" in error["field"] or error["params"].get("field") == "other_link"
    assert "same data" in error["message"] or code.endswith("network")


@pytest.mark.parametrize("pasted", ["/surface?f=himmelblau", "/s/zzzzzzzz", "/nowhere",
                                    "https://example.org/"])
def test_a_pasted_link_that_is_not_an_mlp_link_is_refused(client, pasted):
    response = client.post("/api/mlp/interpolate", json={"experiment": SMALL,
                                                         "other_link": pasted})
    assert _codes(response) == ["error.interpolate_link"]


def test_other_and_a_link_together_are_refused(client):
    response = client.post("/api/mlp/interpolate", json={
        "experiment": SMALL, "other": SMALL, "other_link": _mlp_link()})
    assert _codes(response) == ["error.interpolate_two_others"]
