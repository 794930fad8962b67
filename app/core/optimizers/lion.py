"""Lion, the sign-momentum optimizer found by program search (Chen et al. 2023), Keras 3 form."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np

from app.core.bound import Bound
from app.core.optimizer import Array, Hyper, LearningRate, Optimizer
from app.core.optimizers.bounds import UNIT
from app.core.schedules import Value


class Lion(Optimizer):
    """Lion (EvoLved Sign Momentum), ``keras.optimizers.Lion``.

    c = sign(beta_1 * m + (1 - beta_1) * g)
    param -= lr * c
    m = beta_2 * m + (1 - beta_2) * g
    Every coordinate moves by exactly lr (or 0): the gradient's size only matters through m.
    Weight decay, when set, is Keras' decoupled one in the base class (param -= param*wd*lr).
    Keras refuses beta_1 outside (0, 1]: at beta_1 = 0 Lion degenerates to SignSGD.
    Slot (Keras' variable name): m = momentum.
    """

    hyperparameter_names = ("beta_1", "beta_2")
    bounds = MappingProxyType({"beta_1": Bound(gt=0, le=1), "beta_2": UNIT})
    beta_1: Value
    beta_2: Value

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: Value = 0.9,
        beta_2: Value = 0.99,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        self.set_hyperparameters(beta_1=beta_1, beta_2=beta_2)

    def update_step(self, grad: Array, param: Array, slots: dict[str, Array], lr: Hyper) -> None:
        beta_1 = self._cast(self.beta_1, param)
        beta_2 = self._cast(self.beta_2, param)
        m = self._slot(slots, "momentum", param)
        param -= lr * np.sign(m * beta_1 + grad * (1 - beta_1))
        m[...] = m * beta_2 + grad * (1 - beta_2)
