"""Tests for app.core.surfaces: analytic gradients, published minima, registry."""

import json
import math
import warnings

import numpy as np
import pytest

from app.core.surfaces import SURFACES, Quadratic, make_surface

NAMES = sorted(SURFACES)

# Published global minima (x, y, f) from docs/surfaces.md, with the table's rounding.
PUBLISHED = {
    "sphere": [(0.0, 0.0, 0.0)],
    "quadratic": [(0.0, 0.0, 0.0)],
    "rosenbrock": [(1.0, 1.0, 0.0)],
    "beale": [(3.0, 0.5, 0.0)],
    "himmelblau": [
        (3.0, 2.0, 0.0),
        (-2.805118, 3.131312, 0.0),
        (-3.779310, -3.283186, 0.0),
        (3.584428, -1.848126, 0.0),
    ],
    "booth": [(1.0, 3.0, 0.0)],
    "matyas": [(0.0, 0.0, 0.0)],
    "three_hump_camel": [(0.0, 0.0, 0.0)],
    "six_hump_camel": [(0.0898420, -0.7126564, -1.031628), (-0.0898420, 0.7126564, -1.031628)],
    "rastrigin": [(0.0, 0.0, 0.0)],
    "ackley": [(0.0, 0.0, 0.0)],
    "goldstein_price": [(0.0, -1.0, 3.0)],
    "styblinski_tang": [(-2.903534, -2.903534, -78.33233)],
    "levi13": [(1.0, 1.0, 0.0)],
    "easom": [(math.pi, math.pi, -1.0)],
    "mccormick": [(-0.54719, -1.54719, -1.913223)],
    "saddle": [],
    "monkey_saddle": [],
}


def test_registry_lists_every_surface_under_its_own_name():
    assert set(SURFACES) == set(PUBLISHED)
    for name in NAMES:
        assert make_surface(name).name == name


@pytest.mark.parametrize("name", NAMES)
def test_surface_gradient_matches_central_differences(name):
    surface = make_surface(name)
    xmin, xmax, ymin, ymax = surface.window
    rng = np.random.default_rng(20240501)
    x, y = rng.uniform(xmin, xmax, 20), rng.uniform(ymin, ymax, 20)
    gx, gy = surface.gradient(x, y)
    hx, hy = 1e-6 * np.maximum(1.0, np.abs(x)), 1e-6 * np.maximum(1.0, np.abs(y))
    fd_x = (surface.value(x + hx, y) - surface.value(x - hx, y)) / (2 * hx)
    fd_y = (surface.value(x, y + hy) - surface.value(x, y - hy)) / (2 * hy)
    atol = 1e-7 * np.maximum(1.0, np.abs(surface.value(x, y)))  # rounding error of the quotient
    assert np.all(np.abs(fd_x - gx) <= 1e-5 * np.abs(gx) + atol)
    assert np.all(np.abs(fd_y - gy) <= 1e-5 * np.abs(gy) + atol)


