"""The MLP rules the server owns, served with the MLP schema (``rules``).

The schema validates with them, the training job and the WebSocket apply them, and the page reads
them from its data block instead of keeping its own copy. Each is derived from its registry: the
task a data set makes (``DATASETS``), the losses that suit a task, the first being the automatic
choice, and each loss' output activation (``LOSSES``), each input feature's NumPy code
(``FEATURES``); which fields continue a running training is declared here.
"""

from __future__ import annotations

from typing import Any

from app.core.datasets import DATASETS, Task
from app.core.features import FEATURES
from app.core.nn.losses import LOSSES, LOSSES_FOR_TASK, OFFERED_LOSSES

UPLOADED = "csv"
"""The data set of uploaded points (not in ``DATASETS``: its task comes from its labels)."""
# A change to only these fields continues the running training; any other change restarts it.
CONTINUES: tuple[str, ...] = ("optimizer", "epochs", "grid", "mc_passes")
# Uploaded labels that are at most this many distinct integers classify; anything else regresses.
MAX_LABEL_CLASSES = 10
OUTPUT_ACTIVATION: dict[str, str] = {name: LOSSES[name].output_activation
                                     for name in OFFERED_LOSSES}


def points_task(points: Any) -> Task:
    """The task uploaded points make: up to 10 integer labels classify, anything else regresses."""
    labels = {p[2] for p in points}
    if not all(float(v).is_integer() for v in labels) or len(labels) > MAX_LABEL_CLASSES:
        return "regression"
    return "binary" if len(labels) <= 2 else "multiclass"


def dataset_task() -> dict[str, Task]:
    """Data set → task; uploaded points are "binary" until their labels say otherwise."""
    return {**{name: entry.task for name, entry in DATASETS.items()}, UPLOADED: "binary"}


def mlp_rules() -> dict[str, Any]:
    """The rules as the page reads them (JSON)."""
    return {
        "dataset_task": dataset_task(),
        "losses_for_task": {task: list(losses) for task, losses in LOSSES_FOR_TASK.items()},
        "output_activation": OUTPUT_ACTIVATION,
        "continues": list(CONTINUES),
        "max_label_classes": MAX_LABEL_CLASSES,
        "features": [{"name": name, "code": feature.code} for name, feature in FEATURES.items()],
    }
