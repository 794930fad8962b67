"""Tests for app/core/datasets.py: geometry against Playground's dataset.ts, noise, splits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core import datasets as ds
from app.core.datasets import DATASETS, Dataset, dataset_from_points, make_dataset

ALL = list(DATASETS)
BINARY = [n for n, info in DATASETS.items() if info.task == "binary"]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def joined(d: Dataset) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([d.x_train, d.x_test]), np.concatenate([d.y_train, d.y_test])


# --- registry -------------------------------------------------------------------------------

def test_registry_has_playground_sets_and_additions():
    assert set(DATASETS) == {"circle", "xor", "gauss", "spiral", "moons", "blobs",
                             "reg_plane", "reg_gauss"}
    assert {DATASETS[n].task for n in ("reg_plane", "reg_gauss")} == {"regression"}
    assert DATASETS["blobs"].task == "multiclass" and DATASETS["blobs"].n_classes == 3


@pytest.mark.parametrize("name", ALL)
def test_registry_labels_in_both_languages(name):
    labels = DATASETS[name].labels
    assert set(labels) == {"es", "en"} and all(labels.values())


# --- shapes, dtypes, ranges -----------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_make_dataset_shapes_dtypes_and_task(name):
    d = make_dataset(name, 301, 0.3, 0.7, rng())
    info = DATASETS[name]
    assert d.x_train.shape == (210, 2) and d.x_test.shape == (91, 2)
    assert d.y_train.shape == (210,) and d.y_test.shape == (91,)
    assert d.x_train.dtype == np.float64
    assert (d.task, d.n_classes, d.name) == (info.task, info.n_classes, name)
    expected = {"binary": np.float64, "multiclass": np.int64, "regression": np.float64}[d.task]
    assert d.y_train.dtype == expected and d.y_test.dtype == expected
    assert d.output_units == (3 if name == "blobs" else 1)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("noise", [0.0, 1.0])
def test_make_dataset_labels_in_their_sets(name, noise):
    _, y = joined(make_dataset(name, 2000, noise, 0.5, rng(3)))
    task = DATASETS[name].task
    if task == "binary":
        assert set(np.unique(y)) == {0.0, 1.0}
    elif task == "multiclass":
        assert set(np.unique(y)) == {0, 1, 2}
    else:
        assert y.min() >= -1.0 and y.max() <= 1.0
        assert y.min() < -0.5 and y.max() > 0.5  # uses the range, not a sliver of it


@pytest.mark.parametrize(("name", "bound"), [("circle", 5.0), ("xor", 5.3 * math.sqrt(2)),
                                             ("spiral", 5.0),
                                             ("reg_plane", 6.0 * math.sqrt(2)),
                                             ("reg_gauss", 6.0 * math.sqrt(2))])
def test_make_dataset_points_within_playground_range(name, bound):
    x, _ = joined(make_dataset(name, 5000, 0.0, 0.5, rng(1)))
    assert np.all(np.linalg.norm(x, axis=1) <= bound + 1e-12)
    assert np.all(np.abs(x) <= 6.0)
    assert np.linalg.norm(x, axis=1).max() > 0.9 * bound  # and fills it


def test_make_dataset_moons_fill_box_5_by_2_5():
    x, _ = joined(make_dataset("moons", 1000, 0.0, 0.5, rng(1)))
    np.testing.assert_allclose(x.min(axis=0), [-5.0, -2.5], atol=1e-3)
    np.testing.assert_allclose(x.max(axis=0), [5.0, 2.5], atol=1e-3)


@pytest.mark.parametrize("name", ["gauss", "blobs"])
def test_make_dataset_gaussians_mostly_within_range(name):
    x, _ = joined(make_dataset(name, 5000, 0.0, 0.5, rng(1)))
    assert np.mean(np.all(np.abs(x) <= 6.0, axis=1)) > 0.999


@pytest.mark.parametrize("name", ["circle", "gauss", "spiral", "moons"])
def test_make_dataset_balanced_halves_first_class_gets_odd_point(name):
    _, y = joined(make_dataset(name, 501, 0.0, 0.5, rng()))
    first = 0.0 if name == "moons" else 1.0  # Playground's first class; sklearn's for moons
    assert np.sum(y == first) == 251 and np.sum(y != first) == 250


def test_make_dataset_blobs_balanced_thirds():
    _, y = joined(make_dataset("blobs", 502, 0.2, 0.5, rng()))
    assert np.bincount(y).tolist() == [168, 167, 167]


def test_make_dataset_xor_roughly_balanced():
    _, y = joined(make_dataset("xor", 4000, 0.0, 0.5, rng()))
    assert 0.45 < y.mean() < 0.55


# --- geometry at noise 0 (closed forms from dataset.ts) -------------------------------------

def test_circle_noise0_label_is_radius_below_2_5():
    x, y = joined(make_dataset("circle", 2000, 0.0, 0.5, rng()))
    r = np.linalg.norm(x, axis=1)
    np.testing.assert_array_equal(y, (r < 2.5).astype(float))
    assert np.all((r < 2.5) | ((r >= 3.5) & (r <= 5.0)))  # gap between disk and ring


def test_xor_noise0_label_is_quadrant_sign_and_padding():
    x, y = joined(make_dataset("xor", 2000, 0.0, 0.5, rng()))
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(float))
    assert np.all((np.abs(x) >= 0.3) & (np.abs(x) <= 5.3))


def test_gauss_noise0_separable_by_diagonal():
    x, y = joined(make_dataset("gauss", 2000, 0.0, 0.5, rng()))
    assert np.mean(y == (x.sum(axis=1) > 0)) > 0.995  # centres 4 std from the boundary


def test_spiral_noise0_points_on_arms():
    x, y = joined(make_dataset("spiral", 1000, 0.0, 0.5, rng()))
    r = np.linalg.norm(x, axis=1)
    t = 1.75 * r / 5.0 * 2 * np.pi  # t = 1.75 * i/n * 2 pi with r = 5 i/n
    sign = np.where(y == 1.0, 1.0, -1.0)  # delta = pi flips both coordinates
    np.testing.assert_allclose(x[:, 0], sign * r * np.sin(t), atol=1e-12)
    np.testing.assert_allclose(x[:, 1], sign * r * np.cos(t), atol=1e-12)


def test_moons_noise0_points_on_unit_arcs():
    x, y = joined(make_dataset("moons", 1000, 0.0, 0.5, rng()))
    p = x / ds.MOONS_SCALE + [0.5, 0.25]  # back to scikit-learn's coordinates
    outer, inner = p[y == 0.0], p[y == 1.0]
    np.testing.assert_allclose(np.linalg.norm(outer, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(inner - [1.0, 0.5], axis=1), 1.0)
    assert np.all(outer[:, 1] >= -1e-12) and np.all(inner[:, 1] <= 0.5 + 1e-12)


def test_blobs_noise0_nearest_centre_is_label():
    x, y = joined(make_dataset("blobs", 3000, 0.0, 0.5, rng()))
    d = np.linalg.norm(x[:, None, :] - ds.BLOB_CENTERS[None], axis=2)
    assert np.mean(np.argmin(d, axis=1) == y) > 0.995


def test_reg_plane_noise0_target_is_scaled_sum():
    x, y = joined(make_dataset("reg_plane", 1000, 0.0, 0.5, rng()))
    np.testing.assert_allclose(y, np.clip((x[:, 0] + x[:, 1]) / 10.0, -1.0, 1.0))


def playground_reg_gauss_label(x: float, y: float) -> float:
    """Line-by-line port of getLabel in dataset.ts' regressGaussian."""
    label = 0.0
    for cx, cy, sign in [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1),
                         (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]:
        d = math.hypot(x - cx, y - cy)
        new = sign * min(max(1.0 - d / 2.0, 0.0), 1.0)  # d3 linear [0, 2] -> [1, 0], clamped
        if abs(new) > abs(label):
            label = new
    return label


