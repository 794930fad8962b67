"""The rules our validators add to pydantic's, each with a stable code.

A validator raises ``invalid(code, english, **params)``: pydantic reports it with ``type`` =
``code`` and ``ctx`` = ``params`` (plain numbers and strings), so the API keeps its English
``message`` while a page renders the catalog entry ``error.<code>`` with the same parameters.
``field`` in ``params`` names the field of the model that the rule blames (a link that breaks
the rule gets that field reset). Every code here has an entry in both catalogs (a test checks).
"""

from __future__ import annotations

from pydantic_core import PydanticCustomError

SCHEMA_ERRORS = frozenset({
    # surfaces and the map
    "expression_required", "window_order", "window_range", "start_range",
    "lr_order", "lr_min_too_small", "second_order", "second_not_taken", "second_log_positive",
    "map_too_large", "explain_one_run",
    # the MLP
    "csv_points_required", "csv_too_few_points", "points_range", "regression_targets_range",
    "features_repeat", "loss_task", "training_too_large", "render_too_large",
    "too_many_steps",
    # optimizers and schedules
    "piecewise_needs_boundary", "factors_count", "boundaries_increasing", "boundaries_range",
    "factors_range", "learning_rate_too_small", "hyperparameter_not_applicable",
    "hyperparameter_bound",
    "clipping_exclusive",
    # the network instruments
    "activation_param_not_applicable", "propagation_too_large", "lr_find_order",
    "lr_find_too_large",
    # the loss landscape
    "landscape_grid_odd", "landscape_too_large", "interpolate_range", "interpolate_same_network",
    "interpolate_same_data", "interpolate_two_others", "interpolate_link",
    "sharpness_too_large",
})


def invalid(code: str, english: str, **params: str | int | float) -> PydanticCustomError:
    """The error a validator raises: ``code`` from :data:`SCHEMA_ERRORS`, an English sentence
    (already formatted), and the parameters a catalog entry may use."""
    if code not in SCHEMA_ERRORS:
        raise KeyError(f"unknown schema error code {code!r}; add it to SCHEMA_ERRORS")
    return PydanticCustomError(code, english, params)
