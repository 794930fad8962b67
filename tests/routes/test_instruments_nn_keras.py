"""/api/activations against Keras 3: f from ``keras.activations``, f′ by torch autograd through
it, to 1e-6 on [−6, 6], for every activation the lab offers and for non-default arguments."""

from __future__ import annotations

import os

import numpy as np
import pytest

from app.core.nn.activations import HIDDEN_ACTIVATIONS

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras", reason="Keras 3 not installed: reference checks skipped")
torch = pytest.importorskip("torch", reason="torch not installed: Keras torch backend absent")
pytestmark = pytest.mark.keras
if keras.backend.backend() != "torch":
    pytest.skip("these checks use torch autograd (KERAS_BACKEND=torch)", allow_module_level=True)

X = np.linspace(-6.0, 6.0, 1201)  # includes 0, the kink of relu, leaky_relu, elu and selu
CASES: list[tuple[str, dict[str, object]]] = [(name, {}) for name in HIDDEN_ACTIVATIONS] + [
    ("leaky_relu", {"negative_slope": 0.05}), ("elu", {"alpha": 0.5}),
    ("gelu", {"approximate": True}), ("gelu", {"approximate": False})]


def _keras_curves(name: str, params: dict[str, object]) -> tuple[np.ndarray, np.ndarray]:
    xt = torch.tensor(X, requires_grad=True)
    yt = getattr(keras.activations, name)(xt, **params)
    yt.sum().backward()
    return yt.detach().numpy(), xt.grad.numpy()


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}{p or ''}" for n, p in CASES])
def test_activation_curves_equal_keras(client, name, params):
    response = client.post("/api/activations", json={"name": name, "x": X.tolist(),
                                                     "params": params})
    assert response.status_code == 200, response.text
    body = response.json()
    f, df = _keras_curves(name, params)
    np.testing.assert_allclose(body["f"], f, rtol=0, atol=1e-6)
    np.testing.assert_allclose(body["df"], df, rtol=0, atol=1e-6)
