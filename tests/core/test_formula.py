"""Tests for app.core.formula: whitelist parser, exact derivatives, FormulaSurface."""

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.formula import FormulaError, parse_formula
from app.core.formula_surface import FormulaSurface
from app.core.surfaces import make_surface


def _points(n=500, seed=0, low=-2.0, high=2.0):
    rng = np.random.default_rng(seed)
    return rng.uniform(low, high, n), rng.uniform(low, high, n)


def _relative_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


def test_formula_rosenbrock_matches_builtin_value_and_gradient():
    custom = FormulaSurface("(1-x)**2 + 100*(y-x**2)**2")
    builtin = make_surface("rosenbrock")
    x, y = _points(2000, seed=7)
    assert _relative_error(custom.value(x, y), builtin.value(x, y)) < 1e-12
    for got, want in zip(custom.gradient(x, y), builtin.gradient(x, y), strict=True):
        assert _relative_error(got, want) < 1e-12


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"),
        ("beale", "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2"),
        ("easom", "-cos(x)*cos(y)*exp(-((x - pi)**2 + (y - pi)**2))"),
        ("mccormick", "sin(x + y) + (x - y)**2 - 1.5*x + 2.5*y + 1"),
        (
            "ackley",
            "-20*exp(-0.2*sqrt(0.5*(x**2 + y**2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
        ),
    ],
)
def test_formula_matches_builtin_surfaces(name, text):
    custom, builtin = FormulaSurface(text), make_surface(name)
    x, y = _points(300, seed=3, low=-3.0, high=3.0)
    np.testing.assert_allclose(custom.value(x, y), builtin.value(x, y), rtol=1e-10, atol=1e-12)
    for got, want in zip(custom.gradient(x, y), builtin.gradient(x, y), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


BATTERY = [
    "abs(x - 0.3*y) + y",
    "sqrt(x**2 + y**2 + 1)",
    "exp(-x*y) + x/y",
    "log(x**2 + 1)*y - log(y)",
    "sin(3*x)*cos(2*y)",
    "tan(0.5*x + 0.1*y)",
    "tanh(x - y)**2",
    "sinh(x)/cosh(y)",
    "x**y + y**x",
    "2**x - e**-y + pi*x",
    "(x + 2*y)**-2 - -x**3 + +y",
    "x^0.5 * y^-1.5",
    "abs(sin(x*y)) + sqrt(exp(x)/(1 + y))",
]


@pytest.mark.parametrize("text", BATTERY)
def test_formula_gradient_matches_central_differences(text):
    expr = parse_formula(text)
    x, y = _points(40, seed=11, low=0.4, high=1.6)  # away from every singularity and kink
    f, gx, gy = expr.value_and_gradient(x, y)
    h = 1e-6
    fd_x = (expr.value(x + h, y) - expr.value(x - h, y)) / (2 * h)
    fd_y = (expr.value(x, y + h) - expr.value(x, y - h)) / (2 * h)
    atol = 1e-8 * np.maximum(1.0, np.abs(f))
    assert np.all(np.isfinite(f))
    assert np.all(np.abs(fd_x - gx) <= 1e-6 * np.abs(gx) + atol)
    assert np.all(np.abs(fd_y - gy) <= 1e-6 * np.abs(gy) + atol)


def test_formula_every_function_is_whitelisted_with_its_derivative():
    # d/du g(u) at u = 0.7, compared with the closed forms
    u = 0.7
    expected = {
        "abs": 1.0,
        "sqrt": 0.5 / math.sqrt(u),
        "exp": math.exp(u),
        "log": 1 / u,
        "sin": math.cos(u),
        "cos": -math.sin(u),
        "tan": 1 / math.cos(u) ** 2,
        "tanh": 1 - math.tanh(u) ** 2,
        "sinh": math.cosh(u),
        "cosh": math.sinh(u),
    }
    for name, slope in expected.items():
        f, gx, gy = parse_formula(f"{name}(x)").value_and_gradient(u, 5.0)
        assert float(f) == pytest.approx(getattr(math, "fabs" if name == "abs" else name)(u))
        assert float(gx) == pytest.approx(slope, rel=1e-14) and float(gy) == 0.0


REFUSALS = [
    # text, code, column, token
    ("__import__('os')", "name", 1, "__import__"),
    ("x.real", "node", 2, "."),
    ("().__class__", "node", 3, "."),
    ("lambda: 1", "node", 1, "lambda"),
    ("[i for i in range(9)]", "node", 1, "["),
    ("x if y else 1", "node", 3, "if"),
    ("open('f')", "name", 1, "open"),
    ("9**9**9**9", "exponent", 7, "9**9"),
    ('"a"', "node", 1, '"a"'),
    ("x == y", "node", 3, "=="),
    ("x + foo", "name", 5, "foo"),
    ("x^2 + foo", "name", 7, "foo"),  # columns count "^" as typed, not the "**" it becomes
    ("ｘ*ｙ + foo", "name", 7, "foo"),  # columns count characters, not UTF-8 bytes
    ('"ñ" if x else 1', "node", 5, "if"),
    ("x // y", "node", 3, "//"),
    ("x[0]", "node", 2, "["),
    ("True + x", "node", 1, "True"),
    ("1j*x", "node", 1, "1j"),
    ("x and y", "node", 3, "and"),
    ("sin", "call", 1, "sin"),
    ("2*x(3)", "call", 3, "x"),
    ("sin(x, y)", "call", 1, "sin"),
    ("cos(x=1)", "call", 1, "cos"),
    ("(x+1)(2)", "call", 2, "x+1"),
    ("x.real(1)", "node", 2, "."),
    ("x**101", "exponent", 4, "101"),
    ("x**-(50*3)", "exponent", 4, "-(50*3)"),
    ("x**(1/0)", "exponent", 5, "1/0"),
    ("x +", "syntax", 4, ""),
    ("x + $", "syntax", 5, "$"),
    ("x # comment", "syntax", 3, "#"),
    ("x\x00", "syntax", 2, "\x00"),
    ("", "empty", 1, ""),
    ("  \t ", "empty", 1, ""),
]


@pytest.mark.parametrize(("text", "code", "column", "token"), REFUSALS)
def test_parse_formula_refuses_with_code_column_and_token(text, code, column, token):
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    err = info.value
    assert (err.code, err.column, err.token) == (code, column, token)
    assert isinstance(err, ValueError)
    assert err.to_dict() == {"code": code, "message": str(err), "column": column, "token": token}
    assert f"column {column}" in err.message or code in {"empty"}


def test_parse_formula_message_names_the_whitelist():
    with pytest.raises(FormulaError) as info:
        parse_formula("__import__('os')")
    assert info.value.message == (
        "name '__import__' is not allowed at column 1; "
        "use x, y, pi, e or abs, sqrt, exp, log, sin, cos, tan, tanh, sinh, cosh"
    )


def test_parse_formula_rejects_a_100kb_formula_before_parsing():
    text = "x+" * 50_000 + "x"
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert (info.value.code, info.value.column) == ("too_long", 1)
    assert info.value.params == {"max": 300, "length": len(text)}
    assert "too long" in info.value.message and "(max 300)" in info.value.message


def test_parse_formula_caps_nodes_and_depth():
    parse_formula("+".join(["x*y*x*y"] * 25))  # 199 nodes
    with pytest.raises(FormulaError, match="too complex") as info:
        parse_formula("+".join(["x*y*x*y"] * 26))  # 206 nodes, depth 29
    assert info.value.code == "too_many_nodes"
    with pytest.raises(FormulaError) as info:
        parse_formula("+".join(["x"] * 31))  # a left-leaning chain: each "+" is a level
    assert info.value.code == "too_deep"
    with pytest.raises(FormulaError) as info:
        parse_formula("sin(" * 40 + "x" + ")" * 40)
    assert (info.value.code, info.value.column, info.value.token) == ("too_deep", 121, "sin")
    with pytest.raises(FormulaError) as info:
        parse_formula("-" * 299 + "x")
    assert (info.value.code, info.value.column) == ("too_deep", 31)


def test_parse_formula_handles_deeply_nested_parentheses():
    # parentheses alone add no depth to the tree: 149 levels is still just x
    assert str(parse_formula("(" * 149 + "x" + ")" * 149)) == "x"
    # Python's parser gives up at 200 open parentheses: a syntax error, not a crash
    with pytest.raises(FormulaError) as info:
        parse_formula("(" * 250 + "x")
    assert (info.value.code, info.value.column, info.value.token) == ("syntax", 201, "(")
    with pytest.raises(FormulaError) as info:
        parse_formula("-(" * 60 + "x" + ")" * 60)
    assert info.value.code == "too_deep"


def test_parse_formula_accepts_the_exponent_limit_and_caret():
    assert str(parse_formula("x**100 + x**-100")) == "x**100 + x**-100"
    assert str(parse_formula("x^2 + 3*sin(y)")) == "x**2 + 3*sin(y)"
    x, y = _points(50, seed=5)
    a, b = parse_formula("x^y^2"), parse_formula("x**(y**2)")
    np.testing.assert_array_equal(a.value(np.abs(x), y), b.value(np.abs(x), y))


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("(1-x)**2 + 100*(y-x**2)**2", "(1 - x)**2 + 100*(y - x**2)**2"),
        ("-x**2", "-x**2"),
        ("(-x)**2", "(-x)**2"),
        ("x**-y", "x**-y"),
        ("(x**y)**2", "(x**y)**2"),
        ("x - (y - 1)", "x - (y - 1)"),
        ("x/(y*2)", "x/(y*2)"),
        ("-(x + y)", "-(x + y)"),
        ("2.50*pi*e", "2.5*pi*e"),
        ("0x10 + 1e20*x", "16 + 1e+20*x"),
        ("sqrt( abs(x) )", "sqrt(abs(x))"),
    ],
)
def test_expr_str_is_normalized_and_reparses_to_itself(text, normalized):
    expr = parse_formula(text)
    assert str(expr) == normalized
    assert str(parse_formula(str(expr))) == normalized
    assert expr.to_latex()


