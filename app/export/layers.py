"""The network in both scripts: ``LAYER_EXPORTS`` maps each core layer class to its Keras lines
(in ``keras.Sequential``) and its torch modules (in ``nn.Sequential``), using the part tables of
``layer_parts`` for activations, initializers, regularizers and constraints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.nn.layers import Activation, BatchNormalization, Dense, Dropout, Layer
from app.export.layer_parts import (
    REGULARIZER_EXPORTS,
    activation_export,
    constraint_export,
    initializer_export,
)
from app.export.payload import SCRIPT_LANGUAGE, py_call, py_float
from app.export.render import ExportTable


@dataclass
class KerasNetwork:
    """What the Keras script's build_model() holds: initializer definitions, layer lines."""

    definitions: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


@dataclass
class TorchNetwork:
    """The torch script's nn.Sequential lines, and per module index: (l1, l2) penalties and
    max-norm arguments; ``width`` is the last Linear's output size (for BatchNorm1d)."""

    lines: list[str] = field(default_factory=list)
    penalties: list[tuple[int, float, float]] = field(default_factory=list)
    max_norms: list[tuple[int, float]] = field(default_factory=list)
    width: int = 0
    lang: str = SCRIPT_LANGUAGE  # the language of the comments

    def add(self, line: str) -> None:
        self.lines.append(line)


@dataclass(frozen=True)
class LayerExport:
    """How one core layer class is written in the Keras script and in the torch script."""

    keras: Callable[[Layer, KerasNetwork], None]
    torch: Callable[[Layer, TorchNetwork], None]


def _keras_dense(layer: Layer, net: KerasNetwork) -> None:
    assert isinstance(layer, Dense)
    init = initializer_export(layer.kernel_initializer).keras(layer.kernel_initializer)
    if init.startswith("keras."):
        name = f"init_{len(net.definitions) + 1}"
        net.definitions.append(f"{name} = {init}")
        init = name
    args = [str(layer.units)]
    activation = activation_export(layer.activation).keras
    if activation != "linear":
        args.append(f'activation="{activation}"')
    if init != '"glorot_uniform"':
        args.append(f"kernel_initializer={init}")
    if not layer.use_bias:
        args.append("use_bias=False")
    if layer.kernel_regularizer is not None:
        regularizer = REGULARIZER_EXPORTS[layer.kernel_regularizer.name]
        args.append(f"kernel_regularizer={regularizer.keras(layer.kernel_regularizer)}")
    if layer.kernel_constraint is not None:
        constraint = constraint_export(layer.kernel_constraint)
        args.append(f"kernel_constraint={constraint.keras(layer.kernel_constraint)}")
    net.lines.append(py_call("keras.layers.Dense", args, 8, ","))


def _torch_dense(layer: Layer, net: TorchNetwork) -> None:
    assert isinstance(layer, Dense)
    note = initializer_export(layer.kernel_initializer).torch(layer.kernel_initializer, net.lang)
    index = len(net.lines)
    net.add(py_call("nn.Linear", [str(layer.input_dim), str(layer.units)]
                    + ([] if layer.use_bias else ["bias=False"]), 8, ",")
            + f"  # Keras: {note}")
    if layer.kernel_regularizer is not None:
        regularizer = REGULARIZER_EXPORTS[layer.kernel_regularizer.name]
        net.penalties.append((index, *regularizer.torch(layer.kernel_regularizer)))
    if layer.kernel_constraint is not None:
        constraint = constraint_export(layer.kernel_constraint)
        net.max_norms.append((index, constraint.torch(layer.kernel_constraint)))
    net.width = layer.units
    _torch_activation(Activation(layer.activation), net)


def _keras_batch_normalization(layer: Layer, net: KerasNetwork) -> None:
    assert isinstance(layer, BatchNormalization)
    args = []
    if layer.momentum != 0.99:
        args.append(f"momentum={py_float(layer.momentum)}")
    if layer.epsilon != 1e-3:
        args.append(f"epsilon={py_float(layer.epsilon)}")
    net.lines.append(py_call("keras.layers.BatchNormalization", args, 8, ","))


def _torch_batch_normalization(layer: Layer, net: TorchNetwork) -> None:
    assert isinstance(layer, BatchNormalization)
    if layer.momentum != 0.99 or layer.epsilon != 1e-3:
        raise ValueError(f"Invalid BatchNormalization for export: {layer!r}")
    net.add(f"        BatchNormalization({net.width}),")


def _keras_activation(layer: Layer, net: KerasNetwork) -> None:
    assert isinstance(layer, Activation)
    name = activation_export(layer.activation).keras
    net.lines.append(f'        keras.layers.Activation("{name}"),')


def _torch_activation(layer: Layer, net: TorchNetwork) -> None:
    assert isinstance(layer, Activation)
    module = activation_export(layer.activation).torch
    if module is not None:
        net.add(f"        {module},")


def _keras_dropout(layer: Layer, net: KerasNetwork) -> None:
    assert isinstance(layer, Dropout)
    net.lines.append(f"        keras.layers.Dropout(rate={py_float(layer.rate)}),")


def _torch_dropout(layer: Layer, net: TorchNetwork) -> None:
    assert isinstance(layer, Dropout)
    net.add(f"        nn.Dropout(p={py_float(layer.rate)}),")


LAYER_EXPORTS = ExportTable("layer", "app.export.layers.LAYER_EXPORTS", {
    "Dense": LayerExport(_keras_dense, _torch_dense),
    "BatchNormalization": LayerExport(_keras_batch_normalization, _torch_batch_normalization),
    "Activation": LayerExport(_keras_activation, _torch_activation),
    "Dropout": LayerExport(_keras_dropout, _torch_dropout),
})
"""Core layer class name (Keras' class name) -> its exporter."""


def keras_network(layers: list[Layer]) -> KerasNetwork:
    net = KerasNetwork()
    for layer in layers:
        LAYER_EXPORTS[type(layer).__name__].keras(layer, net)
    return net


def torch_network(layers: list[Layer], lang: str = SCRIPT_LANGUAGE) -> TorchNetwork:
    net = TorchNetwork(lang=lang)
    for layer in layers:
        LAYER_EXPORTS[type(layer).__name__].torch(layer, net)
    return net
