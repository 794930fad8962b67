"""The intervals most optimizers share; each optimizer class lists its own in ``bounds``.

Keras checks few of them (SGD's momentum in [0, 1], Lion's beta_1 in (0, 1]); the others keep a
run finite: a decay rate of 1 or more would divide by zero in the bias corrections.
"""

from __future__ import annotations

from app.core.bound import Bound

UNIT = Bound(ge=0, lt=1)
"""A decay rate: rho, beta_1, beta_2."""
UNIT_CLOSED = Bound(ge=0, le=1)
"""A momentum (Keras SGD: "momentum must be a float between [0, 1]")."""
NON_NEGATIVE = Bound(ge=0)
"""epsilon, initial_accumulator_value."""
