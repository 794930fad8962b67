"""The optimization algorithms, with Keras 3 update rules and defaults (`keras.optimizers.*`).

In every rule: g is the (clipped) gradient, lr the learning rate of this step, t = iterations + 1
(1 at the first update). Clipping and decoupled weight decay are done by the base class before
`update_step`. Every hyperparameter may be a float or an array of per-run values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from app.core.optimizer import Array, Hyper, LearningRate, Optimizer
from app.core.schedules import Value


def _is_zero(value: Value) -> bool:
    return not isinstance(value, np.ndarray) and value == 0.0


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Keras-form) momentum and Nesterov.

    momentum == 0:  param -= lr * g
    otherwise:      m = momentum * m - lr * g
                    nesterov:  param += momentum * m - lr * g
                    else:      param += m
    Keras' Nesterov form: the step looks ahead with the *updated* velocity m.
    """

    hyperparameter_names = ("momentum", "nesterov")
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
        if _is_zero(self.momentum):  # Keras creates no momentum slot for momentum == 0
            param -= grad * lr
            return
        momentum = self._cast(self.momentum, param)
        m = self._slot(slots, "m", param)
        m[...] = m * momentum - grad * lr
        if self.nesterov:
            param += m * momentum - grad * lr
        else:
            param += m


class Adagrad(Optimizer):
    """Adagrad: per-coordinate rates shrinking with the sum of squared gradients.

    acc = initial_accumulator_value (at the first step)
    acc += g * g
    param -= lr * g / sqrt(acc + epsilon)
    """

    hyperparameter_names = ("initial_accumulator_value", "epsilon")
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
        acc = self._slot(slots, "acc", param, self._cast(self.initial_accumulator_value, param))
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
    """

    hyperparameter_names = ("rho", "momentum", "epsilon", "centered")
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
        v = self._slot(slots, "v", param)
        v[...] = rho * v + (1 - rho) * (grad * grad)
        if self.centered:
            a = self._slot(slots, "a", param)
            a[...] = rho * a + (1 - rho) * grad
            denom = v - a * a + epsilon
        else:
            denom = v + epsilon
        inc = lr * grad / np.sqrt(denom)
        if _is_zero(self.momentum):
            param -= inc
            return
        buf = self._slot(slots, "buf", param)
        buf[...] = self._cast(self.momentum, param) * buf + inc
        param -= buf


class Adam(Optimizer):
    """Adam (Kingma & Ba), Keras form, optionally AMSGrad.

    alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    m += (g - m) * (1 - beta_1)
    v += (g**2 - v) * (1 - beta_2)
    amsgrad:  v_hat = max(v_hat, v), used in place of v
    param -= alpha * m / (sqrt(v) + epsilon)
    Epsilon-hat convention: epsilon is added after the bias correction folded into alpha,
    i.e. to sqrt(v) and not to sqrt(v / (1 - beta_2**t)).
    """

    hyperparameter_names = ("beta_1", "beta_2", "epsilon", "amsgrad")
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
        alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m = self._slot(slots, "m", param)
        v = self._slot(slots, "v", param)
        m += (grad - m) * (1 - beta_1)
        v += (grad * grad - v) * (1 - beta_2)
        if self.amsgrad:
            v_hat = self._slot(slots, "v_hat", param)
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        param -= m * alpha / (np.sqrt(v) + self._cast(self.epsilon, param))


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm.

    m += (g - m) * (1 - beta_1)
    u = max(beta_2 * u, |g|)
    param -= lr * m / ((1 - beta_1**t) * (u + epsilon))
    """

    hyperparameter_names = ("beta_1", "beta_2", "epsilon")
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
        m = self._slot(slots, "m", param)
        u = self._slot(slots, "u", param)
        m += (grad - m) * (1 - beta_1)
        u[...] = np.maximum(self._cast(self.beta_2, param) * u, np.abs(grad))
        param -= lr * m / ((1 - beta_1**t) * (u + self._cast(self.epsilon, param)))


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
    """

    hyperparameter_names = ("beta_1", "beta_2", "epsilon")
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
        m = self._slot(slots, "m", param)
        v = self._slot(slots, "v", param)
        m += (grad - m) * (1 - beta_1)
        v += (grad * grad - v) * (1 - beta_2)
        m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * grad / (1 - u_product)
        v_hat = v / (1 - beta_2**t)
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


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": SGD,
    "momentum": partial(SGD, momentum=0.9),
    "nesterov": partial(SGD, momentum=0.9, nesterov=True),
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamax": Adamax,
    "nadam": Nadam,
    "adamw": AdamW,
}
"""Registry name -> factory; the page's menu is built from it."""

KERAS_CLASS: dict[str, str] = {
    "sgd": "SGD",
    "momentum": "SGD",
    "nesterov": "SGD",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamax": "Adamax",
    "nadam": "Nadam",
    "adamw": "AdamW",
}
"""Registry name -> the keras.optimizers class it reproduces."""


def _defaults(name: str) -> dict[str, float | bool | None]:
    config = OPTIMIZERS[name]().get_config()
    return {
        k: v
        for k, v in config.items()
        if k not in ("clipnorm", "clipvalue", "global_clipnorm", "run_axes")
    }


DEFAULTS: dict[str, dict[str, float | bool | None]] = {name: _defaults(name) for name in OPTIMIZERS}
"""Registry name -> Keras default of each hyperparameter it takes (presets applied, no clips)."""

_ADAM_RULE = """\
α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
m ← m + (1 − β₁)·(g − m)
v ← v + (1 − β₂)·(g² − v)
θ ← θ − α·m / (√v + ε)"""

UPDATE_RULES: dict[str, str] = {
    "sgd": "θ ← θ − η·g",
    "momentum": "m ← μ·m − η·g\nθ ← θ + m",
    "nesterov": "m ← μ·m − η·g\nθ ← θ + μ·m − η·g",
    "adagrad": "s ← s + g²   (s₀ = 0.1)\nθ ← θ − η·g / √(s + ε)",
    "rmsprop": "v ← ρ·v + (1 − ρ)·g²\nθ ← θ − η·g / √(v + ε)",
    "adam": _ADAM_RULE,
    "adamax": "m ← m + (1 − β₁)·(g − m)\nu ← max(β₂·u, |g|)\nθ ← θ − η·m / ((1 − β₁ᵗ)·(u + ε))",
    "nadam": (
        "μₜ = β₁·(1 − ½·0.96ᵗ),  Πₜ = μ₁·…·μₜ\n"
        "m ← m + (1 − β₁)·(g − m),  v ← v + (1 − β₂)·(g² − v)\n"
        "m̂ = μₜ₊₁·m / (1 − Πₜ·μₜ₊₁) + (1 − μₜ)·g / (1 − Πₜ),  v̂ = v / (1 − β₂ᵗ)\n"
        "θ ← θ − η·m̂ / (√v̂ + ε)"
    ),
    "adamw": "θ ← θ − η·λ·θ   (decoupled weight decay)\n" + _ADAM_RULE,
}
"""Registry name -> update rule as plain-text lines (g gradient, η learning rate, t step)."""
