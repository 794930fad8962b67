"""Activation functions with Keras 3 names and defaults (``keras.activations``).

Each activation is a small object with ``forward(x) -> y`` and ``backward(x, y, dy) -> dx``:
the local derivative is written next to the function, micrograd-style, and may use the cached
input ``x`` and/or output ``y``. Every formula keeps the input dtype (float32 stays float32) and
is overflow-free for ``|x|`` up to 1e4 in float32 and float64.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import erf, expit

from app.core.nn.registry import from_registry

FloatArray = npt.NDArray[np.floating[Any]]

# keras.activations.selu constants (the same as torch.nn.functional.selu).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class ActivationFunction:
    """Base class: an element-wise (or row-wise, for softmax) function and its derivative."""

    name: ClassVar[str] = ""
    histogram_range: ClassVar[tuple[float, float]] = (-3.0, 3.0)
    """Where the page's histogram of this activation's outputs spans: the activation's range
    where bounded, else [-3, 3] (outliers are counted in the edge bins)."""
    counts_dead_units: ClassVar[bool] = False
    """Whether a unit can die (output 0 for every sample), so the page reports the fraction."""

    def forward(self, x: FloatArray) -> FloatArray:
        raise NotImplementedError

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """Keras-style config, ``{"name": ..., **arguments}``; ``make_activation`` inverts it."""
        return {"name": self.name}

    def __repr__(self) -> str:
        return self.name


class Linear(ActivationFunction):
    """Identity, y = x (Keras ``linear``, the Dense default)."""

    name = "linear"

    def forward(self, x: FloatArray) -> FloatArray:
        return x

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        return dy


class Sigmoid(ActivationFunction):
    """y = 1 / (1 + exp(-x));  dx = dy * y * (1 - y)."""

    name = "sigmoid"
    histogram_range = (0.0, 1.0)

    def forward(self, x: FloatArray) -> FloatArray:
        return expit(x)

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        return dy * y * (1.0 - y)


class Tanh(ActivationFunction):
    """y = tanh(x);  dx = dy * (1 - y**2)."""

    name = "tanh"
    histogram_range = (-1.0, 1.0)

    def forward(self, x: FloatArray) -> FloatArray:
        return np.tanh(x)

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        return dy * (1.0 - y * y)


class ReLU(ActivationFunction):
    """y = max(x, 0);  dx = dy * (x > 0)  (derivative 0 at x = 0, as torch/TF)."""

    name = "relu"
    counts_dead_units = True

    def forward(self, x: FloatArray) -> FloatArray:
        return np.maximum(x, 0.0)

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        return dy * (x > 0.0)


class LeakyReLU(ActivationFunction):
    """y = x if x > 0 else negative_slope * x;  Keras 3 default negative_slope = 0.2."""

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.2) -> None:
        if not negative_slope >= 0.0:
            raise ValueError(f"Invalid negative_slope: {negative_slope} (must be >= 0)")
        self.negative_slope = float(negative_slope)

    def forward(self, x: FloatArray) -> FloatArray:
        return np.where(x > 0.0, x, self.negative_slope * x)

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        return np.where(x > 0.0, dy, self.negative_slope * dy)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "negative_slope": self.negative_slope}


class ELU(ActivationFunction):
    """y = x if x > 0 else alpha * (exp(x) - 1);  dx = dy if x > 0 else dy * (y + alpha)."""

    name = "elu"

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = float(alpha)

    def forward(self, x: FloatArray) -> FloatArray:
        return np.where(x > 0.0, x, self.alpha * np.expm1(np.minimum(x, 0.0)))

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        return np.where(x > 0.0, dy, dy * (y + self.alpha))

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "alpha": self.alpha}


class SELU(ActivationFunction):
    """y = SELU_SCALE * (x if x > 0 else SELU_ALPHA * (exp(x) - 1));  dx = dy * dy/dx."""

    name = "selu"

    def forward(self, x: FloatArray) -> FloatArray:
        neg = (SELU_SCALE * SELU_ALPHA) * np.expm1(np.minimum(x, 0.0))
        return np.where(x > 0.0, SELU_SCALE * x, neg)

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        # for x <= 0: dy/dx = scale * alpha * exp(x) = y + scale * alpha
        return np.where(x > 0.0, SELU_SCALE * dy, dy * (y + SELU_SCALE * SELU_ALPHA))


class GELU(ActivationFunction):
    """Exact (Keras 3 default approximate=False): y = 0.5 * x * (1 + erf(x / sqrt(2))).

    dx = dy * (cdf + x * pdf), cdf = 0.5 * (1 + erf(x / sqrt(2))), pdf = exp(-x**2/2) / sqrt(2pi).
    approximate=True: y = 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3))).
    """

    name = "gelu"
    _C = math.sqrt(2.0 / math.pi)

    def __init__(self, approximate: bool = False) -> None:
        self.approximate = bool(approximate)

    def forward(self, x: FloatArray) -> FloatArray:
        if self.approximate:
            t = np.tanh(self._C * (x + 0.044715 * x * x * x))
            return 0.5 * x * (1.0 + t)
        return 0.5 * x * (1.0 + erf(x * _INV_SQRT_2))

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        if self.approximate:
            t = np.tanh(self._C * (x + 0.044715 * x * x * x))
            du = self._C * (1.0 + 3.0 * 0.044715 * x * x)
            return dy * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du)
        cdf = 0.5 * (1.0 + erf(x * _INV_SQRT_2))
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
        return dy * (cdf + x * pdf)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "approximate": self.approximate}


class Swish(ActivationFunction):
    """Swish / SiLU: y = x * s, s = sigmoid(x);  dx = dy * s * (1 + x * (1 - s))."""

    name = "swish"

    def forward(self, x: FloatArray) -> FloatArray:
        return x * expit(x)

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        s = expit(x)
        return dy * s * (1.0 + x * (1.0 - s))


class SiLU(Swish):
    """Keras' canonical name for swish (``keras.activations.silu``)."""

    name = "silu"


