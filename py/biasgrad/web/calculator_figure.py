"""The calculator's charts, as figure specs (ARCHITECTURE.md) for site_js/chart.js.

* :func:`figure`: the loss as the bias moves (x, w, y fixed), the tangent whose slope is ∂L/∂b,
  and the gradient step. The step the chart draws is the calculator's step: b and w both move,
  so the dot after the step sits at L′ = L(w′, b′), the number the calculator shows; where w′ ≠ w
  the curve through the new w is drawn too, dashed, so the dot lies on a drawn curve.
* :func:`chain_figure`: the six numbers that drive the bias gradient, as labelled bars.

The numbers come from the module (``loss_curve``); this module only lays them out.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..link import loss_and_dL_dz_where_defined
from .calculator_format import clean, fmt

__all__ = ["POINTS", "figure", "chain_figure", "loss_curve"]

POINTS = 121


def loss_curve(inp: dict[str, float], act: str, loss: str, bs: np.ndarray, w: float | None = None) -> list[float | None]:
    """L(b) for each b in ``bs`` with x, y (and w, or the given ``w``) fixed; None where undefined.

    The module's own loss at each b, so the curve has a gap exactly where the loss is undefined
    (BCE on an output outside [0, 1]) and is drawn everywhere else.
    """
    weight = inp["w"] if w is None else w
    with np.errstate(over="ignore", invalid="ignore"):
        z = weight * inp["x"] + np.asarray(bs, dtype=np.float64)
    beyond = ~np.isfinite(z)  # w·x + b beyond float64: no point there
    L = _loss_at(act, loss, np.where(beyond, 0.0, z), inp["y"])
    return [None if gone else clean(v) for v, gone in zip(L, beyond)]


def _loss_at(act: str, loss: str, z: np.ndarray, y: float) -> np.ndarray:
    """The module's loss at each z (the one loss path), NaN where it is undefined."""
    L, _, defined = loss_and_dL_dz_where_defined(act, loss, z, y)
    return np.where(defined, L, np.nan)


def _short(v: float | None) -> str:
    return fmt(v, 4)


def _window(b: float, b_next: float | None) -> tuple[float, float]:
    """The b-range drawn: b ± 2 at least, wide enough to show b′ with a margin."""
    step = abs(b_next - b) if b_next is not None else 0.0
    half = max(2.0, 1.6 * step)
    if not math.isfinite(half) or half > 1e6:
        half = 2.0
    lo, hi = b - half, b + half
    if b_next is not None and abs(b_next - b) <= 1e6:
        lo, hi = min(lo, b_next - 0.25 * half), max(hi, b_next + 0.25 * half)
    return lo, hi


