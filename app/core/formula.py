"""Custom surfaces typed as a formula in x and y: a whitelist parser and exact derivatives.

Nothing is ever evaluated as Python code. `ast.parse(text, mode="eval")` serves only as a parser;
its tree is walked against a whitelist (real numbers, x, y, pi, e, + - * / ** or ^, unary + -,
one-argument calls of abs sqrt exp log sin cos tan tanh sinh cosh) and rebuilt as a small
expression tree that computes f and its gradient together by forward-mode differentiation:
every node returns (f, fx, fy) with fx = ∂f/∂x, fy = ∂f/∂y (None meaning an exact zero), e.g.

    a*b:   f = a*b,   fx = ax*b + bx*a
    a/b:   f = a/b,   fx = (ax - bx*f)/b
    a**b:  f = a**b,  fx = b*a**(b-1)*ax + log(a)*a**b*bx
    g(u):  f = g(u),  fx = g'(u)*ux

Errors are `FormulaError(code, message, column, token)`, `column` 1-based in the user's text.
"""

from __future__ import annotations

import ast
import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from app.core.surface import FloatArray, Minimum, Surface

MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_EXPONENT = 300, 200, 30, 100.0
VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "e": math.e}
Deriv = FloatArray | None
Dual = tuple[FloatArray, Deriv, Deriv]
UFunc = Callable[[FloatArray], FloatArray]
ADD, MUL, UNARY, POW, ATOM = 1, 2, 3, 4, 5  # binding strength, for printing parentheses


class FormulaError(ValueError):
    """A formula refused by the parser; `code` lets the UI translate the message."""

    def __init__(self, code: str, message: str, column: int, token: str) -> None:
        super().__init__(message)
        self.code, self.message, self.column, self.token = code, message, column, token

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "column": self.column,
            "token": self.token,
        }


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


_ALLOWED_HINT = "use x, y, pi, e or " + ", ".join(FUNCTIONS)
_SYNTAX_HINT = "formulas use numbers, x, y, pi, e, + - * / ** ^, parentheses and "
_BINARY_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}
_LONG_OPS = ("**", "//", "<<", ">>", "<=", ">=", "==", "!=", ":=", "->")
_DESCRIPTIONS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator",
    ast.IfExp: "conditional expression",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Starred: "unpacking",
    ast.NamedExpr: "assignment",
    ast.JoinedStr: "f-string",
    ast.Constant: "constant",
    ast.BinOp: "operator",
    ast.UnaryOp: "operator",
}


