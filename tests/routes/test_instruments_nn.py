"""Tests for app.routes.instruments_nn: answers, defaults, caps and coded 422s."""

from __future__ import annotations

import pytest

from app.core.nn.activations import HIDDEN_ACTIVATIONS
from app.schema.nn_instruments import (
    MAX_CURVE_POINTS,
    MAX_DEPTH,
    MAX_LR_FIND_IT,
    MAX_WIDTH,
    activation_arguments,
)
from app.schema.served import page_default_mlp


def _codes(response) -> list[str]:
    assert response.status_code == 422, response.text
    return [e["code"] for e in response.json()["errors"]]


def test_activation_curves_answer_f_and_df(client):
    response = client.post("/api/activations", json={"name": "leaky_relu", "x": [-2, 0.5],
                                                     "params": {"negative_slope": 0.1}})
    assert response.status_code == 200
    body = response.json()
    assert body["f"] == pytest.approx([-0.2, 0.5])
    assert body["df"] == pytest.approx([0.1, 1.0])


def test_activation_lab_offers_every_hidden_activation(openapi_names):
    assert set(openapi_names) == set(HIDDEN_ACTIVATIONS)


@pytest.fixture
def openapi_names(client) -> list[str]:
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    return schema["ActivationCurveRequest"]["properties"]["name"]["enum"]


def test_activation_arguments_are_the_keras_ones():
    assert activation_arguments("leaky_relu") == ("negative_slope",)
    assert activation_arguments("elu") == ("alpha",)
    assert activation_arguments("gelu") == ("approximate",)
    assert activation_arguments("relu") == ()


def test_an_argument_the_activation_does_not_take_is_a_coded_422(client):
    response = client.post("/api/activations", json={"name": "relu", "x": [0],
                                                     "params": {"alpha": 1.0}})
    assert _codes(response) == ["error.activation_param_not_applicable"]
    assert response.json()["errors"][0]["params"]["activation"] == "relu"


@pytest.mark.parametrize("body", [
    {"name": "tanh", "x": [0.0] * (MAX_CURVE_POINTS + 1)},
    {"name": "tanh", "x": []},
    {"name": "tanh", "x": [1e5]},
    {"name": "softmax", "x": [0.0]},
    {"name": "leaky_relu", "x": [0.0], "params": {"negative_slope": -1}},
])
def test_activation_requests_beyond_the_rules_are_refused(client, body):
    assert client.post("/api/activations", json=body).status_code == 422


def test_init_propagate_answers_one_entry_per_hidden_layer(client):
    response = client.post("/api/init/propagate", json={
        "initializer": "glorot_uniform", "activation": "tanh", "depth": 5, "width": 16,
        "samples": 40, "batch_normalization": "after", "seed": 3})
    assert response.status_code == 200, response.text
    layers = response.json()["layers"]
    assert len(layers) == 5
    assert set(layers[0]) == {"activation_mean", "activation_std", "gradient_std", "saturated",
                              "dead", "histogram", "bin_edges"}
    assert layers[0]["bin_edges"] == [-1.0, 1.0]


def test_init_propagate_takes_a_variance_scaling_config(client):
    body = {"initializer": "variance_scaling", "depth": 2, "width": 8, "samples": 10,
            "variance_scaling": {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform"}}
    assert client.post("/api/init/propagate", json=body).status_code == 200


@pytest.mark.parametrize("body", [
    {"depth": MAX_DEPTH + 1, "width": 4, "samples": 10},
    {"width": MAX_WIDTH + 1, "depth": 1, "samples": 10},
    {"samples": 1, "depth": 1, "width": 4},
    {"initializer": "constant"},
    {"batch_normalization": "sideways"},
])
def test_init_requests_beyond_the_bounds_are_refused(client, body):
    assert client.post("/api/init/propagate", json=body).status_code == 422


def test_init_work_cap_is_a_coded_422(client):
    body = {"depth": MAX_DEPTH, "width": MAX_WIDTH, "samples": 5000}
    assert _codes(client.post("/api/init/propagate", json=body)) == [
        "error.propagation_too_large"]


def test_lr_find_answers_the_sweep_and_suggestions(client):
    experiment = page_default_mlp().model_dump(mode="json")
    response = client.post("/api/mlp/lr_find", json={"experiment": experiment,
                                                     "start_lr": 1e-5, "end_lr": 1.0,
                                                     "num_it": 40})
    assert response.status_code == 200, response.text
    body = response.json()
    n = len(body["learning_rates"])
    assert 0 < n <= 40 and len(body["losses"]) == len(body["smoothed"]) == n
    assert body["learning_rates"][0] == pytest.approx(1e-5)
    assert set(body["suggestions"]) == {"valley", "steep", "minimum"}


def test_lr_find_rates_must_increase(client):
    response = client.post("/api/mlp/lr_find", json={"start_lr": 1.0, "end_lr": 0.1})
    assert _codes(response) == ["error.lr_find_order"]


def test_lr_find_work_cap_is_a_coded_422(client):
    body = {"num_it": MAX_LR_FIND_IT, "experiment": {
        "batch_size": 1024, "layers": [{"units": 128}] * 10, "epochs": 1}}
    assert _codes(client.post("/api/mlp/lr_find", json=body)) == ["error.lr_find_too_large"]


def test_lr_find_refuses_a_bad_experiment_naming_its_field(client):
    response = client.post("/api/mlp/lr_find", json={"experiment": {"batch_size": 0}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "experiment.batch_size"
