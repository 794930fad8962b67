"""Arrays on the wire: little-endian float32 bytes in base64 (``decodeGrid`` in static/js/charts.js
reads them), far smaller and faster than JSON lists.

One policy for what is not a float32 number: NaN travels as NaN, ±inf as ±inf, and a finite value
beyond float32's range (|v| > 3.4e38) rounds to ±inf, as IEEE casting does. The page draws every
non-finite value as a gap: no value, or none that float32 can carry.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from numpy.typing import ArrayLike


def float32_base64(values: ArrayLike | Any) -> str:
    """``values`` (any shape, row-major) as base64 of little-endian float32 bytes."""
    with np.errstate(over="ignore", invalid="ignore"):  # beyond float32: ±inf, by the policy
        data = np.ascontiguousarray(values, dtype="<f4")
    return base64.b64encode(data.tobytes()).decode("ascii")
