"""The MLP rules the page reads: complete for every name the schema accepts, and true."""

from __future__ import annotations

from typing import get_args

import numpy as np
import pytest

from app.core.features import FEATURES
from app.core.nn.losses import LOSSES_FOR_TASK
from app.schema.mlp_experiment import DatasetName, LossName, MlpExperiment
from app.schema.mlp_rules import CONTINUES, OUTPUT_ACTIVATION, dataset_task, mlp_rules

DATASET_TASK = dataset_task()


def test_mlp_rules_name_a_task_for_every_dataset() -> None:
    assert set(DATASET_TASK) == set(get_args(DatasetName))
    assert set(DATASET_TASK.values()) <= set(LOSSES_FOR_TASK)


def test_mlp_rules_give_every_loss_an_output_activation() -> None:
    losses = {loss for choices in LOSSES_FOR_TASK.values() for loss in choices}
    assert losses == set(get_args(LossName)) == set(OUTPUT_ACTIVATION)


@pytest.mark.parametrize("name", sorted(set(DATASET_TASK) - {"csv"}))
def test_mlp_rules_task_is_the_experiments_task(name: str) -> None:
    experiment = MlpExperiment.model_validate({"dataset": {"name": name}})
    assert experiment.task() == DATASET_TASK[name]
    assert experiment.resolved_loss() == LOSSES_FOR_TASK[DATASET_TASK[name]][0]


def test_mlp_rules_continue_only_existing_fields() -> None:
    assert set(CONTINUES) <= set(MlpExperiment.model_fields)


def test_mlp_rules_feature_code_computes_the_feature() -> None:
    rng = np.random.default_rng(0)
    points = rng.uniform(-5, 5, size=(50, 2))
    served = mlp_rules()["features"]
    assert [f["name"] for f in served] == list(FEATURES)
    for entry in served:
        value = eval(entry["code"], {"np": np, "x1": points[:, 0], "x2": points[:, 1]})
        np.testing.assert_allclose(value, FEATURES[entry["name"]].fn(points), rtol=1e-12)