def test_reg_gauss_noise0_matches_playground_port():
    x, y = joined(make_dataset("reg_gauss", 1000, 0.0, 0.5, rng()))
    expected = [playground_reg_gauss_label(a, b) for a, b in x]
    np.testing.assert_allclose(y, expected, atol=1e-12)


# --- noise semantics ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "geometric_label"), [
    ("circle", lambda x: np.linalg.norm(x, axis=1) < 2.5),
    ("xor", lambda x: x[:, 0] * x[:, 1] >= 0),
])
def test_label_noise_flips_more_labels_as_noise_grows(name, geometric_label):
    flips = []
    for noise in (0.0, 0.5, 1.0):
        x, y = ds.DATASETS[name].generate(5000, noise, rng(7))
        flips.append(np.mean(y != geometric_label(x)))
    assert flips[0] == 0.0 and 0.0 < flips[1] < flips[2] < 0.5


def test_spiral_noise_is_uniform_half_at_maximum():
    clean, _ = ds.spiral(4000, 0.0, rng())
    noisy, _ = ds.spiral(4000, 1.0, rng())
    jitter = np.abs(noisy - clean)  # U(-1, 1) * pg with pg = 0.5 * noise
    assert 0.49 < jitter.max() <= 0.5


@pytest.mark.parametrize(("noise", "variance"), [(0.0, 0.5), (0.5, 2.25), (1.0, 4.0)])
def test_gauss_variance_follows_playground_scale(noise, variance):
    x, y = ds.gauss(5000, noise, rng())
    centre = np.where(y[:, None] == 1.0, 2.0, -2.0)
    assert np.var(x - centre) == pytest.approx(variance, rel=0.05)


