"""The Adam family, Keras 3 forms: Adam (optionally AMSGrad), Adamax, Nadam and AdamW."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from app.core.optimizer import Array, Hyper, LearningRate, Optimizer
from app.core.optimizers.bounds import NON_NEGATIVE, UNIT
from app.core.schedules import Value


class Adam(Optimizer):
    """Adam (Kingma & Ba), Keras form, optionally AMSGrad.

    alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    m += (g - m) * (1 - beta_1)
    v += (g**2 - v) * (1 - beta_2)
    amsgrad:  v_hat = max(v_hat, v), used in place of v
    param -= alpha * m / (sqrt(v) + epsilon)
    Epsilon-hat convention: epsilon is added after the bias correction folded into alpha,
    i.e. to sqrt(v) and not to sqrt(v / (1 - beta_2**t)).
    Slots (Keras' variable names): m = momentum, v = velocity, v_hat = velocity_hat.
    """

    bias_correction = True
    """Keras always corrects; the anatomy's "ghost" twins (anatomy.py) switch it off."""
    hyperparameter_names = ("beta_1", "beta_2", "epsilon", "amsgrad")
    bounds = MappingProxyType({"beta_1": UNIT, "beta_2": UNIT, "epsilon": NON_NEGATIVE})
    beta_1: Value
    beta_2: Value
    epsilon: Value
    amsgrad: bool

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: Value = 0.9,
        beta_2: Value = 0.999,
        epsilon: Value = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        self.set_hyperparameters(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad)

    def update_step(self, grad: Array, param: Array, slots: dict[str, Array], lr: Hyper) -> None:
        t = param.dtype.type(self.iterations + 1)
        beta_1 = self._cast(self.beta_1, param)
        beta_2 = self._cast(self.beta_2, param)
        alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) if self.bias_correction else lr
        m = self._slot(slots, "momentum", param)
        v = self._slot(slots, "velocity", param)
        m += (grad - m) * (1 - beta_1)
        v += (grad * grad - v) * (1 - beta_2)
        if self.amsgrad:
            v_hat = self._slot(slots, "velocity_hat", param)
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        param -= m * alpha / (np.sqrt(v) + self._cast(self.epsilon, param))


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm.

    m += (g - m) * (1 - beta_1)
    u = max(beta_2 * u, |g|)
    param -= lr * m / ((1 - beta_1**t) * (u + epsilon))
    Slots (Keras' variable names): m = momentum, u = norm.
    """

    bias_correction = True
    hyperparameter_names = ("beta_1", "beta_2", "epsilon")
    bounds = MappingProxyType({"beta_1": UNIT, "beta_2": UNIT, "epsilon": NON_NEGATIVE})
    beta_1: Value
    beta_2: Value
    epsilon: Value

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: Value = 0.9,
        beta_2: Value = 0.999,
        epsilon: Value = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        self.set_hyperparameters(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)

    def update_step(self, grad: Array, param: Array, slots: dict[str, Array], lr: Hyper) -> None:
        t = param.dtype.type(self.iterations + 1)
        beta_1 = self._cast(self.beta_1, param)
        m = self._slot(slots, "momentum", param)
        u = self._slot(slots, "norm", param)
        m += (grad - m) * (1 - beta_1)
        u[...] = np.maximum(self._cast(self.beta_2, param) * u, np.abs(grad))
        if self.bias_correction:
            param -= lr * m / ((1 - beta_1**t) * (u + self._cast(self.epsilon, param)))
        else:
            param -= lr * m / (u + self._cast(self.epsilon, param))


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum, Keras 3 form with a momentum schedule.

    Once per step, before the per-param updates (u_product starts at 1.0):
        u_t = beta_1 * (1 - 0.5 * 0.96**t);  u_product = u_product * u_t
    Per param:
        u_t_1 = beta_1 * (1 - 0.5 * 0.96**(t + 1));  u_product_t_1 = u_product * u_t_1
        m += (g - m) * (1 - beta_1);  v += (g**2 - v) * (1 - beta_2)
        m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - beta_2**t)
        param -= lr * m_hat / (sqrt(v_hat) + epsilon)
    Keras 3 decays with 0.96**t; Keras 2 / tf.keras used 0.96**(0.004 * t).
    Slots (Keras' variable names): m = momentum, v = velocity.
    Without bias correction (the anatomy's twin, not Keras): m_hat = u_t_1 * m + (1 - u_t) * g,
    v_hat = v.
    """

    bias_correction = True
    hyperparameter_names = ("beta_1", "beta_2", "epsilon")
    bounds = MappingProxyType({"beta_1": UNIT, "beta_2": UNIT, "epsilon": NON_NEGATIVE})
    beta_1: Value
    beta_2: Value
    epsilon: Value

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: Value = 0.9,
        beta_2: Value = 0.999,
        epsilon: Value = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        self.set_hyperparameters(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
        self.u_product: Value = 1.0

    @staticmethod
    def _u(beta_1: Hyper, step: np.floating[Any]) -> Hyper:
        """The momentum schedule u(step) = beta_1 * (1 - 0.5 * 0.96**step)."""
        return beta_1 * (1 - 0.5 * step.dtype.type(0.96) ** step)

    def _begin_step(self, params: Sequence[Array]) -> None:
        dtype = params[0].dtype  # Keras keeps u_product in the first variable's dtype
        beta_1 = np.asarray(self.beta_1, dtype=dtype)
        u_product = np.asarray(self.u_product * self._u(beta_1, dtype.type(self.iterations + 1)))
        self.u_product = float(u_product) if u_product.ndim == 0 else u_product

    def update_step(self, grad: Array, param: Array, slots: dict[str, Array], lr: Hyper) -> None:
        t = param.dtype.type(self.iterations + 1)
        beta_1 = self._cast(self.beta_1, param)
        beta_2 = self._cast(self.beta_2, param)
        u_t = self._u(beta_1, t)
        u_t_1 = self._u(beta_1, t + 1)
        u_product = self._cast(self.u_product, param)
        u_product_t_1 = u_product * u_t_1
        m = self._slot(slots, "momentum", param)
        v = self._slot(slots, "velocity", param)
        m += (grad - m) * (1 - beta_1)
        v += (grad * grad - v) * (1 - beta_2)
        if self.bias_correction:
            m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * grad / (1 - u_product)
            v_hat: Array = v / (1 - beta_2**t)
        else:
            m_hat, v_hat = u_t_1 * m + (1 - u_t) * grad, v
        param -= m_hat * lr / (np.sqrt(v_hat) + self._cast(self.epsilon, param))


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), Keras form.

    param -= param * weight_decay * lr   (in the base class, before the Adam step)
    then the Adam rule of `Adam`, unchanged.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        weight_decay: Value = 0.004,
        beta_1: Value = 0.9,
        beta_2: Value = 0.999,
        epsilon: Value = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        if weight_decay is None:
            raise ValueError("Invalid weight_decay: None (must be >= 0 for AdamW)")
        super().__init__(
            learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay=weight_decay, **kwargs
        )

    def set_hyperparameters(self, **kwargs: Any) -> None:
        if "weight_decay" in kwargs and kwargs["weight_decay"] is None:
            raise ValueError("Invalid weight_decay: None (must be >= 0 for AdamW)")
        super().set_hyperparameters(**kwargs)
