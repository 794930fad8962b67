"""The MLP rules the server owns, declared once and served with ``/api/mlp/schema``.

The schema validates with them, the training job and the WebSocket apply them, and the page reads
them from its data block instead of keeping its own copy: which task a data set makes, which
losses suit a task (the first is the automatic choice), the output activation of each loss,
which fields continue a running training, and each input feature's NumPy code.
"""

from __future__ import annotations

from typing import Any, Literal

from app.core.features import FEATURES

Task = Literal["binary", "multiclass", "regression"]

# An uploaded CSV ("csv") makes the task its labels make (``points_task``); "binary" until then.
DATASET_TASK: dict[str, Task] = {
    "circle": "binary", "xor": "binary", "gauss": "binary", "spiral": "binary",
    "moons": "binary", "blobs": "multiclass", "reg_plane": "regression",
    "reg_gauss": "regression", "csv": "binary",
}
LOSSES_FOR_TASK: dict[str, tuple[str, ...]] = {
    "binary": ("binary_crossentropy", "mean_squared_error"),
    "multiclass": ("categorical_crossentropy",),
    "regression": ("mean_squared_error",),
}
OUTPUT_ACTIVATION: dict[str, str] = {
    "binary_crossentropy": "sigmoid", "categorical_crossentropy": "softmax",
    "mean_squared_error": "linear",
}
# A change to only these fields continues the running training; any other change restarts it.
CONTINUES: tuple[str, ...] = ("optimizer", "epochs", "grid", "mc_passes")
# Uploaded labels that are at most this many distinct integers classify; anything else regresses.
MAX_LABEL_CLASSES = 10


def points_task(points: Any) -> Task:
    """The task uploaded points make: up to 10 integer labels classify, anything else regresses."""
    labels = {p[2] for p in points}
    if not all(float(v).is_integer() for v in labels) or len(labels) > MAX_LABEL_CLASSES:
        return "regression"
    return "binary" if len(labels) <= 2 else "multiclass"


def mlp_rules() -> dict[str, Any]:
    """The rules as the page reads them (JSON)."""
    return {
        "dataset_task": DATASET_TASK,
        "losses_for_task": {task: list(losses) for task, losses in LOSSES_FOR_TASK.items()},
        "output_activation": OUTPUT_ACTIVATION,
        "continues": list(CONTINUES),
        "max_label_classes": MAX_LABEL_CLASSES,
        "features": [{"name": name, "code": feature.code} for name, feature in FEATURES.items()],
    }
