"""The one float32/base64 encoder and its policy for what is not a float32 number."""

import base64
import warnings

import numpy as np

from app.jobs.encoding import float32_base64


def _decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def test_float32_base64_keeps_nan_and_infinities_and_overflows_to_infinity() -> None:
    values = np.array([1.5, np.nan, np.inf, -np.inf, 1e39, -1e39, 3e38])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # overflow is the policy, not a warning
        out = _decode(float32_base64(values))
    assert np.isnan(out[1])
    np.testing.assert_array_equal(out[[0, 2, 3, 4, 5]], [1.5, np.inf, -np.inf, np.inf, -np.inf])
    np.testing.assert_allclose(out[6], 3e38, rtol=1e-7)


def test_float32_base64_is_row_major_little_endian() -> None:
    grid = np.arange(6, dtype=np.float64).reshape(2, 3)
    np.testing.assert_array_equal(_decode(float32_base64(grid)), [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(_decode(float32_base64(grid.T)), [0, 3, 1, 4, 2, 5])
