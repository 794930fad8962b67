"""Layers with Keras 3 names, defaults and semantics (``keras.layers``): Dense, BatchNormalization,
Activation and Dropout.

A layer is created with its hyperparameters, then ``build(input_dim, rng, dtype) -> output_dim``
allocates its weights (``Sequential.build`` does this for the whole stack). Trainable weights live
in ``params``, their gradients in ``grads`` (same keys, same arrays reused every step: backward
writes into them in place), non-trainable state in ``buffers``. ``forward(x, training, mc)`` caches
what ``backward(dy) -> dx`` needs. ``mc=True`` keeps Dropout active at inference (Monte-Carlo
dropout) and changes nothing else.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.nn.activations import ActivationFunction, FloatArray, make_activation
from app.core.nn.constraints import Constraint, make_constraint
from app.core.nn.initializers import Initializer, make_initializer
from app.core.nn.regularizers import Regularizer, make_regularizer

_EMPTY: FloatArray = np.zeros(0)


class Layer:
    """Base class: params/grads/buffers dicts, ``forward``/``backward`` and hooks for the model."""

    def __init__(self) -> None:
        self.params: dict[str, FloatArray] = {}
        self.grads: dict[str, FloatArray] = {}
        self.buffers: dict[str, FloatArray] = {}
        self.input_dim = 0
        self.output_dim = 0
        self.dtype: np.dtype[Any] = np.dtype(np.float32)

    def build(self, input_dim: int, rng: np.random.Generator, dtype: npt.DTypeLike) -> int:
        """Allocate weights for ``input_dim`` features; returns the output dimension."""
        self.input_dim = self.output_dim = int(input_dim)
        self.dtype = np.dtype(dtype)
        return self.output_dim

    def forward(self, x: FloatArray, training: bool = False, mc: bool = False) -> FloatArray:
        raise NotImplementedError

    def backward(self, dy: FloatArray) -> FloatArray:
        raise NotImplementedError

    def regularization_loss(self) -> float:
        """Penalty this layer adds to the loss (0.0 without regularizers)."""
        return 0.0

    def apply_constraints(self) -> None:
        """Project the weights after an optimizer update (no-op without constraints)."""


class Dense(Layer):
    """Keras Dense: z = x @ kernel + bias, y = activation(z); kernel shape (input_dim, units).

    Backward: dz = activation'(z) * dy;  grads["kernel"] = x.T @ dz (+ regularizer gradient);
    grads["bias"] = sum(dz, axis=0);  dx = dz @ kernel.T.
    """

    def __init__(
        self,
        units: int,
        activation: str | dict[str, Any] | ActivationFunction | None = "linear",
        kernel_initializer: str | dict[str, Any] | Initializer = "glorot_uniform",
        bias_initializer: str | dict[str, Any] | Initializer = "zeros",
        kernel_regularizer: str | dict[str, Any] | Regularizer | None = None,
        kernel_constraint: str | dict[str, Any] | Constraint | None = None,
        use_bias: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(units, bool) or not isinstance(units, int | np.integer) or units < 1:
            raise ValueError(f"Invalid units: {units!r} (must be an integer >= 1)")
        self.units = int(units)
        self.activation = make_activation(activation)
        self.kernel_initializer = make_initializer(kernel_initializer)
        self.bias_initializer = make_initializer(bias_initializer)
        self.kernel_regularizer = make_regularizer(kernel_regularizer)
        self.kernel_constraint = make_constraint(kernel_constraint)
        self.use_bias = bool(use_bias)
        self.need_input_grad = True  # Sequential clears it on the first layer: dx is unused there
        self._x: FloatArray = _EMPTY
        self._z: FloatArray = _EMPTY
        self._y: FloatArray = _EMPTY

    def build(self, input_dim: int, rng: np.random.Generator, dtype: npt.DTypeLike) -> int:
        super().build(input_dim, rng, dtype)
        self.output_dim = self.units
        kernel = self.kernel_initializer((self.input_dim, self.units), rng, self.dtype)
        self.params = {"kernel": kernel}
        if self.use_bias:
            self.params["bias"] = self.bias_initializer((self.units,), rng, self.dtype)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        return self.output_dim

    def forward(self, x: FloatArray, training: bool = False, mc: bool = False) -> FloatArray:
        z = x @ self.params["kernel"]
        if self.use_bias:
            z += self.params["bias"]
        y = self.activation.forward(z)
        self._x, self._z, self._y = x, z, y
        return y

    @property
    def output(self) -> FloatArray:
        """The activations of the last forward pass (empty before the first)."""
        return self._y

    @property
    def pre_activation(self) -> FloatArray:
        """z = x @ kernel + bias of the last forward pass (empty before the first)."""
        return self._z

    def backward(self, dy: FloatArray) -> FloatArray:
        kernel = self.params["kernel"]
        dz = self.activation.backward(self._z, self._y, dy)
        np.matmul(self._x.T, dz, out=self.grads["kernel"])
        if self.kernel_regularizer is not None:
            self.kernel_regularizer.add_gradient(kernel, self.grads["kernel"])
        if self.use_bias:
            np.add.reduce(dz, axis=0, out=self.grads["bias"])
        if not self.need_input_grad:
            return _EMPTY
        return dz @ kernel.T

    def regularization_loss(self) -> float:
        if self.kernel_regularizer is None:
            return 0.0
        return self.kernel_regularizer(self.params["kernel"])

    def apply_constraints(self) -> None:
        if self.kernel_constraint is not None:
            self.kernel_constraint.apply(self.params["kernel"])

    def __repr__(self) -> str:
        extras = [repr(self.kernel_initializer), repr(self.activation)]
        if not self.use_bias:
            extras.append("no bias")
        if self.kernel_regularizer is not None:
            extras.append(repr(self.kernel_regularizer))
        if self.kernel_constraint is not None:
            extras.append(repr(self.kernel_constraint))
        inputs = self.input_dim if self.input_dim else "?"
        return f"Dense({inputs}→{self.units}, {', '.join(extras)})"


class BatchNormalization(Layer):
    """Keras BatchNormalization(momentum=0.99, epsilon=1e-3, center=True, scale=True).

    Training: mean = mean(x, 0), var = mean((x - mean)**2, 0) (biased),
    x_hat = (x - mean) / sqrt(var + epsilon), y = gamma * x_hat + beta,
    moving_mean = moving_mean * momentum + mean * (1 - momentum), the same for moving_variance.
    Inference: mean, var = moving_mean, moving_variance.
    Backward (training), n rows, g = dy * gamma:
    dx = (n * g - sum(g, 0) - x_hat * sum(g * x_hat, 0)) / (n * sqrt(var + epsilon)).
    """

    def __init__(
        self, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True, scale: bool = True
    ) -> None:
        super().__init__()
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"Invalid momentum: {momentum} (must be in [0, 1])")
        if not epsilon > 0.0:
            raise ValueError(f"Invalid epsilon: {epsilon} (must be > 0)")
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self._x_hat: FloatArray = _EMPTY
        self._inv_std: FloatArray = _EMPTY
        self._training = False

    def build(self, input_dim: int, rng: np.random.Generator, dtype: npt.DTypeLike) -> int:
        super().build(input_dim, rng, dtype)
        n, dt = self.output_dim, self.dtype
        self.params = {}
        if self.scale:
            self.params["gamma"] = np.ones(n, dtype=dt)
        if self.center:
            self.params["beta"] = np.zeros(n, dtype=dt)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {
            "moving_mean": np.zeros(n, dtype=dt),
            "moving_variance": np.ones(n, dtype=dt),
        }
        return self.output_dim

    def forward(self, x: FloatArray, training: bool = False, mc: bool = False) -> FloatArray:
        if training:
            mean = x.mean(axis=0)
            x_centered = x - mean
            var = np.square(x_centered).mean(axis=0)
            m = self.momentum
            moving_mean, moving_var = self.buffers["moving_mean"], self.buffers["moving_variance"]
            moving_mean[...] = moving_mean * m + mean * (1.0 - m)
            moving_var[...] = moving_var * m + var * (1.0 - m)
        else:
            x_centered = x - self.buffers["moving_mean"]
            var = self.buffers["moving_variance"]
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        x_hat = x_centered * inv_std
        self._x_hat, self._inv_std, self._training = x_hat, inv_std, training
        y = x_hat * self.params["gamma"] if self.scale else x_hat.copy()
        if self.center:
            y += self.params["beta"]
        return y

    def backward(self, dy: FloatArray) -> FloatArray:
        x_hat = self._x_hat
        if self.scale:
            np.add.reduce(dy * x_hat, axis=0, out=self.grads["gamma"])
            g: FloatArray = dy * self.params["gamma"]
        else:
            g = dy
        if self.center:
            np.add.reduce(dy, axis=0, out=self.grads["beta"])
        if not self._training:  # moving statistics are constants
            return g * self._inv_std
        n = dy.shape[0]
        dx = g * n
        dx -= g.sum(axis=0)
        dx -= x_hat * (g * x_hat).sum(axis=0)
        dx *= self._inv_std * (1.0 / n)
        return dx

    def __repr__(self) -> str:
        return f"BatchNormalization({self.output_dim or '?'}, momentum={self.momentum:g})"


class Activation(Layer):
    """Keras Activation(name): y = activation(x), dx = activation'(x) * dy."""

    def __init__(self, activation: str | dict[str, Any] | ActivationFunction) -> None:
        super().__init__()
        self.activation = make_activation(activation)
        self._x: FloatArray = _EMPTY
        self._y: FloatArray = _EMPTY

    def forward(self, x: FloatArray, training: bool = False, mc: bool = False) -> FloatArray:
        y = self.activation.forward(x)
        self._x, self._y = x, y
        return y

    @property
    def output(self) -> FloatArray:
        """The activations of the last forward pass (empty before the first)."""
        return self._y

    @property
    def pre_activation(self) -> FloatArray:
        """The input of the last forward pass (empty before the first)."""
        return self._x

    def backward(self, dy: FloatArray) -> FloatArray:
        return self.activation.backward(self._x, self._y, dy)

    def __repr__(self) -> str:
        return f"Activation({self.activation!r})"


