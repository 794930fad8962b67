"""Tests for app.core.nn.flat, batched, landscape: layout round trip, batched losses against
``Sequential.evaluate``, filter normalization, the PCA plane and its honesty, interpolation."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.nn.batched import BatchedLoss
from app.core.nn.flat import WeightLayout, assign, flatten
from app.core.nn.landscape import (
    filter_normalized,
    interpolation,
    path_honesty,
    pca_axes,
    pca_plane,
    plane_losses,
    random_slice,
)
from app.core.nn.model import BlockSpec, Sequential, build_mlp

RNG_DATA = np.random.default_rng(7)
X = RNG_DATA.normal(size=(40, 2))
Y_BINARY = (X[:, :1] * X[:, 1:] > 0).astype(np.float64)
Y_CLASSES = RNG_DATA.integers(0, 3, size=40)

NETWORKS: dict[str, tuple[list[BlockSpec], int, str, str, np.ndarray]] = {
    "tanh": ([BlockSpec(units=5, activation="tanh"), BlockSpec(units=4)], 1, "sigmoid",
             "binary_crossentropy", Y_BINARY),
    "bn_dropout_l2": ([BlockSpec(units=6, batch_normalization="before", dropout=0.3,
                                 kernel_regularizer={"name": "l1_l2", "l1": 0.01, "l2": 0.02}),
                       BlockSpec(units=3, batch_normalization="after")], 1, "sigmoid",
                      "binary_crossentropy", Y_BINARY),
    "softmax": ([BlockSpec(units=5, activation="relu")], 3, "softmax",
                "categorical_crossentropy", Y_CLASSES),
    "linear_mse": ([], 1, "linear", "mean_squared_error", Y_BINARY),
}


def _network(name: str, dtype=np.float64) -> tuple[Sequential, np.ndarray, str]:
    specs, outputs, activation, loss, y = NETWORKS[name]
    model = build_mlp(2, specs, outputs, activation, np.random.default_rng(0), dtype)
    rng = np.random.default_rng(1)
    for layer in model.layers:  # moving statistics away from (0, 1), as after training
        if "moving_mean" in layer.buffers:
            layer.buffers["moving_mean"][...] = rng.normal(size=layer.output_dim) * 0.3
            layer.buffers["moving_variance"][...] = rng.uniform(0.5, 2.0, size=layer.output_dim)
    return model, y, loss


def _perturbed(model: Sequential, count: int, scale: float = 0.3) -> np.ndarray:
    theta = flatten(model)
    noise = np.random.default_rng(2).normal(size=(count, theta.size)) * scale
    return theta + noise * WeightLayout.of(model).trainable_mask()


def test_flatten_and_assign_round_trip_in_get_weights_order():
    model, _, _ = _network("bn_dropout_l2")
    theta = flatten(model)
    assert np.array_equal(theta, np.concatenate([w.ravel() for w in _all(model)]))
    assign(model, theta * 2)
    assert np.allclose(flatten(model), 2 * theta)
    with pytest.raises(ValueError, match="Invalid theta shape"):
        assign(model, theta[:-1])


def _all(model: Sequential) -> list[np.ndarray]:
    return [w for layer in model.layers for w in (*layer.params.values(),
                                                   *layer.buffers.values())]


def test_layout_masks_the_moving_statistics_only():
    model, _, _ = _network("bn_dropout_l2")
    layout = WeightLayout.of(model)
    mask = layout.trainable_mask()
    assert mask.sum() == sum(p.size for p in model.parameters())
    for entry in layout.entries:
        assert mask[entry.start:entry.stop].all() == entry.trainable


@pytest.mark.parametrize("name", sorted(NETWORKS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batched_losses_equal_evaluate_one_by_one(name, dtype):
    model, y, loss = _network(name, dtype)
    x = X.astype(dtype)
    thetas = _perturbed(model, 7)
    got = BatchedLoss(model, x, y, loss, max_elements=3 * 40 * 6)(thetas)  # several chunks
    original = flatten(model)
    expected = []
    for theta in thetas:
        assign(model, theta)
        expected.append(model.evaluate(x, y, loss))
    assign(model, original)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert got == pytest.approx(expected, rel=rtol)


def test_batched_loss_leaves_the_model_untouched():
    model, y, loss = _network("bn_dropout_l2")
    before = flatten(model)
    BatchedLoss(model, X, y, loss)(_perturbed(model, 3))
    assert np.array_equal(flatten(model), before)


def test_filter_normalized_direction_matches_each_filter_norm():
    model, _, _ = _network("bn_dropout_l2")
    layout, theta = WeightLayout.of(model), flatten(model)
    d = filter_normalized(layout, theta, np.random.default_rng(3), "ignore")
    for entry in layout.entries:
        part, own = d[entry.start:entry.stop], theta[entry.start:entry.stop]
        if entry.kind == "kernel":
            assert np.linalg.norm(part.reshape(entry.shape), axis=0) == pytest.approx(
                np.linalg.norm(own.reshape(entry.shape), axis=0))
        else:  # biases, gamma/beta ignored; moving statistics never moved
            assert not part.any()


def test_bias_modes_normalize_and_keep():
    model, _, _ = _network("bn_dropout_l2")
    layout, theta = WeightLayout.of(model), flatten(model)
    theta += 0.1  # non-zero biases and betas
    normalized = filter_normalized(layout, theta, np.random.default_rng(3), "normalize")
    kept = filter_normalized(layout, theta, np.random.default_rng(3), "keep")
    for entry in layout.entries:
        own = theta[entry.start:entry.stop]
        if entry.kind in ("bias", "gamma", "beta"):
            assert np.linalg.norm(normalized[entry.start:entry.stop]) == pytest.approx(
                np.linalg.norm(own))
            assert np.array_equal(kept[entry.start:entry.stop], own)
        elif not entry.trainable:
            assert not normalized[entry.start:entry.stop].any()
            assert not kept[entry.start:entry.stop].any()
    with pytest.raises(ValueError, match="Invalid bias"):
        filter_normalized(layout, theta, np.random.default_rng(3), "zero")  # type: ignore[arg-type]


def test_random_slice_is_seeded_and_centred_on_theta():
    model, y, loss = _network("tanh")
    evaluate = BatchedLoss(model, X, y, loss)
    theta = flatten(model)
    alpha, beta, grid = random_slice(evaluate, theta, np.random.default_rng(5), "ignore", 0.5, 9)
    _, _, again = random_slice(evaluate, theta, np.random.default_rng(5), "ignore", 0.5, 9)
    assert grid.shape == (9, 9) and np.array_equal(grid, again)
    assert alpha[4] == beta[4] == 0.0 and alpha[0] == -0.5 and alpha[-1] == 0.5
    assert grid[4, 4] == pytest.approx(model.evaluate(X, y, loss), rel=1e-12)
    _, beta1, line = random_slice(evaluate, theta, np.random.default_rng(5), "ignore", 0.5, 9, 1)
    assert line.shape == (1, 9) and beta1.tolist() == [0.0]
    assert line[0] == pytest.approx(grid[4])  # the same first direction: the middle row


def test_plane_losses_are_the_loss_at_each_grid_point():
    model, y, loss = _network("softmax")
    evaluate = BatchedLoss(model, X, y, loss, max_elements=200)
    theta = flatten(model)
    rng = np.random.default_rng(0)
    d1, d2 = rng.normal(size=theta.size), rng.normal(size=theta.size)
    alpha, beta = np.array([-0.2, 0.1, 0.3]), np.array([0.0, 0.5])
    grid = plane_losses(evaluate, theta, d1, d2, alpha, beta)
    for i, b in enumerate(beta):
        for j, a in enumerate(alpha):
            assign(model, theta + a * d1 + b * d2)
            assert grid[i, j] == pytest.approx(model.evaluate(X, y, loss), rel=1e-12)


def _path(model: Sequential, steps: int = 12) -> np.ndarray:
    """A curved path of trainable weights ending at θ (buffers fixed)."""
    theta, mask = flatten(model), WeightLayout.of(model).trainable_mask()
    rng = np.random.default_rng(4)
    a, b, c = (rng.normal(size=theta.size) * mask for _ in range(3))
    t = np.linspace(1.0, 0.0, steps)[:, None]
    return theta + t * a + t**2 * b + 0.05 * np.sin(7 * t) * c


def test_pca_plane_ratios_residuals_and_projection():
    model, _, _ = _network("bn_dropout_l2")
    layout = WeightLayout.of(model)
    snapshots = _path(model)
    plane = pca_plane(layout, snapshots)
    ratios = plane.explained_variance
    assert np.all((ratios >= 0) & (ratios <= 1)) and ratios[0] >= ratios[1]
    assert ratios.sum() <= 1 + 1e-12
    assert plane.coords[-1].tolist() == [0.0, 0.0] and plane.residual[-1] == 0.0
    assert plane.directions @ plane.directions.T == pytest.approx(np.eye(2))
    assert not plane.directions[:, ~layout.trainable_mask()].any()
    rows = (snapshots - snapshots[-1])
    # a point's residual and coordinates split its offset (Pythagoras)
    assert (plane.residual**2 + (plane.coords**2).sum(axis=1)) == pytest.approx(
        (rows**2).sum(axis=1))
    # ratios: the squared singular values over their sum
    s = np.linalg.svd(rows[:, layout.trainable_mask()], compute_uv=False)
    assert ratios == pytest.approx((s[:2] ** 2) / (s**2).sum())


def test_a_planar_path_has_no_residual_and_honest_plane_losses():
    model, y, loss = _network("tanh")
    theta, mask = flatten(model), WeightLayout.of(model).trainable_mask()
    rng = np.random.default_rng(8)
    u, v = rng.normal(size=theta.size) * mask, rng.normal(size=theta.size) * mask
    t = np.linspace(0, 1, 10)[:, None]
    snapshots = theta + (1 - t) * u + np.sin(3 * t) * v * (1 - t)
    evaluate = BatchedLoss(model, X, y, loss)
    plane = pca_plane(evaluate.layout, snapshots)
    assert plane.explained_variance.sum() == pytest.approx(1.0)
    assert plane.residual == pytest.approx(np.zeros(10), abs=1e-10)
    true, on_plane = path_honesty(evaluate, snapshots, plane)
    assert true == pytest.approx(on_plane, rel=1e-9)


def test_path_loss_equals_plane_loss_where_the_residual_is_zero():
    model, y, loss = _network("bn_dropout_l2")
    evaluate = BatchedLoss(model, X, y, loss)
    snapshots = _path(model)
    plane = pca_plane(evaluate.layout, snapshots)
    true, on_plane = path_honesty(evaluate, snapshots, plane)
    assert true[-1] == on_plane[-1] == pytest.approx(model.evaluate(X, y, loss), rel=1e-12)
    assert np.any(np.abs(true[:-1] - on_plane[:-1]) > 1e-6)  # off the plane, they differ


def test_pca_axes_cover_the_path_with_a_margin():
    coords = np.array([[-4.0, 1.0], [-1.0, -2.0], [0.0, 0.0]])
    alpha, beta = pca_axes(coords, 1.0, 11)
    assert alpha[0] == pytest.approx(-5.0) and alpha[-1] == pytest.approx(1.0)
    assert beta[0] == pytest.approx(-2.75) and beta[-1] == pytest.approx(1.75)
    flat_alpha, _ = pca_axes(np.zeros((3, 2)), 2.0, 5)
    assert flat_alpha.tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0]


def test_interpolation_ends_are_the_two_networks():
    model, y, loss = _network("bn_dropout_l2")
    theta_b = flatten(model)
    other = build_mlp(2, NETWORKS["bn_dropout_l2"][0], 1, "sigmoid", np.random.default_rng(9),
                      np.float64)
    theta_a = flatten(other)  # its own moving statistics (0, 1)
    evaluate = BatchedLoss(model, X, y, loss)
    values = interpolation(evaluate, theta_a, theta_b, np.array([0.0, 0.5, 1.0, 1.5, -0.5]))
    assert values[0] == pytest.approx(other.evaluate(X, y, loss), rel=1e-12)
    assert values[2] == pytest.approx(model.evaluate(X, y, loss), rel=1e-12)
    assert np.all(np.isfinite(values))  # variances extrapolated below 0 are clipped
