"""Hostile formulas: no text runs code, exhausts memory or takes more than 100 ms to reject;
texts from the grammar evaluate (values and gradients) without exceptions or warnings."""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import math
import os
import sys
import threading
import tracemalloc
import unicodedata  # noqa: F401  (loaded before the audit hook watches imports)
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.core.formula import (
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    Expr,
    FormulaError,
    parse_formula,
)
from app.core.formula_surface import FormulaSurface
from tests.fuzz import FORMULA_TEXTS, count, deadline, fuzz_settings, no_gc, report

HANG_SECONDS = 30.0  # a hang guard, not a speed test: speed lives in bench/
MEMORY_BYTES = 32 * 2**20  # peak Python + NumPy allocation of one parse and evaluation
GRID_SIDE = 48
CODES = {"syntax", "node", "name", "call", "empty", "too_long", "too_deep", "too_many_nodes",
         "exponent"}
# Python's parser warns about texts such as "1if" before refusing them; the formula parser
# refuses them either way (under -W error the warning becomes the SyntaxError it reports).
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from report(request)


# -- the guard: any attempt to run code, import, open a file or start a process is recorded --

FORBIDDEN_EVENTS = ("exec", "import", "open", "os.", "subprocess.", "ctypes.", "socket.",
                    "shutil.", "pty.", "builtins.input", "webbrowser.", "urllib.", "http.")
_guarded_thread: list[int] = []
_seen: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _guarded_thread and threading.get_ident() == _guarded_thread[0] and (
            event.startswith(FORBIDDEN_EVENTS)):
        _seen.append(event)


sys.addaudithook(_audit)


