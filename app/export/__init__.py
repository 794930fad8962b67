"""Export of an MLP experiment as a self-contained Keras 3 or PyTorch training script."""

from app.export.keras_script import keras_script
from app.export.payload import MAX_EXPORT_EPOCHS
from app.export.torch_script import torch_script

__all__ = ["MAX_EXPORT_EPOCHS", "keras_script", "torch_script"]
