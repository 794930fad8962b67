"""The MLP experiment as a self-contained PyTorch script (numpy + torch only).

The network becomes a ``torch.nn.Sequential`` with the playground's initial weights (Dense kernels
transposed into ``nn.Linear``), trained on the playground's minibatches with Keras 3's rules, which
the playground follows: ``torch.optim.SGD`` where its update is Keras' (no momentum, or momentum
at a constant learning rate); otherwise the Keras update written out as a small
``torch.optim.Optimizer`` subclass whose docstring says how torch's own class differs. Clipping
(per weight for ``clipnorm``), Keras' decoupled ``weight_decay``, L1/L2 penalties added to the
loss and max-norm after each step are written out too. Each epoch prints the same JSON line as the
Keras script. The text is ``templates/torch_script.py.j2``; the pieces come from the exporter
tables (``LOSS_EXPORTS`` here, the others in ``layers``, ``optimizers`` and ``schedules``).
"""

from __future__ import annotations

from app.core.nn.layers import BatchNormalization, Dropout
from app.export.layers import TorchNetwork, torch_network
from app.export.optimizers import torch_clipping, torch_optimizer, torch_weight_decay
from app.export.payload import (
    SCRIPT_LANGUAGE,
    array_decoder,
    data_section,
    describe,
    plan_export,
    py_float,
)
from app.export.render import ExportTable, note_item, render, render_macro
from app.export.schedules import torch_learning_rate
from app.schema.mlp_experiment import MlpExperiment

HELPERS = "torch/helpers.py.j2"

LOSS_EXPORTS = ExportTable("loss", "app.export.torch_script.LOSS_EXPORTS", {
    "binary_crossentropy": "binary_crossentropy",
    "categorical_crossentropy": "categorical_crossentropy",
    "mean_squared_error": "mean_squared_error",
    "mse": "mean_squared_error",
})
"""Core loss name (``app.core.nn.losses.LOSSES``) -> the macro of templates/torch/helpers.py.j2
writing Keras' loss as ``loss_fn``; the Keras script passes the name itself."""


def torch_script(experiment: MlpExperiment, epochs: int | None = None,
                 lang: str = SCRIPT_LANGUAGE) -> str:
    """The Python source of a PyTorch script reproducing ``epochs`` epochs of the experiment
    (default: the experiment's epochs, at most 200), commented in ``lang``."""
    plan = plan_export(experiment, epochs, lang)
    layers = plan.training.model.layers
    net = torch_network(layers, lang)
    optimizer = plan.training.optimizer
    torch_opt = torch_optimizer(plan)
    has_bn = any(isinstance(layer, BatchNormalization) for layer in layers)
    classes = [render("torch/batch_normalization.py.j2", lang)] if has_bn else []
    classes += [torch_opt.class_source] if torch_opt.class_source else []
    clip = torch_clipping(optimizer, lang)
    weight_decay = torch_weight_decay(optimizer, lang)
    helpers = [render_macro(HELPERS, LOSS_EXPORTS[plan.training.loss_name], lang),
               torch_learning_rate(plan), _penalty(net, lang), clip, weight_decay,
               _max_norm(net, lang)]
    helpers = [h.rstrip() + "\n" for h in helpers if h]
    notes = [torch_opt.note]
    flags = {"script.note_bn": has_bn, "script.note_penalty": bool(net.penalties),
             "script.note_max_norm": bool(net.max_norms),
             "script.note_clipnorm": optimizer.clipnorm is not None,
             "script.note_global_clipnorm": optimizer.global_clipnorm is not None,
             "script.note_weight_decay": bool(weight_decay),
             "script.note_dropout": any(isinstance(layer, Dropout) for layer in layers)}
    notes += [note_item(plan.t(key)) for key, wanted in flags.items() if wanted]
    return render(
        "torch_script.py.j2",
        lang,
        description=describe(plan),
        notes=notes,
        uses_math=any("math." in text for text in classes + helpers),
        seed=experiment.seed,
        dtype=experiment.dtype,
        batch_size=experiment.batch_size,
        classes=classes,
        modules=net.lines,
        helpers=helpers,
        optimizer_line=torch_opt.line,
        n_classes=plan.n_classes if plan.task == "multiclass" else 0,
        with_penalty=" + penalty(model)" if net.penalties else "",
        clip=bool(clip),
        weight_decay=bool(weight_decay),
        max_norm=bool(net.max_norms),
        array_decoder=array_decoder(lang),
        data_section=data_section(plan),
    )


def _penalty(net: TorchNetwork, lang: str) -> str:
    if not net.penalties:
        return ""
    terms = []
    for index, l1, l2 in net.penalties:
        if l1:
            terms.append(f"{py_float(l1)} * model[{index}].weight.abs().sum()")
        if l2:
            terms.append(f"{py_float(l2)} * model[{index}].weight.square().sum()")
    body = " + ".join(terms) if terms else "torch.zeros(())"
    if len(body) > 80:
        body = "(" + "\n            + ".join(terms) + ")"
    return render_macro(HELPERS, "penalty", lang, body=body)


def _max_norm(net: TorchNetwork, lang: str) -> str:
    if not net.max_norms:
        return ""
    pairs = ", ".join(f"(model[{i}], {py_float(v)})" for i, v in net.max_norms)
    return render_macro(HELPERS, "apply_constraints", lang, pairs=pairs)
