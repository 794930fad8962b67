"""The optimization algorithms, with Keras 3 update rules and defaults (``keras.optimizers.*``),
one module per family, and their catalogue ``OPTIMIZERS`` (``registry.py``)."""

from app.core.optimizers.adam import Adam, Adamax, AdamW, Nadam
from app.core.optimizers.adaptive import Adagrad, RMSprop
from app.core.optimizers.lion import Lion
from app.core.optimizers.registry import (
    DEFAULTS,
    KERAS_CLASS,
    OPTIMIZERS,
    UPDATE_RULES,
    OptimizerEntry,
    build_optimizer,
)
from app.core.optimizers.sgd import SGD

__all__ = [
    "DEFAULTS", "KERAS_CLASS", "OPTIMIZERS", "SGD", "UPDATE_RULES", "Adagrad", "Adam", "AdamW",
    "Adamax", "Lion", "Nadam", "OptimizerEntry", "RMSprop", "build_optimizer",
]
