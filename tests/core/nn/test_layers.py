"""Tests for app.core.nn.layers: finite differences, Keras BatchNormalization and Dropout."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.nn.activations import ACTIVATIONS
from app.core.nn.layers import Activation, BatchNormalization, Dense, Dropout
from tests.core.nn.gradcheck import check_layer_gradients


def _x(shape=(7, 3), seed=0, dtype=np.float64):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


def _built(layer, input_dim=3, seed=1, dtype=np.float64):
    layer.build(input_dim, np.random.default_rng(seed), dtype)
    return layer


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_dense_gradients_match_finite_differences(activation):
    layer = _built(Dense(4, activation, kernel_initializer="he_normal", bias_initializer="ones"))
    check_layer_gradients(layer, _x())


def test_dense_with_l1_l2_regularizer_gradients_match_finite_differences():
    reg = {"name": "l1_l2", "l1": 0.03, "l2": 0.02}
    layer = _built(Dense(4, "tanh", kernel_regularizer=reg, use_bias=False))
    check_layer_gradients(layer, _x())
    assert "bias" not in layer.params


def test_dense_forward_is_x_kernel_plus_bias_through_activation():
    layer = _built(Dense(2, "relu"))
    layer.params["kernel"][...] = [[1.0, -1.0], [2.0, 0.0], [0.0, 3.0]]
    layer.params["bias"][...] = [0.5, -10.0]
    y = layer.forward(np.array([[1.0, 1.0, 1.0]]))
    np.testing.assert_array_equal(y, [[3.5, 0.0]])
    assert layer.params["kernel"].shape == (3, 2)  # Keras layout (input_dim, units)


def test_dense_repr_is_informative():
    layer = _built(Dense(8, "relu", kernel_initializer="he_normal"), input_dim=2)
    assert repr(layer) == "Dense(2→8, he_normal, relu)"


def test_dense_rejects_bad_units_and_names():
    with pytest.raises(ValueError, match="Invalid units: 0"):
        Dense(0)
    with pytest.raises(ValueError, match="Invalid activation"):
        Dense(3, "relu7")
    with pytest.raises(ValueError, match="Invalid kernel_regularizer"):
        Dense(3, kernel_regularizer={"name": "l3"})


def test_batch_normalization_training_gradients_match_finite_differences():
    layer = _built(BatchNormalization())
    layer.params["gamma"][...] = [1.5, 0.5, -2.0]
    layer.params["beta"][...] = [0.1, -0.2, 0.3]
    check_layer_gradients(layer, 3.0 * _x() + 1.0, training=True)


def test_batch_normalization_inference_gradients_match_finite_differences():
    layer = _built(BatchNormalization())
    layer.buffers["moving_mean"][...] = [0.3, -1.0, 2.0]
    layer.buffers["moving_variance"][...] = [0.5, 2.0, 4.0]
    check_layer_gradients(layer, _x(), training=False)


@pytest.mark.parametrize(("center", "scale"), [(False, True), (True, False), (False, False)])
def test_batch_normalization_without_center_or_scale(center, scale):
    layer = _built(BatchNormalization(center=center, scale=scale))
    assert ("beta" in layer.params) == center and ("gamma" in layer.params) == scale
    check_layer_gradients(layer, _x(), training=True)


def test_batch_normalization_training_uses_batch_stats_and_updates_moving_stats():
    layer = _built(BatchNormalization(momentum=0.9, epsilon=1e-3))
    x = 2.0 * _x() + 5.0
    y = layer.forward(x, training=True)
    mean, var = x.mean(axis=0), x.var(axis=0)  # biased variance, as Keras
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-12)
    np.testing.assert_allclose(layer.buffers["moving_mean"], 0.0 * 0.9 + mean * 0.1, rtol=1e-12)
    np.testing.assert_allclose(layer.buffers["moving_variance"], 0.9 + var * 0.1, rtol=1e-12)
    assert set(layer.params) == {"gamma", "beta"}
    assert set(layer.buffers) == {"moving_mean", "moving_variance"}


def test_batch_normalization_inference_uses_moving_stats_and_leaves_them():
    layer = _built(BatchNormalization())
    layer.buffers["moving_mean"][...] = [1.0, 2.0, 3.0]
    layer.buffers["moving_variance"][...] = [4.0, 1.0, 0.25]
    layer.params["gamma"][...] = 2.0
    layer.params["beta"][...] = 1.0
    x = _x()
    y = layer.forward(x, training=False)
    want = 2.0 * (x - [1.0, 2.0, 3.0]) / np.sqrt(np.array([4.0, 1.0, 0.25]) + 1e-3) + 1.0
    np.testing.assert_allclose(y, want, rtol=1e-12)
    np.testing.assert_array_equal(layer.buffers["moving_mean"], [1.0, 2.0, 3.0])


def test_batch_normalization_moving_stats_converge_to_data_stats():
    layer = _built(BatchNormalization())
    rng = np.random.default_rng(0)
    for _ in range(1500):
        layer.forward(rng.normal(3.0, 2.0, size=(64, 3)), training=True)
    np.testing.assert_allclose(layer.buffers["moving_mean"], 3.0, atol=0.15)
    np.testing.assert_allclose(layer.buffers["moving_variance"], 4.0 * 63 / 64, rtol=0.1)


def test_activation_layer_gradients_match_finite_differences():
    check_layer_gradients(_built(Activation("elu")), _x())


def test_dropout_with_fixed_mask_gradients_match_finite_differences():
    layer = _built(Dropout(0.4))

    def reseed():
        layer.rng = np.random.default_rng(7)

    check_layer_gradients(layer, _x(), training=True, before_forward=reseed)


def test_dropout_is_inverted_and_identity_at_inference():
    layer = _built(Dropout(0.25))
    x = np.ones((2000, 50))
    y = layer.forward(x, training=True)
    assert set(np.unique(y)) == {0.0, 1.0 / 0.75}
    assert (y == 0).mean() == pytest.approx(0.25, abs=0.01)
    assert y.mean() == pytest.approx(1.0, abs=0.01)  # expectation preserved
    assert layer.forward(x, training=False) is x
    np.testing.assert_array_equal(layer.backward(x), x)


def test_dropout_mc_mode_is_stochastic_at_inference():
    layer = _built(Dropout(0.5))
    x = np.ones((4, 10))
    a = layer.forward(x, training=False, mc=True)
    b = layer.forward(x, training=False, mc=True)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), b)  # mask of the last pass


def test_dropout_rejects_bad_rate():
    with pytest.raises(ValueError, match=r"Invalid rate: 1.0 \(must be in \[0, 1\)\)"):
        Dropout(1.0)


@pytest.mark.parametrize(
    "layer",
    [
        Dense(
            4, "gelu", kernel_regularizer={"name": "l2", "l2": 0.1}, kernel_constraint="max_norm"
        ),
        BatchNormalization(),
        Activation("mish"),
        Dropout(0.3),
    ],
    ids=repr,
)
@pytest.mark.parametrize("training", [True, False])
def test_layer_keeps_float32(layer, training):
    _built(layer, dtype=np.float32)
    x = _x(dtype=np.float32)
    y = layer.forward(x, training=training, mc=True)
    dx = layer.backward(np.ones_like(y))
    layer.apply_constraints()
    assert y.dtype == dx.dtype == np.float32
    for arrays in (layer.params, layer.grads, layer.buffers):
        assert all(a.dtype == np.float32 for a in arrays.values())
