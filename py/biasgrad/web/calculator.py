"""The calculator's payload: one neuron, its chain rule and one gradient step, as plain data.

``calculate(raw)`` takes the form's strings (``x, w, b, y, activation, loss, lr``) and returns::

    {"ok": True, "inputs": {...}, "choices": {"activation", "loss"}, "values": {KEY: float | None}, "repr": {KEY: str},
     "text": {KEY: str}, "warnings": [{"code", "message"}],
     "substituted": {KEY: TeX}, "substituted_text": {KEY: str},
     "code": {"module": str, "numpy": str}, "figure": FIGURE, "url": "?x=..."}
    {"ok": False, "inputs": {...}, "choices": {...}, "errors": [{"field": "x", "message": "..."}]}

``choices`` holds the registry name of each menu the reader's text named (``"ReLU"`` → ``"relu"``),
so the page can select it; ``inputs`` holds the reader's own text (registry names once valid).

The numbers come from :func:`biasgrad.neuron_report`; this module only formats them. The same
function renders the page at build time (CPython) and answers every input change in the
browser (Pyodide), so the pre-rendered numbers and the live ones are the same numbers.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from ..activations import ACTIVATIONS
from ..errors import BiasgradError
from ..losses import LOSSES
from ..inputs import check_lr, parse_activation, parse_loss, parse_number
from . import calculator_figure
from .calculator_code import code_views
from .calculator_format import clean as _clean, fmt, plain as _plain, tex as _tex

__all__ = ["FIELDS", "DEFAULTS", "OUTPUTS", "ACTIVATION_LABELS", "LOSS_LABELS", "LOSS_TIP", "calculate", "fmt"]

FIELDS = ("x", "w", "b", "y", "activation", "loss", "lr")
NUMERIC = ("x", "w", "b", "y", "lr")
DEFAULTS = {"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "activation": "sigmoid",
            "loss": "mse_half", "lr": "0.5"}

#: The menus' labels, from the classes (their one home).
ACTIVATION_LABELS = {name: ACTIVATIONS[name].menu_label
                     for name in ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus")}
LOSS_LABELS = {name: LOSSES[name].menu_label for name in ("mse_half", "mse", "bce", "bce_logits")}
#: Shown next to the loss menu from the start, not only after a wrong pair is chosen.
LOSS_TIP = "BCE belongs with a sigmoid output (then dL/db = a − y)."

# (key, symbol as plain text, symbol as TeX, what it is)
OUTPUTS = (
    ("z", "z", r"z", "pre-activation"),
    ("a", "a", r"a", "activation (output)"),
    ("loss", "L", r"L", "loss"),
    ("dL_da", "∂L/∂a", r"\frac{\partial L}{\partial a}", "loss → output"),
    ("da_dz", "∂a/∂z", r"\frac{\partial a}{\partial z}", "activation slope"),
    ("dz_db", "∂z/∂b", r"\frac{\partial z}{\partial b}", "always 1"),
    ("dL_dz", "∂L/∂z", r"\frac{\partial L}{\partial z}", "error signal δ"),
    ("dL_db", "∂L/∂b", r"\frac{\partial L}{\partial b}", "bias gradient"),
    ("dL_dw", "∂L/∂w", r"\frac{\partial L}{\partial w}", "weight gradient, for contrast"),
    ("b_next", "b′", r"b'", "bias after one step"),
    ("w_next", "w′", r"w'", "weight after one step"),
    ("loss_next", "L(b′, w′)", r"L'", "loss after the step"),
    ("numeric_dL_db", "∂L/∂b (numeric)", r"\widehat{\partial L/\partial b}", "central difference"),
    ("numeric_rel_error", "relative error", r"\varepsilon_{\text{rel}}", "analytic vs numeric"),
)
OUTPUT_KEYS = tuple(key for key, *_ in OUTPUTS)


# ---- substituted formulas ---------------------------------------------------------------

def _substitute(v: dict[str, float | None], inp: dict[str, float], act: str, loss: str,
                alpha: float | None, clipped: bool = False, linked: bool = False) -> tuple[dict[str, str], dict[str, str]]:
    """Every formula with the reader's numbers put in: (TeX, plain text).

    With ``clipped`` (the module's ``bce_clip`` warning), the loss and ∂L/∂a use the clipped a.
    """
    def t(key: str, paren: bool = False) -> str:
        return _tex(v.get(key) if key in v else inp.get(key), paren=paren)

    def p(key: str, paren: bool = False) -> str:
        return _plain(v.get(key) if key in v else inp.get(key), paren=paren)

    nums_tex = {"z": t("z"), "zp": t("z", True), "a": t("a"), "ap": t("a", True), "y": t("y"),
                "yp": t("y", True), "alpha": _tex(alpha)}
    nums_txt = {"z": p("z"), "zp": p("z", True), "a": p("a"), "ap": p("a", True), "y": p("y"),
                "yp": p("y", True), "alpha": _plain(alpha)}
    tex: dict[str, str] = {}
    txt: dict[str, str] = {}
    loss_tex, loss_txt = nums_tex, nums_txt
    a_now = v.get("a")
    if clipped and a_now is not None:
        from ..losses import BCE_CLIP

        a_c = BCE_CLIP if a_now <= 0.5 else 1.0 - BCE_CLIP
        loss_tex = {**nums_tex, "a": _tex(a_c), "ap": _tex(a_c, paren=True)}
        loss_txt = {**nums_txt, "a": _plain(a_c), "ap": _plain(a_c, paren=True)}

    tex["z"] = rf"z = w\,x + b = {t('w')} \cdot {t('x', True)} + {t('b', True)} = {t('z')}"
    txt["z"] = f"z = w·x + b = {p('w')}·{p('x', True)} + {p('b', True)} = {p('z')}"
    activation, loss_fn = ACTIVATIONS[act], LOSSES[loss]  # each formula's one home is its class
    tex["a"] = "a = " + activation.with_numbers[0].format(**nums_tex) + f" = {t('a')}"
    txt["a"] = "a = " + activation.with_numbers[1].format(**nums_txt) + f" = {p('a')}"
    tex["loss"] = "L = " + loss_fn.with_numbers[0].format(**loss_tex) + f" = {t('loss')}"
    txt["loss"] = "L = " + loss_fn.with_numbers[1].format(**loss_txt) + f" = {p('loss')}"
    tail_t, tail_p = (f" = {t('dL_da')}", f" = {p('dL_da')}") if v.get("dL_da") is not None else ("", "")
    dlda_tex, dlda_txt = loss_fn.derivative_with_numbers_at(inp["y"])
    tex["dL_da"] = r"\frac{\partial L}{\partial a} = " + dlda_tex.format(**loss_tex) + tail_t
    txt["dL_da"] = "∂L/∂a = " + dlda_txt.format(**loss_txt) + tail_p
    tex["da_dz"] = (r"\frac{\partial a}{\partial z} = " + activation.derivative_with_numbers[0].format(**nums_tex)
                    + f" = {t('da_dz')}")
    txt["da_dz"] = "∂a/∂z = " + activation.derivative_with_numbers[1].format(**nums_txt) + f" = {p('da_dz')}"
    tex["dz_db"] = r"\frac{\partial z}{\partial b} = \frac{\partial}{\partial b}(w\,x + b) = 1"
    txt["dz_db"] = "∂z/∂b = ∂(w·x + b)/∂b = 1"
    tex["dL_dz"] = (r"\frac{\partial L}{\partial z} = \frac{\partial L}{\partial a}\cdot\frac{\partial a}{\partial z}"
                    rf" = {t('dL_da')} \cdot {t('da_dz', True)} = {t('dL_dz')}")
    txt["dL_dz"] = f"∂L/∂z = ∂L/∂a · ∂a/∂z = {p('dL_da')}·{p('da_dz', True)} = {p('dL_dz')}"
    if linked:  # the loss follows its link (sigmoid with BCE): dL/dz straight from z
        tex["dL_dz"] = (r"\frac{\partial L}{\partial z} = \sigma(z) - y = a - y"
                        f" = {t('a')} - {t('y', True)} = {t('dL_dz')}")
        txt["dL_dz"] = f"∂L/∂z = σ(z) − y = a − y = {p('a')} − {p('y', True)} = {p('dL_dz')}"
    tex["dL_db"] = (r"\frac{\partial L}{\partial b} = \frac{\partial L}{\partial z}\cdot\frac{\partial z}{\partial b}"
                    rf" = {t('dL_dz')} \cdot 1 = {t('dL_db')}")
    txt["dL_db"] = f"∂L/∂b = ∂L/∂z · ∂z/∂b = {p('dL_dz')}·1 = {p('dL_db')}"
    tex["dL_dw"] = (r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial z}\cdot x"
                    rf" = {t('dL_dz')} \cdot {t('x', True)} = {t('dL_dw')}")
    txt["dL_dw"] = f"∂L/∂w = ∂L/∂z · x = {p('dL_dz')}·{p('x', True)} = {p('dL_dw')}"
    tex["b_next"] = (r"b' = b - \eta\,\frac{\partial L}{\partial b}"
                     rf" = {t('b')} - {t('lr')} \cdot {t('dL_db', True)} = {t('b_next')}")
    txt["b_next"] = f"b′ = b − η·∂L/∂b = {p('b')} − {p('lr')}·{p('dL_db', True)} = {p('b_next')}"
    tex["w_next"] = (r"w' = w - \eta\,\frac{\partial L}{\partial w}"
                     rf" = {t('w')} - {t('lr')} \cdot {t('dL_dw', True)} = {t('w_next')}")
    txt["w_next"] = f"w′ = w − η·∂L/∂w = {p('w')} − {p('lr')}·{p('dL_dw', True)} = {p('w_next')}"
    tex["loss_next"] = rf"L' = L(w', b') = {t('loss_next')}"
    txt["loss_next"] = f"L′ = L(w′, b′) = {p('loss_next')}"
    tex["numeric_dL_db"] = (r"\frac{L(b+h) - L(b-h)}{2h}" + f" = {t('numeric_dL_db')}")
    txt["numeric_dL_db"] = f"(L(b + h) − L(b − h)) / 2h = {p('numeric_dL_db')}"
    tex["numeric_rel_error"] = (r"\frac{|g - \hat g|}{\max(|g|, |\hat g|)}" + f" = {t('numeric_rel_error')}")
    txt["numeric_rel_error"] = f"|g − ĝ| / max(|g|, |ĝ|) = {p('numeric_rel_error')}"
    return tex, txt


# ---- the payload ----------------------------------------------------------------------------

def normalise(raw: dict[str, Any] | None) -> dict[str, str]:
    """The form's raw strings, one per field; a missing field takes its default."""
    raw = dict(raw or {})
    return {k: (DEFAULTS[k] if raw.get(k) is None else str(raw[k])) for k in FIELDS}


def query_string(inputs: dict[str, str]) -> str:
    """``?x=1.5&w=0.8...`` for a shareable link (values as the reader typed them)."""
    return "?" + urlencode({k: inputs[k].strip() for k in FIELDS})


def calculate(raw: dict[str, Any] | None = None, full: bool = True, chart_only: bool = False) -> dict[str, Any]:
    """The calculator payload for the form's raw strings (see the module docstring).

    Parameters
    ----------
    raw : dict
        ``{"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "activation": "sigmoid",
        "loss": "mse_half", "lr": "0.5"}``; missing keys take :data:`DEFAULTS`.
    full : bool
        False returns only ``ok``, ``values``, ``warnings`` / ``errors`` (cheap; for tests).
    chart_only : bool
        Leave out what the page shows only once the input pauses (the substituted formulas, the
        code views and the second chart): the numbers and the L(b) chart, for every input of a
        drag. The keys it keeps hold exactly what the full payload holds.
    """
    from ..neuron import neuron_report

    inputs = normalise(raw)
    errors: list[dict[str, str | None]] = []
    numbers: dict[str, float] = {}
    for field in NUMERIC:
        try:
            numbers[field] = parse_number(field, inputs[field])
            if field == "lr":
                numbers[field] = check_lr(numbers[field])
        except BiasgradError as error:
            errors.append({"field": error.field or field, "message": str(error)})
    names: dict[str, str] = {}
    for field, parse in (("activation", parse_activation), ("loss", parse_loss)):
        try:
            names[field] = parse(inputs[field]).name
        except BiasgradError as error:
            errors.append({"field": error.field or field, "message": str(error)})
    if errors:
        return {"ok": False, "inputs": inputs, "choices": names, "errors": errors}
    # A menu choice as the command line accepts it (ReLU, BCE, leaky-relu): the registry name
    # is what the form's menu selects and what the shareable link carries.
    inputs = {**inputs, **names}

    try:
        report = neuron_report(numbers["x"], numbers["w"], numbers["b"], numbers["y"],
                               names["activation"], names["loss"], numbers["lr"])
        data = report.as_dict()
    except BiasgradError as error:
        blamed = error.field  # None: no one field is to blame (e.g. a float64 overflow)
        return {"ok": False, "inputs": inputs, "choices": names,
                "errors": [{"field": blamed, "message": str(error)}]}

    warnings = [{"code": str(w.get("code", "")), "message": str(w.get("message", ""))}
                for w in data.pop("warnings", [])]
    values = {key: _clean(value) for key, value in data.items() if not isinstance(value, (str, list, dict))}
    if "numeric_rel_error" not in values:
        values["numeric_rel_error"] = _clean(getattr(report, "numeric_rel_error", None))
    payload: dict[str, Any] = {"ok": True, "inputs": inputs, "choices": names, "values": values,
                               "warnings": warnings}
    if not full:
        return payload

    act, loss = names["activation"], names["loss"]
    activation, loss_fn = parse_activation(act), parse_loss(loss)
    slope = getattr(activation, "negative_slope", None)  # leaky ReLU's α, the one with a slope
    alpha = None if slope is None else float(slope)
    payload["repr"] = {k: ("" if v is None else repr(v)) for k, v in values.items()}
    payload["text"] = {k: fmt(v) for k, v in values.items()}
    payload["figure"] = calculator_figure.figure(numbers, act, loss, values)
    payload["url"] = query_string(inputs)
    if chart_only:
        payload["figures"] = [payload["figure"]]
        return payload
    clipped = any(w["code"] == "bce_clip" for w in warnings)
    linked = loss_fn.uses_link(activation)
    payload["substituted"], payload["substituted_text"] = _substitute(values, numbers, act, loss, alpha, clipped, linked)
    payload["code"] = code_views(numbers, activation, loss_fn, alpha, values)
    payload["figures"] = [payload["figure"], calculator_figure.chain_figure(values)]
    return payload
