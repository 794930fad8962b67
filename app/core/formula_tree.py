"""The expression tree of a typed formula: each node prints itself (text and LaTeX) and computes
f with its exact gradient by forward-mode differentiation. Every node returns (f, fx, fy) with
fx = ∂f/∂x, fy = ∂f/∂y (None meaning an exact zero), e.g.

    a*b:   f = a*b,   fx = ax*b + bx*a
    a/b:   f = a/b,   fx = (ax - bx*f)/b
    a**b:  f = a**b,  fx = b*a**(b-1)*ax + log(a)*a**b*bx
    g(u):  f = g(u),  fx = g'(u)*ux

The parser (``formula.py``) builds these nodes; nothing here ever runs Python code from text.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from app.core.surface import FloatArray

VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "e": math.e}
Deriv = FloatArray | None
Dual = tuple[FloatArray, Deriv, Deriv]
UFunc = Callable[[FloatArray], FloatArray]
ADD, MUL, UNARY, POW, ATOM = 1, 2, 3, 4, 5  # binding strength, for printing parentheses


def _add(a: Deriv, b: Deriv) -> Deriv:
    return b if a is None else a if b is None else a + b


def _neg(a: Deriv) -> Deriv:
    return None if a is None else -a


def _mul(a: Deriv, k: FloatArray | float) -> Deriv:
    return None if a is None else a * k


class Expr(ABC):
    """A node of a parsed formula: prints itself and evaluates (f, ∂f/∂x, ∂f/∂y)."""

    precedence: int = ATOM
    constant: bool  # True when the node depends on neither x nor y

    @abstractmethod
    def forward(self, x: FloatArray, y: FloatArray, grad: bool) -> Dual:
        """(f, fx, fy) on broadcast float64 arrays; fx, fy are None when zero or not wanted."""

    @abstractmethod
    def __str__(self) -> str: ...

    @abstractmethod
    def to_latex(self) -> str: ...

    def __repr__(self) -> str:
        return f"parse_formula({str(self)!r})"

    def value(self, x: ArrayLike, y: ArrayLike) -> FloatArray:
        """f(x, y), broadcasting; invalid regions give nan/inf without warnings."""
        return self.value_and_gradient(x, y, grad=False)[0]

    def value_and_gradient(
        self, x: ArrayLike, y: ArrayLike, grad: bool = True
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(f, ∂f/∂x, ∂f/∂y) as float64 arrays of the broadcast shape of x and y."""
        xa, ya = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
        with np.errstate(all="ignore"):
            f, fx, fy = self.forward(xa, ya, grad)
        out = [
            np.broadcast_to(np.asarray(v if v is not None else 0.0, np.float64), xa.shape)
            for v in (f, fx, fy)
        ]
        return out[0].copy(), out[1].copy(), out[2].copy()


class Number(Expr):
    """A real constant: a literal, pi or e."""

    def __init__(self, number: float, text: str | None = None) -> None:
        self.number, self.text, self.constant = number, text, True

    def forward(self, x: FloatArray, y: FloatArray, grad: bool) -> Dual:
        return np.asarray(self.number, np.float64), None, None

    def __str__(self) -> str:
        if self.text is not None:
            return self.text
        if math.isinf(self.number):
            return "1e999"
        if self.number.is_integer() and abs(self.number) < 1e16:
            return str(int(self.number))
        return repr(self.number)

    def to_latex(self) -> str:
        s = str(self)
        if self.text is None and "e" in s:
            mantissa, exponent = s.split("e")
            return rf"{mantissa} \times 10^{{{int(exponent)}}}"
        return r"\pi" if self.text == "pi" else s


class Variable(Expr):
    """x or y."""

    def __init__(self, name: str) -> None:
        self.name, self.constant = name, False

    def forward(self, x: FloatArray, y: FloatArray, grad: bool) -> Dual:
        v = x if self.name == "x" else y
        one = np.ones_like(v) if grad else None
        return v, (one if self.name == "x" else None), (one if self.name == "y" else None)

    def __str__(self) -> str:
        return self.name

    def to_latex(self) -> str:
        return self.name


class Unary(Expr):
    """-u or +u."""

    precedence = UNARY

    def __init__(self, op: str, operand: Expr) -> None:
        self.op, self.operand, self.constant = op, operand, operand.constant

    def forward(self, x: FloatArray, y: FloatArray, grad: bool) -> Dual:
        f, fx, fy = self.operand.forward(x, y, grad)
        return (-f, _neg(fx), _neg(fy)) if self.op == "-" else (f, fx, fy)

    def __str__(self) -> str:
        return self.op + _paren(str(self.operand), self.operand.precedence < UNARY)

    def to_latex(self) -> str:
        return self.op + _paren_tex(self.operand.to_latex(), self.operand.precedence < UNARY)


