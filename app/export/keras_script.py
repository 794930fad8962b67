"""The MLP experiment as a self-contained Keras 3 script (numpy + keras only).

The script builds the playground's network in the lecture's "Show me the code" style, sets the
playground's initial weights, and trains on the playground's minibatches: for each exported epoch
``model.fit(X_TRAIN[order], y_train[order], batch_size, epochs=1, shuffle=False)``; Keras keeps
``optimizer.iterations`` (schedules, Adam's t, Nadam's momentum product) across ``fit`` calls.
Each epoch prints one JSON line ``{"epoch": k, "loss": ..., "val_loss": ...}`` with the numbers of
``history.history``: the loss is the batch-size-weighted mean of the batch losses (penalties
included), as ``MlpTraining.train_epoch`` reports it; val_loss is the test loss in inference mode.
The text is ``templates/keras_script.py.j2``; the pieces come from the exporter tables.
"""

from __future__ import annotations

from app.export.layers import keras_network
from app.export.optimizers import keras_optimizer
from app.export.payload import SCRIPT_LANGUAGE, array_decoder, data_section, describe, plan_export
from app.export.render import render
from app.export.schedules import keras_schedule
from app.schema.mlp_experiment import MlpExperiment


def keras_script(experiment: MlpExperiment, epochs: int | None = None,
                 lang: str = SCRIPT_LANGUAGE) -> str:
    """The Python source of a Keras 3 script reproducing ``epochs`` epochs of the experiment
    (default: the experiment's epochs, at most 200), commented in ``lang``."""
    plan = plan_export(experiment, epochs, lang)
    schedule = keras_schedule(plan)
    network = keras_network(plan.training.model.layers)
    return render(
        "keras_script.py.j2",
        lang,
        description=describe(plan),
        seed=experiment.seed,
        dtype=experiment.dtype,
        batch_size=experiment.batch_size,
        classes=[render(schedule.class_template, lang)] if schedule.class_template else [],
        definitions=network.definitions,
        n_inputs=plan.training.x_train.shape[1],
        layers=network.lines,
        schedule_line=schedule.line,
        optimizer_line=keras_optimizer(plan, schedule.learning_rate),
        loss=plan.training.loss_name,
        n_classes=plan.n_classes if plan.task == "multiclass" else 0,
        array_decoder=array_decoder(lang),
        data_section=data_section(plan),
    )