@pytest.mark.parametrize("name", NAMES)
def test_surface_global_minima_match_published_values(name):
    surface = make_surface(name)
    listed = [m for m in surface.minima if m.kind == "global"]
    assert len(listed) == len(PUBLISHED[name])
    for (px, py, pf), m in zip(PUBLISHED[name], listed, strict=True):
        assert m.x == pytest.approx(px, abs=1e-5) and m.y == pytest.approx(py, abs=1e-5)
        assert m.value == pytest.approx(pf, abs=1e-5)
        assert float(surface.value(px, py)) == pytest.approx(pf, abs=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_surface_marked_points_are_stationary_with_the_stated_value(name):
    surface = make_surface(name)
    assert surface.minima, "every surface marks at least one point"
    for m in surface.minima:
        assert float(surface.value(m.x, m.y)) == pytest.approx(m.value, abs=1e-12)
        gx, gy = surface.gradient(m.x, m.y)
        assert math.hypot(float(gx), float(gy)) < 1e-6


@pytest.mark.parametrize("name", [n for n in NAMES if make_surface(n).bounded_below])
def test_surface_grid_search_finds_nothing_below_the_global_minimum(name):
    surface = make_surface(name)
    _, _, z = surface.grid(801, 801)
    best = min(m.value for m in surface.minima if m.kind == "global")
    assert np.all(np.isfinite(z))
    assert z.min() >= best - 1e-9
    assert z.min() <= best + 0.05 * (z.max() - best)  # the grid does see the basin


def test_himmelblau_marks_its_local_maximum():
    surface = make_surface("himmelblau")
    (peak,) = [m for m in surface.minima if m.kind == "maximum"]
    assert (peak.x, peak.y) == pytest.approx((-0.270845, -0.923039), abs=1e-6)
    assert peak.value == pytest.approx(181.617, abs=1e-3)
    ring = surface.value(peak.x + 1e-2 * np.cos(np.arange(8)), peak.y + 1e-2 * np.sin(np.arange(8)))
    assert np.all(ring < peak.value)


@pytest.mark.parametrize("name", ["saddle", "monkey_saddle"])
def test_saddles_are_unbounded_below_with_a_marked_saddle_point(name):
    surface = make_surface(name)
    assert not surface.bounded_below
    assert [m.kind for m in surface.minima] == ["saddle"]
    assert float(surface.value(0.0, 1e3)) < -1e5 or float(surface.value(-1e3, 0.0)) < -1e5
    dist, index = surface.nearest_minimum(np.zeros((3, 2)))
    assert np.all(np.isnan(dist)) and np.all(index == -1) and dist.shape == (3,)


def test_ackley_gradient_is_zero_not_nan_at_the_origin():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gx, gy = make_surface("ackley").gradient(0.0, 0.0)
    assert float(gx) == 0.0 and float(gy) == 0.0


def test_quadratic_condition_number_is_validated_and_used():
    for bad in (0.5, 1000.5, float("nan"), -3.0):
        with pytest.raises(ValueError, match="Invalid condition_number"):
            Quadratic(condition_number=bad)
    q = make_surface("quadratic", condition_number=250.0)
    assert q.params() == {"condition_number": 250.0}
    assert float(q.value(2.0, 1.0)) == 0.5 * (4.0 + 250.0)
    gx, gy = q.gradient(2.0, -1.0)
    assert (float(gx), float(gy)) == (2.0, -250.0)
    assert "250" in q.formula and Quadratic(1.0) and Quadratic(1000.0)


def test_make_surface_rejects_unknown_names_and_parameters():
    with pytest.raises(KeyError, match="Unknown surface: 'nope'"):
        make_surface("nope")
    with pytest.raises(ValueError, match="Invalid parameters for surface 'rosenbrock'"):
        make_surface("rosenbrock", condition_number=3.0)
    with pytest.raises(ValueError, match="Invalid parameters for surface 'quadratic'"):
        make_surface("quadratic", kappa=3.0)


def test_surface_point_helpers_broadcast_over_batches():
    surface = make_surface("rosenbrock")
    points = np.random.default_rng(1).normal(size=(4, 5, 2))
    values = surface.value_at(points)
    grads = surface.gradient_at(points)
    assert values.shape == (4, 5) and grads.shape == (4, 5, 2)
    assert values.dtype == np.float64
    gx, gy = surface.gradient(points[..., 0], points[..., 1])
    np.testing.assert_array_equal(grads[..., 0], gx)
    np.testing.assert_array_equal(grads[..., 1], gy)
    np.testing.assert_array_equal(values[2, 3], surface.value(*points[2, 3]))
    gx, gy = make_surface("sphere").gradient(np.zeros(3), 1.0)  # broadcast (3,) with a scalar
    assert gx.shape == gy.shape == (3,)


def test_surface_grid_is_indexed_rows_by_y_and_columns_by_x():
    surface = make_surface("mccormick")
    xs, ys, z = surface.grid(7, 5)
    xmin, xmax, ymin, ymax = surface.window
    assert z.shape == (5, 7)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == (xmin, xmax, ymin, ymax)
    assert z[3, 6] == surface.value(xs[6], ys[3])
    with pytest.raises(ValueError, match="Invalid grid size"):
        surface.grid(1, 5)


def test_nearest_minimum_picks_the_closest_global_minimum():
    surface = make_surface("himmelblau")
    targets = [(m.x, m.y) for m in surface.minima if m.kind == "global"]
    points = np.array(targets) + 0.1
    dist, index = surface.nearest_minimum(points)
    np.testing.assert_allclose(dist, math.sqrt(0.02))
    assert list(index) == [0, 1, 2, 3]
    # the local maximum is never a target, even for a point sitting on it
    peak = surface.minima[4]
    assert surface.nearest_minimum(np.array([peak.x, peak.y]))[1] != 4


@pytest.mark.parametrize("name", NAMES)
def test_surface_describe_is_json_and_complete(name):
    surface = make_surface(name)
    info = json.loads(json.dumps(surface.describe()))
    assert info["name"] == name and set(info["label"]) == {"es", "en"}
    assert info["formula"] and info["latex"] and len(info["window"]) == 4
    xmin, xmax, ymin, ymax = info["window"]
    sx, sy = info["default_start"]
    assert xmin < sx < xmax and ymin < sy < ymax
    assert info["bounded_below"] == (name not in {"saddle", "monkey_saddle"})
    assert info["log_scale"] == (name in {"rosenbrock", "beale", "goldstein_price", "himmelblau"})


def test_surface_trap_starts_follow_the_reference_table():
    assert make_surface("rosenbrock").default_start == (-1.5, 2.5)
    assert make_surface("rastrigin").default_start == (-2.0, 3.5)
    assert make_surface("saddle").default_start == (-1.0, 1e-3)
    assert make_surface("himmelblau").default_start == pytest.approx((-0.27, -0.92))