class Binary(Expr):
    """left op right, op in + - * / **."""

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op, self.left, self.right = op, left, right
        self.constant = left.constant and right.constant
        self.precedence = {"+": ADD, "-": ADD, "*": MUL, "/": MUL, "**": POW}[op]

    def forward(self, x: FloatArray, y: FloatArray, grad: bool) -> Dual:
        a, ax, ay = self.left.forward(x, y, grad)
        b, bx, by = self.right.forward(x, y, grad)
        if self.op == "+":
            return a + b, _add(ax, bx), _add(ay, by)
        if self.op == "-":
            return a - b, _add(ax, _neg(bx)), _add(ay, _neg(by))
        if self.op == "*":
            return a * b, _add(_mul(ax, b), _mul(bx, a)), _add(_mul(ay, b), _mul(by, a))
        if self.op == "/":
            f, q = a / b, 1.0 / b
            return f, _mul(_add(ax, _neg(_mul(bx, f))), q), _mul(_add(ay, _neg(_mul(by, f))), q)
        f, fx, fy = a**b, None, None
        if (ax is not None or ay is not None) and not np.all(b == 0.0):
            da = b * a ** (b - 1.0)
            fx, fy = _mul(ax, da), _mul(ay, da)
        if bx is not None or by is not None:
            db = np.log(a) * f
            fx, fy = _add(fx, _mul(bx, db)), _add(fy, _mul(by, db))
        return f, fx, fy

    def __str__(self) -> str:
        p, lp, rp = self.precedence, self.left.precedence, self.right.precedence
        if self.op == "**":  # right-associative; x**-y needs no parentheses
            return f"{_paren(str(self.left), lp <= POW)}**{_paren(str(self.right), rp < UNARY)}"
        sep = f" {self.op} " if p == ADD else self.op
        return f"{_paren(str(self.left), lp < p)}{sep}{_paren(str(self.right), rp <= p)}"

    def to_latex(self) -> str:
        left, right = self.left.to_latex(), self.right.to_latex()
        p, lp, rp = self.precedence, self.left.precedence, self.right.precedence
        if self.op == "/":
            return rf"\frac{{{left}}}{{{right}}}"
        if self.op == "**":
            return f"{{{_paren_tex(left, lp <= POW)}}}^{{{right}}}"
        sep = {"+": " + ", "-": " - ", "*": r" \cdot "}[self.op]
        wrap_right = rp < p or (rp == p and self.op == "-")
        return f"{_paren_tex(left, lp < p)}{sep}{_paren_tex(right, wrap_right)}"


_FUNCTIONS: dict[str, tuple[UFunc, Callable[[FloatArray, FloatArray], FloatArray]]] = {
    # name: (g, g' as a function of the argument u and the value g(u))
    "abs": (np.abs, lambda u, g: np.sign(u)),
    "sqrt": (np.sqrt, lambda u, g: 0.5 / g),
    "exp": (np.exp, lambda u, g: g),
    "log": (np.log, lambda u, g: 1.0 / u),
    "sin": (np.sin, lambda u, g: np.cos(u)),
    "cos": (np.cos, lambda u, g: -np.sin(u)),
    "tan": (np.tan, lambda u, g: 1.0 + g * g),
    "tanh": (np.tanh, lambda u, g: 1.0 - g * g),
    "sinh": (np.sinh, lambda u, g: np.cosh(u)),
    "cosh": (np.cosh, lambda u, g: np.sinh(u)),
}
FUNCTIONS = tuple(_FUNCTIONS)


class Call(Expr):
    """A whitelisted one-argument function g(u)."""

    def __init__(self, name: str, arg: Expr) -> None:
        self.name, self.arg, self.constant = name, arg, arg.constant

    def forward(self, x: FloatArray, y: FloatArray, grad: bool) -> Dual:
        u, ux, uy = self.arg.forward(x, y, grad)
        g, dg = _FUNCTIONS[self.name]
        f = g(u)
        k = dg(u, f) if ux is not None or uy is not None else None
        return f, (None if k is None else _mul(ux, k)), (None if k is None else _mul(uy, k))

    def __str__(self) -> str:
        return f"{self.name}({self.arg})"

    def to_latex(self) -> str:
        arg = self.arg.to_latex()
        if self.name == "abs":
            return rf"\left|{arg}\right|"
        if self.name == "sqrt":
            return rf"\sqrt{{{arg}}}"
        return rf"\{self.name}\left({arg}\right)"


def _paren(s: str, wrap: bool) -> str:
    return f"({s})" if wrap else s


def _paren_tex(s: str, wrap: bool) -> str:
    return rf"\left({s}\right)" if wrap else s
