"""What the surface pages need to know about the custom formula, served with their schemas.

The example a teacher first sees when picking "custom", and the window and start a formula gets
when the link gives none (declared once in the core, :mod:`app.core.formula_surface`).
"""

from __future__ import annotations

from typing import Any

from app.schema.surface_experiment import custom_defaults

# Shown when a teacher first picks "custom": a Rosenbrock-like valley, easy to edit.
EXAMPLE_FORMULA = "(1 - x)^2 + 10*(y - x^2)^2"


def custom_formula() -> dict[str, Any]:
    """The example formula, and the default window and start of a typed formula."""
    return {"example": EXAMPLE_FORMULA, **custom_defaults()}
