"""The exporter tables: every name of every core registry has an exporter (a missing one fails
here, naming the table), and the entries write what the core computes: the activation's torch
module, the schedule's learning rate, Lion's update rule."""

from __future__ import annotations

import ast
import os
from typing import Any

import numpy as np
import pytest

from app.core.nn import layers as core_layers
from app.core.nn.activations import ACTIVATIONS, make_activation
from app.core.nn.constraints import CONSTRAINTS, make_constraint
from app.core.nn.initializers import INITIALIZERS, make_initializer
from app.core.nn.losses import LOSSES
from app.core.nn.regularizers import REGULARIZERS, make_regularizer
from app.core.optimizers import KERAS_CLASS, OPTIMIZERS
from app.core.schedules import SCHEDULES
from app.export import keras_script, torch_script
from app.export.layer_parts import (
    ACTIVATION_EXPORTS,
    CONSTRAINT_EXPORTS,
    INITIALIZER_EXPORTS,
    REGULARIZER_EXPORTS,
)
from app.export.layers import LAYER_EXPORTS
from app.export.optimizers import OPTIMIZER_EXPORTS
from app.export.payload import plan_export
from app.export.render import ExportTable, MissingExporter, render
from app.export.schedules import SCHEDULE_EXPORTS, torch_learning_rate
from app.export.torch_script import LOSS_EXPORTS
from tests.export.harness import experiment

LAYER_CLASSES = [cls.__name__ for cls in vars(core_layers).values()
                 if isinstance(cls, type) and issubclass(cls, core_layers.Layer)
                 and cls is not core_layers.Layer]
TABLES: list[tuple[ExportTable[Any], list[str]]] = [
    (ACTIVATION_EXPORTS, list(ACTIVATIONS)),
    (INITIALIZER_EXPORTS, list(INITIALIZERS)),
    (REGULARIZER_EXPORTS, list(REGULARIZERS)),
    (CONSTRAINT_EXPORTS, list(CONSTRAINTS)),
    (LAYER_EXPORTS, LAYER_CLASSES),
    (OPTIMIZER_EXPORTS, list(OPTIMIZERS)),
    (SCHEDULE_EXPORTS, list(SCHEDULES)),
    (LOSS_EXPORTS, list(LOSSES)),
]
SMALL = {"dataset": {"name": "xor", "samples": 40}, "epochs": 3}


@pytest.mark.parametrize(("table", "name"), [(t, n) for t, names in TABLES for n in names],
                         ids=[f"{t.what}-{n}" for t, names in TABLES for n in names])
def test_every_registry_name_has_an_exporter(table, name):
    table[name]  # raises MissingExporter naming the table to extend


def test_a_missing_exporter_names_the_table():
    with pytest.raises(MissingExporter, match=r"No exporter for optimizer 'adadelta': add an "
                                              r"entry to app\.export\.optimizers\."
                                              r"OPTIMIZER_EXPORTS"):
        OPTIMIZER_EXPORTS["adadelta"]
    assert "adadelta" not in OPTIMIZER_EXPORTS


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_exports_both_scripts(name):
    """Under a schedule every optimizer, SGD with momentum included, writes Keras' rule out."""
    exp = experiment({**SMALL, "optimizer": {"optimizer": name, "learning_rate": 0.01,
                                             "schedule": {"name": "exponential"}}})
    keras_source, torch_source = keras_script(exp, 1), torch_script(exp, 1)
    assert f"optimizer = keras.optimizers.{KERAS_CLASS[name]}(learning_rate=lr_schedule" \
        in keras_source
    entry = OPTIMIZER_EXPORTS[name]
    momentum = exp.optimizer.build(total_steps=1).get_config().get("momentum", 0.0)
    if entry.torch_sgd and momentum == 0.0:
        assert "optimizer = torch.optim.SGD(params" in torch_source
    else:
        assert f"class {entry.torch_class}(torch.optim.Optimizer):" in torch_source
        assert f"optimizer = {entry.torch_class}(params" in torch_source
    ast.parse(keras_source)
    ast.parse(torch_source)