class Dropout(Layer):
    """Keras Dropout(rate), inverted: y = x * keep / (1 - rate), keep ~ Bernoulli(1 - rate).

    Active when training (or mc=True); identity otherwise. The mask is drawn from the generator
    passed to ``build`` (or set later as ``layer.rng``). Backward: dx = dy * keep / (1 - rate).
    """

    def __init__(self, rate: float) -> None:
        super().__init__()
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"Invalid rate: {rate} (must be in [0, 1))")
        self.rate = float(rate)
        self.rng: np.random.Generator | None = None
        self._mask: FloatArray | None = None

    def build(self, input_dim: int, rng: np.random.Generator, dtype: npt.DTypeLike) -> int:
        self.rng = rng
        return super().build(input_dim, rng, dtype)

    def forward(self, x: FloatArray, training: bool = False, mc: bool = False) -> FloatArray:
        if not (training or mc) or self.rate == 0.0:
            self._mask = None
            return x
        if self.rng is None:
            raise ValueError("Invalid Dropout: no rng (call build first)")
        keep = self.rng.random(x.shape, dtype=np.float64) >= self.rate
        self._mask = keep.astype(x.dtype)
        self._mask *= 1.0 / (1.0 - self.rate)
        return x * self._mask

    def backward(self, dy: FloatArray) -> FloatArray:
        if self._mask is None:
            return dy
        return dy * self._mask

    def __repr__(self) -> str:
        return f"Dropout({self.rate:g})"
