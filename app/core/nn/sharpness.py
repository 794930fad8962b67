"""Sharpness: the largest eigenvalue λ_max of the training loss' Hessian (Cohen, Kaur, Li, Kolter,
Talwalkar, *Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability*, ICLR
2021), which gradient descent at rate η keeps near or below 2/η.

The loss is the model's inference-mode loss with its kernel penalties (``model.evaluate``) on
the whole training set, a function of the trainable weights w (layout order of
:mod:`app.core.nn.flat`, buffers fixed). Hessian-vector products by central differences of the
backpropagated gradient:

    H v ≈ (∇L(w + ε v) − ∇L(w − ε v)) / (2 ε),   ε = 1e-4 · max(1, ||w||) / ||v||

(exact for a quadratic loss up to rounding; O(ε²) otherwise). λ_max by Lanczos with full
reorthogonalization: k = min(P, iterations) products build the tridiagonal T_k, whose largest
eigenvalue approximates λ_max (exactly λ_max when k = P). Use a float64 model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.nn.flat import Vector
from app.core.nn.losses import Loss, make_loss
from app.core.nn.model import Sequential

LANCZOS_ITERATIONS = 20
RELATIVE_STEP = 1e-4


class LossHessian:
    """Gradient and Hessian-vector products of a model's inference-mode loss on fixed data."""

    def __init__(self, model: Sequential, x: npt.ArrayLike, y: Any, loss: Loss | str) -> None:
        self.model = model
        self.x = np.asarray(x, dtype=model.dtype)
        self.y = y
        self.loss = make_loss(loss)
        self.size = sum(p.size for p in model.parameters())

    def weights(self) -> Vector:
        """The trainable weights w as one float64 vector."""
        return np.concatenate([p.ravel() for p in self.model.parameters()]).astype(np.float64)

    def set_weights(self, w: Vector) -> None:
        offset = 0
        for p in self.model.parameters():
            p[...] = w[offset:offset + p.size].reshape(p.shape)
            offset += p.size

    def value(self, w: Vector) -> float:
        """L(w) (the model keeps w afterwards)."""
        self.set_weights(w)
        return self.model.evaluate(self.x, self.y, self.loss)

    def gradient(self, w: Vector) -> Vector:
        """∇L(w) by backpropagation (the model keeps w afterwards)."""
        self.set_weights(w)
        y_pred = self.model.forward(self.x, training=False)
        _, dloss = self.loss.value_and_gradient(y_pred, self.y)
        self.model.backward(dloss)
        return np.concatenate([g.ravel() for g in self.model.gradients()]).astype(np.float64)

    def hvp(self, w: Vector, v: Vector) -> Vector:
        """H(w) v by central differences of the gradient (module docstring)."""
        norm = float(np.linalg.norm(v))
        if norm == 0.0:
            return np.zeros_like(v)
        eps = RELATIVE_STEP * max(1.0, float(np.linalg.norm(w))) / norm
        result = (self.gradient(w + eps * v) - self.gradient(w - eps * v)) / (2.0 * eps)
        self.set_weights(w)
        return result


def lanczos_max(hvp: Callable[[Vector], Vector], size: int, rng: np.random.Generator,
                iterations: int = LANCZOS_ITERATIONS) -> float:
    """The largest eigenvalue of the symmetric operator ``hvp`` on R^size (Lanczos, full
    reorthogonalization, start vector drawn from ``rng``)."""
    if size < 1:
        raise ValueError(f"Invalid size: {size} (must be >= 1)")
    k = min(size, iterations)
    basis = np.zeros((k, size))
    q = rng.standard_normal(size)
    q /= np.linalg.norm(q)
    diagonal: list[float] = []
    off: list[float] = []
    for j in range(k):
        basis[j] = q
        w = hvp(q)
        a = float(w @ q)
        if not (np.all(np.isfinite(w)) and np.isfinite(a)):
            return float("nan")
        diagonal.append(a)
        for _ in range(2):  # twice is enough (Kahan–Parlett)
            w -= basis[:j + 1].T @ (basis[:j + 1] @ w)
        b = float(np.linalg.norm(w))
        if not np.isfinite(b):
            return float("nan")
        if j == k - 1 or b <= 1e-12 * max(1.0, abs(diagonal[-1])):
            break
        off.append(b)
        q = w / b
    m = len(diagonal)
    t = np.diag(diagonal) + np.diag(off[:m - 1], 1) + np.diag(off[:m - 1], -1)
    return float(np.linalg.eigvalsh(t)[-1])


def sharpness(hessian: LossHessian, rng: np.random.Generator,
              iterations: int = LANCZOS_ITERATIONS) -> float:
    """λ_max of the Hessian at the model's current weights."""
    w = hessian.weights()
    with np.errstate(all="ignore"):
        value = lanczos_max(lambda v: hessian.hvp(w, v), hessian.size, rng, iterations)
    hessian.set_weights(w)
    return value
