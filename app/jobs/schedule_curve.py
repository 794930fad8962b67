"""A schedule's learning-rate curve, from the schedule code that trains."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from app.schema.instruments import ScheduleCurve


def learning_rates(curve: ScheduleCurve) -> NDArray[np.float64]:
    """η_1 … η_steps: η_t is the rate of update t, i.e. the schedule at optimizer step t − 1
    (Keras calls the schedule with ``iterations`` before incrementing it)."""
    schedule = curve.schedule.build(curve.learning_rate, curve.steps)
    steps = np.arange(curve.steps)
    with np.errstate(all="ignore"):
        rates = schedule(steps) if callable(schedule) else np.full(curve.steps, schedule)
    return np.broadcast_to(np.asarray(rates, dtype=np.float64), (curve.steps,))
