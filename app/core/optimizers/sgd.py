"""Stochastic gradient descent with Keras' momentum and Nesterov forms (``keras.optimizers.SGD``).

In every rule of this package: g is the (clipped) gradient, lr the learning rate of this step,
t = iterations + 1 (1 at the first update). Clipping and decoupled weight decay are done by the
base class before `update_step`. Every hyperparameter may be a float or an array of per-run values.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np

from app.core.optimizer import Array, Hyper, LearningRate, Optimizer
from app.core.optimizers.bounds import UNIT_CLOSED
from app.core.schedules import Value


def is_zero(value: Value) -> bool:
    """A scalar hyperparameter equal to 0 (Keras skips the slot then); arrays never are."""
    return not isinstance(value, np.ndarray) and value == 0.0


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Keras-form) momentum and Nesterov.

    momentum == 0:  param -= lr * g
    otherwise:      m = momentum * m - lr * g
                    nesterov:  param += momentum * m - lr * g
                    else:      param += m
    Keras' Nesterov form: the step looks ahead with the *updated* velocity m.
    Slot (Keras' variable name): m = momentum (none when momentum == 0, as in Keras).
    """

    hyperparameter_names = ("momentum", "nesterov")
    bounds = MappingProxyType({"momentum": UNIT_CLOSED})
    momentum: Value
    nesterov: bool

    def __init__(
        self,
        learning_rate: LearningRate = 0.01,
        momentum: Value = 0.0,
        nesterov: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        self.set_hyperparameters(momentum=momentum, nesterov=nesterov)

    def update_step(self, grad: Array, param: Array, slots: dict[str, Array], lr: Hyper) -> None:
        if is_zero(self.momentum):  # Keras creates no momentum slot for momentum == 0
            param -= grad * lr
            return
        momentum = self._cast(self.momentum, param)
        m = self._slot(slots, "momentum", param)
        m[...] = m * momentum - grad * lr
        if self.nesterov:
            param += m * momentum - grad * lr
        else:
            param += m
