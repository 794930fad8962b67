"""The MLP experiment as a self-contained PyTorch script (numpy + torch only).

The network becomes a ``torch.nn.Sequential`` with the playground's initial weights (Dense kernels
transposed into ``nn.Linear``), trained on the playground's minibatches with Keras 3's rules, which
the playground follows: ``torch.optim.SGD`` where its update is Keras' (no momentum, or momentum
at a constant learning rate); otherwise the Keras update written out as a small
``torch.optim.Optimizer`` subclass whose docstring says how torch's own class differs. Clipping
(per weight for ``clipnorm``), Keras' decoupled ``weight_decay``, L1/L2 penalties added to the
loss and max-norm after each step are written out too. Each epoch prints the same JSON line as the
Keras script.
"""

from __future__ import annotations

from app.core.nn.constraints import MaxNorm
from app.core.nn.layers import Activation, BatchNormalization, Dense, Dropout, Layer
from app.core.nn.regularizers import L1L2
from app.export.payload import (
    ARRAY_DECODER,
    activation_name,
    data_section,
    describe,
    plan_export,
    py_call,
    py_float,
    scalar,
)
from app.export.torch_optimizers import (
    clipping_code,
    learning_rate_code,
    optimizer_code,
    weight_decay_code,
)
from app.schema.mlp_experiment import MlpExperiment

TORCH_ACTIVATIONS = {
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(0.2)",  # Keras 3's default negative_slope (torch's is 0.01)
    "elu": "nn.ELU()",
    "selu": "nn.SELU()",
    "gelu": "nn.GELU()",  # exact erf form, Keras' default approximate=False
    "swish": "nn.SiLU()",
    "silu": "nn.SiLU()",
    "softplus": "nn.Softplus()",
    "mish": "nn.Mish()",
    "softmax": "nn.Softmax(dim=-1)",
}
"""Keras activation name -> torch module ("linear" adds no module)."""

BATCH_NORMALIZATION = '''

class BatchNormalization(nn.BatchNorm1d):
    """keras.layers.BatchNormalization() as an nn.BatchNorm1d.

    Keras' momentum 0.99 is torch's 0.01 (torch weighs the new batch), epsilon is 1e-3. In
    training the moving variance averages the biased batch variance, as Keras does (torch
    averages the unbiased one), and a batch of one row is allowed (torch refuses it).
    """

    def __init__(self, units):
        super().__init__(units, eps=1e-3, momentum=0.01)

    def forward(self, x):
        if not self.training:
            return super().forward(x)
        mean = x.mean(dim=0)
        var = x.var(dim=0, unbiased=False)
        with torch.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
            self.running_var.mul_(1 - self.momentum).add_(self.momentum * var)
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
'''

LOSSES = {
    "binary_crossentropy": '''\
def loss_fn(y_pred, y_true):
    """keras.losses.binary_crossentropy on probabilities: clip to [1e-7, 1 - 1e-7], then the
    mean of -(y * log(p) + (1 - y) * log(1 - p))."""
    p = torch.clamp(y_pred, EPSILON, 1 - EPSILON)
    return nn.functional.binary_cross_entropy(p, y_true)
''',
    "categorical_crossentropy": '''\
def loss_fn(y_pred, y_true):
    """keras.losses.categorical_crossentropy on probabilities and one-hot targets: rows
    renormalised, clipped to [1e-7, 1 - 1e-7], then the mean over rows of -sum(y * log(p))."""
    p = torch.clamp(y_pred / y_pred.sum(dim=-1, keepdim=True), EPSILON, 1 - EPSILON)
    return -(y_true * torch.log(p)).sum(dim=-1).mean()
''',
    "mean_squared_error": '''\
def loss_fn(y_pred, y_true):
    """keras.losses.mean_squared_error: mean((y_pred - y)**2)."""
    return torch.mean((y_pred - y_true) ** 2)
''',
}


