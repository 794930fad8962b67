"""The "export to PyTorch" script: valid Python, torch.optim where its rule is Keras', Keras' rule
written out where not, served by the API, and reproducing ``MlpTraining``'s losses in torch.

Acceptance: the networks of ``harness.CASES`` (no dropout) print, for 20 epochs, the training and
test losses of ``train_epoch()`` and ``model.evaluate``: to 1e-4 relative in float32, and to 1e-9
in float64, where nothing but summation order separates the two.
"""

from __future__ import annotations

import ast
import os
from importlib.util import find_spec
from typing import Any

import pytest

from app.export import torch_script
from tests.export.harness import (
    CASES,
    DROPOUT_CASE,
    RTOL,
    check_run,
    check_standalone_trains,
    experiment,
    flat,
    imports,
    ruff_problems,
    run_scripts,
)

FLOAT64_RTOL = 1e-9
# every case once more in float64, where the torch script must agree with us to FLOAT64_RTOL:
# an exact check of each Keras rule written out for torch
RUNS = {**CASES, **{f"{name}__float64": {**patch, "dtype": "float64"}
                    for name, patch in CASES.items() if patch.get("dtype") != "float64"}}

NETWORK: dict[str, Any] = {
    "dataset": {"name": "circle", "samples": 60},
    "layers": [
        {"units": 8, "activation": "elu", "kernel_initializer": "he_normal",
         "batch_normalization": "after", "kernel_regularizer": {"name": "l2", "l2": 0.01}},
        {"units": 5, "activation": "leaky_relu", "batch_normalization": "before",
         "dropout": 0.2, "max_norm": 1.5,
         "kernel_regularizer": {"name": "l1_l2", "l1": 0.001, "l2": 0.002}},
    ],
    "optimizer": {"optimizer": "adam", "learning_rate": 0.01, "clipnorm": 1.0},
}


def _script(patch: dict[str, Any], epochs: int | None = 2) -> str:
    return torch_script(experiment(patch), epochs)






def test_torch_script_is_python_using_only_numpy_and_torch():
    source = _script(NETWORK)
    assert imports(source) == {"base64", "json", "math", "numpy", "torch"}
    assert "import keras" not in source


def test_torch_script_builds_the_same_network():
    source = _script(NETWORK)
    expected = [
        "return nn.Sequential(\n"
        "        nn.Linear(2, 8),  # Keras: he_normal initializer\n"
        "        nn.ELU(),\n"
        "        BatchNormalization(8),\n"
        "        nn.Linear(8, 5, bias=False),  # Keras: glorot_uniform initializer\n"
        "        BatchNormalization(5),\n"
        "        nn.LeakyReLU(0.2),\n"
        "        nn.Dropout(p=0.2),\n"
        "        nn.Linear(5, 1),  # Keras: glorot_uniform initializer\n"
        "        nn.Sigmoid(),\n"
        "    )",
        "class BatchNormalization(nn.BatchNorm1d):",
        "super().__init__(units, eps=1e-3, momentum=0.01)",
        "return (0.01 * model[0].weight.square().sum() + 0.001 * model[3].weight.abs().sum() "
        "+ 0.002 * model[3].weight.square().sum())",
        "for linear, max_value in ((model[3], 1.5),):",
        "p.grad.mul_(1.0 / torch.clamp(norm, min=1.0))",
        "set_keras_weights(model, INITIAL_WEIGHTS)",
        "loss = loss_fn(model(x_train[index]), y_train[index]) + penalty(model)",
        "p = torch.clamp(y_pred, EPSILON, 1 - EPSILON)",
    ]
    for text in expected:
        assert flat(text) in flat(source), text
    order = [source.index(call) for call in ("            clip_gradients(params)",
                                             "            optimizer.step()",
                                             "            apply_constraints(model)")]
    assert order == sorted(order)


