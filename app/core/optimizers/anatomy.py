"""What one update is made of, for the anatomy panel, and the Adam family without bias
correction (the "ghost" path: not Keras, a what-if for the lecture).

``parts(optimizer, grad, lr)``, called right after ``optimizer.apply`` on one param, names the
pieces of the update it just made, in parameter units where they are displacements:

- ``moment``: the first moment or velocity as a displacement (SGD's ``m``; RMSprop's momentum
  buffer, negated; −lr·m̂ for the Adam family; −lr·m for Lion);
- ``scale``: the adaptive per-axis factor the step is multiplied by (1/√(acc + ε) for
  Adagrad, 1/√(v + ε) for RMSprop, √(1 − β₂ᵗ)/(√v + ε) = 1/(√v̂ + ε̂) for Adam, …);
- ``m_hat``, ``v_hat``: the bias-corrected moments of Adam, AdamW, Adamax (m̂ only) and Nadam.

With no weight decay, ``moment * scale`` is the update for Adam, AdamW, Adamax and Nadam, and
``-lr * g * scale`` for Adagrad and plain RMSprop (the tests check these identities).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from app.core.optimizer import Array, Optimizer
from app.core.optimizers.adam import Adam, Adamax, AdamW, Nadam
from app.core.optimizers.adaptive import Adagrad, RMSprop
from app.core.optimizers.lion import Lion
from app.core.optimizers.sgd import SGD


def _t(optimizer: Optimizer) -> float:
    """t of the update just made (``iterations`` was incremented by it)."""
    return float(optimizer.iterations)


def parts(optimizer: Optimizer, grad: Array, lr: float) -> dict[str, Array]:
    """The named pieces of the update ``optimizer`` just made on its first param."""
    slots = optimizer.slot_values()
    t = _t(optimizer)
    out: dict[str, Array] = {}
    if isinstance(optimizer, Nadam):
        beta_1, beta_2 = float(optimizer.beta_1), float(optimizer.beta_2)
        u_t = beta_1 * (1 - 0.5 * 0.96**t)
        u_t_1 = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        u_product = float(optimizer.u_product)
        m, v = slots["momentum"], slots["velocity"]
        m_hat = u_t_1 * m / (1 - u_product * u_t_1) + (1 - u_t) * grad / (1 - u_product)
        v_hat = v / (1 - beta_2**t)
        out |= {"m_hat": m_hat, "v_hat": v_hat, "moment": -lr * m_hat,
                "scale": 1 / (np.sqrt(v_hat) + float(optimizer.epsilon))}
    elif isinstance(optimizer, Adam):  # AdamW too
        beta_1, beta_2 = float(optimizer.beta_1), float(optimizer.beta_2)
        m = slots["momentum"]
        v = slots["velocity_hat"] if optimizer.amsgrad else slots["velocity"]
        m_hat = m / (1 - beta_1**t)
        correction = np.sqrt(1 - beta_2**t)
        out |= {"m_hat": m_hat, "v_hat": v / (1 - beta_2**t), "moment": -lr * m_hat,
                "scale": correction / (np.sqrt(v) + float(optimizer.epsilon))}
    elif isinstance(optimizer, Adamax):
        m_hat = slots["momentum"] / (1 - float(optimizer.beta_1) ** t)
        out |= {"m_hat": m_hat, "moment": -lr * m_hat,
                "scale": 1 / (slots["norm"] + float(optimizer.epsilon))}
    elif isinstance(optimizer, Adagrad):
        out["scale"] = 1 / np.sqrt(slots["accumulator"] + float(optimizer.epsilon))
    elif isinstance(optimizer, RMSprop):
        denom = slots["velocity"] + float(optimizer.epsilon)
        if "average_gradient" in slots:
            denom = denom - slots["average_gradient"] ** 2
        out["scale"] = 1 / np.sqrt(denom)
        if "momentum" in slots:
            out["moment"] = -slots["momentum"]
    elif isinstance(optimizer, SGD):
        if "momentum" in slots:
            out["moment"] = slots["momentum"]
    elif isinstance(optimizer, Lion):
        out["moment"] = -lr * slots["momentum"]
    return out


class AdamWithoutCorrection(Adam):
    """Adam without bias correction (not Keras): θ ← θ − lr·m / (√v + ε)."""

    bias_correction = False


class AdamWWithoutCorrection(AdamW):
    """AdamW without bias correction (not Keras)."""

    bias_correction = False


class AdamaxWithoutCorrection(Adamax):
    """Adamax without bias correction (not Keras): θ ← θ − lr·m / (u + ε)."""

    bias_correction = False


class NadamWithoutCorrection(Nadam):
    """Nadam without bias correction (not Keras): m̂ = μₜ₊₁·m + (1 − μₜ)·g, v̂ = v."""

    bias_correction = False


WITHOUT_CORRECTION: Mapping[type[Optimizer], type[Optimizer]] = MappingProxyType({
    Adam: AdamWithoutCorrection, AdamW: AdamWWithoutCorrection,
    Adamax: AdamaxWithoutCorrection, Nadam: NadamWithoutCorrection,
})
"""The optimizers Keras bias-corrects, and each one's uncorrected twin."""


def has_bias_correction(optimizer: Optimizer) -> bool:
    return type(optimizer) in WITHOUT_CORRECTION


def without_bias_correction(optimizer: Optimizer) -> Optimizer:
    """A fresh twin of ``optimizer`` (same config) that skips the bias correction; ValueError
    for an optimizer Keras does not bias-correct."""
    twin = WITHOUT_CORRECTION.get(type(optimizer))
    if twin is None:
        raise ValueError(f"{type(optimizer).__name__} has no bias correction")
    return twin.from_config(optimizer.get_config())
