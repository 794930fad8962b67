"""Reference checks of app.core.nn layers, activations, losses, regularizers against Keras 3.

Forward values and gradients (torch autograd through the Keras layer) for the same weights.
Keras computes in float32 here (its default); Keras' torch backend also rounds float64 matmul
results to float32 (``BIT64_TO_BIT32_DTYPE``), so float64 comparisons are limited to ~1e-7.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from app.core.nn.activations import ACTIVATIONS, make_activation
from app.core.nn.constraints import MaxNorm
from app.core.nn.layers import BatchNormalization, Dense
from app.core.nn.losses import LOSSES, make_loss
from app.core.nn.regularizers import L1, L1L2, L2, REGULARIZERS

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras", reason="Keras 3 not installed: reference checks skipped")
torch = pytest.importorskip("torch", reason="torch not installed: Keras torch backend absent")
pytestmark = pytest.mark.keras
if keras.backend.backend() != "torch":
    pytest.skip("these checks use torch autograd (KERAS_BACKEND=torch)", allow_module_level=True)


def _close(actual, desired):
    """float32 agreement (Keras' default dtype)."""
    np.testing.assert_allclose(actual, desired, rtol=2e-5, atol=2e-6)


def _tensor(a, grad=False):
    return torch.tensor(np.asarray(a), requires_grad=grad)


def _x(shape=(6, 3), seed=0):
    return np.random.default_rng(seed).normal(scale=1.5, size=shape).astype(np.float32)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_matches_keras_forward_and_gradient(name):
    x = np.random.default_rng(1).normal(scale=3.0, size=(5, 4))
    proj = np.random.default_rng(2).normal(size=x.shape)
    xt = _tensor(x, grad=True)
    yt = keras.activations.get(name)(xt)
    (yt * _tensor(proj)).sum().backward()
    ours = make_activation(name)
    y = ours.forward(x)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours.backward(x, y, proj), xt.grad.numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_dense_matches_keras_forward_and_gradients(name):
    ours = Dense(4, name, kernel_initializer="he_normal", bias_initializer="random_normal")
    ours.build(3, np.random.default_rng(3), np.float32)
    theirs = keras.layers.Dense(4, activation=name)
    theirs.build((None, 3))
    theirs.set_weights([ours.params["kernel"], ours.params["bias"]])
    x, proj = _x(), _x((6, 4), seed=4)
    xt = _tensor(x, grad=True)
    yt = theirs(xt)
    (yt * _tensor(proj)).sum().backward()
    _close(ours.forward(x, training=True), yt.detach().numpy())
    _close(ours.backward(proj), xt.grad.numpy())
    _close(ours.grads["kernel"], theirs.kernel.value.grad.numpy())
    _close(ours.grads["bias"], theirs.bias.value.grad.numpy())


@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_matches_keras(training):
    ours = BatchNormalization(momentum=0.9)
    ours.build(3, np.random.default_rng(0), np.float32)
    rng = np.random.default_rng(5)
    ours.params["gamma"][...] = rng.uniform(0.5, 2.0, 3)
    ours.params["beta"][...] = rng.normal(size=3)
    ours.buffers["moving_mean"][...] = rng.normal(size=3)
    ours.buffers["moving_variance"][...] = rng.uniform(0.5, 2.0, 3)
    theirs = keras.layers.BatchNormalization(momentum=0.9)
    theirs.build((None, 3))
    theirs.set_weights([*ours.params.values(), *ours.buffers.values()])
    x, proj = 2.0 * _x() + 1.0, _x(seed=6)
    xt = _tensor(x, grad=True)
    yt = theirs(xt, training=training)
    (yt * _tensor(proj)).sum().backward()
    _close(ours.forward(x, training=training), yt.detach().numpy())
    _close(ours.backward(proj), xt.grad.numpy())
    _close(ours.grads["gamma"], theirs.gamma.value.grad.numpy())
    _close(ours.grads["beta"], theirs.beta.value.grad.numpy())
    moving = [w.numpy() for w in theirs.non_trainable_weights]
    _close(ours.buffers["moving_mean"], moving[0])
    _close(ours.buffers["moving_variance"], moving[1])


def _loss_case(name):
    rng = np.random.default_rng(7)
    if name == "categorical_crossentropy":
        y_pred = rng.uniform(0.05, 1.0, size=(5, 3))
        y_pred[0, 0] = 0.0  # clipped entry
        return y_pred.astype(np.float32), np.eye(3, dtype=np.float32)[rng.integers(0, 3, 5)]
    if name == "binary_crossentropy":
        y_pred = rng.uniform(0.01, 0.99, size=(6, 1))
        y_pred[:2, 0] = [0.0, 1.0]  # clipped entries
        return y_pred.astype(np.float32), rng.integers(0, 2, size=(6, 1)).astype(np.float32)
    return _x((6, 2)), _x((6, 2), seed=8)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_matches_keras_value_and_gradient(name):
    y_pred, y_true = _loss_case(make_loss(name).name)
    pt = _tensor(y_pred, grad=True)
    value = keras.ops.mean(keras.losses.get(name)(_tensor(y_true), pt))
    value.backward()
    ours, grad = make_loss(name).value_and_gradient(y_pred, y_true)
    assert ours == pytest.approx(value.item(), rel=1e-6)
    _close(grad, pt.grad.numpy())


@pytest.mark.parametrize("reg", [L1(0.03), L2(0.02), L1L2(0.01, 0.05)], ids=repr)
def test_regularizer_matches_keras_penalty_and_gradient(reg):
    w = _x((3, 4))
    wt = _tensor(w, grad=True)
    keras_reg = keras.regularizers.get(
        {"class_name": "L1L2", "config": {"l1": reg.l1, "l2": reg.l2}}
    )
    penalty = keras_reg(wt)
    penalty.backward()
    assert reg(w) == pytest.approx(penalty.item(), rel=1e-6)
    _close(reg.gradient(w), wt.grad.numpy())


def test_max_norm_matches_keras():
    w = 2.0 * _x((5, 4))
    expected = keras.constraints.MaxNorm(max_value=1.5)(_tensor(w)).numpy()
    MaxNorm(1.5).apply(w)
    _close(w, expected)


def test_registry_names_are_keras_identifiers():
    x = _tensor(np.array([-1.0, 2.0]))
    for name in ACTIVATIONS:
        assert keras.activations.get(name) is not None, name
    assert keras.activations.get("leaky_relu")(x)[0].item() == pytest.approx(-0.2)
    for name in LOSSES:
        assert keras.losses.get(name) is not None, name
    for name, cls in REGULARIZERS.items():  # keras.regularizers.l1 / l2 / l1_l2 aliases
        assert getattr(keras.regularizers, name).__name__ == cls.__name__
