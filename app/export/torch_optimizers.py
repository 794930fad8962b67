"""The optimizer side of the PyTorch script, with Keras 3's rules (which the playground follows).

``torch.optim.SGD`` where its update is Keras' (no momentum, or momentum at a constant learning
rate); otherwise Keras' update written out as a small ``torch.optim.Optimizer`` subclass whose
docstring says how torch's own class differs. The learning-rate schedule becomes a plain function
of the step; clipping (``clipnorm`` per weight, as Keras) and Keras' decoupled ``weight_decay``
become small functions run before ``optimizer.step()``.
"""

from __future__ import annotations

from app.core.optimizer import Optimizer
from app.core.optimizers import SGD
from app.core.schedules import Schedule
from app.export.payload import py_call, py_float, scalar, schedule_kind

KERAS_SGD = '''

class KerasSGD(torch.optim.Optimizer):
    """keras.optimizers.SGD with momentum, in Keras' form.

    m = momentum * m - lr * g
    nesterov:  param += momentum * m - lr * g;  else:  param += m
    torch.optim.SGD keeps buf = momentum * buf + g and steps param -= lr * buf: the same path
    only while lr is constant, so under a schedule Keras' rule is written out here.
    """

    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        super().__init__(params, {"lr": lr, "momentum": momentum, "nesterov": nesterov})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, momentum = group["lr"], group["momentum"]
            for p in group["params"]:
                m = self.state[p].setdefault("m", torch.zeros_like(p))
                m.mul_(momentum).sub_(lr * p.grad)
                if group["nesterov"]:
                    p.add_(momentum * m - lr * p.grad)
                else:
                    p.add_(m)
'''

KERAS_ADAGRAD = '''

class KerasAdagrad(torch.optim.Optimizer):
    """keras.optimizers.Adagrad.

    acc = initial_accumulator_value (first step);  acc += g**2
    param -= lr * g / sqrt(acc + epsilon)
    torch.optim.Adagrad divides by sqrt(acc) + eps (epsilon outside the root), and its
    initial_accumulator_value defaults to 0.
    """

    def __init__(self, params, lr, initial_accumulator_value=0.1, epsilon=1e-07):
        super().__init__(params, {"lr": lr, "initial_accumulator_value": initial_accumulator_value,
                                  "epsilon": epsilon})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state["acc"] = torch.full_like(p, group["initial_accumulator_value"])
                acc = state["acc"]
                acc.add_(p.grad * p.grad)
                p.sub_(group["lr"] * p.grad / torch.sqrt(acc + group["epsilon"]))
'''

KERAS_RMSPROP = '''

class KerasRMSprop(torch.optim.Optimizer):
    """keras.optimizers.RMSprop.

    v = rho * v + (1 - rho) * g**2
    centered:  a = rho * a + (1 - rho) * g;  denom = v - a**2 + epsilon;  else  denom = v + epsilon
    inc = lr * g / sqrt(denom)
    momentum > 0:  buf = momentum * buf + inc;  param -= buf;  else  param -= inc
    torch.optim.RMSprop divides by sqrt(v) + eps (epsilon outside the root) and its momentum
    buffer holds g / (sqrt(v) + eps), multiplied by lr at each step.
    """

    def __init__(self, params, lr, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False):
        super().__init__(params, {"lr": lr, "rho": rho, "momentum": momentum,
                                  "epsilon": epsilon, "centered": centered})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            rho, momentum = group["rho"], group["momentum"]
            for p in group["params"]:
                g, state = p.grad, self.state[p]
                if not state:
                    state.update(v=torch.zeros_like(p), a=torch.zeros_like(p),
                                 buf=torch.zeros_like(p))
                v = state["v"].mul_(rho).add_((1 - rho) * g * g)
                if group["centered"]:
                    a = state["a"].mul_(rho).add_((1 - rho) * g)
                    denom = v - a * a + group["epsilon"]
                else:
                    denom = v + group["epsilon"]
                inc = group["lr"] * g / torch.sqrt(denom)
                if momentum > 0:
                    p.sub_(state["buf"].mul_(momentum).add_(inc))
                else:
                    p.sub_(inc)
'''

