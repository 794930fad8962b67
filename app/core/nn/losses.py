"""Loss functions with Keras 3 names and numerics (``keras.losses``, from_logits=False).

Each loss has ``value(y_pred, y_true) -> float`` (the mean over the batch, Keras'
"sum_over_batch_size" reduction) and ``gradient(y_pred, y_true) -> d value / d y_pred``, which
includes the 1/batch factor. ``y_true`` is cast to ``y_pred``'s dtype; a (n,) target for a (n, 1)
prediction is reshaped. Clipping follows Keras' torch backend, epsilon = 1e-7, and clipped entries
get a zero gradient (as ``torch.clip`` gives).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from app.core.datasets import TASKS, Task
from app.core.nn.activations import FloatArray

EPSILON = 1e-7


def _target(y_pred: FloatArray, y_true: Any) -> FloatArray:
    t = np.asarray(y_true)
    if t.shape != y_pred.shape:
        if t.size != y_pred.size:
            raise ValueError(
                f"Invalid y_true shape: {t.shape} (must match y_pred shape {y_pred.shape})"
            )
        t = t.reshape(y_pred.shape)
    return t.astype(y_pred.dtype, copy=False)


class Loss:
    """Base class: a batch-mean loss of predictions and its gradient."""

    name: ClassVar[str] = ""
    tasks: ClassVar[tuple[Task, ...]] = ()
    """The tasks it suits; the first loss (in ``LOSSES`` order) suiting a task is its default."""
    output_activation: ClassVar[str] = "linear"
    """The output layer's activation it expects (probabilities for the cross-entropies)."""

    def value(self, y_pred: FloatArray, y_true: Any) -> float:
        return self.value_and_gradient(y_pred, y_true)[0]

    def gradient(self, y_pred: FloatArray, y_true: Any) -> FloatArray:
        return self.value_and_gradient(y_pred, y_true)[1]

    def value_and_gradient(self, y_pred: FloatArray, y_true: Any) -> tuple[float, FloatArray]:
        """Both at once, sharing the intermediate arrays (used by ``Sequential.train_step``)."""
        raise NotImplementedError

    def values(self, y_pred: FloatArray, y_true: Any) -> FloatArray:
        """``value`` of each of a stack of predictions (g, n, k) against one target: shape (g,)
        (the loss landscape evaluates many networks on the same data at once)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.name


class BinaryCrossentropy(Loss):
    """Keras binary_crossentropy on probabilities.

    p = clip(y_pred, eps, 1 - eps);  loss = mean(-(y * log(p) + (1 - y) * log(1 - p)))
    d loss / d y_pred = (p - y) / (p * (1 - p)) / y_pred.size, zero where y_pred was clipped.
    """

    name = "binary_crossentropy"
    tasks = ("binary",)
    output_activation = "sigmoid"

    def value(self, y_pred: FloatArray, y_true: Any) -> float:
        y = _target(y_pred, y_true)
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        return float(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)).mean())

    def value_and_gradient(self, y_pred: FloatArray, y_true: Any) -> tuple[float, FloatArray]:
        y = _target(y_pred, y_true)
        p = np.maximum(y_pred, EPSILON)  # np.clip, minus its Python overhead (hot path)
        np.minimum(p, 1.0 - EPSILON, out=p)
        q = 1.0 - p
        terms = y * np.log(p)
        terms += (1.0 - y) * np.log(q)
        value = -float(np.add.reduce(terms, axis=None)) / y_pred.size
        grad = (p - y) / (p * q)
        grad *= (p == y_pred) * (1.0 / y_pred.size)  # clipped entries pass no gradient
        return value, grad

    def values(self, y_pred: FloatArray, y_true: Any) -> FloatArray:
        y = _target(y_pred[0], y_true)
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        return -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)).mean(axis=(1, 2))


class CategoricalCrossentropy(Loss):
    """Keras categorical_crossentropy on probabilities; y_true one-hot (n, k) or integers (n,).

    s = sum(y_pred, axis=-1);  r = y_pred / s;  q = clip(r, eps, 1 - eps)
    loss = mean over rows of -sum(y * log(q), axis=-1)
    g = -y / q / n (zero where clipped);  d loss / d y_pred = (g - sum(g * r, axis=-1)) / s
    Integer labels are one-hot encoded first (the same numbers as Keras' categorical form).
    """

    name = "categorical_crossentropy"
    tasks = ("multiclass",)
    output_activation = "softmax"

    @staticmethod
    def _one_hot(y_pred: FloatArray, y_true: Any) -> FloatArray:
        t = np.asarray(y_true)
        if t.ndim == 1 and y_pred.ndim == 2 and np.issubdtype(t.dtype, np.integer):
            one_hot = np.zeros_like(y_pred)
            one_hot[np.arange(t.shape[0]), t] = 1.0
            return one_hot
        return _target(y_pred, t)

    def value(self, y_pred: FloatArray, y_true: Any) -> float:
        y = self._one_hot(y_pred, y_true)
        q = np.clip(y_pred / y_pred.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
        return float(-(y * np.log(q)).sum(axis=-1).mean())

    def value_and_gradient(self, y_pred: FloatArray, y_true: Any) -> tuple[float, FloatArray]:
        y = self._one_hot(y_pred, y_true)
        s = y_pred.sum(axis=-1, keepdims=True)
        r = y_pred / s
        q = np.clip(r, EPSILON, 1.0 - EPSILON)
        value = float(-(y * np.log(q)).sum(axis=-1).mean())
        g = y / q
        g *= -1.0 / y_pred.shape[0]
        g[q != r] = 0.0
        grad = (g - (g * r).sum(axis=-1, keepdims=True)) / s
        return value, grad

    def values(self, y_pred: FloatArray, y_true: Any) -> FloatArray:
        y = self._one_hot(y_pred[0], y_true)
        q = np.clip(y_pred / y_pred.sum(axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)
        return -(y * np.log(q)).sum(axis=-1).mean(axis=-1)


class MeanSquaredError(Loss):
    """Keras mean_squared_error: loss = mean((y_pred - y)**2);  grad = 2 * (y_pred - y) / size."""

    name = "mean_squared_error"
    tasks = ("binary", "regression")

    def value(self, y_pred: FloatArray, y_true: Any) -> float:
        d = y_pred - _target(y_pred, y_true)
        return float((d * d).mean())

    def value_and_gradient(self, y_pred: FloatArray, y_true: Any) -> tuple[float, FloatArray]:
        d = y_pred - _target(y_pred, y_true)
        value = float((d * d).mean())
        d *= 2.0 / y_pred.size
        return value, d

    def values(self, y_pred: FloatArray, y_true: Any) -> FloatArray:
        d = y_pred - _target(y_pred[0], y_true)
        return (d * d).mean(axis=(1, 2))


LOSSES: dict[str, type[Loss]] = {
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
}


NOT_OFFERED: dict[str, str] = {"mse": "an alias: Keras' short name for mean_squared_error"}
"""Registry names the menus leave out, each with its reason."""
OFFERED_LOSSES: tuple[str, ...] = tuple(n for n in LOSSES if n not in NOT_OFFERED)
"""What an experiment may choose (the schema's ``LossName``)."""
LOSSES_FOR_TASK: Mapping[str, tuple[str, ...]] = MappingProxyType({
    task: tuple(n for n in OFFERED_LOSSES if task in LOSSES[n].tasks) for task in TASKS})
"""Task -> the losses that suit it, its default first."""


def make_loss(spec: str | Loss) -> Loss:
    """A loss from its Keras name or an instance."""
    if isinstance(spec, Loss):
        return spec
    if spec not in LOSSES:
        raise ValueError(f"Invalid loss: {spec!r} (must be one of {sorted(LOSSES)})")
    return LOSSES[spec]()