def _forbidden(name: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        _seen.append(f"builtins.{name}")
        raise AssertionError(f"the formula code called {name}")
    return refuse


@contextlib.contextmanager
def no_code_execution() -> Iterator[None]:
    """Inside: builtins that run or load code raise, audit events for code, imports, files,
    processes and sockets are recorded; ``compile`` is allowed only to build an AST."""
    real_compile = builtins.compile

    def ast_only_compile(source: Any, filename: Any, mode: str, flags: int = 0,
                         *args: Any, **kwargs: Any) -> Any:
        if not flags & ast.PyCF_ONLY_AST:
            _seen.append("builtins.compile to bytecode")
            raise AssertionError("the formula code compiled to bytecode")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    real_import = builtins.__import__

    def loaded_only_import(name: str, *args: Any, **kwargs: Any) -> Any:
        # C code looks up modules it already loaded through __import__ (CPython's parser takes
        # unicodedata to normalize non-ASCII identifiers, NumPy its _methods): allowed; loading
        # a new module is not
        if name in sys.modules:
            return real_import(name, *args, **kwargs)
        return _forbidden("__import__")(name)

    patched = {"__import__": loaded_only_import, "eval": _forbidden("eval"),
               "exec": _forbidden("exec"), "open": _forbidden("open"),
               "breakpoint": _forbidden("breakpoint"), "compile": ast_only_compile}
    saved = {name: getattr(builtins, name) for name in patched}
    _seen.clear()
    for name, value in patched.items():
        setattr(builtins, name, value)
    _guarded_thread.append(threading.get_ident())
    try:
        yield
    finally:
        _guarded_thread.clear()
        for name, value in saved.items():
            setattr(builtins, name, value)
    assert _seen == [], f"code execution attempted: {_seen}"


def test_guard_catches_code_execution():
    """The guard must fail on what it is meant to catch (else the fuzz tests prove nothing)."""
    def read_devnull() -> None:  # not a patched builtin: the audit hook must see it
        with io.FileIO(os.devnull) as handle:
            handle.read()

    for attempt in (lambda: eval("1"), lambda: __import__("antigravity"), lambda: exec("1"),
                    lambda: compile("1", "<s>", "eval"), read_devnull):
        with (pytest.raises(AssertionError), no_code_execution(),
              contextlib.suppress(AssertionError)):
            attempt()


X, Y = np.meshgrid(np.concatenate([np.linspace(-3, 3, GRID_SIDE - 6),
                                   [0.0, -0.0, 1e-300, -1e300, 1e308, np.pi]]),
                   np.linspace(-2, 2, GRID_SIDE))


def timed_parse(text: str) -> Expr | None:
    """parse_formula under the guard and the time bound; None when refused with FormulaError."""
    with no_gc(), no_code_execution(), deadline(HANG_SECONDS, f"parse {text[:80]!r}"):
        try:
            expr: Expr | None = parse_formula(text)
        except FormulaError as error:
            assert error.code in CODES
            assert 1 <= error.column <= max(len(text), MAX_LENGTH) + 1
            assert isinstance(error.message, str) and error.message
            expr = None
    count("formula")
    return expr


def check_evaluation(expr: Expr) -> None:
    """Value and gradient on the grid: float64 of the grid's shape, no exception, no warning,
    deterministic, and the value equals the value_and_gradient one (nan where it is nan)."""
    with no_gc(), warnings.catch_warnings(), no_code_execution(), \
            deadline(HANG_SECONDS, "evaluation"):
        warnings.simplefilter("error")
        value = expr.value(X, Y)
        f, fx, fy = expr.value_and_gradient(X, Y)
    for array in (value, f, fx, fy):
        assert array.dtype == np.float64 and array.shape == X.shape
    np.testing.assert_array_equal(value, f)  # equal, nan where nan
    scalar = expr.value(0.5, -0.25)
    assert scalar.shape == () and scalar.dtype == np.float64


# -- any text ---------------------------------------------------------------------------------

HOSTILE_FRAGMENTS = [
    "__import__('os').system('echo pwned')", "().__class__.__bases__[0].__subclasses__()",
    "x.__class__.__mro__", "lambda: x", "lambda x=__import__('os'): x", "f'{x}'",
    "f'{__import__(\"os\")}'", "(y := 2)", "*x", "**x", "x[0]", "x if y else 1", "x < y",
    "x == y", "x and y", "not x", "[x for x in y]", "{x: y}", "{x}", "(x, y)", "x @ y", "x // y",
    "x % y", "x | y", "x << 2", "~x", "'a' * 10**8", "b'\\x00'", "...", "None", "True",
    "await x", "yield x", "open('/etc/passwd')", "exec('1')", "eval('1')", "getattr(x, 'y')",
    "globals()", "sin(x, y)", "sin()", "sin(x=1)", "sin(*x)", "x.real", "sqrt", "np.exp(x)",
    "ｘ**2", "𝑥 + 𝑦", "ⅹ", "sіn(x)", "x\u200b+y", "x\u00a0+\u3000y", "x\n+y", "x # comment",
    "x \\\n + y", "\x00", "\ud800", "1e999", "0x" + "f" * 290, "9" * 310, "1_0_0", "1j", "2J*x",
    "9**9**9**9", "10**100**100", "(-8)**(1/3)", "x**1e300", "x**-101", "x**101", "e**1000",
    "exp(exp(exp(x)))", "log(0)", "1/0", "0/0", "sqrt(-1)", "x^y^x", "x^^y", "^", "**",
    "(" * 60 + "x" + ")" * 60, "-" * 299 + "x", "+-" * 149 + "x", "(" * 299, ")",
    "sin(" * 40 + "x" + ")" * 40, "x" + "+x" * 149, "x" + "*x" * 99 + "+y" * 50,
    "((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))",
]
ANY_TEXT = st.one_of(
    st.text(max_size=MAX_LENGTH + 20),
    st.text(st.characters(codec="ascii"), max_size=MAX_LENGTH),
    st.lists(st.sampled_from([*HOSTILE_FRAGMENTS, "x", "y", "+", "*", "(", ")", "sin(", "^",
                              "**", " ", "pi", "e", "1", "."]), max_size=20).map("".join),
    st.tuples(FORMULA_TEXTS, st.sampled_from(HOSTILE_FRAGMENTS), FORMULA_TEXTS,
              st.sampled_from(["+", "*", "", " ", "(", ")"])).map(
        lambda t: f"{t[0]}{t[3]}{t[1]}{t[3]}{t[2]}"),
)


@fuzz_settings(2500)
@given(ANY_TEXT)
@example("x" * 100_000)
@example("(" * 100_000)
@example("é" * (MAX_LENGTH + 1))
def test_any_text_parses_or_is_refused_fast_without_running_code(text):
    expr = timed_parse(text)
    if expr is not None:
        check_evaluation(expr)


@pytest.mark.parametrize("text", HOSTILE_FRAGMENTS)
def test_hostile_fragment_is_refused_or_evaluates_safely(text):
    expr = timed_parse(text)
    if expr is not None:
        check_evaluation(expr)


@pytest.mark.parametrize(("text", "code"), [
    ("__import__('os').system('true')", "node"),
    ("().__class__.__bases__[0].__subclasses__()", "node"),
    ("x.__class__", "node"),
    ("lambda: x", "node"),
    ("f'{x}'", "node"),
    ("(y := 2)", "node"),
    ("*x", "syntax"),
    ("x[0]", "node"),
    ("x < y", "node"),
    ("open('/etc/passwd')", "name"),
    ("eval('1')", "name"),
    ("ｘ.real", "node"),
    ("sіn(x)", "name"),  # Cyrillic і: not the whitelisted sin
    ("9**9**9**9", "exponent"),
    ("x**101", "exponent"),
    ("*".join(["(x+x+x+x+x+x+x+x)"] * 16), "too_many_nodes"),
    ("-" * 299 + "x", "too_deep"),
    ("sin(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), "too_deep"),
    ("x" * 100_000, "too_long"),
])
def test_adversarial_formula_is_refused_with_its_code(text, code):
    with pytest.raises(FormulaError) as info, no_code_execution():
        parse_formula(text)
    assert info.value.code == code
    count("formula")


def test_caps_are_those_the_parser_documents():
    assert (MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_EXPONENT) == (300, 200, 30, 100.0)


# -- texts from the grammar -------------------------------------------------------------------


@fuzz_settings(1500)
@given(FORMULA_TEXTS)
@example("x**100 + exp(y)**100")
@example("(-x)**-100 / sinh(1e308*y)")
@example("log(abs(x*y))**(-100) - tan(pi/2*x)")
@example("sqrt(x)^(x^y)")
def test_grammar_formula_evaluates_without_exceptions_or_warnings(text):
    expr = timed_parse(text)
    if expr is None:  # the grammar also reaches the node, depth and exponent caps
        return
    check_evaluation(expr)
    assert str(timed_parse(str(expr))) == str(expr)


@fuzz_settings(120)
@given(FORMULA_TEXTS, st.sampled_from([(-2.0, 2.0, -2.0, 2.0), (-1e4, 1e4, 1e-3, 2e-3)]))
def test_grammar_formula_surface_builds_in_bounded_memory(text, window):
    """Parsing, the grid scan for the minimum and evaluation stay within MEMORY_BYTES."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with no_code_execution(), warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                surface = FormulaSurface(text, window=window, grid_size=201)
            except FormulaError:
                surface = None
            if surface is not None:
                surface.value(X, Y)
                for minimum in surface.minima:
                    assert math.isfinite(minimum.x) and math.isfinite(minimum.y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    count("formula")
    assert peak < MEMORY_BYTES, f"{peak / 2**20:.1f} MiB for {text!r}"


def test_formula_surface_scan_of_a_huge_range_raises_no_warning():
    """Regression: max/min of the grid values overflowed (RuntimeWarning, an error under -W
    error) for exp(x) on a wide window; the scan now compares logarithms."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        surface = FormulaSurface("exp(x)", window=(-1e4, 1e4, 1e-3, 2e-3))
        huge = FormulaSurface("x**100 + y**100", window=(-1e4, 1e4, -1e4, 1e4))
    count("formula", 2)
    assert surface.log_scale and surface.minima == ()
    assert huge.log_scale