def figure(inp: dict[str, float], act: str, loss: str, values: dict[str, float | None]) -> dict[str, Any]:
    """The L(b) chart for one calculator input (see the module docstring)."""
    b, L, g = inp["b"], values.get("loss"), values.get("dL_db")
    b_next, w_next, L_next = values.get("b_next"), values.get("w_next"), values.get("loss_next")
    lo, hi = _window(b, b_next)
    bs = np.linspace(lo, hi, POINTS)
    curve = loss_curve(inp, act, loss, bs)
    w_moves = w_next is not None and w_next != inp["w"] and inp["x"] != 0
    series: list[dict[str, Any]] = [
        {"name": "L(b), w fixed", "mark": "line", "x": [clean(v) for v in bs], "y": curve, "emphasis": True},
    ]
    if w_moves and w_next is not None:
        series.append({"name": "L(b) with w′ (after the step)", "mark": "line", "dash": "2,3",
                       "x": [clean(v) for v in bs], "y": loss_curve(inp, act, loss, bs, w=w_next)})
    if L is not None and g is not None:
        d = 0.35 * (hi - lo) / 2
        series.append({"name": "tangent, slope ∂L/∂b", "mark": "line", "dash": True,
                       "x": [b - d, b + d], "y": [clean(L - g * d), clean(L + g * d)]})
    if L is not None and b_next is not None and L_next is not None and abs(b_next - b) > 1e-12 * max(1.0, abs(b)):
        series.append({"name": "the step: b → b′, w → w′", "mark": "arrow",
                       "x": [b], "y": [L], "x2": [b_next], "y2": [L_next]})
    if L is not None:
        series.append({"name": "now: L(w, b)", "mark": "dot", "x": [b], "y": [L], "text": ["b"]})
    if b_next is not None and L_next is not None:
        series.append({"name": "after the step: L′ = L(w′, b′)", "mark": "dot", "x": [b_next], "y": [L_next],
                       "text": ["b′"]})

    rows = [
        ["current bias b", clean(b)],
        ["loss L(w, b)", L],
        ["tangent slope ∂L/∂b", g],
        ["b′ = b − η·∂L/∂b", b_next],
        ["w′ = w − η·∂L/∂w", w_next],
        ["loss after the step L′ = L(w′, b′)", L_next],
    ]
    if L_next is None:
        after = "after the step the loss is undefined, so no dot is drawn there."
    elif L is not None and L_next > L:
        after = (f"after the step the loss rises to L′ = {_short(L_next)}: the step overshoots "
                 "(the learning rate is too large for this curvature).")
    else:
        after = f"after the step L′ = L(w′, b′) = {_short(L_next)}."
    v = values
    caption = (f"At b = {_short(b)}: z = {_short(v.get('z'))}, a = {_short(v.get('a'))}, L = {_short(L)}. "
               f"The tangent's slope is ∂L/∂b = {_short(g)}. One step moves b to b′ = {_short(b_next)}"
               + (f" and w to w′ = {_short(w_next)}" if w_moves else "") + "; " + after)
    # Where the loss shoots up (BCE as a → 0 or 1) the frame stops at a few times the losses the
    # step is about, so the step stays readable; the curve runs on, clipped at the frame.
    drawn = [y for y in curve if y is not None]
    about = max([abs(v) for v in (L, L_next) if v is not None] + [0.05])
    extra: dict[str, Any] = {}
    if drawn and max(drawn) > 6 * about:
        extra["y_domain"] = [min(0.0, min(drawn)), 4 * about]
    return {
        **extra,
        "id": "calculator-loss-vs-bias",
        "title": "The loss as the bias moves",
        "caption": caption,
        "x": {"label": "bias b", "type": "linear"},
        "y": {"label": "loss L", "type": "linear"},
        "series": series,
        "table": {"columns": ["quantity", "value"], "rows": rows},
    }


CHAIN = (("z", "z"), ("a", "a"), ("dL_da", "∂L/∂a"), ("da_dz", "∂a/∂z"), ("dL_db", "∂L/∂b"), ("b_next", "b′"))
#: The bar the chart is about: drawn in the accent colour and named in the title.
KEY_BAR = "∂L/∂b"


def chain_figure(values: dict[str, float | None]) -> dict[str, Any]:
    """The six numbers that drive the bias gradient, as signed bars labelled with their values.

    Convention: a quantity the module reports as undefined (``None``, e.g. ∂L/∂a for BCE on
    logits) gets no bar; the table says "—" for it. ∂L/∂b is its own series (``emphasis``),
    so it stands out even where it is the smallest bar.
    """
    labels = [label for _, label in CHAIN]
    heights = [clean(values.get(key)) for key, _ in CHAIN]
    shown = [(label, h) for label, h in zip(labels, heights) if h is not None]
    missing = [label for label, h in zip(labels, heights) if h is None]
    others = [(label, h) for label, h in shown if label != KEY_BAR]
    key = [(label, h) for label, h in shown if label == KEY_BAR]
    caption = ("∂L/∂b = ∂L/∂a · ∂a/∂z · 1 (highlighted), and b′ = b − η·∂L/∂b. "
               + (f"Undefined here, so not drawn: {', '.join(missing)}." if missing else
                  "A bar's sign is the sign of the value."))
    return {
        "id": "calculator-chain",
        "title": "The values that drive the gradient",
        "caption": caption,
        "x": {"label": None, "type": "band", "domain": labels},
        "y": {"label": "value", "type": "linear"},
        "series": [
            {"name": "value", "mark": "bar", "x": [s[0] for s in others], "y": [s[1] for s in others],
             "text": [_short(s[1]) for s in others]},
            {"name": "∂L/∂b, the bias gradient", "mark": "bar", "x": [s[0] for s in key], "y": [s[1] for s in key],
             "text": [_short(s[1]) for s in key], "emphasis": True},
        ],
        "table": {"columns": ["quantity", "value"], "rows": [[label, h] for label, h in zip(labels, heights)]},
        "height": 230,
    }
