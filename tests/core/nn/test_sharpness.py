"""Tests for app.core.nn.sharpness: gradients and Hessian-vector products against finite
differences of the loss, Lanczos against eigvalsh, λ_max of a linear model in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.nn.model import BlockSpec, build_mlp
from app.core.nn.sharpness import LossHessian, lanczos_max, sharpness

RNG = np.random.default_rng(11)
X = RNG.normal(size=(30, 2))
Y = (X[:, :1] ** 2 + X[:, 1:] > 0.5).astype(np.float64)


def _hessian(specs, activation="sigmoid", loss="binary_crossentropy", y=Y) -> LossHessian:
    model = build_mlp(2, specs, 1, activation, np.random.default_rng(0), np.float64)
    return LossHessian(model, X, y, loss)


NETWORKS = {
    "tanh": [BlockSpec(units=4, activation="tanh"), BlockSpec(units=3, activation="tanh")],
    "bn_l2": [BlockSpec(units=4, activation="tanh", batch_normalization="after",
                        kernel_regularizer={"name": "l2", "l2": 0.05})],
}


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_gradient_matches_finite_differences_of_the_loss(name):
    hessian = _hessian(NETWORKS[name])
    w = hessian.weights()
    grad = hessian.gradient(w)
    eps = 1e-6
    numeric = np.array([(hessian.value(w + eps * e) - hessian.value(w - eps * e)) / (2 * eps)
                        for e in np.eye(w.size)])
    assert grad == pytest.approx(numeric, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_hvp_matches_second_differences_of_the_loss(name):
    """uᵀ H v from the gradient's central differences against the loss alone:
    (L(w+εu+εv) − L(w+εu−εv) − L(w−εu+εv) + L(w−εu−εv)) / (4ε²)."""
    hessian = _hessian(NETWORKS[name])
    w = hessian.weights()
    rng = np.random.default_rng(3)
    for _ in range(3):
        u, v = rng.normal(size=w.size), rng.normal(size=w.size)
        eps = 1e-4
        f = hessian.value
        second = (f(w + eps * (u + v)) - f(w + eps * (u - v)) - f(w - eps * (u - v))
                  + f(w - eps * (u + v))) / (4 * eps * eps)
        assert u @ hessian.hvp(w, v) == pytest.approx(second, rel=1e-4, abs=1e-7)
    assert np.array_equal(hessian.weights(), w)  # the model is left at w


def test_hvp_is_symmetric():
    hessian = _hessian(NETWORKS["tanh"])
    w = hessian.weights()
    rng = np.random.default_rng(4)
    u, v = rng.normal(size=w.size), rng.normal(size=w.size)
    assert u @ hessian.hvp(w, v) == pytest.approx(v @ hessian.hvp(w, u), rel=1e-6)


def test_lanczos_finds_the_largest_eigenvalue_of_a_symmetric_matrix():
    rng = np.random.default_rng(5)
    a = rng.normal(size=(60, 60))
    matrix = a @ a.T / 60 - 0.5 * np.eye(60)
    expected = np.linalg.eigvalsh(matrix)[-1]
    assert lanczos_max(lambda v: matrix @ v, 60, rng, 60) == pytest.approx(expected, rel=1e-10)
    assert lanczos_max(lambda v: matrix @ v, 60, rng, 30) == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match="Invalid size"):
        lanczos_max(lambda v: v, 0, rng)


def test_linear_model_sharpness_is_the_closed_form():
    """Dense(1, linear) + MSE: H = (2/n) X̃ᵀX̃ with X̃ = [X, 1]."""
    targets = X @ np.array([[0.3], [-0.7]]) + 0.1 * RNG.normal(size=(30, 1))
    hessian = _hessian([], activation="linear", loss="mean_squared_error", y=targets)
    x_tilde = np.hstack([X, np.ones((len(X), 1))])
    expected = np.linalg.eigvalsh(2 / len(X) * x_tilde.T @ x_tilde)[-1]
    assert sharpness(hessian, np.random.default_rng(0)) == pytest.approx(expected, rel=1e-9)
