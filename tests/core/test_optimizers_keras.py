"""Acceptance check: every registry optimizer follows Keras 3's trajectory step by step.

Our optimizer and the Keras one (torch backend, float64) descend Rosenbrock
f = (1 - x)**2 + 100 * (y - x**2)**2 from (-1.5, 2.0) for 150 steps, fed the same analytic
NumPy gradients, with and without clipping and learning-rate schedules; every step must agree to
1e-6 relative (float32 runs: to float32 precision).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip(
    "keras", reason="Keras 3 not installed: pip install torch==2.13.0 keras"
)

from app.core.optimizers import DEFAULTS, KERAS_CLASS, OPTIMIZERS  # noqa: E402
from app.core.schedules import ExponentialDecay, PowerDecay  # noqa: E402

pytestmark = [
    pytest.mark.keras,
    # torch 2.13's Tensor.__array__ has no `copy` keyword; NumPy 2 warns inside convert_to_numpy.
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword"),
]

START = (-1.5, 2.0)
STEPS = 150
SGD_TYPES = {"sgd", "momentum", "nesterov"}


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    """Analytic gradient of (1 - x)**2 + 100 * (y - x**2)**2."""
    x, y = p[..., 0], p[..., 1]
    dx = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x)
    dy = 200.0 * (y - x * x)
    return np.stack([dx, dy], axis=-1).astype(p.dtype)


def quadratic_grad(w: np.ndarray) -> np.ndarray:
    """Gradient of sum(scale * w**2) / 2 with a fixed anisotropic scale."""
    scale = np.arange(1.0, w.size + 1.0).reshape(w.shape)
    return (scale * w).astype(w.dtype)


@pytest.fixture(autouse=True)
def _float64_keras(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the reference in float64: floatx (learning rates, schedules) and type promotion.

    Keras' `result_type` maps every 64-bit result to 32 bits "to be aligned with JAX's default",
    so `ops.maximum` / `ops.minimum` inside `_clip_by_norm` and `clip_by_global_norm` round the
    norm to float32 even for float64 variables (a ~1e-8 relative error per step). Emptying that
    table keeps Keras' own formulas at the precision of the variables.
    """
    from keras.src.backend.common import dtypes

    monkeypatch.setattr(dtypes, "BIT64_TO_BIT32_DTYPE", {}, raising=False)
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(previous)


_KerasSchedule: Any = keras.optimizers.schedules.LearningRateSchedule


class KerasPower(_KerasSchedule):
    """eta0 / (1 + step / decay_steps) ** power, for power != 1 (no Keras built-in)."""

    def __init__(self, initial_learning_rate: float, decay_steps: float, power: float) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.power = power

    def __call__(self, step: Any) -> Any:
        t = keras.ops.cast(step, keras.config.floatx())
        return self.initial_learning_rate / keras.ops.power(1.0 + t / self.decay_steps, self.power)

    def get_config(self) -> dict[str, float]:
        return {"initial_learning_rate": self.initial_learning_rate}


def _lr(name: str) -> float:
    return 1e-3 if name in SGD_TYPES else 0.02


# variant id -> (our extra kwargs, Keras extra kwargs), built from the base learning rate
Variant = Callable[[float], tuple[dict[str, Any], dict[str, Any]]]
VARIANTS: dict[str, Variant] = {
    "plain": lambda lr: ({"learning_rate": lr}, {"learning_rate": lr}),
    "clipnorm": lambda lr: ({"learning_rate": lr, "clipnorm": 1.0},) * 2,
    "clipvalue": lambda lr: ({"learning_rate": lr, "clipvalue": 0.5},) * 2,
    "global_clipnorm": lambda lr: ({"learning_rate": lr, "global_clipnorm": 2.0},) * 2,
    "power1": lambda lr: (
        {"learning_rate": PowerDecay(lr, 20)},
        {"learning_rate": keras.optimizers.schedules.InverseTimeDecay(lr, 20, 1.0)},
    ),
    "power0.5": lambda lr: (
        {"learning_rate": PowerDecay(lr, 20, power=0.5)},
        {"learning_rate": KerasPower(lr, 20, 0.5)},
    ),
    "exponential": lambda lr: (
        {"learning_rate": ExponentialDecay(lr, 30, 0.5)},
        {"learning_rate": keras.optimizers.schedules.ExponentialDecay(lr, 30, 0.5)},
    ),
    "staircase": lambda lr: (
        {"learning_rate": ExponentialDecay(lr, 30, 0.5, staircase=True)},
        {"learning_rate": keras.optimizers.schedules.ExponentialDecay(lr, 30, 0.5, True)},
    ),
}


def _keras_optimizer(name: str, kwargs: dict[str, Any]) -> Any:
    preset = getattr(OPTIMIZERS[name].factory, "keywords", {})
    return getattr(keras.optimizers, KERAS_CLASS[name])(**preset, **kwargs)