def test_expr_invalid_regions_give_nan_without_warnings():
    expr = parse_formula("sqrt(x) + log(y) + 1/x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f, gx, gy = expr.value_and_gradient(np.array([-1.0, 0.0, 4.0]), np.array([1.0, 1.0, 0.0]))
    assert np.isnan(f[0]) and np.isinf(f[1]) and np.isinf(f[2])
    assert np.isnan(gx[0]) and np.isfinite(gx[2]) and np.isinf(gy[2]) and gy[0] == 1.0


def test_expr_gradient_of_a_missing_variable_is_exactly_zero():
    # sqrt(x)'s infinite slope at 0 must not leak a 0*inf = nan into d/dy
    f, gx, gy = parse_formula("sqrt(x) + 2*y").value_and_gradient(np.zeros(3), np.ones(3))
    assert np.all(gy == 2.0) and np.all(np.isinf(gx))
    f, gx, gy = parse_formula("x**0 + 3").value_and_gradient(0.0, 0.0)
    assert (float(f), float(gx), float(gy)) == (4.0, 0.0, 0.0)
    f, gx, gy = parse_formula("pi").value_and_gradient(np.zeros((2, 3)), 0.0)
    assert f.shape == gx.shape == gy.shape == (2, 3) and np.all(f == math.pi) and not gx.any()


def test_formula_surface_estimates_the_minimum_on_a_grid():
    surface = FormulaSurface("(x - 0.3)**2 + 2*(y + 0.7)**2 + 1", window=(-2, 2, -3, 1))
    (m,) = surface.minima
    assert m.kind == "global" and surface.minima_estimated and surface.bounded_below
    assert (m.x, m.y, m.value) == pytest.approx((0.3, -0.7, 1.0), abs=1e-9)  # parabolic step
    assert surface.window == (-2.0, 2.0, -3.0, 1.0) and not surface.log_scale
    info = json.loads(json.dumps(surface.describe()))
    assert info["name"] == "custom" and info["minima_estimated"] is True
    assert info["formula"] == "(x - 0.3)**2 + 2*(y + 0.7)**2 + 1"
    assert info["params"] == {"text": "(x - 0.3)**2 + 2*(y + 0.7)**2 + 1"}


def test_formula_surface_without_interior_minimum_is_unbounded():
    saddle = FormulaSurface("x**2 - y**2")
    assert saddle.minima == () and not saddle.bounded_below
    assert FormulaSurface("log(abs(x)) + y**2").minima == ()


def test_formula_surface_log_scale_follows_the_value_range():
    assert FormulaSurface("(1-x)**2 + 100*(y-x**2)**2").log_scale
    assert not FormulaSurface("sin(x) + cos(y)").log_scale  # negative values
    assert not FormulaSurface("2 + sin(x)").log_scale  # positive but within one decade


def test_formula_surface_validates_window_and_formula():
    with pytest.raises(ValueError, match="Invalid window"):
        FormulaSurface("x", window=(1, -1, 0, 1))
    with pytest.raises(ValueError, match="Invalid window"):
        FormulaSurface("x", window=(0, math.inf, 0, 1))
    with pytest.raises(FormulaError):
        FormulaSurface("x.real")


@settings(max_examples=400, deadline=None)  # speed lives in bench/, not in a test
@given(st.text(max_size=400))
def test_parse_formula_any_text_parses_or_raises_formula_error(text):
    try:
        expr = parse_formula(text)
    except FormulaError as err:
        assert 1 <= err.column <= max(len(text), 300) + 1
        assert err.token == "" or text[err.column - 1 :].startswith(err.token)
    else:
        assert str(parse_formula(str(expr))) == str(expr)


_ATOMS = st.sampled_from(["x", "y", "pi", "e", "2", "0.5", "3"])


def _combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "^"]), children)
    return st.one_of(
        binary.map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(st.sampled_from(["-", "+"]), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["sin", "cos", "tanh", "abs", "exp"]), children).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
    )


@settings(max_examples=200, deadline=None)
@given(st.recursive(_ATOMS, _combine, max_leaves=12))
def test_expr_str_round_trip_preserves_values(text):
    try:
        expr = parse_formula(text)
    except FormulaError as err:
        assert err.code in {"exponent", "too_deep", "too_long"}
        return
    again = parse_formula(str(expr))
    x, y = _points(8, seed=2, low=0.1, high=1.5)
    np.testing.assert_array_equal(expr.value(x, y), again.value(x, y))
