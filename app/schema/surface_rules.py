"""What the surface pages need to know about the custom formula, served with their schemas.

The example a teacher first sees when picking "custom", and the window and start a formula gets
when the link gives none (read from :class:`FormulaSurface`, which owns them).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from app.core.formula_surface import FormulaSurface

# Shown when a teacher first picks "custom": a Rosenbrock-like valley, easy to edit.
EXAMPLE_FORMULA = "(1 - x)^2 + 10*(y - x^2)^2"


@cache
def custom_formula() -> dict[str, Any]:
    """The example formula, and the default window and start of a typed formula."""
    surface = FormulaSurface(EXAMPLE_FORMULA, grid_size=3)
    return {"example": EXAMPLE_FORMULA, "window": list(surface.window),
            "start": list(surface.default_start)}