def _run_both(
    name: str, ours_kw: dict[str, Any], keras_kw: dict[str, Any], starts: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Step our optimizer and Keras' side by side with the same gradients (taken at our point).

    Feeding both the same gradients checks the update rules at every step without letting the
    unstable directions of Rosenbrock amplify last-bit rounding differences.
    """
    grad_fns = [rosenbrock_grad, quadratic_grad][: len(starts)]
    dtype = str(starts[0].dtype)
    ours = OPTIMIZERS[name].factory(**ours_kw)
    theirs = _keras_optimizer(name, keras_kw)
    params = [s.copy() for s in starts]
    variables = [keras.Variable(s, dtype=dtype) for s in starts]
    ours_traj, theirs_traj = [], []
    for _ in range(STEPS):
        grads = [f(p) for f, p in zip(grad_fns, params, strict=True)]
        tensors = [keras.ops.convert_to_tensor(g, dtype=dtype) for g in grads]
        ours.apply(grads, params)
        theirs.apply_gradients(list(zip(tensors, variables, strict=True)))
        ours_traj.append(np.concatenate([p.ravel() for p in params]))
        theirs_traj.append(np.concatenate([_numpy(v).ravel() for v in variables]))
    return np.array(ours_traj), np.array(theirs_traj)


def _numpy(variable: Any) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(variable.value))


def _assert_same(
    trajectories: tuple[np.ndarray, np.ndarray], rtol: float = 1e-6, atol: float = 1e-12
) -> None:
    ours, theirs = trajectories
    assert ours.dtype == theirs.dtype
    assert np.all(np.isfinite(theirs)), "reference run diverged: pick a smaller learning rate"
    for step, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"step {step}")


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizers_match_keras_on_rosenbrock(name: str, variant: str) -> None:
    ours_kw, keras_kw = VARIANTS[variant](_lr(name))
    starts = [np.array(START, dtype=np.float64)]
    _assert_same(_run_both(name, ours_kw, keras_kw, starts))


@pytest.mark.parametrize("variant", ["plain", "clipnorm", "global_clipnorm", "weight_decay"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizers_match_keras_on_two_variables(name: str, variant: str) -> None:
    lr = _lr(name)
    kwargs: dict[str, Any] = {"learning_rate": lr}
    if variant == "weight_decay":
        kwargs["weight_decay"] = 0.05
    elif variant != "plain":
        kwargs[variant] = 3.0
    starts = [np.array(START, dtype=np.float64), np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])]
    _assert_same(_run_both(name, kwargs, kwargs, starts))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizers_match_keras_in_float32(name: str) -> None:
    keras.config.set_floatx("float32")
    kwargs = {"learning_rate": _lr(name)}
    starts = [np.array(START, dtype=np.float32)]
    ours, theirs = _run_both(name, kwargs, kwargs, starts)
    assert ours.dtype == np.float32
    _assert_same((ours, theirs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("variant", ["clipnorm", "global_clipnorm"])
def test_optimizer_batch_of_runs_matches_separate_keras_runs(variant: str) -> None:
    """run_axes=1: each row is one run with its own clip and lr, as if run alone in Keras."""
    starts = np.array([[-1.5, 2.0], [0.0, 0.0], [2.0, -1.0]])
    clip = np.array([[1.0], [50.0], [3.0]])
    lr = np.array([0.02, 0.01, 0.005])  # shape (runs,): one value per run, leading-aligned
    opt = OPTIMIZERS["rmsprop"].factory(
        learning_rate=lr, run_axes=1, momentum=0.5, **{variant: clip})
    batch = starts.copy()
    traj = []
    for _ in range(STEPS):
        opt.apply([rosenbrock_grad(batch)], [batch])
        traj.append(batch.copy())
    for r in range(len(starts)):
        kwargs = {"learning_rate": float(lr[r]), "momentum": 0.5, variant: float(clip[r, 0])}
        ours, theirs = _run_both("rmsprop", kwargs, kwargs, [starts[r]])
        np.testing.assert_allclose(np.array(traj)[:, r], ours, rtol=1e-12)
        _assert_same((ours, theirs))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_defaults_match_keras_config(name: str) -> None:
    config = _keras_optimizer(name, {}).get_config()
    assert {key: config[key] for key in DEFAULTS[name]} == DEFAULTS[name]


def test_lion_refuses_beta_1_zero_like_keras() -> None:
    """Keras: beta_1 in (0, 1] (at 0 Lion degenerates to SignSGD); the catalogue says the same."""
    from app.core.optimizers import Lion

    with pytest.raises(ValueError, match="beta_1"):
        keras.optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match=r"Invalid beta_1: 0.0 \(must be in \(0, 1\]\)"):
        Lion(beta_1=0.0)
    keras.optimizers.Lion(beta_1=1.0)
    Lion(beta_1=1.0)
    assert OPTIMIZERS["lion"].bounds["beta_1"].as_dict() == {"gt": 0.0, "le": 1.0}


@pytest.mark.parametrize("betas", [(0.5, 0.9), (1.0, 0.0), (0.99, 0.5)])
def test_lion_matches_keras_with_other_betas_and_weight_decay(betas: tuple[float, float]) -> None:
    """Every coordinate moves by lr (times the sign) and decoupled weight decay comes first."""
    kwargs = {"learning_rate": 0.01, "beta_1": betas[0], "beta_2": betas[1], "weight_decay": 0.1}
    starts = [np.array(START, dtype=np.float64), np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])]
    _assert_same(_run_both("lion", kwargs, kwargs, starts))