def test_moons_noise_std_equals_noise():
    clean, _ = ds.moons(5000, 0.0, rng())
    noisy, _ = ds.moons(5000, 0.6, rng())
    assert np.std(noisy - clean) == pytest.approx(0.6, rel=0.05)


def test_reg_plane_noise_changes_targets_not_points():
    a_x, a_y = ds.reg_plane(500, 0.0, rng(4))
    b_x, b_y = ds.reg_plane(500, 1.0, rng(4))
    np.testing.assert_array_equal(a_x, b_x)
    assert not np.allclose(a_y, b_y) and b_y.min() >= -1.0 and b_y.max() <= 1.0


# --- randomness and splitting ---------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_make_dataset_same_seed_same_data_other_seed_differs(name):
    a, b = make_dataset(name, 200, 0.4, 0.6, rng(42)), make_dataset(name, 200, 0.4, 0.6, rng(42))
    c = make_dataset(name, 200, 0.4, 0.6, rng(43))
    for field in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x_train, c.x_train)


def test_make_dataset_ignores_and_keeps_global_numpy_state():
    np.random.seed(1)
    state = np.random.get_state()
    a = make_dataset("circle", 100, 0.2, 0.5, rng(5))
    after = np.random.get_state()
    assert all(np.array_equal(s, t) for s, t in zip(state, after, strict=True))
    np.random.seed(2)
    np.testing.assert_array_equal(a.x_train, make_dataset("circle", 100, 0.2, 0.5, rng(5)).x_train)


def test_make_dataset_split_is_shuffled_permutation_of_generated_points():
    raw_x, raw_y = ds.gauss(100, 0.1, rng(9))
    d = make_dataset("gauss", 100, 0.1, 0.5, rng(9))
    x, y = joined(d)
    order = np.lexsort(x.T)
    raw_order = np.lexsort(raw_x.T)
    np.testing.assert_array_equal(x[order], raw_x[raw_order])
    np.testing.assert_array_equal(y[order], raw_y[raw_order])
    assert 0.2 < d.y_train.mean() < 0.8  # not the class-ordered first half


@pytest.mark.parametrize(("samples", "ratio", "n_train"), [(100, 0.7, 70), (100, 0.29, 29),
                                                           (10, 0.1, 1), (10, 0.99, 9),
                                                           (5000, 0.5, 2500), (11, 0.5, 5)])
def test_make_dataset_split_sizes(samples, ratio, n_train):
    d = make_dataset("xor", samples, 0.0, ratio, rng())
    assert len(d.x_train) == n_train and len(d.x_test) == samples - n_train


# --- validation -----------------------------------------------------------------------------

def test_make_dataset_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Invalid name: 'swirl'") as err:
        make_dataset("swirl", 100, 0.0, 0.5, rng())
    assert all(name in str(err.value) for name in DATASETS)


