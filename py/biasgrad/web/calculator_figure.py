"""The calculator's chart: the loss as the bias moves (w held fixed), the tangent whose slope is
∂L/∂b, and the gradient step from b to b′. A figure spec (ARCHITECTURE.md) for site_js/chart.js.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

POINTS = 61


def _loss_curve(inp: dict[str, float], act: str, loss: str, bs: np.ndarray) -> np.ndarray:
    """L(b) for each b in bs, with x, w, y fixed, computed by the package itself."""
    from ..activations import ACTIVATIONS
    from ..losses import LOSSES, bce_from_logits

    z = inp["w"] * inp["x"] + bs
    with np.errstate(all="ignore"):
        if act == "sigmoid" and loss in ("bce", "bce_logits"):
            values = np.asarray(bce_from_logits(z, np.full_like(z, inp["y"])), dtype=float)
        else:
            a = np.asarray(ACTIVATIONS[act].value(z), dtype=float)
            values = np.asarray(LOSSES[loss].value(a, np.full_like(a, inp["y"])), dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return f if math.isfinite(f) else None


def _short(v: float | None) -> str:
    from .calculator import fmt

    return fmt(v, 4)


def figure(inp: dict[str, float], act: str, loss: str, values: dict[str, float | None]) -> dict[str, Any]:
    b, L, g = inp["b"], values.get("loss"), values.get("dL_db")
    b_next = values.get("b_next")
    step = abs(b_next - b) if b_next is not None else 0.0
    half = max(2.0, 1.6 * step)
    if not math.isfinite(half) or half > 1e6:
        half = 2.0
    lo, hi = b - half, b + half
    if b_next is not None and math.isfinite(b_next):
        lo, hi = min(lo, b_next - 0.25 * half), max(hi, b_next + 0.25 * half)
    bs = np.linspace(lo, hi, POINTS)
    try:
        curve = _loss_curve(inp, act, loss, bs)
    except Exception:  # noqa: BLE001 - a chart must never break the calculator
        curve = np.full_like(bs, np.nan)
    series: list[dict[str, Any]] = [
        {"name": "L(b), w fixed", "mark": "line", "x": [_num(v) for v in bs], "y": [_num(v) for v in curve],
         "emphasis": True},
    ]
    y_next = None
    if b_next is not None:
        with np.errstate(all="ignore"):
            y_next = _num(_loss_curve(inp, act, loss, np.array([b_next]))[0])
    if L is not None and g is not None:
        d = 0.35 * half
        series.append({"name": "tangent, slope ∂L/∂b", "mark": "line", "dash": True,
                       "x": [b - d, b + d], "y": [_num(L - g * d), _num(L + g * d)]})
    if b_next is not None:
        series.append({"name": "b′ = b − η·∂L/∂b", "mark": "rule-x", "x": [b_next]})
    if L is not None and b_next is not None and y_next is not None and step > 1e-12:
        series.append({"name": "gradient step", "mark": "arrow", "x": [b], "y": [L], "x2": [b_next], "y2": [y_next]})
    if L is not None:
        series.append({"name": "current b", "mark": "dot", "x": [b], "y": [L], "text": ["b"]})
    if b_next is not None and y_next is not None:
        series.append({"name": "after one step", "mark": "dot", "x": [b_next], "y": [y_next], "text": ["b′"]})

    v = values
    # What this chart draws; the six chain-rule values are chain_figure's table.
    rows = [
        ["current bias b", _num(b)],
        ["loss L(b)", L],
        ["tangent slope ∂L/∂b", g],
        ["b′ = b − η·∂L/∂b", b_next],
        ["loss at b′ (w fixed)", y_next],
    ]
    caption = (f"At b = {_short(b)}: z = {_short(v.get('z'))}, a = {_short(v.get('a'))}. "
               f"The tangent's slope is ∂L/∂b = ∂L/∂a · ∂a/∂z · 1 = {_short(v.get('dL_da'))} · "
               f"{_short(v.get('da_dz'))} · 1 = {_short(g)}; one step moves b to b′ = {_short(b_next)}.")
    return {
        "id": "calculator-loss-vs-bias",
        "title": "The loss as the bias moves",
        "caption": caption,
        "x": {"label": "bias b", "type": "linear"},
        "y": {"label": "loss L", "type": "linear"},
        "series": series,
        "table": {"columns": ["quantity", "value"], "rows": rows},
    }


CHAIN = (("z", "z"), ("a", "a"), ("dL_da", "∂L/∂a"), ("da_dz", "∂a/∂z"), ("dL_db", "∂L/∂b"), ("b_next", "b′"))


def chain_figure(values: dict[str, float | None]) -> dict[str, Any]:
    """The six numbers that drive the bias gradient, as signed bars (a figure spec).

    Convention: a quantity the module reports as undefined (``None``, e.g. ∂L/∂a for BCE on
    logits) gets no bar; the table says "—" for it.
    """
    keys = [key for key, _ in CHAIN]
    labels = [label for _, label in CHAIN]
    heights = [_num(values.get(key)) for key in keys]
    shown = [(label, h) for label, h in zip(labels, heights) if h is not None]
    missing = [label for label, h in zip(labels, heights) if h is None]
    caption = ("∂L/∂b = ∂L/∂a · ∂a/∂z · 1, and b′ = b − η·∂L/∂b. "
               + (f"Undefined here, so not drawn: {', '.join(missing)}." if missing else
                  "A bar's sign is the sign of the value."))
    return {
        "id": "calculator-chain",
        "title": "The values that drive the gradient",
        "caption": caption,
        "x": {"label": None, "type": "band", "domain": labels},
        "y": {"label": "value", "type": "linear"},
        "series": [{"name": "value", "mark": "bar", "x": [s[0] for s in shown], "y": [s[1] for s in shown]}],
        "table": {"columns": ["quantity", "value"], "rows": [[label, h] for label, h in zip(labels, heights)]},
        "height": 210,
    }
