"""A formula in x and y typed by a user, parsed against a whitelist.

Nothing is ever evaluated as Python code. `ast.parse(text, mode="eval")` serves only as a parser;
its tree is walked against a whitelist (real numbers, x, y, pi, e, + - * / ** or ^, unary + -,
one-argument calls of abs sqrt exp log sin cos tan tanh sinh cosh) and rebuilt as an expression
tree (``formula_tree.py``) that computes f and its exact gradient by forward-mode
differentiation.

Errors are `FormulaError(code, message, column, token)`, `column` 1-based in the user's text;
`params` are what a translated message needs (column, token and, per code, the cap broken).
"""

from __future__ import annotations

import ast
import math
from typing import Any

from app.core.formula_tree import (
    CONSTANTS,
    FUNCTIONS,
    VARIABLES,
    Binary,
    Call,
    Expr,
    Number,
    Unary,
    Variable,
)

__all__ = ["CODES", "FUNCTIONS", "MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH", "MAX_NODES", "Expr",
           "FormulaError", "parse_formula"]

MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_EXPONENT = 300, 200, 30, 100.0


class FormulaError(ValueError):
    """A formula refused by the parser; `code` lets the UI translate the message."""

    def __init__(self, code: str, message: str, column: int, token: str,
                 **extra: int | float) -> None:
        super().__init__(message)
        self.code, self.message, self.column, self.token = code, message, column, token
        self.extra = extra

    @property
    def params(self) -> dict[str, int | float | str]:
        """Plain values for a translated message: column and token, and any cap (``max``)."""
        where: dict[str, int | float | str] = (
            {} if self.code in _NOWHERE else {"column": self.column, "token": self.token})
        return {**where, **self.extra}

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "column": self.column,
            "token": self.token,
        }


CODES = ("syntax", "node", "name", "call", "exponent", "too_deep", "too_many_nodes",
         "too_long", "empty")
_NOWHERE = ("too_long", "empty")  # codes about the whole text, not one place in it
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

    def fail(self, code: str, message: str, start: int, end: int,
             **extra: int | float) -> FormulaError:
        """FormulaError pointing at src[start:end]; `message` may use {column} and {token}."""
        start = min(max(start, 0), len(self.src))
        end = min(max(end, start), len(self.src))
        column = self.index[start] + 1
        token = self.text[self.index[start] : self.index[end - 1] + 1] if end > start else ""
        return FormulaError(code, message.format(column=column, token=token), column, token,
                            **extra)

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
                *self.token_at(start, end), max=MAX_NODES,
            )
        if depth > MAX_DEPTH:
            raise self.fail(
                "too_deep",
                f"formula is nested too deeply: more than {MAX_DEPTH} "
                "levels (at column {column})",
                *self.token_at(start, end), max=MAX_DEPTH,
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
        if ident in FUNCTIONS:
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
        if func.id not in FUNCTIONS:
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
                *self.span(node), max=MAX_EXPONENT,
            )


def parse_formula(text: str) -> Expr:
    """Parse a formula in x and y, e.g. "x**2 + 3*sin(y)", or raise FormulaError."""
    if not isinstance(text, str):
        raise TypeError(f"Invalid formula: {text!r} (must be a string)")
    if len(text) > MAX_LENGTH:  # before any other work: a 100 kB text costs nothing
        # the whole text is at fault, not a place in it: column 1, and the cap in the message
        message = f"formula is too long: {len(text)} characters (max {MAX_LENGTH})"
        raise FormulaError("too_long", message, 1, "", max=MAX_LENGTH, length=len(text))
    if not text.strip():
        raise FormulaError("empty", "formula is empty", 1, "")
    return _Parser(text).parse()
