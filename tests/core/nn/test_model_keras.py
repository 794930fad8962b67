"""End-to-end reference check: training with app.core.nn equals Keras 3 ``fit``.

The same network (weights copied with ``set_weights``), the same minibatches (``shuffle=False``)
and the same optimizer give per-epoch losses equal to 1e-4 relative over 20 epochs (float32).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest

from app.core.nn.layers import Activation, BatchNormalization, Dense, Dropout
from app.core.nn.model import Sequential, build_mlp
from app.core.optimizers import OPTIMIZERS

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras", reason="Keras 3 not installed: reference checks skipped")
pytestmark = pytest.mark.keras

KERAS_REGULARIZERS = {"l1": "L1", "l2": "L2", "l1_l2": "L1L2"}
KERAS_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}


def _keras_twin(model: Sequential, n_inputs: int) -> Any:
    """The same network as a keras.Sequential, with the same weights."""
    layers: list[Any] = [keras.Input((n_inputs,))]
    for layer in model.layers:
        if isinstance(layer, Dense):
            reg = None
            if layer.kernel_regularizer is not None:
                config = layer.kernel_regularizer.get_config()
                reg = getattr(keras.regularizers, KERAS_REGULARIZERS[config.pop("name")])(**config)
            con = None
            if layer.kernel_constraint is not None:
                config = layer.kernel_constraint.get_config()
                con = keras.constraints.MaxNorm(config["max_value"], config["axis"])
            layers.append(
                keras.layers.Dense(
                    layer.units,
                    activation=layer.activation.name,
                    use_bias=layer.use_bias,
                    kernel_regularizer=reg,
                    kernel_constraint=con,
                )
            )
        elif isinstance(layer, BatchNormalization):
            layers.append(keras.layers.BatchNormalization(momentum=layer.momentum))
        elif isinstance(layer, Activation):
            layers.append(keras.layers.Activation(layer.activation.name))
        elif isinstance(layer, Dropout):
            raise ValueError("random masks cannot be reproduced in Keras")
    twin = keras.Sequential(layers)
    twin.set_weights(model.get_weights())
    return twin


CASES = {
    "tanh-adam-bce": (
        [{"units": 4, "activation": "tanh"}, {"units": 2, "activation": "tanh"}],
        1, "sigmoid", "binary_crossentropy", "adam", {"learning_rate": 0.01},
    ),
    "batchnorm-adam-bce": (
        [
            {"units": 4, "activation": "tanh", "batch_normalization": "before"},
            {"units": 4, "activation": "relu", "batch_normalization": "after"},
        ],
        1, "sigmoid", "binary_crossentropy", "adam", {"learning_rate": 0.01},
    ),
    "l2-maxnorm-momentum-mse": (
        [
            {"units": 4, "activation": "gelu", "kernel_regularizer": {"name": "l2", "l2": 0.01},
             "max_norm": 1.0},
            {"units": 3, "activation": "elu",
             "kernel_regularizer": {"name": "l1_l2", "l1": 0.01, "l2": 0.01}},
        ],
        1, "linear", "mean_squared_error", "sgd", {"learning_rate": 0.05, "momentum": 0.9},
    ),
    "softmax-rmsprop-cce": (
        [{"units": 5, "activation": "swish"}, {"units": 3, "activation": "mish"}],
        2, "softmax", "categorical_crossentropy", "rmsprop", {"learning_rate": 0.01},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_training_matches_keras_fit_per_epoch(case):
    specs, n_outputs, output_activation, loss, optimizer, kwargs = CASES[case]
    keras.config.set_floatx("float32")
    rng = np.random.default_rng(0)
    x = rng.uniform(-1.0, 1.0, size=(100, 2)).astype(np.float32)
    labels = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    y = np.eye(2, dtype=np.float32)[labels] if n_outputs == 2 else labels[:, None].astype("f4")
    model = build_mlp(2, specs, n_outputs, output_activation, rng, dtype=np.float32)
    twin = _keras_twin(model, 2)
    twin.compile(optimizer=getattr(keras.optimizers, KERAS_OPTIMIZERS[optimizer])(**kwargs),
                 loss=loss)  # fmt: skip
    expected = twin.fit(x, y, batch_size=10, epochs=20, shuffle=False, verbose=0).history["loss"]

    opt = OPTIMIZERS[optimizer].factory(**kwargs)
    ours = []
    for _ in range(20):
        batch = [
            model.train_step(x[i : i + 10], y[i : i + 10], loss, opt) for i in range(0, 100, 10)
        ]
        ours.append(float(np.mean(batch)))
    np.testing.assert_allclose(ours, expected, rtol=1e-4)
    assert ours[-1] < ours[0]
    for a, b in zip(model.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)
