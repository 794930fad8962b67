"""Central finite differences for the nn gradient tests (float64)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.nn.layers import Layer


def numerical_gradient(
    f: Callable[[], float], x: npt.NDArray[Any], eps: float = 1e-6
) -> npt.NDArray[np.float64]:
    """d f / d x by central differences, perturbing ``x`` in place (f must read x)."""
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        f_plus = f()
        x[idx] = old - eps
        f_minus = f()
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def check_layer_gradients(
    layer: Layer,
    x: npt.NDArray[np.float64],
    training: bool = True,
    before_forward: Callable[[], None] | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> None:
    """Backward of a built layer vs finite differences of L = sum(forward(x) * proj) + penalty,
    for the input and every parameter."""
    proj = np.random.default_rng(123).normal(size=layer.forward(x, training).shape)

    def loss() -> float:
        if before_forward is not None:
            before_forward()
        return float((layer.forward(x, training) * proj).sum() + layer.regularization_loss())

    loss()
    dx = layer.backward(proj)
    analytic = {k: g.copy() for k, g in layer.grads.items()}
    np.testing.assert_allclose(dx, numerical_gradient(loss, x), rtol=rtol, atol=atol)
    for name, param in layer.params.items():
        numeric = numerical_gradient(loss, param)
        np.testing.assert_allclose(analytic[name], numeric, rtol=rtol, atol=atol, err_msg=name)