def torch_script(experiment: MlpExperiment, epochs: int | None = None) -> str:
    """The Python source of a PyTorch script reproducing ``epochs`` epochs of the experiment
    (default: the experiment's epochs, at most 200)."""
    plan = plan_export(experiment, epochs)
    training = plan.training
    modules, penalties, max_norms = _modules(training.model.layers)
    has_bn = any(isinstance(layer, BatchNormalization) for layer in training.model.layers)
    optimizer = training.optimizer
    optimizer_source, optimizer_line, optimizer_note = optimizer_code(optimizer)
    helpers = [LOSSES[training.loss_name], learning_rate_code(optimizer)]
    loop_extra = []
    if penalties:
        helpers.append(_penalty(penalties))
    clip = clipping_code(optimizer)
    if clip:
        helpers.append(clip)
        loop_extra.append("            clip_gradients(params)\n")
    loop_extra.append("            lr = learning_rate(step)\n")
    loop_extra.append("            for group in optimizer.param_groups:\n"
                      "                group[\"lr\"] = lr\n")
    if optimizer.weight_decay is not None:
        helpers.append(weight_decay_code(scalar(optimizer.weight_decay)))
        loop_extra.append("            decay_weights(params, lr)\n")
    loop_extra.append("            optimizer.step()\n")
    if max_norms:
        helpers.append(_max_norm(max_norms))
        loop_extra.append("            apply_constraints(model)\n")
    with_penalty = " + penalty(model)" if penalties else ""
    if plan.task == "multiclass":
        targets = (f"    # categorical_crossentropy takes one-hot targets\n"
                   f"    y_train = nn.functional.one_hot(torch.from_numpy(Y_TRAIN).long(), "
                   f"{plan.n_classes}).to(DTYPE)\n"
                   f"    y_test = nn.functional.one_hot(torch.from_numpy(Y_TEST).long(), "
                   f"{plan.n_classes}).to(DTYPE)\n")
    else:
        targets = "    y_train, y_test = torch.from_numpy(Y_TRAIN), torch.from_numpy(Y_TEST)\n"
    notes = [optimizer_note]
    if has_bn:
        notes.append("- BatchNormalization: Keras' momentum 0.99 is torch's 0.01, epsilon 1e-3; "
                     "the moving\n  variance averages the biased batch variance.")
    if penalties:
        notes.append("- kernel_regularizer: the penalty is added to the loss (Keras reports it "
                     "in the loss too).")
    if max_norms:
        notes.append("- max_norm: the kernel is rescaled after each step "
                     "(apply_constraints).")
    if optimizer.clipnorm is not None:
        notes.append("- clipnorm clips each weight's gradient on its own "
                     "(torch's clip_grad_norm_ clips them together).")
    if optimizer.global_clipnorm is not None:
        notes.append("- global_clipnorm scales by min(1, c / norm) "
                     "(torch's clip_grad_norm_ divides by norm + 1e-6).")
    if optimizer.weight_decay is not None:
        notes.append("- weight_decay is Keras' decoupled decay, applied before the update.")
    if any(isinstance(layer, Dropout) for layer in training.model.layers):
        notes.append("- Dropout masks are torch's own and differ from the playground's.")
    notes_text = "\n".join(notes)
    torch_dtype = f"torch.{experiment.dtype}"
    helper_source = "\n\n".join(h.rstrip() + "\n" for h in helpers)
    source = f'''\
"""Descenso MLP playground, exported to PyTorch.

{describe(plan)}

The playground's network as a torch.nn.Sequential, with the same initial weights, trained on the
same minibatches with the rules of Keras 3 (which the playground follows), so each epoch prints,
as one JSON line, the training loss the playground shows (the batch-size-weighted mean of the
batch losses, regularization penalties included) and the test loss (val_loss, eval mode).
Where torch's own classes compute something else, the Keras rule is written out below:
{notes_text}
"""

import base64
import json
import math

import numpy as np
import torch
from torch import nn

SEED = {experiment.seed}
DTYPE = {torch_dtype}
BATCH_SIZE = {experiment.batch_size}
EPSILON = 1e-7  # keras.config.epsilon(), used by the losses

torch.manual_seed(SEED)  # dropout masks
torch.set_default_dtype(DTYPE)
{BATCH_NORMALIZATION if has_bn else ""}{optimizer_source}

def build_model():
    return nn.Sequential(
{modules}
    )


def set_keras_weights(model, weights):
    """Copy weights in Keras get_weights() order into the modules: a Dense kernel (in, out) is
    the transposed nn.Linear weight (out, in); BatchNormalization's gamma, beta, moving_mean and
    moving_variance are weight, bias, running_mean and running_var."""
    weights = iter(weights)
    with torch.no_grad():
        for module in model:
            if isinstance(module, nn.Linear):
                module.weight.copy_(torch.from_numpy(next(weights).T))
                if module.bias is not None:
                    module.bias.copy_(torch.from_numpy(next(weights)))
            elif isinstance(module, nn.BatchNorm1d):
                for tensor in (module.weight, module.bias, module.running_mean, module.running_var):
                    tensor.copy_(torch.from_numpy(next(weights)))


{helper_source}

def main():
    model = build_model()
    set_keras_weights(model, INITIAL_WEIGHTS)  # the playground's initial weights
    params = list(model.parameters())
{optimizer_line}
    x_train, x_test = torch.from_numpy(X_TRAIN), torch.from_numpy(X_TEST)
{targets}    step = 0
    for epoch, order in enumerate(torch.from_numpy(BATCH_ORDERS), start=1):
        # One epoch on the playground's minibatches: its permutation, no reshuffling.
        model.train()
        total = 0.0
        for start in range(0, len(order), BATCH_SIZE):
            index = order[start:start + BATCH_SIZE]
            loss = loss_fn(model(x_train[index]), y_train[index]){with_penalty}
            optimizer.zero_grad()
            loss.backward()
{"".join(loop_extra)}            step += 1
            total += loss.item() * len(index)
        model.eval()
        with torch.no_grad():
            val_loss = loss_fn(model(x_test), y_test){with_penalty}
        print(json.dumps({{"epoch": epoch, "loss": total / len(order),
                          "val_loss": val_loss.item()}}), flush=True)


{ARRAY_DECODER}

{data_section(plan)}

if __name__ == "__main__":
    main()
'''
    if "math." not in source:
        source = source.replace("import math\n", "", 1)
    return source


