"""Tests for app.core.nn.losses: Keras' documented values, clipping, finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.nn.losses import (
    EPSILON,
    LOSSES,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanSquaredError,
    make_loss,
)
from tests.core.nn.gradcheck import numerical_gradient


def test_binary_crossentropy_matches_keras_docstring_example():
    # keras.losses.binary_crossentropy docstring: per-sample [0.916, 0.714]
    y_true = np.array([[0.0, 1.0], [0.0, 0.0]])
    y_pred = np.array([[0.6, 0.4], [0.4, 0.6]])
    per_sample = [-(math.log(0.4) + math.log(0.4)) / 2, -(math.log(0.6) + math.log(0.4)) / 2]
    assert per_sample == pytest.approx([0.916, 0.714], abs=1e-3)
    assert BinaryCrossentropy().value(y_pred, y_true) == pytest.approx(np.mean(per_sample))


def test_categorical_crossentropy_matches_keras_docstring_example():
    # keras.losses.categorical_crossentropy docstring: per-sample [0.0513, 2.303]
    y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    assert CategoricalCrossentropy().value(y_pred, y_true) == pytest.approx(
        (-math.log(0.95) - math.log(0.1)) / 2
    )


def test_categorical_crossentropy_normalizes_rows_and_accepts_integer_labels():
    y_pred = np.array([[2.0, 6.0, 2.0], [1.0, 1.0, 2.0]])  # rows renormalized as Keras does
    labels = np.array([1, 2])
    want = (-math.log(0.6) - math.log(0.5)) / 2
    assert CategoricalCrossentropy().value(y_pred, labels) == pytest.approx(want)
    one_hot = np.eye(3)[labels]
    assert CategoricalCrossentropy().value(y_pred, one_hot) == pytest.approx(want)


def test_mean_squared_error_is_mean_over_all_entries():
    y_pred = np.array([[1.0, 2.0], [3.0, 5.0]])
    y_true = np.array([[1.0, 0.0], [0.0, 5.0]])
    assert MeanSquaredError().value(y_pred, y_true) == pytest.approx((4.0 + 9.0) / 4.0)


def test_binary_crossentropy_clips_probabilities_like_keras():
    y_pred = np.array([[0.0], [1.0], [0.5]])
    y_true = np.array([[1.0], [0.0], [1.0]])
    value, grad = BinaryCrossentropy().value_and_gradient(y_pred, y_true)
    clipped_log = -math.log(EPSILON)
    assert value == pytest.approx((2 * clipped_log - math.log(0.5)) / 3, rel=1e-9)
    assert grad[0, 0] == 0.0 and grad[1, 0] == 0.0  # clipped entries pass no gradient
    assert grad[2, 0] == pytest.approx((0.5 - 1.0) / 0.25 / 3)


def test_binary_crossentropy_accepts_flat_targets():
    y_pred = np.array([[0.2], [0.7]])
    flat = BinaryCrossentropy().value(y_pred, np.array([0, 1]))
    assert flat == pytest.approx(BinaryCrossentropy().value(y_pred, np.array([[0.0], [1.0]])))


def _case(name: str):
    rng = np.random.default_rng(4)
    if name == "binary_crossentropy":
        return rng.uniform(0.05, 0.95, size=(6, 2)), rng.integers(0, 2, size=(6, 2)).astype(float)
    if name == "categorical_crossentropy":  # unnormalized rows exercise the normalization
        return rng.uniform(0.1, 1.0, size=(5, 4)), np.eye(4)[rng.integers(0, 4, size=5)]
    return rng.normal(size=(6, 3)), rng.normal(size=(6, 3))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_gradient_matches_finite_differences(name):
    loss = make_loss(name)
    y_pred, y_true = _case(loss.name)
    value, grad = loss.value_and_gradient(y_pred, y_true)
    assert value == loss.value(y_pred, y_true)
    np.testing.assert_allclose(loss.gradient(y_pred, y_true), grad)
    numeric = numerical_gradient(lambda: loss.value(y_pred, y_true), y_pred)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_keeps_float32(name):
    loss = make_loss(name)
    y_pred, y_true = _case(loss.name)
    _, grad = loss.value_and_gradient(y_pred.astype(np.float32), y_true)
    assert grad.dtype == np.float32


def test_make_loss_rejects_unknown_name():
    with pytest.raises(ValueError, match="Invalid loss: 'hinge'"):
        make_loss("hinge")


def test_loss_rejects_mismatched_targets():
    with pytest.raises(ValueError, match="Invalid y_true shape"):
        MeanSquaredError().value(np.zeros((3, 1)), np.zeros(4))
