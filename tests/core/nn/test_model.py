"""Tests for app.core.nn.model: whole-model gradients, training, determinism, stats, builder."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.nn.layers import Activation, BatchNormalization, Dense, Dropout
from app.core.nn.losses import BinaryCrossentropy, MeanSquaredError
from app.core.nn.model import (
    HISTOGRAM_BINS,
    BlockSpec,
    Sequential,
    build_mlp,
)
from app.core.optimizers import OPTIMIZERS
from tests.core.nn.gradcheck import numerical_gradient


def _xor(rng, n=200):
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    return x, (x[:, 0] * x[:, 1] > 0).astype(float).reshape(-1, 1)


def _circle(rng, n=200):
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    return x, (np.hypot(x[:, 0], x[:, 1]) < 0.6).astype(float).reshape(-1, 1)


def _fit(model, x, y, optimizer, epochs, rng, batch_size=10, loss="binary_crossentropy"):
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        batch_losses = [
            model.train_step(x[idx], y[idx], loss, optimizer)
            for idx in np.array_split(order, len(x) // batch_size)
        ]
        losses.append(float(np.mean(batch_losses)))
    return losses


def _accuracy(model, x, y):
    return float(np.mean((model.predict(x) > 0.5) == (y > 0.5)))


def test_model_loss_gradient_matches_finite_differences_for_every_parameter():
    rng = np.random.default_rng(0)
    specs = [
        {
            "units": 4,
            "activation": "tanh",
            "batch_normalization": "before",
            "kernel_regularizer": {"name": "l2", "l2": 0.05},
        },
        {
            "units": 3,
            "activation": "elu",
            "batch_normalization": "after",
            "kernel_regularizer": {"name": "l1_l2", "l1": 0.01, "l2": 0.02},
        },
    ]
    model = build_mlp(3, specs, 1, "sigmoid", rng, dtype=np.float64)
    for layer in model.layers:  # non-trivial BN scale and shift
        if isinstance(layer, BatchNormalization):
            layer.params["gamma"][...] = rng.uniform(0.5, 1.5, size=layer.output_dim)
            layer.params["beta"][...] = rng.normal(size=layer.output_dim)
    x = rng.normal(size=(8, 3))
    y = rng.integers(0, 2, size=(8, 1)).astype(float)
    loss = BinaryCrossentropy()

    def total_loss():
        return loss.value(model.forward(x, training=True), y) + model.regularization_loss()

    _, dloss = loss.value_and_gradient(model.forward(x, training=True), y)
    assert model.backward(dloss).size == 0  # the first Dense skips the unused d loss / d input
    first = model.layers[0]
    assert isinstance(first, Dense)
    first.need_input_grad = True
    dx = model.backward(dloss)
    np.testing.assert_allclose(dx, numerical_gradient(total_loss, x), rtol=1e-5, atol=1e-8)
    analytic = [g.copy() for g in model.gradients()]
    # kernel | gamma, beta | kernel, bias | gamma, beta | output kernel, bias
    assert len(analytic) == 9
    for param, grad in zip(model.parameters(), analytic, strict=True):
        numeric = numerical_gradient(total_loss, param)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_model_parameters_are_in_keras_order_and_stable():
    rng = np.random.default_rng(0)
    model = build_mlp(2, [{"units": 3, "batch_normalization": "after"}], 1, "sigmoid", rng)
    expected = [
        model.layers[0].params["kernel"],
        model.layers[0].params["bias"],
        model.layers[1].params["gamma"],
        model.layers[1].params["beta"],
        model.layers[2].params["kernel"],
        model.layers[2].params["bias"],
    ]
    params = model.parameters()
    assert all(a is b for a, b in zip(params, expected, strict=True))
    grads = model.gradients()
    model.train_step(rng.normal(size=(5, 2)), np.ones((5, 1)), "mse", OPTIMIZERS["sgd"].factory())
    assert all(a is b for a, b in zip(model.parameters(), params, strict=True))
    assert all(a is b for a, b in zip(model.gradients(), grads, strict=True))
    names = [w.shape for w in model.get_weights()]  # + BN moving_mean, moving_variance
    assert names == [(2, 3), (3,), (3,), (3,), (3,), (3,), (3, 1), (1,)]


def test_model_train_step_reports_loss_with_penalty_and_applies_max_norm():
    rng = np.random.default_rng(1)
    spec = {
        "units": 6,
        "activation": "relu",
        "kernel_regularizer": {"name": "l2", "l2": 0.1},
        "max_norm": 0.5,
        "kernel_initializer": "he_normal",
    }
    model = build_mlp(2, [spec], 1, "linear", rng, dtype=np.float64)
    x, y = rng.normal(size=(10, 2)), rng.normal(size=(10, 1))
    kernel = model.layers[0].params["kernel"]
    expected = MeanSquaredError().value(model.forward(x, training=True), y) + 0.1 * np.sum(
        kernel**2
    )
    before = kernel.copy()
    sgd = OPTIMIZERS["sgd"].factory(learning_rate=0.1)
    reported = model.train_step(x, y, "mean_squared_error", sgd)
    assert reported == pytest.approx(expected, rel=1e-12)
    assert not np.array_equal(kernel, before)
    assert np.all(np.linalg.norm(kernel, axis=0) <= 0.5 + 1e-9)


def test_model_same_seed_gives_identical_weights_and_losses():
    def run(seed):
        rng = np.random.default_rng(seed)
        spec = {"units": 5, "activation": "tanh", "dropout": 0.2, "batch_normalization": "before"}
        model = build_mlp(2, [spec, spec], 1, "sigmoid", rng)
        x, y = _xor(rng, 40)
        losses = _fit(model, x, y, OPTIMIZERS["adam"].factory(learning_rate=0.01), 3, rng)
        return model.get_weights(), losses

    w1, l1 = run(7)
    w2, l2 = run(7)
    _, l3 = run(8)
    assert l1 == l2 and l1 != l3
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2, strict=True))


def test_model_zero_initialization_never_breaks_symmetry():
    rng = np.random.default_rng(0)
    layers = [
        Dense(5, "sigmoid", kernel_initializer="zeros"),
        Dense(4, "sigmoid", kernel_initializer="zeros"),
        Dense(1, "sigmoid", kernel_initializer="zeros"),
    ]
    model = Sequential(layers).build(2, rng, np.float64)
    x, y = _xor(rng, 60)
    _fit(model, x, y, OPTIMIZERS["adam"].factory(learning_rate=0.05), 10, rng)
    for layer in layers[:2]:
        kernel = layer.params["kernel"]
        assert np.abs(kernel).max() > 1e-3  # the weights did move ...
        # equal to rounding: BLAS kernels (AVX-512 among them) may round one column 1 ulp apart
        np.testing.assert_allclose(kernel, kernel[:, :1].repeat(kernel.shape[1], axis=1),
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(layer.params["bias"], layer.params["bias"][0],
                                   rtol=1e-12, atol=1e-15)
    # ... while a random initialization gives distinct units
    random_model = build_mlp(2, [{"units": 5, "activation": "sigmoid"}], 1, "sigmoid", rng)
    assert len(np.unique(random_model.layers[0].params["kernel"][0])) == 5


def test_model_deep_sigmoid_net_has_vanishing_gradients():
    rng = np.random.default_rng(0)
    specs = [{"units": 16, "activation": "sigmoid"}] * 8
    model = build_mlp(4, specs, 1, "sigmoid", rng, dtype=np.float64)
    x = rng.standard_normal((64, 4))
    y = rng.integers(0, 2, size=(64, 1))
    _, dloss = BinaryCrossentropy().value_and_gradient(model.forward(x, training=True), y)
    model.backward(dloss)
    stats = model.layer_stats()
    assert len(stats) == 9
    assert stats[0].kernel_grad_norm * 100.0 <= stats[-1].kernel_grad_norm


@pytest.mark.parametrize(("make_data", "activation"), [(_xor, "tanh"), (_circle, "relu")])
def test_model_adam_learns_nonlinear_data(make_data, activation):
    rng = np.random.default_rng(3)
    x, y = make_data(rng)
    spec = {"units": 8, "activation": activation, "kernel_initializer": "he_normal"}
    model = build_mlp(2, [spec, spec], 1, "sigmoid", rng)
    losses = _fit(model, x, y, OPTIMIZERS["adam"].factory(learning_rate=0.02), 60, rng)
    assert losses[-1] < losses[0]
    assert _accuracy(model, x, y) >= 0.95


def test_model_float32_stays_float32():
    rng = np.random.default_rng(0)
    spec = {
        "units": 4,
        "activation": "gelu",
        "batch_normalization": "before",
        "dropout": 0.1,
        "kernel_regularizer": {"name": "l1_l2", "l1": 0.01, "l2": 0.01},
        "max_norm": 1.0,
    }
    model = build_mlp(2, [spec, {**spec, "batch_normalization": "after"}], 1, "sigmoid", rng)
    x, y = _xor(rng, 20)
    for _ in range(3):
        model.train_step(x, y, "binary_crossentropy", OPTIMIZERS["adam"].factory())
    assert model.forward(x, training=True).dtype == np.float32
    assert model.predict(x).dtype == np.float32
    for layer in model.layers:
        for arrays in (layer.params, layer.grads, layer.buffers):
            assert all(a.dtype == np.float32 for a in arrays.values()), layer


def test_model_float64_is_selectable_and_close_to_float32():
    def first_losses(dtype):
        rng = np.random.default_rng(5)
        model = build_mlp(2, [{"units": 6, "activation": "tanh"}], 1, "sigmoid", rng, dtype)
        x, y = _xor(rng, 40)
        return model, _fit(model, x, y, OPTIMIZERS["sgd"].factory(learning_rate=0.1), 3, rng)

    m64, l64 = first_losses(np.float64)
    _, l32 = first_losses(np.float32)
    assert m64.parameters()[0].dtype == np.float64
    np.testing.assert_allclose(l32, l64, rtol=1e-5)


def test_model_predict_mc_is_stochastic_only_with_dropout():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 2))
    with_dropout = build_mlp(2, [{"units": 16, "dropout": 0.3}], 1, "sigmoid", rng)
    mean, std = with_dropout.predict_mc(x, passes=30)
    assert mean.shape == std.shape == (5, 1)
    assert np.all(std > 0.0)
    np.testing.assert_array_equal(with_dropout.predict(x), with_dropout.predict(x))
    plain = build_mlp(2, [{"units": 16}], 1, "sigmoid", rng)
    mean, std = plain.predict_mc(x, passes=3)
    np.testing.assert_allclose(std, 0.0, atol=1e-6)  # float32 rounding of identical draws
    np.testing.assert_allclose(mean, plain.predict(x))


def test_model_layer_stats_describe_last_batch():
    rng = np.random.default_rng(0)
    specs = [
        {"units": 6, "activation": "relu"},
        {"units": 4, "activation": "tanh", "batch_normalization": "before"},
    ]
    model = build_mlp(2, specs, 1, "sigmoid", rng, dtype=np.float64)
    model.layers[0].params["bias"][:2] = -100.0  # two dead relus
    x = rng.normal(size=(32, 2))
    model.train_step(x, np.ones((32, 1)), "binary_crossentropy", OPTIMIZERS["sgd"].factory())
    relu, tanh, out = model.layer_stats()
    assert relu.dead_fraction == pytest.approx(2 / 6)
    assert tanh.dead_fraction is None and tanh.activation == "tanh"  # the Activation after BN
    activation = model.layers[3]  # Dense → BN → Activation(tanh)
    assert isinstance(activation, Activation)
    hidden = activation.output
    assert tanh.mean == pytest.approx(hidden.mean()) and tanh.std == pytest.approx(hidden.std())
    assert tanh.bin_edges[0] == -1.0 and tanh.bin_edges[-1] == 1.0
    assert out.bin_edges[0] == 0.0 and out.bin_edges[-1] == 1.0
    assert relu.histogram.shape == (HISTOGRAM_BINS,) and relu.histogram.sum() == 32 * 6
    assert relu.kernel_norm == pytest.approx(np.linalg.norm(model.layers[0].params["kernel"]))
    assert relu.kernel_grad_norm == pytest.approx(np.linalg.norm(model.layers[0].grads["kernel"]))


@pytest.mark.parametrize(
    ("mode", "types"),
    [
        ("none", [Dense, Dropout, Dense]),
        ("before", [Dense, BatchNormalization, Activation, Dropout, Dense]),
        ("after", [Dense, BatchNormalization, Dropout, Dense]),
    ],
)
def test_build_mlp_block_structure(mode, types):
    spec = BlockSpec(
        units=3,
        activation="selu",
        batch_normalization=mode,
        dropout=0.2,
        kernel_initializer="lecun_normal",
    )
    model = build_mlp(2, [spec], 2, "softmax", np.random.default_rng(0))
    assert [type(layer) for layer in model.layers] == types
    dense, output = model.layers[0], model.layers[-1]
    assert isinstance(dense, Dense) and isinstance(output, Dense)
    assert dense.use_bias == (mode != "before")
    assert dense.activation.name == ("linear" if mode == "before" else "selu")
    assert output.units == 2 and output.activation.name == "softmax"
    assert output.kernel_initializer.name == "glorot_uniform"


def test_build_mlp_accepts_variance_scaling_config():
    init = {"name": "variance_scaling", "scale": 2.0, "mode": "fan_avg", "distribution": "uniform"}
    model = build_mlp(
        2, [{"units": 3, "kernel_initializer": init}], 1, "sigmoid", np.random.default_rng(0)
    )
    dense = model.layers[0]
    assert isinstance(dense, Dense)
    assert dense.kernel_initializer.get_config() == init
    assert repr(model).startswith("Sequential([\n  Dense(2→3, variance_scaling(")


def test_build_mlp_rejects_bad_specs():
    with pytest.raises(ValueError, match="Invalid batch_normalization: 'middle'"):
        BlockSpec(batch_normalization="middle")
    with pytest.raises(ValueError, match=r"Invalid dropout: 1\.0"):
        BlockSpec(dropout=1.0)
    with pytest.raises(ValueError, match="Invalid max_norm: 0"):
        BlockSpec(max_norm=0)
    with pytest.raises(ValueError, match="Invalid dtype: float16"):
        build_mlp(2, [], 1, "sigmoid", np.random.default_rng(0), dtype=np.float16)