class _Parser:
    """Walks Python's parse tree of one formula against the whitelist, building an Expr."""

    def __init__(self, text: str) -> None:
        self.text, self.nodes = text, 0
        # src: the text with whitespace as " " and "^" as "**"; index[i]: src[i]'s place in text
        chars: list[str] = []
        self.index: list[int] = []
        for i, c in enumerate(text):
            rep = "**" if c == "^" else " " if c.isspace() else c
            chars.append(rep)
            self.index.extend([i] * len(rep))
        self.index.append(len(text))
        self.src = "".join(chars)

    def fail(self, code: str, message: str, start: int, end: int) -> FormulaError:
        """FormulaError pointing at src[start:end]; `message` may use {column} and {token}."""
        start = min(max(start, 0), len(self.src))
        end = min(max(end, start), len(self.src))
        column = self.index[start] + 1
        token = self.text[self.index[start] : self.index[end - 1] + 1] if end > start else ""
        return FormulaError(code, message.format(column=column, token=token), column, token)

    def token_at(self, start: int, end: int, skip: bool = True) -> tuple[int, int]:
        """Span of the first token of src[start:end], skipping spaces (and parentheses)."""
        while start < end and self.src[start] in (" ()" if skip else " "):
            start += 1
        if start >= end:
            return start, start
        if self.src[start].isalnum() or self.src[start] == "_":
            stop = start + 1
            while stop < end and (self.src[stop].isalnum() or self.src[stop] == "_"):
                stop += 1
            return start, stop
        long = any(self.src.startswith(op, start, end) for op in _LONG_OPS)
        return start, start + (2 if long else 1)

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Character span of an AST node in src (ast reports UTF-8 byte offsets)."""
        data = self.src.encode("utf-8")
        start, end = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", None)
        end = len(data) if end is None else end
        return len(data[:start].decode("utf-8", "replace")), len(
            data[:end].decode("utf-8", "replace")
        )

    def parse(self) -> Expr:
        for i, c in enumerate(self.src):  # comments, line continuations, control characters
            if c in "#\\" or not c.isprintable():
                raise self.fail(
                    "syntax", "unexpected character {token!r} at column {column}", i, i + 1
                )
        try:  # a parser only; its warnings (e.g. "1if") turn into SyntaxError under -W error
            tree = ast.parse(self.src, mode="eval")
        except SyntaxError as exc:
            pos = (exc.offset or 0) - 1 if (exc.lineno or 1) == 1 else -1
            msg = (exc.msg or "invalid syntax").replace("{", "{{").replace("}", "}}")
            raise self.fail(
                "syntax",
                "syntax error at column {column}: " + msg,
                *self.token_at(pos if pos >= 0 else len(self.src), len(self.src), skip=False),
            ) from None
        except (ValueError, RecursionError, MemoryError) as exc:
            raise FormulaError(
                "syntax", f"formula could not be parsed ({type(exc).__name__})", 1, ""
            ) from None
        return self.build(tree.body, 1)

    def build(self, node: ast.AST, depth: int) -> Expr:
        start, end = self.span(node)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                "too_many_nodes",
                f"formula is too complex: more than {MAX_NODES} terms (at column {{column}})",
                *self.token_at(start, end),
            )
        if depth > MAX_DEPTH:
            raise self.fail(
                "too_deep",
                f"formula is nested too deeply: more than {MAX_DEPTH} "
                "levels (at column {column})",
                *self.token_at(start, end),
            )
        number = getattr(node, "value", None) if isinstance(node, ast.Constant) else None
        if isinstance(number, int | float) and not isinstance(number, bool):
            try:
                return Number(float(number))
            except OverflowError:  # a huge hexadecimal literal
                return Number(math.inf)
        if isinstance(node, ast.Name):
            return self.name(node.id, start, end)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            op = "-" if isinstance(node.op, ast.USub) else "+"
            return Unary(op, self.build(node.operand, depth + 1))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY_OPS:
            left, right = self.build(node.left, depth + 1), self.build(node.right, depth + 1)
            if isinstance(node.op, ast.Pow):
                self.check_exponent(node.right, right)
            return Binary(_BINARY_OPS[type(node.op)], left, right)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        what = "{token!r} (" + _DESCRIPTIONS.get(type(node), "construct") + ")"
        raise self.fail(
            "node",
            what + " is not allowed at column {column}; " + _SYNTAX_HINT + ", ".join(FUNCTIONS),
            *self.telling_token(node, start, end),
        )

    def telling_token(self, node: ast.AST, start: int, end: int) -> tuple[int, int]:
        """The token that makes a node what it is: ".", "[", "==", "if", "lambda", "and", ..."""
        if isinstance(node, ast.Constant | ast.JoinedStr):
            return start, end
        first: ast.AST | None = None
        if isinstance(node, ast.Attribute | ast.Subscript):
            first = node.value
        elif isinstance(node, ast.Compare | ast.BinOp):
            first = node.left
        elif isinstance(node, ast.IfExp):
            first = node.body
        elif isinstance(node, ast.NamedExpr):
            first = node.target
        elif isinstance(node, ast.BoolOp):
            first = node.values[0]
        elif isinstance(node, ast.Tuple) and node.elts and self.span(node.elts[0])[0] == start:
            first = node.elts[0]  # an unparenthesized tuple: point at the comma
        if first is None:
            return self.token_at(start, end, skip=False)
        return self.token_at(self.span(first)[1], end)

    def name(self, ident: str, start: int, end: int) -> Expr:
        if ident in VARIABLES:
            return Variable(ident)
        if ident in CONSTANTS:
            return Number(CONSTANTS[ident], ident)
        if ident in _FUNCTIONS:
            raise self.fail(
                "call",
                f"function {ident!r} at column {{column}} must be called "
                f"with one argument, e.g. {ident}(x)",
                start,
                end,
            )
        raise self.fail(
            "name", "name {token!r} is not allowed at column {column}; " + _ALLOWED_HINT, start, end
        )

    def call(self, node: ast.Call, depth: int) -> Expr:
        func = node.func
        if not isinstance(func, ast.Name):
            self.build(func, depth + 1)  # reports a forbidden callee such as x.real first
            raise self.fail(
                "call",
                "only the functions " + ", ".join(FUNCTIONS) + " can be called (column {column})",
                *self.span(func),
            )
        start, end = self.span(func)
        if func.id not in _FUNCTIONS:
            if func.id in VARIABLES or func.id in CONSTANTS:
                raise self.fail(
                    "call",
                    "{token!r} at column {column} is not a function; " + _ALLOWED_HINT,
                    start,
                    end,
                )
            return self.name(func.id, start, end)  # raises code "name"
        if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
            raise self.fail(
                "call",
                f"function {func.id!r} at column {{column}} takes exactly "
                f"one argument, e.g. {func.id}(x)",
                start,
                end,
            )
        return Call(func.id, self.build(node.args[0], depth + 1))

    def check_exponent(self, node: ast.AST, exponent: Expr) -> None:
        """A constant exponent must be finite with |p| ≤ MAX_EXPONENT (9**9**9**9 is refused)."""
        if not exponent.constant:
            return
        p = float(exponent.value(0.0, 0.0))
        if not abs(p) <= MAX_EXPONENT:
            raise self.fail(
                "exponent",
                f"exponent {{token!r}} at column {{column}} is too large "
                f"(a constant exponent must be at most {MAX_EXPONENT:g} in absolute "
                "value)",
                *self.span(node),
            )


def parse_formula(text: str) -> Expr:
    """Parse a formula in x and y, e.g. "x**2 + 3*sin(y)", or raise FormulaError."""
    if not isinstance(text, str):
        raise TypeError(f"Invalid formula: {text!r} (must be a string)")
    if len(text) > MAX_LENGTH:  # before any other work: a 100 kB text costs nothing
        message = f"formula is too long: {len(text)} characters (at most {MAX_LENGTH})"
        raise FormulaError("too_long", message, MAX_LENGTH + 1, "")
    if not text.strip():
        raise FormulaError("empty", "formula is empty", 1, "")
    return _Parser(text).parse()


class FormulaSurface(Surface):
    """A surface typed by the user as a formula in x and y; minima estimated on a grid."""

    name, label_es, label_en = "custom", "Fórmula personalizada", "Custom formula"
    minima_estimated = True

    def __init__(
        self,
        text: str,
        window: tuple[float, float, float, float] = (-2.0, 2.0, -2.0, 2.0),
        grid_size: int = 201,
    ) -> None:
        xmin, xmax, ymin, ymax = (float(v) for v in window)
        if not (np.all(np.isfinite(window)) and xmin < xmax and ymin < ymax):
            raise ValueError(f"Invalid window: {window} (must be finite, xmin < xmax, ymin < ymax)")
        if not 3 <= grid_size <= 2001:
            raise ValueError(f"Invalid grid_size: {grid_size} (must be in [3, 2001])")
        self.text, self.expr = text, parse_formula(text)
        self.formula, self.latex = str(self.expr), self.expr.to_latex()
        self.window = (xmin, xmax, ymin, ymax)
        start = (0.8 * xmin + 0.2 * xmax, 0.2 * ymin + 0.8 * ymax)  # upper-left, off the centre
        self.default_start = (round(start[0], 12), round(start[1], 12))
        self.minima, self.bounded_below, self.log_scale = self._scan(grid_size)

    def params(self) -> dict[str, Any]:
        return {"text": self.text}

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return self.expr.value(x, y)

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        _, gx, gy = self.expr.value_and_gradient(x, y)
        return gx, gy

    def _scan(self, n: int) -> tuple[tuple[Minimum, ...], bool, bool]:
        """Grid search: (estimated global minimum, bounded_below, log_scale).

        A lowest grid value on the window's edge (or a value of -inf) is no minimum: the surface
        is then reported as unbounded below within the window, with no minimum marked.
        """
        xs, ys, z = self.grid(n, n)
        finite = np.isfinite(z)
        if not finite.any():
            return (), False, False
        values = z[finite]
        positive = values[values > 0]
        log_scale = bool(
            values.min() >= 0
            and positive.size > 0
            and np.log10(positive.max()) - np.log10(positive.min()) > 3  # no overflow
        )
        i, j = np.unravel_index(np.argmin(np.where(finite, z, np.inf)), z.shape)
        if np.any(z == -np.inf) or i in (0, n - 1) or j in (0, n - 1):
            return (), False, log_scale
        # one parabolic step along each axis through the three grid values around the minimum
        best = (float(xs[j]), float(ys[i]), float(z[i, j]))
        step = []
        for lo, mid, hi, h in (
            (z[i, j - 1], z[i, j], z[i, j + 1], xs[1] - xs[0]),
            (z[i - 1, j], z[i, j], z[i + 1, j], ys[1] - ys[0]),
        ):
            with np.errstate(all="ignore"):  # huge or non-finite neighbours: no step, no warning
                curv = lo - 2.0 * mid + hi
                step.append(0.5 * h * (lo - hi) / curv if np.isfinite(curv) and curv > 0 else 0.0)
        x, y = best[0] + step[0], best[1] + step[1]
        refined = float(self.value(x, y))
        if refined < best[2]:
            best = (x, y, refined)
        return (Minimum(*best, kind="global"),), True, log_scale
