"""Weight regularizers with Keras 3 names, defaults and formulas (``keras.regularizers``).

A regularizer adds a penalty to the training loss (Keras adds it to the reported loss too):
    L1(l1=0.01):               penalty = l1 * sum(|w|),                  grad = l1 * sign(w)
    L2(l2=0.01):               penalty = l2 * sum(w**2),                 grad = 2 * l2 * w
    L1L2(l1=0.0, l2=0.0):      penalty = l1 * sum(|w|) + l2 * sum(w**2)
Note Keras' L2 has no 1/2 factor, so its gradient is 2 * l2 * w.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from app.core.nn.activations import FloatArray
from app.core.nn.registry import from_registry


def _check_factor(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"Invalid {name}: {value!r} (must be a float >= 0)")
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(f"Invalid {name}: {value} (must be a finite float >= 0)")
    return float(value)


class L1L2:
    """Keras L1L2(l1=0.0, l2=0.0): penalty = l1 * sum(|w|) + l2 * sum(w**2)."""

    name: ClassVar[str] = "l1_l2"

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _check_factor(l1, "l1")
        self.l2 = _check_factor(l2, "l2")

    def __call__(self, w: FloatArray) -> float:
        """The penalty, computed in w's dtype (float32 in float32 mode, as Keras)."""
        penalty = w.dtype.type(0.0)
        if self.l1:
            penalty += w.dtype.type(self.l1) * np.abs(w).sum()
        if self.l2:
            penalty += w.dtype.type(self.l2) * np.square(w).sum()
        return float(penalty)

    def gradient(self, w: FloatArray) -> FloatArray:
        """d penalty / d w = l1 * sign(w) + 2 * l2 * w."""
        if self.l1 and self.l2:
            return self.l1 * np.sign(w) + (2.0 * self.l2) * w
        if self.l1:
            return self.l1 * np.sign(w)
        return (2.0 * self.l2) * w

    def add_gradient(self, w: FloatArray, grad: FloatArray) -> None:
        """grad += d penalty / d w, in place (the hot path: no temporary for pure L2)."""
        if self.l1:
            grad += self.l1 * np.sign(w)
        if self.l2:
            grad += (2.0 * self.l2) * w

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "l1": self.l1, "l2": self.l2}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.get_config().items() if k != "name")
        return f"{self.name}({args})"


Regularizer = L1L2  # every regularizer is an L1L2 with some factors fixed


class L1(L1L2):
    """Keras L1(l1=0.01): penalty = l1 * sum(|w|)."""

    name = "l1"

    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1, l2=0.0)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "l1": self.l1}


class L2(L1L2):
    """Keras L2(l2=0.01): penalty = l2 * sum(w**2)."""

    name = "l2"

    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l1=0.0, l2=l2)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "l2": self.l2}


REGULARIZERS: dict[str, type[Regularizer]] = {"l1": L1, "l2": L2, "l1_l2": L1L2}


def make_regularizer(spec: str | dict[str, Any] | Regularizer | None) -> Regularizer | None:
    """A regularizer from None, a name, a ``{"name": "l2", "l2": 0.01}`` config or an instance."""
    if spec is None or isinstance(spec, Regularizer):
        return spec
    return from_registry(REGULARIZERS, spec, "kernel_regularizer")
