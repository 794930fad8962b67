"""Classic 2D loss surfaces with analytic gradients (formulas and minima from docs/surfaces.md),
and the registry ``SURFACES`` the menus and the API read.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from app.core.surface import FloatArray, Minimum, Surface

TAU = 2.0 * math.pi


class Sphere(Surface):
    """f = x² + y²."""

    name, label_es, label_en = "sphere", "Esfera", "Sphere"
    formula, latex = "x² + y²", r"x^2 + y^2"
    window, default_start = (-2.0, 2.0, -2.0, 2.0), (-1.5, 1.2)
    minima = (Minimum(0.0, 0.0, 0.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return x**2 + y**2

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 2.0 * x, 2.0 * y


class Quadratic(Surface):
    """Ill-conditioned quadratic f = ½(x² + κ·y²), κ = condition_number."""

    name = "quadratic"
    label_es, label_en = "Cuadrática mal condicionada", "Ill-conditioned quadratic"
    window, default_start = (-2.0, 2.0, -2.0, 2.0), (-1.8, 0.6)
    minima = (Minimum(0.0, 0.0, 0.0),)

    def __init__(self, condition_number: float = 10.0) -> None:
        kappa = float(condition_number)
        if not 1.0 <= kappa <= 1000.0:
            raise ValueError(f"Invalid condition_number: {condition_number} (must be in [1, 1000])")
        self.condition_number = kappa
        self.formula = f"½(x² + {kappa:g}·y²)"
        self.latex = rf"\tfrac{{1}}{{2}}\left(x^2 + {kappa:g}\,y^2\right)"

    def params(self) -> dict[str, Any]:
        return {"condition_number": self.condition_number}

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return 0.5 * (x**2 + self.condition_number * y**2)

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        return x.copy(), self.condition_number * y


class Rosenbrock(Surface):
    """f = (1 − x)² + 100(y − x²)²."""

    name, label_es, label_en = "rosenbrock", "Rosenbrock", "Rosenbrock"
    formula, latex = "(1 − x)² + 100(y − x²)²", r"(1 - x)^2 + 100\,(y - x^2)^2"
    window, default_start, log_scale = (-2.0, 2.0, -1.0, 3.0), (-1.5, 2.5), True
    minima = (Minimum(1.0, 1.0, 0.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        r = y - x**2
        return -2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r


class Beale(Surface):
    """f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²."""

    name, label_es, label_en = "beale", "Beale", "Beale"
    formula = "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²"
    latex = r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"
    window, default_start, log_scale = (-4.5, 4.5, -4.5, 4.5), (1.0, 1.5), True
    minima = (Minimum(3.0, 0.5, 0.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
        gx = 2.0 * (t1 * (y - 1.0) + t2 * (y**2 - 1.0) + t3 * (y**3 - 1.0))
        gy = 2.0 * x * (t1 + 2.0 * t2 * y + 3.0 * t3 * y**2)
        return gx, gy


class Himmelblau(Surface):
    """f = (x² + y − 11)² + (x + y² − 7)²; four global minima and one local maximum."""

    name, label_es, label_en = "himmelblau", "Himmelblau", "Himmelblau"
    formula, latex = "(x² + y − 11)² + (x + y² − 7)²", r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
    window, default_start, log_scale = (-5.0, 5.0, -5.0, 5.0), (-0.27, -0.92), True
    minima = (
        Minimum(3.0, 2.0, 0.0),
        Minimum(-2.805118086952745, 3.131312518250573, 0.0),
        Minimum(-3.779310253377747, -3.283185991286169, 0.0),
        Minimum(3.5844283403304917, -1.8481265269644036, 0.0),
        Minimum(-0.2708445906673476, -0.9230385564799815, 181.6165215225827, "maximum"),
    )

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        a, b = x**2 + y - 11.0, x + y**2 - 7.0
        return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


class Booth(Surface):
    """f = (x + 2y − 7)² + (2x + y − 5)²."""

    name, label_es, label_en = "booth", "Booth", "Booth"
    formula, latex = "(x + 2y − 7)² + (2x + y − 5)²", r"(x + 2y - 7)^2 + (2x + y - 5)^2"
    window, default_start = (-10.0, 10.0, -10.0, 10.0), (-8.0, -6.0)
    minima = (Minimum(1.0, 3.0, 0.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        a, b = x + 2.0 * y - 7.0, 2.0 * x + y - 5.0
        return 2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b


class Matyas(Surface):
    """f = 0.26(x² + y²) − 0.48xy."""

    name, label_es, label_en = "matyas", "Matyas", "Matyas"
    formula, latex = "0.26(x² + y²) − 0.48xy", r"0.26\,(x^2 + y^2) - 0.48\,xy"
    window, default_start = (-10.0, 10.0, -10.0, 10.0), (-8.0, 6.0)
    minima = (Minimum(0.0, 0.0, 0.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return 0.26 * (x**2 + y**2) - 0.48 * x * y

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x


class ThreeHumpCamel(Surface):
    """f = 2x² − 1.05x⁴ + x⁶/6 + xy + y²."""

    name = "three_hump_camel"
    label_es, label_en = "Camello de tres jorobas", "Three-hump camel"
    formula, latex = "2x² − 1.05x⁴ + x⁶/6 + xy + y²", r"2x^2 - 1.05x^4 + \frac{x^6}{6} + xy + y^2"
    window, default_start = (-2.0, 2.0, -1.5, 1.5), (1.9, -1.2)
    minima = (Minimum(0.0, 0.0, 0.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return 2.0 * x**2 - 1.05 * x**4 + x**6 / 6.0 + x * y + y**2

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 4.0 * x - 4.2 * x**3 + x**5 + y, x + 2.0 * y


class SixHumpCamel(Surface):
    """f = (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²."""

    name = "six_hump_camel"
    label_es, label_en = "Camello de seis jorobas", "Six-hump camel"
    formula = "(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²"
    latex = r"\left(4 - 2.1x^2 + \frac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2"
    window, default_start = (-2.0, 2.0, -1.5, 1.5), (-1.5, -1.0)
    minima = (
        Minimum(0.08984201310031807, -0.7126564030207396, -1.0316284534898774),
        Minimum(-0.08984201310031807, 0.7126564030207396, -1.0316284534898774),
    )

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return (4.0 - 2.1 * x**2 + x**4 / 3.0) * x**2 + x * y + (-4.0 + 4.0 * y**2) * y**2

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 8.0 * x - 8.4 * x**3 + 2.0 * x**5 + y, x - 8.0 * y + 16.0 * y**3


class Rastrigin(Surface):
    """f = 20 + (x² − 10cos 2πx) + (y² − 10cos 2πy)."""

    name, label_es, label_en = "rastrigin", "Rastrigin", "Rastrigin"
    formula = "20 + x² − 10cos(2πx) + y² − 10cos(2πy)"
    latex = r"20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)"
    window, default_start = (-5.12, 5.12, -5.12, 5.12), (-2.0, 3.5)
    minima = (Minimum(0.0, 0.0, 0.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return 20.0 + x**2 - 10.0 * np.cos(TAU * x) + y**2 - 10.0 * np.cos(TAU * y)

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 2.0 * x + 10.0 * TAU * np.sin(TAU * x), 2.0 * y + 10.0 * TAU * np.sin(TAU * y)


class Ackley(Surface):
    """f = −20e^{−0.2√(½(x²+y²))} − e^{½(cos 2πx + cos 2πy)} + e + 20; ∇f(0, 0) := 0."""

    name, label_es, label_en = "ackley", "Ackley", "Ackley"
    formula = "−20·exp(−0.2√(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20"
    latex = (
        r"-20\,e^{-0.2\sqrt{\frac{1}{2}(x^2 + y^2)}}"
        r" - e^{\frac{1}{2}(\cos 2\pi x + \cos 2\pi y)} + e + 20"
    )
    window, default_start = (-5.0, 5.0, -5.0, 5.0), (-4.0, 3.5)
    minima = (Minimum(0.0, 0.0, 0.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        s = np.sqrt(0.5 * (x**2 + y**2))
        c = 0.5 * (np.cos(TAU * x) + np.cos(TAU * y))
        return -20.0 * np.exp(-0.2 * s) - np.exp(c) + math.e + 20.0

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        s = np.sqrt(0.5 * (x**2 + y**2))
        # ∂s/∂x = x / (2s): the cone tip at s = 0 has no gradient; use the subgradient 0 there.
        k = np.divide(2.0 * np.exp(-0.2 * s), s, out=np.zeros_like(s), where=s > 0.0)
        e2 = math.pi * np.exp(0.5 * (np.cos(TAU * x) + np.cos(TAU * y)))
        return k * x + e2 * np.sin(TAU * x), k * y + e2 * np.sin(TAU * y)


class GoldsteinPrice(Surface):
    """f = [1 + (x+y+1)²·P]·[30 + (2x−3y)²·Q] with the quadratics P, Q of the formula."""

    name, label_es, label_en = "goldstein_price", "Goldstein–Price", "Goldstein–Price"
    formula = (
        "[1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]"
        "·[30 + (2x−3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]"
    )
    latex = (
        r"\left[1 + (x+y+1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
        r"\left[30 + (2x-3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]"
    )
    window, default_start, log_scale = (-2.0, 2.0, -2.0, 2.0), (-1.5, 1.5), True
    minima = (Minimum(0.0, -1.0, 3.0),)

    @staticmethod
    def _parts(x: FloatArray, y: FloatArray) -> tuple[FloatArray, ...]:
        u, v = x + y + 1.0, 2.0 * x - 3.0 * y
        p = 19.0 - 14.0 * x + 3.0 * x**2 - 14.0 * y + 6.0 * x * y + 3.0 * y**2
        q = 18.0 - 32.0 * x + 12.0 * x**2 + 48.0 * y - 36.0 * x * y + 27.0 * y**2
        return u, v, p, q, 1.0 + u**2 * p, 30.0 + v**2 * q

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        *_, a, b = self._parts(x, y)
        return a * b

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        u, v, p, q, a, b = self._parts(x, y)
        da = 2.0 * u * p + u**2 * (-14.0 + 6.0 * x + 6.0 * y)  # ∂a/∂x = ∂a/∂y
        bx = 4.0 * v * q + v**2 * (-32.0 + 24.0 * x - 36.0 * y)
        by = -6.0 * v * q + v**2 * (48.0 - 36.0 * x + 54.0 * y)
        return da * b + a * bx, da * b + a * by


class StyblinskiTang(Surface):
    """f = ½(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)."""

    name, label_es, label_en = "styblinski_tang", "Styblinski–Tang", "Styblinski–Tang"
    formula = "½(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)"
    latex = r"\tfrac{1}{2}\left(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y\right)"
    window, default_start = (-5.0, 5.0, -5.0, 5.0), (4.0, 4.5)
    minima = (Minimum(-2.903534027771177, -2.903534027771177, -78.33233140754284),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return 0.5 * (x**4 - 16.0 * x**2 + 5.0 * x + y**4 - 16.0 * y**2 + 5.0 * y)

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 2.0 * x**3 - 16.0 * x + 2.5, 2.0 * y**3 - 16.0 * y + 2.5


class Levi13(Surface):
    """f = sin²(3πx) + (x−1)²[1 + sin²(3πy)] + (y−1)²[1 + sin²(2πy)]."""

    name, label_es, label_en = "levi13", "Lévi N.º 13", "Lévi N.13"
    formula = "sin²(3πx) + (x − 1)²[1 + sin²(3πy)] + (y − 1)²[1 + sin²(2πy)]"
    latex = (
        r"\sin^2(3\pi x) + (x-1)^2\left[1 + \sin^2(3\pi y)\right]"
        r" + (y-1)^2\left[1 + \sin^2(2\pi y)\right]"
    )
    window, default_start = (-5.0, 5.0, -5.0, 5.0), (-4.0, -4.0)
    minima = (Minimum(1.0, 1.0, 0.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return (
            np.sin(3.0 * math.pi * x) ** 2
            + (x - 1.0) ** 2 * (1.0 + np.sin(3.0 * math.pi * y) ** 2)
            + (y - 1.0) ** 2 * (1.0 + np.sin(TAU * y) ** 2)
        )

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        p3 = 3.0 * math.pi
        gx = p3 * np.sin(2.0 * p3 * x) + 2.0 * (x - 1.0) * (1.0 + np.sin(p3 * y) ** 2)
        gy = (
            (x - 1.0) ** 2 * p3 * np.sin(2.0 * p3 * y)
            + 2.0 * (y - 1.0) * (1.0 + np.sin(TAU * y) ** 2)
            + (y - 1.0) ** 2 * TAU * np.sin(2.0 * TAU * y)
        )
        return gx, gy


class Easom(Surface):
    """f = −cos x · cos y · e^{−((x−π)² + (y−π)²)}: flat almost everywhere."""

    name, label_es, label_en = "easom", "Easom", "Easom"
    formula = "−cos x · cos y · exp(−((x − π)² + (y − π)²))"
    latex = r"-\cos x\,\cos y\;e^{-\left((x-\pi)^2 + (y-\pi)^2\right)}"
    window, default_start = (0.0, TAU, 0.0, TAU), (1.0, 1.0)
    minima = (Minimum(math.pi, math.pi, -1.0),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return -np.cos(x) * np.cos(y) * np.exp(-((x - math.pi) ** 2 + (y - math.pi) ** 2))

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        cx, cy = np.cos(x), np.cos(y)
        g = np.exp(-((x - math.pi) ** 2 + (y - math.pi) ** 2))
        gx = cy * g * (np.sin(x) + 2.0 * (x - math.pi) * cx)
        gy = cx * g * (np.sin(y) + 2.0 * (y - math.pi) * cy)
        return gx, gy


class McCormick(Surface):
    """f = sin(x + y) + (x − y)² − 1.5x + 2.5y + 1."""

    name, label_es, label_en = "mccormick", "McCormick", "McCormick"
    formula, latex = (
        "sin(x + y) + (x − y)² − 1.5x + 2.5y + 1",
        r"\sin(x + y) + (x - y)^2 - 1.5x + 2.5y + 1",
    )
    window, default_start = (-1.5, 4.0, -3.0, 4.0), (3.0, 3.5)
    minima = (Minimum(-0.5471975511965976, -1.5471975511965976, -1.9132229549810362),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return np.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1.0

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        c, d = np.cos(x + y), 2.0 * (x - y)
        return c + d - 1.5, c - d + 2.5


class Saddle(Surface):
    """f = x² − y²: unbounded below, a saddle at the origin."""

    name, label_es, label_en = "saddle", "Silla de montar", "Saddle"
    formula, latex = "x² − y²", r"x^2 - y^2"
    window, default_start, bounded_below = (-2.0, 2.0, -2.0, 2.0), (-1.0, 1e-3), False
    minima = (Minimum(0.0, 0.0, 0.0, "saddle"),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return x**2 - y**2

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 2.0 * x, -2.0 * y


class MonkeySaddle(Surface):
    """f = x³ − 3xy²: unbounded below, a degenerate saddle at the origin."""

    name, label_es, label_en = "monkey_saddle", "Silla de mono", "Monkey saddle"
    formula, latex = "x³ − 3xy²", r"x^3 - 3xy^2"
    window, default_start, bounded_below = (-1.5, 1.5, -1.5, 1.5), (1.0, 1e-3), False
    minima = (Minimum(0.0, 0.0, 0.0, "saddle"),)

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return x**3 - 3.0 * x * y**2

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        return 3.0 * x**2 - 3.0 * y**2, -6.0 * x * y


SURFACES: dict[str, type[Surface] | Callable[..., Surface]] = {
    cls.name: cls
    for cls in (
        Sphere, Quadratic, Rosenbrock, Beale, Himmelblau, Booth, Matyas, ThreeHumpCamel,
        SixHumpCamel, Rastrigin, Ackley, GoldsteinPrice, StyblinskiTang, Levi13, Easom,
        McCormick, Saddle, MonkeySaddle,
    )
}  # fmt: skip


def make_surface(name: str, **params: Any) -> Surface:
    """Build a registered surface; KeyError for an unknown name, ValueError for bad params."""
    if name not in SURFACES:
        raise KeyError(f"Unknown surface: {name!r} (choose from {', '.join(SURFACES)})")
    factory = SURFACES[name]
    try:
        inspect.signature(factory).bind(**params)
    except TypeError as exc:
        raise ValueError(f"Invalid parameters for surface {name!r}: {exc}") from None
    return factory(**params)
