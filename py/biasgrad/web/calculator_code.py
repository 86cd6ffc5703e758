"""The calculator's two code views: the calculation in plain NumPy, and the same with the module.

The plain-NumPy view is the code a reader pastes into a notebook. It keeps the stable forms
visible where they matter (sigmoid + BCE from the logit; BCE on another activation through a
stable 1 − a, the exact dL/da at y = 0 or 1, and the module's clip where ln 0 would make the
loss infinite), so for every input the calculator accepts it prints the module's numbers, never
NaN (``tests/test_web_calculator.py`` executes it over the activation × loss grid).
"""

from __future__ import annotations

from typing import Any

from ..losses import BCE_CLIP
from .calculator_format import fmt

__all__ = ["code_views"]

# activation -> (a = f(z), da/dz, 1 − a where it must not cancel)
_NP_ACT = {
    "linear": ("a = z", "da_dz = 1.0", "one_minus_a = 1.0 - a"),
    "sigmoid": ("a = np.exp(-np.logaddexp(0.0, -z))      # sigmoid, no overflow",
                "da_dz = a * (1.0 - a)", "one_minus_a = np.exp(-np.logaddexp(0.0, z))   # = sigmoid(-z)"),
    "tanh": ("a = np.tanh(z)", "da_dz = 1.0 - a**2",
             "one_minus_a = 2.0 / (1.0 + np.exp(2.0 * z))  # = 1 - tanh(z), exact where 1 - a rounds to 0"),
    "relu": ("a = np.maximum(0.0, z)", "da_dz = 1.0 if z > 0 else 0.0       # convention: relu'(0) = 0",
             "one_minus_a = 1.0 - a"),
    "leaky_relu": ("a = z if z > 0 else alpha * z", "da_dz = 1.0 if z > 0 else alpha",
                   "one_minus_a = 1.0 - a"),
    "softplus": ("a = np.logaddexp(0.0, z)                # ln(1 + e^z), no overflow",
                 "da_dz = np.exp(-np.logaddexp(0.0, -z))  # sigmoid(z)", "one_minus_a = 1.0 - a"),
}
_NP_LOSS = {
    "mse_half": ("L = 0.5 * (a - y) ** 2                  # half squared error", "dL_da = a - y"),
    "mse": ("L = (a - y) ** 2                        # squared error", "dL_da = 2.0 * (a - y)"),
}
_NP_FROM_LOGIT = "L = np.logaddexp(0.0, z) - y * z       # = BCE(sigmoid(z), y), from z: stable for every z"


def _py(value: float) -> str:
    return repr(float(value))


def _bce_lines(act: str, y: float) -> tuple[list[str], list[str]]:
    """Forward and backward lines of BCE on a non-sigmoid output a (already checked in [0, 1])."""
    forward = [
        "# BCE takes a probability: this activation does not keep a inside [0, 1], a sigmoid would",
        _NP_ACT[act][2],
        "p, one_minus_p = a, one_minus_a                # the probability BCE sees",
        "if (a == 0 and y > 0) or (one_minus_a == 0 and y < 1):   # ln 0: L would be infinite",
        f"    p = min(max(a, {BCE_CLIP!r}), 1 - {BCE_CLIP!r})          # so clip it, as biasgrad does",
        "    one_minus_p = 1.0 - p",
        "log_p = np.log(p) if p < 0.5 else np.log1p(-one_minus_p)",
        "log_1mp = np.log1p(-p) if p < 0.5 else np.log(one_minus_p)",
        "L = -((y * log_p if y > 0 else 0.0) + ((1 - y) * log_1mp if y < 1 else 0.0))   # 0·ln 0 = 0",
    ]
    if y == 0:
        backward = ["dL_da = 1.0 / one_minus_p                # (a - y) / (a(1 - a)) at y = 0"]
    elif y == 1:
        backward = ["dL_da = -1.0 / p                         # (a - y) / (a(1 - a)) at y = 1"]
    else:
        backward = ["dL_da = (p - y) / (p * one_minus_p)"]
    return forward, backward


def code_views(inp: dict[str, float], act: str, loss: str, alpha: float | None,
               values: dict[str, Any]) -> dict[str, str]:
    """``{"numpy": plain NumPy, "module": the same with biasgrad}`` for these inputs."""
    args = ", ".join(f"{k}={_py(inp[k])}" for k in ("x", "w", "b", "y"))
    dL_db = values.get("dL_db")
    module = (
        "from biasgrad import neuron_report\n\n"
        f"report = neuron_report({args},\n"
        f"                       activation={act!r}, loss={loss!r}, lr={_py(inp['lr'])})\n"
        "values = report.as_dict()\n"
        "print(values[\"dL_db\"])        # " + fmt(dL_db).replace("−", "-") + "\n"
        "print(values[\"b_next\"], values[\"loss_next\"])\n"
        "for warning in values[\"warnings\"]:\n"
        "    print(warning[\"message\"])\n"
    )
    act_line, dadz_line, _ = _NP_ACT[act]
    from_logit = act == "sigmoid" and loss in ("bce", "bce_logits")
    if from_logit:
        forward, backward = [_NP_FROM_LOGIT], (["# no dL_da: this loss takes z directly"] if loss == "bce_logits"
                                                else ["dL_da = (a - y) / (a * (1.0 - a))      # shown for the chain; not used"])
    elif loss == "bce":
        forward, backward = _bce_lines(act, inp["y"])
    else:
        forward, backward = [_NP_LOSS[loss][0]], [_NP_LOSS[loss][1]]
    lines = [
        "import numpy as np",
        "",
        f"x, w, b, y = {_py(inp['x'])}, {_py(inp['w'])}, {_py(inp['b'])}, {_py(inp['y'])}",
        f"lr = {_py(inp['lr'])}",
    ]
    if act == "leaky_relu":
        lines.append(f"alpha = {_py(alpha if alpha is not None else 0.01)}")
    lines += ["", "# forward pass", "z = w * x + b", act_line, *forward, "",
              "# chain rule, one local derivative at a time", *backward, dadz_line,
              "dz_db = 1.0                             # z = w*x + b, so dz/db = 1"]
    if from_logit:
        lines.append("dL_dz = a - y                           # sigmoid + BCE: the a(1-a) cancels")
    elif loss == "bce":
        lines.append("dL_dz = dL_da * da_dz if da_dz != 0 else 0.0   # a flat activation passes nothing back")
    else:
        lines.append("dL_dz = dL_da * da_dz")
    lines += [
        "dL_db = dL_dz * dz_db                   # = dL_dz",
        "dL_dw = dL_dz * x                       # for contrast: the weight sees x",
        "",
        "# one gradient-descent step (both gradients taken at the old parameters)",
        "b_next = b - lr * dL_db",
        "w_next = w - lr * dL_dw",
        "print(dL_db, b_next)",
    ]
    return {"module": module, "numpy": "\n".join(lines) + "\n"}