KERAS_ADAM = '''

class KerasAdam(torch.optim.Optimizer):
    """keras.optimizers.Adam (t = 1 at the first step).

    alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    m += (g - m) * (1 - beta_1);  v += (g**2 - v) * (1 - beta_2)
    amsgrad:  v_hat = max(v_hat, v), used in place of v
    param -= alpha * m / (sqrt(v) + epsilon)
    Keras adds epsilon after folding the bias correction into alpha ("epsilon hat");
    torch.optim.Adam adds eps to sqrt(v / (1 - beta_2**t)), i.e. a larger effective epsilon.
    """

    def __init__(self, params, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False):
        super().__init__(params, {"lr": lr, "beta_1": beta_1, "beta_2": beta_2,
                                  "epsilon": epsilon, "amsgrad": amsgrad})
        self.iterations = 0

    @torch.no_grad()
    def step(self):
        t = self.iterations + 1
        for group in self.param_groups:
            beta_1, beta_2 = group["beta_1"], group["beta_2"]
            alpha = group["lr"] * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
            for p in group["params"]:
                g, state = p.grad, self.state[p]
                if not state:
                    state.update(m=torch.zeros_like(p), v=torch.zeros_like(p),
                                 v_hat=torch.zeros_like(p))
                m = state["m"].add_((g - state["m"]) * (1 - beta_1))
                v = state["v"].add_((g * g - state["v"]) * (1 - beta_2))
                if group["amsgrad"]:
                    v = torch.maximum(state["v_hat"], v, out=state["v_hat"])
                p.sub_(alpha * m / (torch.sqrt(v) + group["epsilon"]))
        self.iterations += 1
'''

KERAS_ADAMAX = '''

class KerasAdamax(torch.optim.Optimizer):
    """keras.optimizers.Adamax (t = 1 at the first step).

    m += (g - m) * (1 - beta_1);  u = max(beta_2 * u, |g|)
    param -= lr * m / ((1 - beta_1**t) * (u + epsilon))
    torch.optim.Adamax puts eps inside the max: u = max(beta_2 * u, |g| + eps).
    """

    def __init__(self, params, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
        super().__init__(params, {"lr": lr, "beta_1": beta_1, "beta_2": beta_2,
                                  "epsilon": epsilon})
        self.iterations = 0

    @torch.no_grad()
    def step(self):
        t = self.iterations + 1
        for group in self.param_groups:
            beta_1, beta_2 = group["beta_1"], group["beta_2"]
            for p in group["params"]:
                g, state = p.grad, self.state[p]
                if not state:
                    state.update(m=torch.zeros_like(p), u=torch.zeros_like(p))
                m = state["m"].add_((g - state["m"]) * (1 - beta_1))
                u = torch.maximum(beta_2 * state["u"], torch.abs(g), out=state["u"])
                p.sub_(group["lr"] * m / ((1 - beta_1**t) * (u + group["epsilon"])))
        self.iterations += 1
'''

KERAS_NADAM = '''

class KerasNadam(torch.optim.Optimizer):
    """keras.optimizers.Nadam, Keras 3's form (t = 1 at the first step).

    u_t = beta_1 * (1 - 0.5 * 0.96**t);  u_t_1 = beta_1 * (1 - 0.5 * 0.96**(t + 1))
    u_product = u_1 * ... * u_t;  u_product_t_1 = u_product * u_t_1
    m += (g - m) * (1 - beta_1);  v += (g**2 - v) * (1 - beta_2)
    m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * g / (1 - u_product)
    param -= lr * m_hat / (sqrt(v / (1 - beta_2**t)) + epsilon)
    torch.optim.NAdam decays with 0.96**(0.004 * t) (momentum_decay=4e-3, Keras 2's schedule).
    """

    def __init__(self, params, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
        super().__init__(params, {"lr": lr, "beta_1": beta_1, "beta_2": beta_2,
                                  "epsilon": epsilon})
        self.iterations = 0
        self.u_product = 1.0

    @torch.no_grad()
    def step(self):
        t = self.iterations + 1
        for group in self.param_groups:
            beta_1, beta_2 = group["beta_1"], group["beta_2"]
            u_t = beta_1 * (1 - 0.5 * 0.96**t)
            u_t_1 = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
            self.u_product *= u_t
            u_product_t_1 = self.u_product * u_t_1
            for p in group["params"]:
                g, state = p.grad, self.state[p]
                if not state:
                    state.update(m=torch.zeros_like(p), v=torch.zeros_like(p))
                m = state["m"].add_((g - state["m"]) * (1 - beta_1))
                v = state["v"].add_((g * g - state["v"]) * (1 - beta_2))
                m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * g / (1 - self.u_product)
                v_hat = v / (1 - beta_2**t)
                p.sub_(group["lr"] * m_hat / (torch.sqrt(v_hat) + group["epsilon"]))
        self.iterations += 1
'''