@pytest.mark.parametrize("samples", [9, 5001, 0, -5, 10.0, 100.5, True, "100"])
def test_make_dataset_rejects_bad_samples(samples):
    with pytest.raises(ValueError, match="Invalid samples"):
        make_dataset("circle", samples, 0.0, 0.5, rng())


@pytest.mark.parametrize("noise", [-0.01, 1.01, float("nan"), float("inf"), "0.1", None])
def test_make_dataset_rejects_bad_noise(noise):
    with pytest.raises(ValueError, match="Invalid noise"):
        make_dataset("circle", 100, noise, 0.5, rng())


@pytest.mark.parametrize(("samples", "ratio"), [(100, 0.0), (100, 1.0), (100, -0.2), (100, 1.5),
                                                (100, float("nan")), (10, 0.05),
                                                (10, 1 - 1e-12), (100, None)])
def test_make_dataset_rejects_bad_train_ratio(samples, ratio):
    with pytest.raises(ValueError, match="Invalid train_ratio"):
        make_dataset("circle", samples, 0.0, ratio, rng())


@pytest.mark.parametrize("bad", [0, None, np.random.RandomState(0)])
def test_make_dataset_rejects_non_generator_rng(bad):
    with pytest.raises(TypeError, match="Invalid rng"):
        make_dataset("circle", 100, 0.0, 0.5, bad)


def test_make_dataset_accepts_boundary_values():
    assert len(joined(make_dataset("spiral", 10, 0.0, 0.5, rng()))[0]) == 10
    assert len(joined(make_dataset("spiral", 5000, 1.0, 0.5, rng()))[0]) == 5000


# --- dataset_from_points --------------------------------------------------------------------

def points(n: int = 40) -> np.ndarray:
    return rng(11).uniform(-6, 6, (n, 2))


def test_dataset_from_points_binary_split_and_dtypes():
    y = np.arange(40) % 2
    d = dataset_from_points(points(), y, "binary", 0.75, rng())
    assert (len(d.x_train), len(d.x_test), d.task, d.n_classes, d.name) == (30, 10, "binary", 2,
                                                                            "csv")
    assert d.y_train.dtype == np.float64
    x, yy = joined(d)
    # every point keeps its own label through the shuffle
    lookup = {tuple(p): label for p, label in zip(points(), y, strict=True)}
    assert all(lookup[tuple(p)] == label for p, label in zip(x, yy, strict=True))


def test_dataset_from_points_multiclass_counts_classes():
    d = dataset_from_points(points(), np.arange(40) % 4, "multiclass", 0.5, rng(), name="mine")
    assert (d.n_classes, d.output_units, d.name, d.y_train.dtype) == (4, 4, "mine", np.int64)


def test_dataset_from_points_regression_and_determinism():
    y = np.linspace(-1, 1, 40)
    a = dataset_from_points(points(), y, "regression", 0.5, rng(3))
    b = dataset_from_points(points(), y, "regression", 0.5, rng(3))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert (a.task, a.n_classes, a.output_units) == ("regression", 0, 1)


@pytest.mark.parametrize(("x", "y", "task", "match"), [
    (points(), np.zeros(40), "ranking", "Invalid task"),
    (points()[:, :1], np.zeros(40), "binary", "Invalid x: shape"),
    (points(), np.zeros(39), "binary", "Invalid y: shape"),
    (points(9), np.zeros(9), "binary", "Invalid samples: 9"),
    (np.where(np.eye(40, 2) == 1, np.nan, points()), np.zeros(40), "binary", "Invalid x: contains"),
    (points(), np.full(40, np.nan), "regression", "Invalid y: must be finite"),
    (points(), np.full(40, 2.0), "binary", "binary labels must be 0 or 1"),
    (points(), np.full(40, 0.5), "multiclass", "integers >= 0"),
    (points(), np.full(40, -1.0), "multiclass", "integers >= 0"),
    (points(), np.zeros(40), "multiclass", "at least 2"),
    (points(), np.full(40, 1.5), "regression", r"in \[-1, 1\]"),
    (points(), np.array(["a"] * 40), "binary", "Invalid y: must be finite numbers"),
])
def test_dataset_from_points_rejects_bad_input(x, y, task, match):
    with pytest.raises(ValueError, match=match):
        dataset_from_points(x, y, task, 0.5, rng())
