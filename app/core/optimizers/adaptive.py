"""Per-coordinate learning rates from the squared gradients: Adagrad and RMSprop (Keras 3)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np

from app.core.optimizer import Array, Hyper, LearningRate, Optimizer
from app.core.optimizers.bounds import NON_NEGATIVE, UNIT, UNIT_CLOSED
from app.core.optimizers.sgd import is_zero
from app.core.schedules import Value


class Adagrad(Optimizer):
    """Adagrad: per-coordinate rates shrinking with the sum of squared gradients.

    acc = initial_accumulator_value (at the first step)
    acc += g * g
    param -= lr * g / sqrt(acc + epsilon)
    Slot (Keras' variable name): acc = accumulator.
    """

    hyperparameter_names = ("initial_accumulator_value", "epsilon")
    bounds = MappingProxyType({"initial_accumulator_value": NON_NEGATIVE, "epsilon": NON_NEGATIVE})
    initial_accumulator_value: Value
    epsilon: Value

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        initial_accumulator_value: Value = 0.1,
        epsilon: Value = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        self.set_hyperparameters(
            initial_accumulator_value=initial_accumulator_value, epsilon=epsilon
        )

    def update_step(self, grad: Array, param: Array, slots: dict[str, Array], lr: Hyper) -> None:
        acc = self._slot(slots, "accumulator", param,
                         self._cast(self.initial_accumulator_value, param))
        acc += grad * grad
        param -= lr * grad / np.sqrt(acc + self._cast(self.epsilon, param))


class RMSprop(Optimizer):
    """RMSprop, optionally centered and with momentum (Keras form).

    v = rho * v + (1 - rho) * g**2
    centered:  a = rho * a + (1 - rho) * g;  denom = v - a**2 + epsilon
    else:      denom = v + epsilon
    inc = lr * g / sqrt(denom)
    momentum > 0:  buf = momentum * buf + inc;  param -= buf
    else:          param -= inc
    Slots (Keras' variable names): v = velocity, a = average_gradient, buf = momentum.
    """

    hyperparameter_names = ("rho", "momentum", "epsilon", "centered")
    bounds = MappingProxyType({"rho": UNIT, "momentum": UNIT_CLOSED, "epsilon": NON_NEGATIVE})
    rho: Value
    momentum: Value
    epsilon: Value
    centered: bool

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        rho: Value = 0.9,
        momentum: Value = 0.0,
        epsilon: Value = 1e-7,
        centered: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        self.set_hyperparameters(rho=rho, momentum=momentum, epsilon=epsilon, centered=centered)

    def update_step(self, grad: Array, param: Array, slots: dict[str, Array], lr: Hyper) -> None:
        rho = self._cast(self.rho, param)
        epsilon = self._cast(self.epsilon, param)
        v = self._slot(slots, "velocity", param)
        v[...] = rho * v + (1 - rho) * (grad * grad)
        if self.centered:
            a = self._slot(slots, "average_gradient", param)
            a[...] = rho * a + (1 - rho) * grad
            denom = v - a * a + epsilon
        else:
            denom = v + epsilon
        inc = lr * grad / np.sqrt(denom)
        if is_zero(self.momentum):
            param -= inc
            return
        buf = self._slot(slots, "momentum", param)
        buf[...] = self._cast(self.momentum, param) * buf + inc
        param -= buf
