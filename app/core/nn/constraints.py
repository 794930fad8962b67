"""Weight constraints with Keras 3 semantics (``keras.constraints``), applied after each update.

MaxNorm(max_value=2, axis=0), in place on the Dense kernel of shape (in, units):
    norms = sqrt(sum(w**2, axis=axis, keepdims=True))      # one norm per output unit
    w = w * clip(norms, 0, max_value) / (epsilon + norms)  # epsilon = 1e-7 (keras.config.epsilon)
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from app.core.nn.activations import FloatArray
from app.core.nn.registry import from_registry

EPSILON = 1e-7


class Constraint:
    """Base class: ``apply(w)`` projects the weight array in place."""

    name: ClassVar[str] = ""

    def __call__(self, w: FloatArray) -> FloatArray:
        """The projected weights as a new array (Keras' functional form)."""
        out = w.copy()
        self.apply(out)
        return out

    def apply(self, w: FloatArray) -> None:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}


class MaxNorm(Constraint):
    """Keras MaxNorm(max_value=2, axis=0): w *= clip(norms, 0, max_value) / (1e-7 + norms)."""

    name = "max_norm"

    def __init__(self, max_value: float = 2.0, axis: int = 0) -> None:
        if not max_value > 0:
            raise ValueError(f"Invalid max_value: {max_value} (must be > 0)")
        self.max_value = float(max_value)
        self.axis = int(axis)

    def apply(self, w: FloatArray) -> None:
        norms = np.sqrt(np.square(w).sum(axis=self.axis, keepdims=True))
        w *= np.clip(norms, 0.0, self.max_value) / (EPSILON + norms)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "max_value": self.max_value, "axis": self.axis}

    def __repr__(self) -> str:
        return f"max_norm({self.max_value:g})"


CONSTRAINTS: dict[str, type[Constraint]] = {"max_norm": MaxNorm}


def make_constraint(spec: str | dict[str, Any] | Constraint | None) -> Constraint | None:
    """A constraint from None, a name, a ``{"name": "max_norm", "max_value": 1.0}`` config or
    an instance."""
    if spec is None or isinstance(spec, Constraint):
        return spec
    return from_registry(CONSTRAINTS, spec, "kernel_constraint")
