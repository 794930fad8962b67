"""The pieces of an update add up to the update, and the uncorrected twins follow their
closed forms (hand-written loops of the rules without bias correction)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.core.optimizers import OPTIMIZERS
from app.core.optimizers.anatomy import has_bias_correction, parts, without_bias_correction

GRADS = np.random.default_rng(4).normal(size=(30, 2)) * np.array([3.0, 0.2])


def _walk(optimizer: Any, point: np.ndarray) -> list[tuple[np.ndarray, dict[str, np.ndarray]]]:
    """(update, parts) of each step fed GRADS."""
    out = []
    for grad in GRADS:
        lr = float(np.asarray(optimizer.current_learning_rate()))
        before = point.copy()
        optimizer.apply([grad], [point])
        out.append((point - before, parts(optimizer, grad, lr)))
    return out


@pytest.mark.parametrize("name", ["adam", "adamax", "nadam"])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_moment_times_scale_is_the_update(name: str, amsgrad: bool) -> None:
    if amsgrad and name != "adam":
        pytest.skip("amsgrad is Adam's")
    extra = {"amsgrad": True} if amsgrad else {}
    optimizer = OPTIMIZERS[name].factory(learning_rate=0.05, **extra)
    for update, pieces in _walk(optimizer, np.array([1.0, -2.0])):
        np.testing.assert_allclose(pieces["moment"] * pieces["scale"], update,
                                   rtol=1e-9, atol=1e-15)


def test_adam_corrected_moments_are_the_closed_form() -> None:
    optimizer = OPTIMIZERS["adam"].factory(learning_rate=0.05)
    m = v = np.zeros(2)
    for t, (_, pieces) in enumerate(_walk(optimizer, np.zeros(2)), start=1):
        g = GRADS[t - 1]
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        np.testing.assert_allclose(pieces["m_hat"], m / (1 - 0.9**t), rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(pieces["v_hat"], v / (1 - 0.999**t), rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(("name", "flags"), [("adagrad", {}), ("rmsprop", {}),
                                             ("rmsprop", {"centered": True})])
def test_adaptive_scale_gives_the_update(name: str, flags: dict[str, Any]) -> None:
    optimizer = OPTIMIZERS[name].factory(learning_rate=0.05, **flags)
    for k, (update, pieces) in enumerate(_walk(optimizer, np.zeros(2))):
        assert "moment" not in pieces
        np.testing.assert_allclose(-0.05 * GRADS[k] * pieces["scale"], update,
                                   rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("name", ["momentum", "rmsprop"])
def test_velocity_moment_is_the_update(name: str) -> None:
    flags = {"momentum": 0.5} if name == "rmsprop" else {}
    optimizer = OPTIMIZERS[name].factory(learning_rate=0.01, **flags)
    for update, pieces in _walk(optimizer, np.zeros(2)):
        np.testing.assert_allclose(pieces["moment"], update, rtol=1e-9, atol=1e-15)


def test_plain_sgd_has_no_pieces() -> None:
    assert all(pieces == {} for _, pieces in _walk(OPTIMIZERS["sgd"].factory(), np.zeros(2)))


def _uncorrected_reference(name: str, lr: float) -> np.ndarray:
    """θ after GRADS with the rule written out, no bias correction."""
    b1, b2, eps = 0.9, 0.999, 1e-7
    theta, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        if name == "adamax":
            v = np.maximum(b2 * v, np.abs(g))
            theta = theta - lr * m / (v + eps)
            continue
        v = b2 * v + (1 - b2) * g * g
        if name == "nadam":
            mu = lambda s: b1 * (1 - 0.5 * 0.96**s)  # noqa: E731
            theta = theta - lr * (mu(t + 1) * m + (1 - mu(t)) * g) / (np.sqrt(v) + eps)
        else:
            theta = theta - lr * m / (np.sqrt(v) + eps)
    return theta


@pytest.mark.parametrize("name", ["adam", "adamax", "nadam"])
def test_without_bias_correction_is_the_closed_form(name: str) -> None:
    keras_form = OPTIMIZERS[name].factory(learning_rate=0.05)
    twin = without_bias_correction(keras_form)
    point = np.array([1.0, -2.0])
    for g in GRADS:
        twin.apply([g], [point])
    np.testing.assert_allclose(point, _uncorrected_reference(name, 0.05), rtol=1e-9, atol=1e-15)
    # and it differs from Keras' (corrected) path
    corrected = np.array([1.0, -2.0])
    for g in GRADS:
        keras_form.apply([g], [corrected])
    assert not np.allclose(point, corrected, rtol=1e-3)


def test_adamw_twin_keeps_weight_decay_and_config() -> None:
    keras_form = OPTIMIZERS["adamw"].factory(learning_rate=0.05, clipnorm=1.0)
    twin = without_bias_correction(keras_form)
    assert twin.get_config() == keras_form.get_config()
    point, reference = np.array([1.0, -2.0]), np.array([1.0, -2.0])
    plain = without_bias_correction(OPTIMIZERS["adam"].factory(learning_rate=0.05, clipnorm=1.0))
    for g in GRADS:
        twin.apply([g], [point])
        plain.apply([g], [reference])
    assert not np.allclose(point, reference)  # the decay acted


@pytest.mark.parametrize("name", ["sgd", "momentum", "adagrad", "rmsprop", "lion"])
def test_optimizers_without_bias_correction_refuse(name: str) -> None:
    optimizer = OPTIMIZERS[name].factory()
    assert not has_bias_correction(optimizer)
    with pytest.raises(ValueError, match="no bias correction"):
        without_bias_correction(optimizer)