MANUAL_OPTIMIZERS = {
    "SGD": ("KerasSGD", KERAS_SGD),
    "Adagrad": ("KerasAdagrad", KERAS_ADAGRAD),
    "RMSprop": ("KerasRMSprop", KERAS_RMSPROP),
    "Adam": ("KerasAdam", KERAS_ADAM),
    "AdamW": ("KerasAdam", KERAS_ADAM),
    "Adamax": ("KerasAdamax", KERAS_ADAMAX),
    "Nadam": ("KerasNadam", KERAS_NADAM),
}
"""Core optimizer class -> (script class, its source): Keras' update rule written out."""


def optimizer_code(optimizer: Optimizer) -> tuple[str, str, str]:
    """(class source, the line creating `optimizer` in main(), a docstring note)."""
    name = type(optimizer).__name__
    config = optimizer.get_config()
    for key in ("run_axes", "learning_rate", "weight_decay", "clipnorm", "clipvalue",
                "global_clipnorm"):
        config.pop(key, None)
    args = ["params", "lr=learning_rate(0)"]
    if isinstance(optimizer, SGD):
        momentum = scalar(optimizer.momentum)
        if momentum == 0.0 or not isinstance(optimizer.learning_rate, Schedule):
            args += ([] if momentum == 0.0 else
                     [f"momentum={py_float(momentum)}", f"nesterov={optimizer.nesterov}"])
            line = py_call("optimizer = torch.optim.SGD", args, 4)
            note = ("- SGD: torch.optim.SGD" + (
                "; its momentum buffer sums gradients (Keras' sums steps), the same path "
                "at a\n  constant learning rate." if momentum else "."))
            return "", line, note
    script_class, source = MANUAL_OPTIMIZERS[name]
    for key, value in config.items():
        args.append(f"{key}={value!r}" if isinstance(value, bool)
                    else f"{key}={py_float(scalar(value))}")
    line = py_call(f"optimizer = {script_class}", args, 4)
    note = (f"- {name}: the Keras update in {script_class}; its docstring says how "
            f"torch.optim's class differs.")
    if name == "AdamW":
        note += ("\n  AdamW is Adam plus the decoupled weight decay in decay_weights() "
                 "(torch.optim.AdamW\n  decays the same way but has torch Adam's epsilon).")
    return source, line, note


def clipping_code(optimizer: Optimizer) -> str:
    if optimizer.clipvalue is not None:
        c = py_float(scalar(optimizer.clipvalue))
        return f'''\
def clip_gradients(params):
    """Keras clipvalue={c}: every gradient entry clipped to [-{c}, {c}]."""
    torch.nn.utils.clip_grad_value_(params, {c})
'''
    if optimizer.clipnorm is not None:
        c = py_float(scalar(optimizer.clipnorm))
        return f'''\
def clip_gradients(params):
    """Keras clipnorm={c}: each weight's gradient rescaled on its own, g * c / max(|g|, c)
    (torch.nn.utils.clip_grad_norm_ would rescale all of them together)."""
    for p in params:
        norm = torch.linalg.vector_norm(p.grad)
        p.grad.mul_({c} / torch.clamp(norm, min={c}))
'''
    if optimizer.global_clipnorm is not None:
        c = py_float(scalar(optimizer.global_clipnorm))
        return f'''\
def clip_gradients(params):
    """Keras global_clipnorm={c}: all gradients scaled by min(1, c / global norm)
    (torch.nn.utils.clip_grad_norm_ divides by the norm + 1e-6)."""
    norm = torch.sqrt(sum(torch.sum(p.grad * p.grad) for p in params))
    scale = torch.clamp({c} / norm, max=1.0)
    for p in params:
        p.grad.mul_(scale)
'''
    return ""


