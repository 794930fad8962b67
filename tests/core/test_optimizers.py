"""Tests of each algorithm against hand-worked Keras update rules, batches of runs and validation.

Every expected number below is worked from the Keras formula by hand (written out inline), with
the gradients G1 then G2 applied to P0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy import sqrt

from app.core.optimizer import Optimizer
from app.core.optimizers import (
    DEFAULTS,
    KERAS_CLASS,
    OPTIMIZERS,
    SGD,
    UPDATE_RULES,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Nadam,
    RMSprop,
)
from app.core.schedules import PiecewiseConstantDecay

P0 = np.array([0.5, 1.0])
G1 = np.array([1.0, -2.0])
G2 = np.array([0.5, 1.0])
EPS = 1e-7


def _steps(opt: Optimizer, *grads: np.ndarray) -> list[np.ndarray]:
    p = P0.copy()
    out = []
    for g in grads:
        opt.apply([g], [p])
        out.append(p.copy())
    return out


def test_sgd_two_steps() -> None:
    p1, p2 = _steps(SGD(learning_rate=0.1), G1, G2)
    np.testing.assert_allclose(p1, [0.5 - 0.1, 1.0 + 0.2])
    np.testing.assert_allclose(p2, [0.4 - 0.05, 1.2 - 0.1])


def test_sgd_momentum_two_steps() -> None:
    # m1 = -0.1*G1 = [-0.1, 0.2];  m2 = 0.9*m1 - 0.1*G2 = [-0.14, 0.08]
    p1, p2 = _steps(SGD(learning_rate=0.1, momentum=0.9), G1, G2)
    np.testing.assert_allclose(p1, [0.5 - 0.1, 1.0 + 0.2])
    np.testing.assert_allclose(p2, [0.4 - 0.14, 1.2 + 0.08])


def test_sgd_nesterov_two_steps() -> None:
    # p += 0.9*m - 0.1*g:  step 1 [-0.09 - 0.1, 0.18 + 0.2];  step 2 [-0.126 - 0.05, 0.072 - 0.1]
    p1, p2 = _steps(SGD(learning_rate=0.1, momentum=0.9, nesterov=True), G1, G2)
    np.testing.assert_allclose(p1, [0.5 - 0.19, 1.0 + 0.38])
    np.testing.assert_allclose(p2, [0.31 - 0.176, 1.38 - 0.028])


def test_adagrad_two_steps() -> None:
    # acc1 = 0.1 + G1**2 = [1.1, 4.1];  acc2 = acc1 + G2**2 = [1.35, 5.1]
    p1, p2 = _steps(Adagrad(learning_rate=0.1), G1, G2)
    np.testing.assert_allclose(p1, [0.5 - 0.1 / sqrt(1.1 + EPS), 1.0 + 0.2 / sqrt(4.1 + EPS)])
    np.testing.assert_allclose(p2, [p1[0] - 0.05 / sqrt(1.35 + EPS), p1[1] - 0.1 / sqrt(5.1 + EPS)])


def test_adagrad_initial_accumulator_value() -> None:
    (p1,) = _steps(Adagrad(learning_rate=0.1, initial_accumulator_value=3.0, epsilon=0.0), G1)
    np.testing.assert_allclose(p1, [0.5 - 0.1 / 2.0, 1.0 + 0.2 / sqrt(7.0)])


def test_rmsprop_two_steps() -> None:
    # v1 = 0.1*G1**2 = [0.1, 0.4];  v2 = 0.9*v1 + 0.1*G2**2 = [0.115, 0.46]
    p1, p2 = _steps(RMSprop(learning_rate=0.01), G1, G2)
    np.testing.assert_allclose(p1, [0.5 - 0.01 / sqrt(0.1 + EPS), 1.0 + 0.02 / sqrt(0.4 + EPS)])
    np.testing.assert_allclose(
        p2, [p1[0] - 0.005 / sqrt(0.115 + EPS), p1[1] - 0.01 / sqrt(0.46 + EPS)]
    )


def test_rmsprop_centered_with_momentum_two_steps() -> None:
    # v1 = [0.1, 0.4], a1 = 0.1*G1 = [0.1, -0.2], denom1 = v1 - a1**2 + eps = [0.09, 0.36] + eps
    # inc1 = 0.01*G1/sqrt(denom1); buf1 = inc1
    # v2 = [0.115, 0.46], a2 = 0.9*a1 + 0.1*G2 = [0.14, -0.08], denom2 = [0.0954, 0.4536] + eps
    # buf2 = 0.5*buf1 + 0.01*G2/sqrt(denom2)
    opt = RMSprop(learning_rate=0.01, momentum=0.5, centered=True)
    p1, p2 = _steps(opt, G1, G2)
    buf1 = np.array([0.01 / sqrt(0.09 + EPS), -0.02 / sqrt(0.36 + EPS)])
    buf2 = 0.5 * buf1 + np.array([0.005 / sqrt(0.0954 + EPS), 0.01 / sqrt(0.4536 + EPS)])
    np.testing.assert_allclose(p1, P0 - buf1)
    np.testing.assert_allclose(p2, P0 - buf1 - buf2)


def test_adam_two_steps() -> None:
    # t=1: m = 0.1*G1 = [0.1, -0.2], v = 0.001*G1**2 = [0.001, 0.004],
    #      alpha = 0.1*sqrt(1 - 0.999)/(1 - 0.9) = sqrt(0.001)
    # t=2: m = 0.9*m + 0.1*G2 = [0.14, -0.08], v = 0.999*v + 0.001*G2**2 = [0.001249, 0.004996],
    #      alpha = 0.1*sqrt(1 - 0.999**2)/(1 - 0.81)
    p1, p2 = _steps(Adam(learning_rate=0.1), G1, G2)
    a1 = sqrt(0.001)
    np.testing.assert_allclose(
        p1, [0.5 - a1 * 0.1 / (sqrt(0.001) + EPS), 1.0 + a1 * 0.2 / (sqrt(0.004) + EPS)]
    )
    a2 = 0.1 * sqrt(1 - 0.998001) / 0.19
    np.testing.assert_allclose(
        p2,
        [p1[0] - a2 * 0.14 / (sqrt(0.001249) + EPS), p1[1] + a2 * 0.08 / (sqrt(0.004996) + EPS)],
    )


def test_adam_amsgrad_keeps_the_largest_v() -> None:
    # G = [10] then [0]: v1 = 0.1, v2 = 0.0999 < v_hat = 0.1; m2 = 0.9*1.0 = 0.9
    opt = Adam(learning_rate=0.1, amsgrad=True)
    p = np.zeros(1)
    opt.apply([np.array([10.0])], [p])
    p1 = p.copy()
    opt.apply([np.array([0.0])], [p])
    a2 = 0.1 * sqrt(1 - 0.999**2) / (1 - 0.9**2)
    np.testing.assert_allclose(p, p1 - a2 * 0.9 / (sqrt(0.1) + EPS))
    plain = Adam(learning_rate=0.1)
    q = np.zeros(1)
    plain.apply([np.array([10.0])], [q])
    plain.apply([np.array([0.0])], [q])
    np.testing.assert_allclose(q, p1 - a2 * 0.9 / (sqrt(0.0999) + EPS))


def test_adamax_two_steps() -> None:
    # t=1: m = [0.1, -0.2], u = |G1| = [1, 2]
    # t=2: m = [0.14, -0.08], u = max(0.999*u, |G2|) = [0.999, 1.998]
    p1, p2 = _steps(Adamax(learning_rate=0.1), G1, G2)
    np.testing.assert_allclose(
        p1, [0.5 - 0.1 * 0.1 / (0.1 * (1 + EPS)), 1.0 + 0.1 * 0.2 / (0.1 * (2 + EPS))]
    )
    np.testing.assert_allclose(
        p2,
        [p1[0] - 0.1 * 0.14 / (0.19 * (0.999 + EPS)), p1[1] + 0.1 * 0.08 / (0.19 * (1.998 + EPS))],
    )


def test_nadam_two_steps() -> None:
    # Keras 3: u(t) = 0.9*(1 - 0.5*0.96**t); u_product accumulates u(1), u(2), ...
    u1, u2, u3 = 0.9 * 0.52, 0.9 * (1 - 0.5 * 0.9216), 0.9 * (1 - 0.5 * 0.884736)
    # t=1: m = [0.1, -0.2], v_hat = v/(1 - 0.999) = G1**2 = [1, 4]
    m_hat1 = u2 * np.array([0.1, -0.2]) / (1 - u1 * u2) + (1 - u1) * G1 / (1 - u1)
    # t=2: m = [0.14, -0.08], v = [0.001249, 0.004996], v_hat = v/(1 - 0.999**2)
    m_hat2 = u3 * np.array([0.14, -0.08]) / (1 - u1 * u2 * u3) + (1 - u2) * G2 / (1 - u1 * u2)
    v_hat2 = np.array([0.001249, 0.004996]) / (1 - 0.998001)
    p1, p2 = _steps(Nadam(learning_rate=0.1), G1, G2)
    np.testing.assert_allclose(p1, P0 - 0.1 * m_hat1 / (np.array([1.0, 2.0]) + EPS))
    np.testing.assert_allclose(p2, p1 - 0.1 * m_hat2 / (sqrt(v_hat2) + EPS))


def test_nadam_u_product_is_advanced_once_per_step_for_several_params() -> None:
    opt = Nadam()
    params = [np.zeros(2), np.zeros(3)]
    opt.apply([np.ones(2), np.ones(3)], params)
    assert opt.u_product == pytest.approx(0.9 * 0.52)
    # one param of the two gets the same update as a lone param (u_product shared, not doubled)
    lone = np.zeros(2)
    Nadam().apply([np.ones(2)], [lone])
    np.testing.assert_array_equal(params[0], lone)


def test_adamw_decays_before_the_adam_step() -> None:
    # p' = P0 - P0*0.004*0.1, then the Adam step of test_adam_two_steps
    (p1,) = _steps(AdamW(learning_rate=0.1), G1)
    decayed = P0 * (1 - 0.0004)
    a1 = sqrt(0.001)
    np.testing.assert_allclose(
        p1, decayed - a1 * np.array([0.1, -0.2]) / (sqrt([0.001, 0.004]) + EPS)
    )


def test_weight_decay_on_sgd_with_zero_gradient() -> None:
    (p1, p2) = _steps(SGD(learning_rate=0.1, weight_decay=0.2), np.zeros(2), np.zeros(2))
    np.testing.assert_allclose(p1, P0 * 0.98)
    np.testing.assert_allclose(p2, P0 * 0.98**2)


def test_adamw_requires_weight_decay() -> None:
    with pytest.raises(ValueError, match="Invalid weight_decay: None"):
        AdamW(weight_decay=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Invalid weight_decay: None"):
        AdamW().set_hyperparameters(weight_decay=None)


# --------------------------------------------------------------------- batches of runs

# per registry name: a per-run hyperparameter (besides the learning rate) to sweep
SWEPT: dict[str, tuple[str, list[float]]] = {
    "sgd": ("weight_decay", [0.0, 0.1, 0.5, 1.0]),
    "momentum": ("momentum", [0.0, 0.5, 0.9, 0.99]),
    "nesterov": ("momentum", [0.0, 0.5, 0.9, 0.99]),
    "adagrad": ("initial_accumulator_value", [0.0, 0.1, 1.0, 5.0]),
    "rmsprop": ("rho", [0.0, 0.5, 0.9, 0.99]),
    "adam": ("beta_1", [0.0, 0.5, 0.9, 0.99]),
    "adamax": ("beta_2", [0.0, 0.5, 0.9, 0.999]),
    "nadam": ("beta_1", [0.0, 0.5, 0.9, 0.99]),
    "adamw": ("weight_decay", [0.0, 0.01, 0.1, 1.0]),
    "lion": ("beta_1", [0.1, 0.5, 0.9, 1.0]),
}
LRS = [0.001, 0.01, 0.05, 0.1]


def _quadratic_grad(p: np.ndarray) -> np.ndarray:
    """Gradient of the ill-conditioned quadratic sum((1, 10, 100) * p**2) / 2 (last axis)."""
    return np.array([1.0, 10.0, 100.0]) * p


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("clip", [{}, {"clipnorm": 1.0}, {"global_clipnorm": 2.0}])
def test_batch_of_runs_equals_a_loop_of_single_runs(name: str, clip: dict[str, float]) -> None:
    hyper, values = SWEPT[name]
    start = np.array([1.0, -1.0, 0.5])
    batch = np.tile(start, (4, 1))
    opt = OPTIMIZERS[name].factory(
        learning_rate=np.array(LRS)[:, None], run_axes=1, **{hyper: np.array(values)}, **clip
    )
    for _ in range(25):
        opt.apply([_quadratic_grad(batch)], [batch])
    for r in range(4):
        single = OPTIMIZERS[name].factory(learning_rate=LRS[r], **{hyper: values[r]}, **clip)
        p = start.copy()
        for _ in range(25):
            single.apply([_quadratic_grad(p)], [p])
        np.testing.assert_allclose(batch[r], p, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_float32_params_stay_float32(name: str) -> None:
    opt = OPTIMIZERS[name].factory(learning_rate=np.array([0.01, 0.02]), weight_decay=0.01)
    params = [np.ones(2, dtype=np.float32), np.full((3, 2), 0.5, dtype=np.float32)]
    for _ in range(3):
        opt.apply([np.ones(2), np.ones((3, 2), dtype=np.float32)], params)
    assert all(p.dtype == np.float32 for p in params)
    assert all(s.dtype == np.float32 for slots in opt._slots or [] for s in slots.values())
    assert all(np.isfinite(p).all() for p in params)


def test_float32_matches_float64_to_float32_precision() -> None:
    p32, p64 = P0.astype(np.float32), P0.copy()
    a, b = Adam(learning_rate=0.1), Adam(learning_rate=0.1)
    for g in (G1, G2, G1):
        a.apply([g], [p32])
        b.apply([g], [p64])
    np.testing.assert_allclose(p32, p64, rtol=1e-6)


# --------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("factory", "kwargs", "message"),
    [
        (SGD, {"learning_rate": -1.0}, r"Invalid learning_rate: -1.0 \(must be > 0\)"),
        (SGD, {"momentum": 1.5}, r"Invalid momentum: 1.5 \(must be in \[0, 1\]\)"),
        (SGD, {"momentum": np.array([0.5, -0.1])}, r"Invalid momentum: -0.1"),
        (SGD, {"nesterov": 1}, r"Invalid nesterov: 1 \(must be a bool\)"),
        (Adagrad, {"initial_accumulator_value": -1.0}, r"Invalid initial_accumulator_value"),
        (Adagrad, {"epsilon": -1e-7}, r"Invalid epsilon: -1e-07 \(must be >= 0\)"),
        (RMSprop, {"rho": 1.0}, r"Invalid rho: 1.0 \(must be in \[0, 1\)\)"),
        (RMSprop, {"centered": "yes"}, r"Invalid centered: 'yes'"),
        (Adam, {"beta_1": 1.5}, r"Invalid beta_1: 1.5 \(must be in \[0, 1\)\)"),
        (Adam, {"beta_2": -0.5}, r"Invalid beta_2: -0.5"),
        (Adam, {"beta_1": np.array([[0.9], [np.nan]])}, r"Invalid beta_1: nan"),
        (Adamax, {"beta_2": 1.0}, r"Invalid beta_2: 1.0"),
        (Nadam, {"epsilon": True}, r"Invalid epsilon: True"),
        (AdamW, {"weight_decay": -0.004}, r"Invalid weight_decay: -0.004 \(must be >= 0\)"),
    ],
)
def test_invalid_hyperparameters_raise(
    factory: Callable[..., Optimizer], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        factory(**kwargs)


# --------------------------------------------------------------------- set_hyperparameters


def test_set_hyperparameters_keeps_slots_and_iterations() -> None:
    """Changing lr after 5 steps equals a piecewise schedule switching at step 5."""
    switched, scheduled = Adam(learning_rate=0.1), Adam(PiecewiseConstantDecay([4], [0.1, 0.02]))
    p, q = P0.copy(), P0.copy()
    grads = [G1, G2, G1 * 0.3, -G2, G1, G2, G1 * 2, G2, G1, -G1]
    for i, g in enumerate(grads):
        if i == 5:
            assert switched.iterations == 5
            switched.set_hyperparameters(learning_rate=0.02)
        switched.apply([g], [p])
        scheduled.apply([g], [q])
    np.testing.assert_allclose(p, q, rtol=1e-14)


def test_set_hyperparameters_changes_betas_mid_run() -> None:
    opt = Adam(learning_rate=0.1)
    p = P0.copy()
    opt.apply([G1], [p])
    m1 = opt.slot_values()["momentum"].copy() if opt._slots else None
    opt.set_hyperparameters(beta_1=0.5, amsgrad=True)
    opt.apply([G2], [p])
    assert opt._slots is not None and m1 is not None
    np.testing.assert_allclose(opt.slot_values()["momentum"], 0.5 * m1 + 0.5 * G2)
    assert opt.iterations == 2 and opt.beta_1 == 0.5 and opt.amsgrad is True


def test_set_hyperparameters_validates_and_changes_nothing_on_error() -> None:
    opt = Adam(learning_rate=0.1)
    with pytest.raises(ValueError, match="Invalid beta_2"):
        opt.set_hyperparameters(beta_1=0.5, beta_2=2.0)
    assert opt.beta_1 == 0.9 and opt.beta_2 == 0.999


def test_momentum_can_be_switched_on_mid_run() -> None:
    opt = SGD(learning_rate=0.1)
    p = P0.copy()
    opt.apply([G1], [p])
    opt.set_hyperparameters(momentum=0.9)
    opt.apply([G2], [p])  # fresh velocity: m = -0.1*G2
    np.testing.assert_allclose(p, P0 - 0.1 * G1 - 0.1 * G2)


# --------------------------------------------------------------------- registries


def test_registries_cover_the_same_names() -> None:
    assert set(OPTIMIZERS) == set(KERAS_CLASS) == set(DEFAULTS) == set(UPDATE_RULES)


def test_registry_presets() -> None:
    momentum, nesterov = OPTIMIZERS["momentum"].factory(), OPTIMIZERS["nesterov"].factory()
    assert isinstance(momentum, SGD) and momentum.momentum == 0.9 and not momentum.nesterov
    assert isinstance(nesterov, SGD) and nesterov.momentum == 0.9 and nesterov.nesterov
    assert DEFAULTS["momentum"] == {
        "learning_rate": 0.01,
        "momentum": 0.9,
        "nesterov": False,
        "weight_decay": None,
    }
    assert DEFAULTS["adamw"]["weight_decay"] == 0.004
    assert all("clipnorm" not in d and "run_axes" not in d for d in DEFAULTS.values())


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_registry_class_names_are_keras_names(name: str) -> None:
    assert type(OPTIMIZERS[name].factory()).__name__ == KERAS_CLASS[name]
