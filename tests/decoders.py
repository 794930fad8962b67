"""Decoders of what the API sends: base64 little-endian float32 arrays."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from numpy.typing import NDArray


def float32s(text: str) -> NDArray[np.float32]:
    """A base64 little-endian float32 array, flat."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def float32_grid(data: dict[str, Any], key: str) -> NDArray[np.float32]:
    """``data[key]`` as a (ny, nx) row-major grid, the shape ``data`` declares."""
    return float32s(data[key]).reshape(int(data["ny"]), int(data["nx"]))
