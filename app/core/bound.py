"""An interval a numeric hyperparameter must lie in, declared once where the hyperparameter is.

``Bound(ge=0, lt=1)`` is ``0 <= value < 1``. The core checks values with it (uniform
``Invalid <name>`` messages), the schema enforces the same interval, and the page reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Bound:
    """Lower (``ge`` or ``gt``) and upper (``le`` or ``lt``) limits; ``None`` means open."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def __post_init__(self) -> None:
        if self.ge is not None and self.gt is not None:
            raise ValueError("a Bound takes at most one of ge and gt")
        if self.le is not None and self.lt is not None:
            raise ValueError("a Bound takes at most one of le and lt")

    def contains(self, value: Any) -> NDArray[np.bool_]:
        """Element-wise test (NaN is never inside)."""
        a = np.asarray(value, dtype=np.float64)
        ok = ~np.isnan(a)
        if self.ge is not None:
            ok &= a >= self.ge
        if self.gt is not None:
            ok &= a > self.gt
        if self.le is not None:
            ok &= a <= self.le
        if self.lt is not None:
            ok &= a < self.lt
        return ok

    def text(self) -> str:
        """The rule in words: ``> 0``, ``in [0, 1)`` …"""
        low = ("[", self.ge) if self.ge is not None else ("(", self.gt)
        high = ("]", self.le) if self.le is not None else (")", self.lt)
        if low[1] is not None and high[1] is not None:
            return f"in {low[0]}{low[1]:g}, {high[1]:g}{high[0]}"
        if low[1] is not None:
            return f"{'>=' if low[0] == '[' else '>'} {low[1]:g}"
        if high[1] is not None:
            return f"{'<=' if high[0] == ']' else '<'} {high[1]:g}"
        return "a number"

    def rule(self) -> str:
        """The rule in symbols, no words: ``> 0``, ``[0, 1)`` (what a catalog message quotes)."""
        return self.text().removeprefix("in ")

    def as_dict(self) -> dict[str, float]:
        """Only the limits that are set, e.g. ``{"ge": 0, "lt": 1}`` (as the schema serves it)."""
        return {k: v for k, v in (("ge", self.ge), ("gt", self.gt), ("le", self.le),
                                  ("lt", self.lt)) if v is not None}

    @staticmethod
    def union(bounds: list[Bound]) -> Bound:
        """The smallest interval holding every one of ``bounds`` (open where any is open)."""
        def lowest(b: Bound) -> tuple[float, int]:
            if b.ge is not None:
                return (b.ge, 0)
            return (b.gt, 1) if b.gt is not None else (-np.inf, 0)

        def highest(b: Bound) -> tuple[float, int]:
            if b.le is not None:
                return (b.le, 1)
            return (b.lt, 0) if b.lt is not None else (np.inf, 1)

        low, low_open = min(lowest(b) for b in bounds)
        high, high_closed = max(highest(b) for b in bounds)
        return Bound(
            ge=None if low_open or np.isinf(low) else low,
            gt=low if low_open else None,
            le=high if high_closed and not np.isinf(high) else None,
            lt=None if high_closed or np.isinf(high) else high,
        )