def weight_decay_code(weight_decay: float) -> str:
    return f'''\
def decay_weights(params, lr):
    """Keras' decoupled weight_decay={py_float(weight_decay)}, before the update:
    param -= param * weight_decay * lr."""
    with torch.no_grad():
        for p in params:
            p.sub_(p * {py_float(weight_decay)} * lr)
'''


def learning_rate_code(optimizer: Optimizer) -> str:
    lr = optimizer.learning_rate
    head = 'def learning_rate(step):\n    """The learning rate at optimizer step `step` (0 first)'
    if not isinstance(lr, Schedule):
        return f'{head}: constant."""\n    return {py_float(scalar(lr))}\n'
    kind = schedule_kind(lr)
    c = {k: v for k, v in lr.get_config().items()}
    if kind == "power":
        eta0, s, power = (py_float(scalar(c[k]))
                          for k in ("initial_learning_rate", "decay_steps", "power"))
        return (f'{head}:\n    power scheduling lr0 / (1 + t/s)**c '
                f'(keras.optimizers.schedules.InverseTimeDecay when c = 1)."""\n'
                f"    return {eta0} / (1 + step / {s}) ** {power}\n")
    if kind == "exponential":
        eta0, s, rate = (py_float(scalar(c[k]))
                         for k in ("initial_learning_rate", "decay_steps", "decay_rate"))
        p = f"math.floor(step / {s})" if c["staircase"] else f"step / {s}"
        return (f'{head}:\n    keras.optimizers.schedules.ExponentialDecay."""\n'
                f"    return {eta0} * {rate} ** ({p})\n")
    if kind == "piecewise":
        bounds = ", ".join(py_float(b) for b in c["boundaries"])
        values = ", ".join(py_float(scalar(v)) for v in c["values"])
        return (f'{head}:\n    keras.optimizers.schedules.PiecewiseConstantDecay '
                f'(values[i] while step <= boundaries[i])."""\n'
                f"    boundaries, values = [{bounds}], [{values}]\n"
                f"    for i, boundary in enumerate(boundaries):\n"
                f"        if step <= boundary:\n"
                f"            return values[i]\n"
                f"    return values[-1]\n")
    if kind == "cosine":
        if c.get("warmup_target") is not None:
            raise ValueError(f"Invalid schedule for export: {lr!r} (warmup)")
        eta0, alpha = py_float(scalar(c["initial_learning_rate"])), py_float(scalar(c["alpha"]))
        s = py_float(scalar(c["decay_steps"]))
        return (f'{head}:\n    keras.optimizers.schedules.CosineDecay."""\n'
                f"    s = min(step, {s})\n"
                f"    cosine = 0.5 * (1 + math.cos(math.pi * s / {s}))\n"
                f"    return {eta0} * ((1 - {alpha}) * cosine + {alpha})\n")
    top = py_float(scalar(c["max_learning_rate"]))
    total = int(c["total_steps"])
    last = total // 10 + 1 if c["last_steps"] is None else int(c["last_steps"])
    half = (total - min(last, total)) // 2
    start_factor, end_factor = (py_float(scalar(c[k])) for k in ("start_factor", "end_factor"))
    return (f'{head}:\n    Geron\'s 1cycle, from start up to top over `half` steps, back down '
            f'to start over\n    `half` steps, then linearly down to end at step `total`."""\n'
            f"    top, total, half = {top}, {total}, {half}\n"
            f"    start, end = top * {start_factor}, top * {end_factor}\n"
            f"    t, h = min(step, total), max(half, 1)\n"
            f"    if t < half:\n"
            f"        return (top - start) * t / h + start\n"
            f"    if t < 2 * half:\n"
            f"        return (start - top) * (t - half) / h + top\n"
            f"    return (end - start) * (t - 2 * half) / (total - 2 * half) + start\n")
