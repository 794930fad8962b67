"""Tests for the labs' routes: the activation lab's API, the variance argument's numbers of
/api/init/propagate, the served schemas and the two pages restored from their links."""

from __future__ import annotations

import json
import math
import re

import pytest

from app.core.nn.activations import HIDDEN_ACTIVATIONS
from app.schema.labs import ActivationLab, InitLab
from app.schema.url_codec import encode


def _data_block(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="descenso-data">(.*?)</script>', html,
                      re.S)
    assert match
    return json.loads(match.group(1))


def test_activation_lab_answers_every_chosen_activation(client):
    body = ActivationLab(activations=["elu", "relu"], alpha=0.5).model_dump(mode="json")
    response = client.post("/api/activations/lab", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [a["name"] for a in answer["activations"]] == ["elu", "relu"]
    elu = answer["activations"][0]
    assert elu["f"][0] == pytest.approx(0.5 * (math.exp(-6) - 1))
    curves = client.post("/api/activations", json={"name": "elu", "x": answer["x"],
                                                   "params": {"alpha": 0.5}}).json()
    assert elu["f"] == curves["f"] and elu["df"] == curves["df"]


@pytest.mark.parametrize("body", [
    {"activations": []}, {"activations": ["softmax"]}, {"std": 0}, {"mean": 99},
    {"alpha": -1}, {"unknown": 1},
])
def test_activation_lab_refuses_what_its_page_cannot_set(client, body):
    response = client.post("/api/activations/lab", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"]


def test_propagation_reports_the_numbers_of_the_variance_argument(client):
    response = client.post("/api/init/propagate", json={
        "initializer": "he_normal", "activation": "relu", "depth": 3, "width": 128,
        "samples": 20})
    answer = response.json()
    assert answer["fan_in"] == 128
    # Keras' he_normal: a normal truncated at 2σ, rescaled so that Var(w) = 2 / fan_in
    assert answer["weight_variance"] == pytest.approx(2 / 128, rel=0.03)
    zeros = client.post("/api/init/propagate", json={"initializer": "zeros", "depth": 2,
                                                     "width": 8, "samples": 4}).json()
    assert zeros["weight_variance"] == 0.0


def test_the_issue_acceptance_through_the_api(client):
    """He-normal + ReLU keeps the last layer's std within 2× of the first; random_normal
    (σ = 0.05) + tanh shrinks it below 5 %; zeros gives 0 (depth 20, width 256)."""
    def stds(initializer: str, activation: str) -> list[float]:
        answer = client.post("/api/init/propagate", json={
            "initializer": initializer, "activation": activation, "depth": 20, "width": 256,
            "samples": 1000, "batch_normalization": "none", "seed": 0}).json()
        return [layer["activation_std"] for layer in answer["layers"]]
    he = stds("he_normal", "relu")
    assert he[0] / 2 < he[-1] < 2 * he[0]
    small = stds("random_normal", "tanh")
    assert small[-1] < 0.05 * small[0]
    assert set(stds("zeros", "tanh")) == {0.0}


@pytest.mark.parametrize("page", ["activations", "init"])
def test_labs_serve_their_schema(client, page):
    served = client.get(f"/api/schema/{page}").json()
    model = {"activations": ActivationLab, "init": InitLab}[page]
    assert served["default"] == model().model_dump(mode="json")
    assert served["default_query"] == [list(p) for p in encode(model())]


def test_activation_menu_is_the_registry(client):
    fields = client.get("/api/schema/activations").json()["experiment"]
    menu = next(f for f in fields if f["name"] == "activations")
    assert menu["options"] == list(HIDDEN_ACTIVATIONS)
    assert client.get("/api/schema/activations").json()["arguments"]["alpha"] == "elu"


@pytest.mark.parametrize(("path", "model"), [("/activations", ActivationLab),
                                              ("/init", InitLab)])
def test_lab_pages_open_their_link(client, path, model):
    state = (ActivationLab(activations=["gelu"], approximate=True, mean=1.0)
             if model is ActivationLab else InitLab(depth=5, seed=9))
    query = "&".join(f"{k}={v}" for k, v in encode(state))
    response = client.get(f"{path}?lang=en&{query}")
    assert response.status_code == 200
    data = _data_block(response.text)
    assert data["experiment"] == state.model_dump(mode="json")
    assert data["notices"] == []


def test_a_bad_lab_link_opens_with_defaults_and_a_spanish_notice(client):
    response = client.get("/init?lang=es&d=500&a.i=nope&hide=argument")
    data = _data_block(response.text)
    assert data["experiment"] == InitLab().model_dump(mode="json")
    assert {n["key"] for n in data["notices"]} == {"d", "a.i"}
    assert all(n["text"] and "Input should" not in n["text"] for n in data["notices"])
    assert data["view"]["hide"] == ["argument"]


@pytest.mark.parametrize("path", ["/activations", "/init"])
def test_lab_links_can_be_shortened(client, path):
    response = client.post("/api/short", json={"url": f"{path}?lang=es"})
    assert response.status_code == 200, response.text