@pytest.mark.parametrize("name", list(OPTIMIZER_EXPORTS))
def test_each_torch_optimizer_template_defines_its_class(name):
    entry = OPTIMIZER_EXPORTS[name]
    source = render(entry.torch_template)
    assert source.startswith(f"class {entry.torch_class}(torch.optim.Optimizer):\n")
    ast.parse(source)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_torch_learning_rate_is_the_core_schedule(name):
    """The schedule's defaults, over 3 epochs of 2 steps (1cycle and decays reach their end)."""
    exp = experiment({**SMALL, "optimizer": {"optimizer": "sgd", "learning_rate": 0.1,
                                             "schedule": {"name": name}}})
    plan = plan_export(exp)
    namespace: dict[str, Any] = {}
    exec("import math\n" + torch_learning_rate(plan), namespace)
    ours = plan.training.optimizer
    for step in (0, 1, 2, 3, 5, 8, 150, 400):
        ours.iterations = step
        assert namespace["learning_rate"](step) == pytest.approx(ours.current_learning_rate(),
                                                                 rel=1e-12)
    assert ("lr_schedule = " in keras_script(exp, 1)) == (name != "constant")


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_exports_are_the_core_function(name):
    torch = pytest.importorskip("torch")
    entry = ACTIVATION_EXPORTS[name]
    assert type(make_activation(entry.keras)) is ACTIVATIONS[name]
    x = np.linspace(-3.0, 3.0, 24).reshape(4, 6)
    ours = make_activation(name).forward(x)
    module = eval(entry.torch, {"nn": torch.nn}) if entry.torch else torch.nn.Identity()
    with torch.no_grad():
        theirs = module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(theirs, ours, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(INITIALIZERS))
def test_initializer_keras_spelling(name):
    entry = INITIALIZER_EXPORTS[name]
    text = entry.keras(make_initializer(name))
    assert text == f'"{name}"' or text.startswith(f"keras.initializers.{entry.keras_class}(")
    assert name in entry.torch(make_initializer(name)) or entry.keras_class == "VarianceScaling"


@pytest.mark.keras
def test_keras_has_every_exported_class():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    for entry in INITIALIZER_EXPORTS.values():
        assert hasattr(keras.initializers, entry.keras_class), entry
    for keras_class in KERAS_CLASS.values():
        assert hasattr(keras.optimizers, keras_class), keras_class
    assert hasattr(keras.optimizers, "Lion")  # OPTIMIZER_EXPORTS["lion"]'s Keras side
    for name in REGULARIZERS:
        regularizer = make_regularizer({"name": name, **({"l1": 0.1} if "1" in name else {})})
        assert regularizer is not None
        theirs = eval(REGULARIZER_EXPORTS[name].keras(regularizer), {"keras": keras})
        assert pytest.approx(theirs.get_config()) == {k: v for k, v in
                                                      regularizer.get_config().items()
                                                      if k != "name"}
    for name in CONSTRAINTS:
        constraint = make_constraint(name)
        assert constraint is not None
        theirs = eval(CONSTRAINT_EXPORTS[name].keras(constraint), {"keras": keras})
        assert theirs.get_config()["max_value"] == constraint.get_config()["max_value"]


def _lion_reference(w: np.ndarray, grads: list[np.ndarray], lr: float, beta_1: float,
                    beta_2: float) -> np.ndarray:
    """Keras 3's Lion: w -= lr * sign(beta_1*m + (1-beta_1)*g); m = beta_2*m + (1-beta_2)*g."""
    w, m = w.copy(), np.zeros_like(w)
    for g in grads:
        w -= lr * np.sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g
    return w


def test_lion_torch_exporter_follows_keras_rule():
    torch = pytest.importorskip("torch")
    entry = OPTIMIZER_EXPORTS["lion"]
    namespace: dict[str, Any] = {"torch": torch}
    exec(render(entry.torch_template), namespace)
    rng = np.random.default_rng(5)
    w0 = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) for _ in range(12)]
    grads[0][0, 0] = 0.0  # sign(0) = 0 at the first step (m = 0)
    p = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    optimizer = namespace[entry.torch_class]([p], lr=0.01, beta_1=0.8, beta_2=0.95)
    for g in grads:
        p.grad = torch.from_numpy(g.copy())
        optimizer.step()
    want = _lion_reference(w0, grads, 0.01, 0.8, 0.95)
    np.testing.assert_allclose(p.detach().numpy(), want, rtol=1e-12, atol=1e-15)
    assert p.detach().numpy()[0, 0] == pytest.approx(want[0, 0])
    # Keras' defaults are the class defaults
    default = namespace[entry.torch_class]([p], lr=0.001)
    assert default.defaults == {"lr": 0.001, "beta_1": 0.9, "beta_2": 0.99}