class Softplus(ActivationFunction):
    """y = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|));  dx = dy * sigmoid(x)."""

    name = "softplus"

    def forward(self, x: FloatArray) -> FloatArray:
        return np.logaddexp(x, 0.0)

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        return dy * expit(x)


class Mish(ActivationFunction):
    """y = x * t, t = tanh(softplus(x));  dx = dy * (t + x * (1 - t**2) * sigmoid(x))."""

    name = "mish"

    def forward(self, x: FloatArray) -> FloatArray:
        return x * np.tanh(np.logaddexp(x, 0.0))

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        t = np.tanh(np.logaddexp(x, 0.0))
        return dy * (t + x * (1.0 - t * t) * expit(x))


class Softmax(ActivationFunction):
    """Row-wise y = exp(x - max) / sum(exp(x - max));  dx = y * (dy - sum(dy * y, axis=-1))."""

    name = "softmax"
    histogram_range = (0.0, 1.0)

    def forward(self, x: FloatArray) -> FloatArray:
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def backward(self, x: FloatArray, y: FloatArray, dy: FloatArray) -> FloatArray:
        return y * (dy - (dy * y).sum(axis=-1, keepdims=True))


ACTIVATIONS: dict[str, type[ActivationFunction]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "selu": SELU,
    "gelu": GELU,
    "swish": Swish,
    "silu": SiLU,
    "softplus": Softplus,
    "mish": Mish,
    "linear": Linear,
    "softmax": Softmax,
}


NOT_OFFERED: dict[str, str] = {
    "silu": "an alias: Keras' other name for swish, which the menu offers",
    "softmax": "an output activation: the categorical loss chooses it, hidden layers never do",
}
"""Registry names a hidden layer's menu leaves out, each with its reason."""
HIDDEN_ACTIVATIONS: tuple[str, ...] = tuple(n for n in ACTIVATIONS if n not in NOT_OFFERED)
"""What a hidden layer may use (the schema's ``ActivationName``)."""


def make_activation(
    spec: str | dict[str, Any] | ActivationFunction | None,
) -> ActivationFunction:
    """An activation from a registry name, a ``{"name": ..., **kwargs}`` config or an instance."""
    if isinstance(spec, ActivationFunction):
        return spec
    if spec is None:
        return Linear()
    return from_registry(ACTIVATIONS, spec, "activation")
