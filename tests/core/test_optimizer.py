"""Tests of the optimizer base: step counter, schedules, clipping, weight decay, batches of runs."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.optimizer import Optimizer
from app.core.optimizers import SGD, Adam
from app.core.schedules import ExponentialDecay


def _sgd_step(grads: list[np.ndarray], params: list[np.ndarray], **kwargs: object) -> list:
    """Plain SGD with lr = 1: the param change is exactly minus the processed gradient."""
    before = [p.copy() for p in params]
    SGD(learning_rate=1.0, **kwargs).apply(grads, params)  # type: ignore[arg-type]
    return [b - p for b, p in zip(before, params, strict=True)]


def test_clipvalue_clips_each_component() -> None:
    (g,) = _sgd_step([np.array([3.0, -0.2, -5.0])], [np.zeros(3)], clipvalue=1.0)
    np.testing.assert_allclose(g, [1.0, -0.2, -1.0])


def test_clipnorm_clips_each_variable_on_its_own() -> None:
    grads = [np.array([3.0, 4.0]), np.array([0.3, 0.4])]  # norms 5 and 0.5
    g1, g2 = _sgd_step(grads, [np.zeros(2), np.zeros(2)], clipnorm=1.0)
    np.testing.assert_allclose(g1, [0.6, 0.8])
    np.testing.assert_allclose(g2, [0.3, 0.4])


def test_clipnorm_of_a_zero_gradient_is_zero_not_nan() -> None:
    (g,) = _sgd_step([np.zeros(2)], [np.ones(2)], clipnorm=1.0)
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_global_clipnorm_scales_all_variables_together() -> None:
    grads = [np.array([3.0, 4.0]), np.array([[0.0], [12.0]])]  # global norm 13
    g1, g2 = _sgd_step(grads, [np.zeros(2), np.zeros((2, 1))], global_clipnorm=1.3)
    np.testing.assert_allclose(g1, [0.3, 0.4])
    np.testing.assert_allclose(g2, [[0.0], [1.2]])


def test_global_clipnorm_below_threshold_leaves_gradients_alone() -> None:
    g1, g2 = _sgd_step(
        [np.array([0.3]), np.array([0.4])], [np.zeros(1), np.zeros(1)], global_clipnorm=1.0
    )
    np.testing.assert_allclose([g1[0], g2[0]], [0.3, 0.4])


def test_global_clipnorm_of_infinite_gradient_gives_nan_like_keras() -> None:
    (g,) = _sgd_step([np.array([np.inf, 1.0])], [np.zeros(2)], global_clipnorm=1.0)
    assert np.isnan(g).all()


def test_clipnorm_infinite_threshold_means_no_clipping() -> None:
    (g,) = _sgd_step([np.array([30.0, 40.0])], [np.zeros(2)], clipnorm=np.inf)
    np.testing.assert_allclose(g, [30.0, 40.0])


def test_clipnorm_is_per_run_with_run_axes() -> None:
    grads = [np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])]
    (g,) = _sgd_step(grads, [np.zeros((3, 2))], clipnorm=1.0, run_axes=1)
    np.testing.assert_allclose(g, [[0.6, 0.8], [0.3, 0.4], [0.0, 0.0]])


def test_clipnorm_per_run_threshold_array() -> None:
    grads = [np.array([[3.0, 4.0], [3.0, 4.0]])]
    (g,) = _sgd_step(grads, [np.zeros((2, 2))], clipnorm=np.array([[1.0], [2.5]]), run_axes=1)
    np.testing.assert_allclose(g, [[0.6, 0.8], [1.5, 2.0]])


def test_global_clipnorm_is_per_run_across_variables_of_different_rank() -> None:
    # run 0: kernel norm 3, bias norm 4 -> global 5; run 1: all zeros
    kernel = np.zeros((2, 2, 2))
    kernel[0, 0, 0] = 3.0
    bias = np.zeros((2, 2))
    bias[0, 1] = 4.0
    params = [np.zeros((2, 2, 2)), np.zeros((2, 2))]
    gk, gb = _sgd_step([kernel, bias], params, global_clipnorm=np.array([1.0, 1.0]), run_axes=1)
    np.testing.assert_allclose(gk[0, 0, 0], 0.6)
    np.testing.assert_allclose(gb[0], [0.0, 0.8])
    np.testing.assert_array_equal(gk[1], 0.0)
    np.testing.assert_array_equal(gb[1], 0.0)


def test_global_clipnorm_rejects_a_threshold_that_is_not_per_run() -> None:
    opt = SGD(global_clipnorm=np.array([1.0, 2.0]), run_axes=0)
    with pytest.raises(ValueError, match="one value per run"):
        opt.apply([np.ones(2)], [np.zeros(2)])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"clipnorm": 1.0, "clipvalue": 1.0},
        {"clipnorm": 1.0, "global_clipnorm": 1.0},
        {"clipvalue": 1.0, "global_clipnorm": 1.0},
    ],
)
def test_more_than_one_clip_argument_raises(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="Only one of clipnorm, clipvalue and global_clipnorm"):
        SGD(**kwargs)  # type: ignore[arg-type]


def test_set_hyperparameters_rejects_a_second_clip_and_keeps_the_first() -> None:
    opt = SGD(clipnorm=1.0)
    with pytest.raises(ValueError, match="Only one of"):
        opt.set_hyperparameters(clipvalue=0.5)
    assert opt.clipnorm == 1.0 and opt.clipvalue is None
    opt.set_hyperparameters(clipnorm=None, clipvalue=0.5)
    assert opt.clipnorm is None and opt.clipvalue == 0.5


def test_clipping_happens_before_weight_decay_and_decay_before_the_update() -> None:
    # Keras: g = clip(g); p -= p * wd * lr; p -= lr * g
    p = np.array([2.0, -4.0])
    SGD(learning_rate=0.1, weight_decay=0.5, clipvalue=1.0).apply([np.array([3.0, 0.5])], [p])
    np.testing.assert_allclose(p, [2.0 - 2.0 * 0.05 - 0.1 * 1.0, -4.0 + 4.0 * 0.05 - 0.1 * 0.5])


def test_iterations_counts_applied_steps() -> None:
    opt = SGD()
    p = np.zeros(2)
    assert opt.iterations == 0
    for expected in (1, 2, 3):
        opt.apply([np.ones(2)], [p])
        assert opt.iterations == expected


def test_schedule_is_evaluated_at_iterations_before_increment() -> None:
    seen: list[int] = []

    def schedule(step: int) -> float:
        seen.append(step)
        return 0.1 * (step + 1)

    opt = SGD(learning_rate=schedule)
    p = np.zeros(1)
    for _ in range(3):
        opt.apply([np.ones(1)], [p])
    assert seen == [0, 1, 2]
    np.testing.assert_allclose(p, [-(0.1 + 0.2 + 0.3)])
    assert opt.current_learning_rate() == pytest.approx(0.4)


def test_current_learning_rate_of_a_constant_and_a_schedule() -> None:
    assert SGD(learning_rate=0.3).current_learning_rate() == 0.3
    opt = SGD(learning_rate=ExponentialDecay(1.0, 1, 0.5))
    assert opt.current_learning_rate() == 1.0
    opt.apply([np.ones(1)], [np.zeros(1)])
    assert opt.current_learning_rate() == 0.5


def test_per_run_learning_rate_applies_to_every_param_of_the_run() -> None:
    """With run_axes=1 an array of shape (R,) is leading-aligned: lr[r] for all of run r."""
    lr = np.array([0.1, 0.2, 0.3])
    kernel, bias = np.zeros((3, 2, 4)), np.zeros((3, 4))
    SGD(learning_rate=lr, run_axes=1).apply([np.ones((3, 2, 4)), np.ones((3, 4))], [kernel, bias])
    np.testing.assert_allclose(kernel, -lr[:, None, None] * np.ones((3, 2, 4)))
    np.testing.assert_allclose(bias, -lr[:, None] * np.ones((3, 4)))


def test_hyperparameter_arrays_with_more_axes_broadcast_like_numpy() -> None:
    lr = np.array([[0.1], [0.2]])  # (2, 1) against params (2, 3)
    p = np.zeros((2, 3))
    SGD(learning_rate=lr).apply([np.ones((2, 3))], [p])
    np.testing.assert_allclose(p, [[-0.1] * 3, [-0.2] * 3])


def test_apply_preserves_dtype_and_casts_gradients() -> None:
    p = np.ones(3, dtype=np.float32)
    Adam(learning_rate=np.array([0.1, 0.2, 0.3])).apply([np.ones(3, dtype=np.float64)], [p])
    assert p.dtype == np.float32


def test_apply_updates_params_in_place() -> None:
    p = np.ones(2)
    alias = p
    SGD(learning_rate=0.5).apply([np.ones(2)], [p])
    np.testing.assert_allclose(alias, [0.5, 0.5])


def test_apply_rejects_mismatched_lists_and_shapes() -> None:
    opt = SGD()
    with pytest.raises(ValueError, match="gradients for"):
        opt.apply([np.ones(2)], [np.zeros(2), np.zeros(2)])
    opt.apply([np.ones(2)], [np.zeros(2)])
    with pytest.raises(ValueError, match="built on"):
        opt.apply([np.ones(2), np.ones(2)], [np.zeros(2), np.zeros(2)])
    with pytest.raises(ValueError, match="shape"):
        opt.apply([np.ones(3)], [np.zeros(3)])
    with pytest.raises(ValueError, match="grads"):
        SGD().apply([np.ones(3)], [np.zeros(2)])


def test_apply_rejects_non_array_params() -> None:
    with pytest.raises(TypeError, match="float ndarray"):
        SGD().apply([np.ones(2)], [[0.0, 0.0]])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="float ndarray"):
        SGD().apply([np.ones(2)], [np.zeros(2, dtype=int)])


@pytest.mark.parametrize("run_axes", [-1, 1.5, True])
def test_invalid_run_axes_raises(run_axes: object) -> None:
    with pytest.raises(ValueError, match="Invalid run_axes"):
        SGD(run_axes=run_axes)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"learning_rate": -1.0}, r"Invalid learning_rate: -1.0 \(must be > 0\)"),
        ({"learning_rate": np.array([0.1, 0.0])}, r"Invalid learning_rate: 0.0 \(must be > 0\)"),
        ({"learning_rate": "fast"}, r"Invalid learning_rate: 'fast'"),
        ({"weight_decay": -0.1}, r"Invalid weight_decay: -0.1 \(must be >= 0\)"),
        ({"clipnorm": 0.0}, r"Invalid clipnorm: 0.0 \(must be > 0\)"),
        ({"clipvalue": float("nan")}, r"Invalid clipvalue: nan"),
        ({"global_clipnorm": -2.0}, r"Invalid global_clipnorm: -2.0"),
    ],
)
def test_invalid_base_hyperparameters_raise(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SGD(**kwargs)  # type: ignore[arg-type]


def test_unknown_hyperparameter_raises() -> None:
    with pytest.raises(ValueError, match="Invalid hyperparameter for SGD: 'beta_1'"):
        SGD().set_hyperparameters(beta_1=0.9)


def test_update_step_of_the_base_is_abstract() -> None:
    with pytest.raises(NotImplementedError):
        Optimizer().apply([np.ones(1)], [np.zeros(1)])


def test_get_config_round_trips_with_a_schedule() -> None:
    opt = Adam(learning_rate=ExponentialDecay(0.1, 10, 0.5), beta_1=0.8, clipnorm=2.0)
    config = opt.get_config()
    assert config["learning_rate"] == {
        "class_name": "ExponentialDecay",
        "config": {
            "initial_learning_rate": 0.1,
            "decay_steps": 10.0,
            "decay_rate": 0.5,
            "staircase": False,
        },
    }
    clone = Adam.from_config(config)
    assert clone.get_config() == config
    assert clone.current_learning_rate() == 0.1


def test_get_config_gives_a_constant_learning_rate_as_float() -> None:
    config = SGD(learning_rate=1).get_config()
    assert config["learning_rate"] == 1.0 and isinstance(config["learning_rate"], float)
    assert config == {
        "learning_rate": 1.0,
        "momentum": 0.0,
        "nesterov": False,
        "weight_decay": None,
        "clipnorm": None,
        "clipvalue": None,
        "global_clipnorm": None,
        "run_axes": 0,
    }
