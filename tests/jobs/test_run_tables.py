"""Run tables: repr-exact floats, empty cells for missing values, the Spanish dialect."""

from __future__ import annotations

from app.jobs.mlp_run import MAX_REQUEST_STEPS, oversize_reason, request_steps
from app.jobs.run_tables import to_csv
from app.schema.mlp_experiment import MlpExperiment


def test_to_csv_writes_repr_floats_and_empty_cells():
    text = to_csv(("a", "b", "c"), [(0, 0.1 + 0.2, None), (1, 1e-300, "adam")])
    assert text == "a,b,c\r\n0,0.30000000000000004,\r\n1,1e-300,adam\r\n"


def test_request_steps_counts_batches_of_the_training_split():
    experiment = MlpExperiment.model_validate(
        {"dataset": {"name": "xor", "samples": 200, "train_ratio": 0.5}, "batch_size": 30,
         "epochs": 7})
    assert request_steps(experiment) == 7 * 4  # 100 training points in batches of 30
    assert oversize_reason(experiment) is None
    big = experiment.model_copy(update={"epochs": MAX_REQUEST_STEPS // 4 + 1})
    assert "exceeds 250,000" in (oversize_reason(big) or "")