@pytest.mark.parametrize(("optimizer", "expected"), [
    ({"optimizer": "sgd"}, "optimizer = torch.optim.SGD(params, lr=learning_rate(0))"),
    ({"optimizer": "nesterov"}, "optimizer = torch.optim.SGD(params, lr=learning_rate(0), "
     "momentum=0.9, nesterov=True)"),
    ({"optimizer": "momentum", "schedule": {"name": "exponential"}},
     "optimizer = KerasSGD(params, lr=learning_rate(0), momentum=0.9, nesterov=False)"),
    ({"optimizer": "adagrad"}, "optimizer = KerasAdagrad(params, lr=learning_rate(0), "
     "initial_accumulator_value=0.1, epsilon=1e-07)"),
    ({"optimizer": "rmsprop", "centered": True}, "optimizer = KerasRMSprop(params, "
     "lr=learning_rate(0), rho=0.9, momentum=0.0, epsilon=1e-07, centered=True)"),
    ({"optimizer": "adam", "amsgrad": True}, "optimizer = KerasAdam(params, lr=learning_rate(0), "
     "beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=True)"),
    ({"optimizer": "adamw"}, "decay_weights(params, lr)"),
    ({"optimizer": "adamax"}, "optimizer = KerasAdamax(params, lr=learning_rate(0), "
     "beta_1=0.9, beta_2=0.999, epsilon=1e-07)"),
    ({"optimizer": "nadam"}, "optimizer = KerasNadam(params, lr=learning_rate(0), "
     "beta_1=0.9, beta_2=0.999, epsilon=1e-07)"),
])
def test_torch_script_uses_torch_optim_only_where_its_rule_is_keras(optimizer, expected):
    source = _script({"dataset": {"name": "xor", "samples": 40},
                      "optimizer": {"learning_rate": 0.01, **optimizer}})
    assert flat(expected) in flat(source)
    manual = "torch.optim.SGD(" not in source
    assert ("(torch.optim.Optimizer):" in source) == manual
    for name in ("Adam", "Adagrad", "RMSprop", "Adamax", "NAdam", "AdamW"):
        assert f"= torch.optim.{name}(" not in source


@pytest.mark.parametrize(("schedule", "step", "expected"), [
    ({"name": "power", "decay_steps": 10.0, "power": 2.0}, 10, 0.1 / 4),
    ({"name": "exponential", "decay_steps": 10.0, "decay_rate": 0.5, "staircase": True}, 19, 0.05),
    ({"name": "piecewise", "boundaries": [5, 10], "factors": [1.0, 0.5, 0.1]}, 5, 0.1),
    ({"name": "piecewise", "boundaries": [5, 10], "factors": [1.0, 0.5, 0.1]}, 6, 0.05),
    ({"name": "cosine", "decay_steps": 20.0, "alpha": 0.0}, 10, 0.05),
    ({"name": "onecycle"}, 0, 0.01),
])
def test_torch_script_learning_rate_is_our_schedule(schedule, step, expected):
    exp = experiment({"dataset": {"name": "xor", "samples": 40},
                      "optimizer": {"optimizer": "sgd", "learning_rate": 0.1,
                                    "schedule": schedule}})
    source = torch_script(exp, 2)
    namespace: dict[str, Any] = {}
    start = source.index("def learning_rate(step):")
    exec("import math\n" + source[start:source.index("\n\n\n", start)], namespace)
    ours = exp.optimizer.build(total_steps=exp.epochs * 2)
    ours.iterations = step
    assert namespace["learning_rate"](step) == pytest.approx(expected, rel=1e-12)
    assert namespace["learning_rate"](step) == pytest.approx(ours.current_learning_rate(),
                                                             rel=1e-12)


def test_export_torch_route_returns_the_script(client):
    response = client.post("/api/mlp/export/torch?epochs_to_export=4",
                           json={"dataset": {"name": "blobs", "samples": 40}})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/x-python")
    assert "nn.functional.one_hot(torch.from_numpy(Y_TRAIN).long(), 3).to(DTYPE)" in response.text
    assert 'BATCH_ORDERS = array("<u2", (4, 20),' in response.text
    ast.parse(response.text)


@pytest.mark.parametrize(("query", "body", "field"), [
    ("", {"dataset": {"name": "csv"}}, "dataset"),
    ("?epochs_to_export=-3", {}, "epochs_to_export"),
])
def test_export_torch_route_422_names_the_field(client, query, body, field):
    response = client.post(f"/api/mlp/export/torch{query}", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]



def test_torch_script_passes_ruff(tmp_path):
    """The generated scripts are clean code: the project's ruff rules find nothing."""
    sources = {name: torch_script(experiment(patch), 2) for name, patch in CASES.items()}
    sources["network"] = torch_script(experiment(NETWORK), 2)
    assert ruff_problems(sources, tmp_path) == ""

# -- acceptance: the torch script trains as we do ----------------------------------------------


@pytest.fixture(scope="module")
def torch_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if find_spec("torch") is None:
        pytest.skip("PyTorch is not installed: pip install torch")
    work = tmp_path_factory.mktemp("torch_scripts")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return run_scripts(torch_script, RUNS, DROPOUT_CASE, work, env)


@pytest.mark.parametrize("name", list(RUNS))
def test_torch_script_reproduces_our_losses(torch_runs, name):
    float64 = experiment(RUNS[name]).dtype == "float64"
    check_run(torch_runs, name, FLOAT64_RTOL if float64 else RTOL)


def test_torch_script_runs_standalone_with_dropout(torch_runs):
    check_standalone_trains(torch_runs)
