"""The "export to Keras" script: valid Python in the lecture's style, served by the API, and (the
acceptance test) reproducing ``MlpTraining``'s losses in real Keras 3 with the torch backend.

Acceptance: for each network of ``harness.CASES`` (no dropout) the generated script runs in a
subprocess with KERAS_BACKEND=torch and prints, for 20 epochs, the training loss and test loss
that ``train_epoch()`` and ``model.evaluate`` give, to 1e-4 relative. The cases change the learning
rate within the 20 epochs (piecewise boundaries, 1cycle), so a match also shows that Keras'
``optimizer.iterations`` carries across the ``fit`` calls. To keep the time down the scripts run
in two interpreters, each importing keras once and running its scripts with ``runpy``; one more
script runs on its own as ``python script.py``.
"""

from __future__ import annotations

import ast
import os
from importlib.util import find_spec
from typing import Any, get_args

import pytest

from app.export import keras_script
from app.schema.mlp_experiment import ActivationName, InitializerName
from app.schema.optimizer_spec import OptimizerName, ScheduleName
from tests.export.harness import (
    CASES,
    DROPOUT_CASE,
    check_run,
    check_standalone_trains,
    experiment,
    flat,
    imports,
    ruff_problems,
    run_scripts,
)

SLIDE_NETWORK: dict[str, Any] = {
    "dataset": {"name": "circle", "samples": 60},
    "layers": [
        {"units": 8, "activation": "elu", "kernel_initializer": "he_normal",
         "batch_normalization": "after", "kernel_regularizer": {"name": "l2", "l2": 0.01}},
        {"units": 8, "activation": "relu", "kernel_initializer": "he_normal",
         "batch_normalization": "before", "dropout": 0.2, "max_norm": 1.0},
        {"units": 10, "activation": "sigmoid", "kernel_initializer": "variance_scaling",
         "variance_scaling": {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform"}},
        {"units": 4, "activation": "tanh", "kernel_initializer": "glorot_uniform",
         "kernel_regularizer": {"name": "l1_l2", "l1": 0.001, "l2": 0.01}},
    ],
    "optimizer": {"optimizer": "adam", "learning_rate": 0.01, "beta_1": 0.8, "clipnorm": 1.0},
}


def _script(patch: dict[str, Any], epochs: int | None = 2) -> str:
    return keras_script(experiment(patch), epochs)






def test_keras_script_is_python_using_only_numpy_and_keras():
    source = _script(SLIDE_NETWORK)
    assert imports(source) == {"base64", "json", "keras", "numpy"}
    assert source.rstrip().endswith('if __name__ == "__main__":\n    main()')


def test_keras_script_writes_the_model_as_the_slides_do():
    source = _script(SLIDE_NETWORK)
    expected = [
        "keras.layers.Dense(8, activation=\"elu\", kernel_initializer=\"he_normal\",\n"
        "                           kernel_regularizer=keras.regularizers.l2(0.01)),\n"
        "        keras.layers.BatchNormalization(),",
        "keras.layers.Dense(8, kernel_initializer=\"he_normal\", use_bias=False,\n"
        "                           kernel_constraint=keras.constraints.max_norm(1.0)),\n"
        "        keras.layers.BatchNormalization(),\n"
        "        keras.layers.Activation(\"relu\"),\n"
        "        keras.layers.Dropout(rate=0.2),",
        "init_1 = keras.initializers.VarianceScaling(scale=2.0, mode=\"fan_avg\", "
        "distribution=\"uniform\")",
        "keras.layers.Dense(10, activation=\"sigmoid\", kernel_initializer=init_1),",
        "keras.layers.Dense(4, activation=\"tanh\",\n"
        "                           kernel_regularizer=keras.regularizers.l1_l2(l1=0.001, "
        "l2=0.01)),",
        "keras.layers.Dense(1, activation=\"sigmoid\"),\n    ])",
        "keras.Input(shape=(2,)),",
        "optimizer = keras.optimizers.Adam(learning_rate=0.01, beta_1=0.8, beta_2=0.999, "
        "epsilon=1e-07,\n                                      amsgrad=False, clipnorm=1.0)",
        "model.compile(optimizer=optimizer, loss=\"binary_crossentropy\")",
        "model.set_weights(INITIAL_WEIGHTS)",
        "SEED = 7", "keras.utils.set_random_seed(SEED)", "DTYPE = \"float32\"",
        "keras.config.set_floatx(DTYPE)", "keras.config.set_dtype_policy(DTYPE)",
        "history = model.fit(X_TRAIN[order], y_train[order], batch_size=BATCH_SIZE, epochs=1,\n"
        "                            shuffle=False, verbose=0, validation_data=(X_TEST, y_test))",
    ]
    for text in expected:
        assert text in source, text
    assert max(len(line) for line in source.split("# ----")[0].splitlines()) <= 100


@pytest.mark.parametrize(("schedule", "expected"), [
    ({"name": "power", "decay_steps": 20.0, "power": 1.0},
     "lr_schedule = keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate=0.1, "
     "decay_steps=20.0, decay_rate=1.0)"),
    ({"name": "power", "decay_steps": 20.0, "power": 0.5},
     "lr_schedule = PowerDecay(initial_learning_rate=0.1, decay_steps=20.0, power=0.5)"),
    ({"name": "exponential", "decay_steps": 10.0, "decay_rate": 0.9, "staircase": True},
     "lr_schedule = keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=0.1, "
     "decay_steps=10.0, decay_rate=0.9, staircase=True)"),
    ({"name": "piecewise", "boundaries": [10, 20], "factors": [1.0, 0.5, 0.25]},
     "lr_schedule = keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=[10, 20], "
     "values=[0.1, 0.05, 0.025])"),
    ({"name": "cosine", "decay_steps": 50.0, "alpha": 0.1},
     "lr_schedule = keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.1, "
     "decay_steps=50, alpha=0.1)"),
    # 30 training points in batches of 10 for 3 epochs: 1cycle over 9 steps
    ({"name": "onecycle"}, "lr_schedule = OneCycle(max_learning_rate=0.1, total_steps=9, "
     "start_factor=0.1, end_factor=0.0001, last_steps=None)"),
])
def test_keras_script_writes_the_schedule(schedule, expected):
    source = _script({"dataset": {"name": "xor", "samples": 60}, "epochs": 3,
                      "optimizer": {"optimizer": "sgd", "learning_rate": 0.1,
                                    "schedule": schedule}})
    assert flat(expected) in flat(source)
    assert "keras.optimizers.SGD(learning_rate=lr_schedule, momentum=0.0" in source
    custom = schedule["name"] == "onecycle" or schedule.get("power", 1.0) != 1.0
    assert ("(keras.optimizers.schedules.LearningRateSchedule):" in source) == custom
    ast.parse(source)


def test_keras_script_one_hot_targets_for_categorical_and_float64():
    source = _script({"dataset": {"name": "blobs", "samples": 60}, "dtype": "float64"})
    assert "keras.utils.to_categorical(Y_TRAIN, 3).astype(DTYPE)" in source
    assert 'loss="categorical_crossentropy"' in source
    assert 'DTYPE = "float64"' in source and '"<f8"' in source
    assert "keras.layers.Dense(3, activation=\"softmax\")" in source


def test_export_keras_route_returns_the_script(client):
    response = client.post("/api/mlp/export/keras?epochs_to_export=3",
                           json={"dataset": {"name": "xor", "samples": 40}})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/x-python")
    assert imports(response.text) == {"base64", "json", "keras", "numpy"}
    assert 'BATCH_ORDERS = array("<u2", (3, 20),' in response.text
    default = client.post("/api/mlp/export/keras",
                          json={"dataset": {"name": "xor", "samples": 40}, "epochs": 7})
    assert 'BATCH_ORDERS = array("<u2", (7, 20),' in default.text


@pytest.mark.parametrize(("query", "body", "field"), [
    ("", {"layers": [{"units": 10_000}]}, "layers.0.units"),
    ("", {"optimizer": {"optimizer": "sgd", "beta_1": 0.9}}, "optimizer"),
    ("?epochs_to_export=0", {}, "epochs_to_export"),
    ("?epochs_to_export=201", {}, "epochs_to_export"),
])
def test_export_keras_route_422_names_the_field(client, query, body, field):
    response = client.post(f"/api/mlp/export/keras{query}", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]



def test_keras_script_passes_ruff(tmp_path):
    """The generated scripts are clean code: the project's ruff rules find nothing."""
    sources = {name: keras_script(experiment(patch), 2) for name, patch in CASES.items()}
    sources["network"] = keras_script(experiment(SLIDE_NETWORK), 2)
    assert ruff_problems(sources, tmp_path) == ""

# -- acceptance against real Keras 3 ---------------------------------------------------------


@pytest.fixture(scope="module")
def keras_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run every case's script (two interpreters) and the dropout script standalone."""
    if find_spec("keras") is None or find_spec("torch") is None:
        pytest.skip("Keras 3 with the torch backend is not installed: pip install torch keras")
    work = tmp_path_factory.mktemp("keras_scripts")
    env = {**os.environ, "KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1"}
    return run_scripts(keras_script, CASES, DROPOUT_CASE, work, env)


@pytest.mark.keras
@pytest.mark.parametrize("name", list(CASES))
def test_keras_script_reproduces_our_losses(keras_runs, name):
    check_run(keras_runs, name)


@pytest.mark.keras
def test_keras_script_runs_standalone_with_dropout(keras_runs):
    # masks differ from ours, but it trains: the loss falls
    check_standalone_trains(keras_runs)


def test_harness_cases_cover_the_issue():
    """Every activation, initializer, regularizer, optimizer, schedule, clipping, loss, dtype and
    BatchNormalization mode is in some acceptance case (so a new one cannot slip through)."""
    exps = [experiment(patch) for patch in CASES.values()]
    layers = [layer for exp in exps for layer in exp.layers]
    assert {layer.activation for layer in layers} == set(get_args(ActivationName))
    assert {layer.kernel_initializer for layer in layers} == set(get_args(InitializerName))
    assert {layer.batch_normalization for layer in layers} == {"none", "before", "after"}
    assert {layer.kernel_regularizer.name for layer in layers if layer.kernel_regularizer} == \
        {"l1", "l2", "l1_l2"}
    assert any(layer.max_norm for layer in layers)
    assert not any(layer.dropout for layer in layers)
    assert {exp.optimizer.optimizer for exp in exps} == set(get_args(OptimizerName))
    assert {exp.optimizer.schedule.name for exp in exps} == set(get_args(ScheduleName))
    for clip in ("clipvalue", "clipnorm", "global_clipnorm"):
        assert any(getattr(exp.optimizer, clip) for exp in exps)
    assert {exp.resolved_loss() for exp in exps} == \
        {"binary_crossentropy", "categorical_crossentropy", "mean_squared_error"}
    assert {exp.dataset.name for exp in exps} >= {"xor", "circle", "blobs", "reg_plane"}
    assert {exp.dtype for exp in exps} == {"float32", "float64"}