def _modules(layers: list[Layer]) -> tuple[str, list[tuple[int, float, float]],
                                           list[tuple[int, float]]]:
    """(the nn.Sequential lines, (module index, l1, l2) per regularized Linear, (module index,
    max_value) per max-norm Linear)."""
    lines: list[str] = []
    penalties: list[tuple[int, float, float]] = []
    max_norms: list[tuple[int, float]] = []
    index = 0
    width = 0
    for layer in layers:
        if isinstance(layer, Dense):
            lines.append(py_call("nn.Linear", [str(layer.input_dim), str(layer.units)]
                                 + ([] if layer.use_bias else ["bias=False"]), 8, ",")
                         + f"  # Keras: {_initializer_note(layer)}")
            if isinstance(layer.kernel_regularizer, L1L2):
                penalties.append((index, layer.kernel_regularizer.l1,
                                  layer.kernel_regularizer.l2))
            if isinstance(layer.kernel_constraint, MaxNorm):
                max_norms.append((index, layer.kernel_constraint.max_value))
            elif layer.kernel_constraint is not None:
                raise ValueError(f"Invalid constraint for export: {layer.kernel_constraint!r}")
            index += 1
            width = layer.units
            name = activation_name(layer.activation)
            if name != "linear":
                lines.append(f"        {TORCH_ACTIVATIONS[name]},")
                index += 1
        elif isinstance(layer, BatchNormalization):
            if layer.momentum != 0.99 or layer.epsilon != 1e-3:
                raise ValueError(f"Invalid BatchNormalization for export: {layer!r}")
            lines.append(f"        BatchNormalization({width}),")
            index += 1
        elif isinstance(layer, Activation):
            name = activation_name(layer.activation)
            if name != "linear":
                lines.append(f"        {TORCH_ACTIVATIONS[name]},")
                index += 1
        elif isinstance(layer, Dropout):
            lines.append(f"        nn.Dropout(p={py_float(layer.rate)}),")
            index += 1
        else:
            raise ValueError(f"Invalid layer for export: {layer!r}")
    return "\n".join(lines), penalties, max_norms


def _initializer_note(layer: Dense) -> str:
    config = layer.kernel_initializer.get_config()
    name = str(config.pop("name"))
    if name != "variance_scaling":
        return f"{name} initializer"
    return "VarianceScaling(" + ", ".join(f"{k}={v}" for k, v in config.items()) + ")"


def _penalty(penalties: list[tuple[int, float, float]]) -> str:
    terms = []
    for index, l1, l2 in penalties:
        if l1:
            terms.append(f"{py_float(l1)} * model[{index}].weight.abs().sum()")
        if l2:
            terms.append(f"{py_float(l2)} * model[{index}].weight.square().sum()")
    body = " + ".join(terms) if terms else "torch.zeros(())"
    if len(body) > 80:
        body = "(" + "\n            + ".join(terms) + ")"
    return f'''\
def penalty(model):
    """The kernel_regularizer terms (Keras' l2 has no 1/2: l2 * sum(w**2)); Keras adds them to
    the loss it minimises and reports."""
    return {body}
'''


def _max_norm(max_norms: list[tuple[int, float]]) -> str:
    pairs = ", ".join(f"(model[{i}], {py_float(v)})" for i, v in max_norms)
    return f'''\
def apply_constraints(model):
    """kernel_constraint=keras.constraints.max_norm(c), after each update: the weights into each
    unit (a row of the torch weight, a column of the Keras kernel) are rescaled,
    w = w * clip(norm, 0, c) / (1e-7 + norm)."""
    with torch.no_grad():
        for linear, max_value in ({pairs},):
            norms = torch.linalg.vector_norm(linear.weight, dim=1, keepdim=True)
            linear.weight.mul_(torch.clamp(norms, 0, max_value) / (EPSILON + norms))
'''
