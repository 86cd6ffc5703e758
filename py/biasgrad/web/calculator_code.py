"""The calculator's two code views: the calculation in plain NumPy, and the same with the module.

The plain-NumPy view is the code a reader pastes into a notebook. It keeps the stable forms
visible where they matter (sigmoid + BCE from the logit; BCE on another activation through a
stable 1 − a, the exact dL/da at y = 0 or 1, and the module's clip where ln 0 would make the
loss infinite), so for every input the calculator accepts it prints the module's numbers, never
NaN (``tests/test_web_calculator.py`` executes it over the activation × loss grid).
"""

from __future__ import annotations

from typing import Any

from ..activations import Activation
from ..losses import BCE_CLIP, BinaryCrossEntropy, BinaryCrossEntropyWithLogits, Loss
from .calculator_format import fmt

__all__ = ["code_views"]

# 1 − a where the plain subtraction would round to 0 (BCE needs it); 1.0 - a elsewhere.
# (The lines a = f(z), da/dz, L and dL/da are the classes' own ``numpy`` attributes.)
_STABLE_ONE_MINUS = {
    "tanh": "one_minus_a = 2.0 / (1.0 + np.exp(2.0 * z))  # = 1 - tanh(z), exact where 1 - a rounds to 0",
}


def _py(value: float) -> str:
    return repr(float(value))


def _bce_lines(act: Activation, y: float) -> tuple[list[str], list[str]]:
    """Forward and backward lines of BCE on a non-sigmoid output a (already checked in [0, 1])."""
    forward = [
        "# BCE takes a probability: this activation does not keep a inside [0, 1], a sigmoid would",
        _STABLE_ONE_MINUS.get(act.name, "one_minus_a = 1.0 - a"),
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


def code_views(inp: dict[str, float], act: Activation, loss: Loss, alpha: float | None,
               values: dict[str, Any]) -> dict[str, str]:
    """``{"numpy": plain NumPy, "module": the same with biasgrad}`` for these inputs."""
    args = ", ".join(f"{k}={_py(inp[k])}" for k in ("x", "w", "b", "y"))
    dL_db = values.get("dL_db")
    module = (
        "from biasgrad import neuron_report\n\n"
        f"report = neuron_report({args},\n"
        f"                       activation={act.name!r}, loss={loss.name!r}, lr={_py(inp['lr'])})\n"
        "values = report.as_dict()\n"
        "print(values[\"dL_db\"])        # " + fmt(dL_db).replace("−", "-") + "\n"
        "print(values[\"b_next\"], values[\"loss_next\"])\n"
        "for warning in values[\"warnings\"]:\n"
        "    print(warning[\"message\"])\n"
    )
    linked = loss.uses_link(act)
    takes_logit = isinstance(loss, BinaryCrossEntropyWithLogits)
    if linked:  # the loss follows its link: L and dL/dz straight from z
        forward = [BinaryCrossEntropyWithLogits.numpy]
        backward = (["# no dL_da: this loss takes z directly"] if takes_logit
                    else [f"{loss.derivative_numpy}      # shown for the chain; not needed"])
    elif isinstance(loss, BinaryCrossEntropy):
        forward, backward = _bce_lines(act, inp["y"])
    else:
        forward, backward = [loss.numpy], [loss.derivative_numpy]
    lines = [
        "import numpy as np",
        "",
        f"x, w, b, y = {_py(inp['x'])}, {_py(inp['w'])}, {_py(inp['b'])}, {_py(inp['y'])}",
        f"lr = {_py(inp['lr'])}",
    ]
    if alpha is not None:
        lines.append(f"alpha = {_py(alpha)}")
    lines += ["", "# forward pass", "z = w * x + b", act.numpy, *forward, "",
              "# chain rule, one local derivative at a time", *backward, act.derivative_numpy,
              "dz_db = 1.0                             # z = w*x + b, so dz/db = 1"]
    if linked:
        lines.append(f"dL_dz = a - y                           # {loss.link_dL_dz_text}: the a(1-a) cancels")
    elif isinstance(loss, BinaryCrossEntropy):
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
