"""Explorers: interactive charts whose numbers come from the module (plain values in, plain dicts out).

``explore(name, params)`` returns::

    {"name": str, "params": {…validated values…},
     "controls": [CONTROL], "figures": [FIGURE], "figure": FIGURE (the first),
     "readout": [{"key", "label", "value": float | str | None, "text": str}], "note": str}

CONTROL is ``{"kind": "select", "name", "label", "value", "options": [{"value", "label"}]}``,
``{"kind": "range", "name", "label", "value", "min", "max", "step", "text"}`` or
``{"kind": "stepper", "name", "label", "value", "min", "max", "increment", "button", "text"}``.

The build renders the default view (``hooks/examples.py``); in the page ``site_js/explorer.js``
calls ``explore`` in the worker whenever a control changes. Register a new explorer with
:func:`explorer`; one defined in another module is found if that module is in
:data:`EXPLORER_MODULES`.
"""

from __future__ import annotations

import importlib
import math
from typing import Any, Callable, Sequence

import numpy as np

from biasgrad.activations import ACTIVATIONS, SATURATION, Activation
from biasgrad.dense import reduce_over_batch
from biasgrad.link import loss_and_dL_dz
from biasgrad.losses import LOSSES
from biasgrad.web import figures as fg

__all__ = ["explorer", "explore", "explorer_names", "select", "slider", "stepper", "readout",
           "EXPLORER_MODULES"]

#: Modules that define more explorers (imported on first use).
EXPLORER_MODULES: tuple[str, ...] = ()

Params = dict[str, Any]
View = dict[str, Any]
Control = dict[str, Any]

_REGISTRY: dict[str, tuple[list[Control], Callable[[Params], View]]] = {}


# ---- controls --------------------------------------------------------------------------------

def select(name: str, label: str, options: Sequence[Any], value: Any) -> Control:
    """A drop-down; ``options`` are values or (value, label) pairs."""
    opts = [{"value": o[0], "label": o[1]} if isinstance(o, (tuple, list)) else {"value": o, "label": str(o)}
            for o in options]
    return {"kind": "select", "name": name, "label": label, "value": value, "options": opts}


def slider(name: str, label: str, lo: float, hi: float, step: float, value: float) -> Control:
    """A range input with its value shown beside it."""
    return {"kind": "range", "name": name, "label": label, "value": value, "min": lo, "max": hi, "step": step}


def stepper(name: str, label: str, lo: int, hi: int, value: int = 0, step: int = 1,
            button: str = "Step") -> Control:
    """Back / Step / Reset buttons over an integer (e.g. how many updates have been taken)."""
    return {"kind": "stepper", "name": name, "label": label, "value": value, "min": lo, "max": hi,
            "increment": step, "button": button}


def readout(key: str, label: str, value: Any, digits: int = 6) -> dict[str, Any]:
    """One labelled number (or text) under the controls."""
    if isinstance(value, (float, np.floating)):
        v = float(value)
        text = "undefined" if not math.isfinite(v) else f"{v:.{digits}g}"
        return {"key": key, "label": label, "value": v if math.isfinite(v) else None, "text": text}
    return {"key": key, "label": label, "value": value, "text": str(value)}


def _fmt_number(v: float, step: float) -> str:
    decimals = max(0, -int(math.floor(math.log10(step)))) if step < 1 else 0
    return f"{v:.{decimals}f}"


def _validate(controls: list[Control], params: Params) -> tuple[Params, list[Control]]:
    values: dict[str, Any] = {}
    resolved = []
    for c in controls:
        raw = params.get(c["name"], c["value"])
        if c["kind"] == "select":
            allowed = [o["value"] for o in c["options"]]
            v = raw if raw in allowed else c["value"]
            text = next(o["label"] for o in c["options"] if o["value"] == v)
        else:
            try:
                v = float(raw)  # type: ignore[arg-type]  # a TypeError is handled: the default
            except (TypeError, ValueError):
                v = float(c["value"])
            if not math.isfinite(v):
                v = float(c["value"])
            v = min(max(v, c["min"]), c["max"])
            if c["kind"] == "stepper":
                v = int(round(v))
                text = str(v)
            else:
                steps = round((v - c["min"]) / c["step"])
                v = round(c["min"] + steps * c["step"], 10)
                text = _fmt_number(v, c["step"])
        values[c["name"]] = v
        resolved.append({**c, "value": v, "text": text})
    return values, resolved


# ---- registry ----------------------------------------------------------------------------------

def explorer(name: str, controls: list[Control]) -> Callable[[Callable[[Params], View]], Callable[[Params], View]]:
    """Decorator: register ``fn(params) -> {"figure" | "figures", "readout", "note"}`` under name."""
    def register(fn: Callable[[Params], View]) -> Callable[[Params], View]:
        _REGISTRY[name] = (controls, fn)
        return fn
    return register


def _load_modules() -> None:
    for module in EXPLORER_MODULES:
        importlib.import_module(module)


def explorer_names() -> list[str]:
    _load_modules()
    return sorted(_REGISTRY)


def explore(name: str, params: Any = None) -> View:
    """Render explorer ``name`` for ``params`` (missing or invalid values fall back to defaults)."""
    _load_modules()
    if name not in _REGISTRY:
        raise KeyError(f"no explorer named {name!r}; known: {', '.join(sorted(_REGISTRY))}")
    if hasattr(params, "to_py"):
        params = params.to_py()
    controls, fn = _REGISTRY[name]
    values, resolved = _validate(controls, dict(params or {}))
    view = fn(dict(values))
    figures = view.get("figures") or [view["figure"]]
    view_out: View = fg.plain({"name": name, "params": values, "controls": resolved, "figures": figures,
                               "figure": figures[0], "readout": view.get("readout", []),
                               "note": view.get("note", "")})
    return view_out


# ---- section 3: an activation and its derivative ---------------------------------------------

@explorer("activation", controls=[
    select("activation", "Activation", [(k, act.menu_label) for k, act in ACTIVATIONS.items()], "sigmoid"),
    slider("z", "z", -10.0, 10.0, 0.1, 2.0),
])
def _activation(p: Params) -> View:
    act = ACTIVATIONS[p["activation"]]
    z0 = p["z"]
    zs = np.linspace(-10.0, 10.0, 401)
    a, d = np.asarray(act.value(zs)), np.asarray(act.derivative(zs))
    a0, d0 = float(act.value(z0)), float(act.derivative(z0))
    label = act.menu_label
    points = sorted({-6.0, -4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0, 6.0, z0})
    table = {"columns": ["z", "f(z) = a", "f′(z) = da/dz"],
             "rows": [[f"{z:g} (current)" if z == z0 else z, float(act.value(z)), float(act.derivative(z))]
                      for z in points]}
    bottom, top = act.output_range
    lo, hi = (bottom - 0.1, top + 0.1) if math.isfinite(bottom) and math.isfinite(top) else (-2.0, 4.0)
    # the current point (and its label above it) always lies inside the frame
    lo, hi = min(lo, a0 - 0.1 * (hi - lo), d0 - 0.1 * (hi - lo)), max(hi, a0 + 0.18 * (hi - lo), d0 + 0.18 * (hi - lo))
    fig = fg.figure(
        fg.line(zs, a, name="f(z)"),
        fg.line(zs, d, name="f′(z)", dash=True),
        fg.rule_x([z0], name="current z"),
        fg.dot([z0, z0], [a0, d0], name="at current z", text=[f"a = {a0:.3g}", f"f′ = {d0:.3g}"], emphasis=True),
        title=f"{label}: f(z) and its derivative f′(z)", x_label="z", y_label="value",
        caption=(f"At z = {z0:g}: a = {a0:.4g}, f′(z) = {d0:.4g}. The bias gradient is dL/db = dL/da · f′(z), "
                 "so f′(z) is the factor every bias gradient through this neuron is multiplied by."),
        table=table, x_domain=[-10, 10], y_domain=[lo, hi], id="activation")
    share = d0 / act.max_slope
    note = act.regime_note(z0, d0) or _small_slope_note(act, d0, share) or act.slope_note.format(d=f"{d0:.4g}")
    return {"figure": fig, "note": note, "readout": [
        readout("a", "a = f(z)", a0), readout("da_dz", "f′(z) = da/dz", d0),
        readout("share", "f′(z) / largest f′", share, 3)]}


def _small_slope_note(act: Activation, d0: float, share: float) -> str | None:
    """The note for a slope that is a small share of the activation's largest, or None."""
    if share < SATURATION:
        return (f"Saturated: f′(z) = {d0:.3g} is {share:.2g} of this activation's largest slope ({act.max_slope:g}). "
                "Whatever dL/da is, the bias gradient is scaled down by that factor, and learning stalls.")
    if share < 0.1:
        return (f"Flattening out: f′(z) = {d0:.3g} is {100 * share:.2g} % of this activation's largest slope, "
                "so only that share of dL/da reaches the bias. A little further out the neuron saturates "
                f"(f′ below {SATURATION:g} of its largest value) and learning stalls.")
    return None


# ---- section 4: the loss as a function of the bias ------------------------------------------

# One neuron z = w·x + b with fixed x, w, y; only b moves.
LOSS_SETUPS = {
    "linear-mse_half": ("linear", "mse_half", 1.0, 0.5, 1.5, "linear + half squared error"),
    "sigmoid-bce": ("sigmoid", "bce", 1.0, 0.5, 0.8, "sigmoid + binary cross-entropy"),
    "sigmoid-mse_half": ("sigmoid", "mse_half", 1.0, 0.5, 0.8, "sigmoid + half squared error"),
}


def neuron_point(activation: str, loss: str, x: float, w: float, y: float, b: Any) -> tuple[Any, Any]:
    """L(b) and dL/db for one neuron, elementwise in b, from the one loss path (dz/db = 1)."""
    return loss_and_dL_dz(activation, loss, w * x + np.asarray(b, dtype=np.float64), y)


def _step_labels(bs: list[float], width: float, gap: float = 0.05) -> list[str]:
    """Number the visited b's, but only where a label has room: a step that lands within
    ``gap``·width of an already numbered one stays unnumbered (the table lists every step).
    The last one, the current b, is always numbered."""
    labels = [""] * len(bs)
    numbered: list[float] = []
    for i in reversed(range(len(bs))):
        if i == len(bs) - 1 or all(abs(bs[i] - b) > gap * width for b in numbered):
            labels[i] = str(i)
            numbered.append(bs[i])
    return labels


@explorer("loss-bias", controls=[
    select("setup", "Neuron", [(k, v[5]) for k, v in LOSS_SETUPS.items()], "linear-mse_half"),
    slider("lr", "Learning rate", 0.05, 3.0, 0.05, 0.3),
    slider("b0", "Starting b", -4.0, 4.0, 0.1, -2.5),
    stepper("steps", "Updates taken", 0, 30, 0),
])
def _loss_bias(p: Params) -> View:
    act, loss, x, w, y, label = LOSS_SETUPS[p["setup"]]
    lr, k = p["lr"], p["steps"]
    bs = [p["b0"]]
    for _ in range(k + 1):  # one more than taken: the step about to be taken is drawn too
        L, g = neuron_point(act, loss, x, w, y, bs[-1])
        nxt = bs[-1] - lr * float(g)
        bs.append(nxt if math.isfinite(nxt) else bs[-1])
    b_now, b_next = bs[k], bs[k + 1]
    L_now, g_now = (float(v) for v in neuron_point(act, loss, x, w, y, b_now))
    L_next = float(neuron_point(act, loss, x, w, y, b_next)[0])
    b_star = ACTIVATIONS[act].inverse(y) - w * x  # the b at which a = y
    lo, hi = b_star - 5.0, b_star + 5.0
    grid = np.linspace(lo, hi, 201)
    Lg = np.asarray(neuron_point(act, loss, x, w, y, grid)[0])
    ymax = float(Lg.max()) * 1.05
    visited = [b for b in bs[: k + 1] if lo <= b <= hi]
    Lv = [float(neuron_point(act, loss, x, w, y, b)[0]) for b in visited]
    series = [fg.line(grid, Lg, name="L(b)")]
    half = 1.2
    tb = np.array([b_now - half, b_now + half])
    series.append(fg.line(tb, L_now + g_now * (tb - b_now), name=f"tangent, slope dL/db = {g_now:.3g}", dash=True))
    # Every series is always present (empty when there is nothing to draw), so each keeps its
    # colour and legend entry from one step to the next.
    series.append(fg.arrow(visited[:-1], Lv[:-1], visited[1:], Lv[1:], name="updates taken"))
    series.append(fg.dot(visited, Lv, name="b after each update", text=_step_labels(visited, hi - lo), r=3.5))
    inside = lo <= b_now <= hi
    series.append(fg.arrow([b_now] if inside else [], [L_now] if inside else [],
                           [b_next] if inside else [], [L_now - lr * g_now * g_now] if inside else [],
                           name="next step along the tangent", emphasis=True))
    series.append(fg.dot([b_now] if inside else [], [L_now] if inside else [], name="current b", emphasis=True))
    series.append(fg.rule_x([b_star], name="minimum b*", dash=True))
    rows = [[i, b, float(neuron_point(act, loss, x, w, y, b)[0]), float(neuron_point(act, loss, x, w, y, b)[1])]
            for i, b in enumerate(bs[: k + 2])]
    fig = fg.figure(*series, title=f"Loss as a function of the bias ({label})", x_label="b", y_label="L",
                    caption=(f"x = {x:g}, w = {w:g}, y = {y:g}. Each update is b ← b − lr·dL/db with lr = {lr:g}. "
                             "The tangent at the current b has slope dL/db; the arrow is the next step."),
                    table={"columns": ["update", "b", "L(b)", "dL/db"], "rows": rows[-12:]},
                    x_domain=[lo, hi], y_domain=[min(0.0, float(Lg.min())), ymax], id="loss-bias")
    d_now, d_next = b_now - b_star, b_next - b_star
    if not all(math.isfinite(b) for b in bs) or abs(d_next) > 1e6:
        note = "The updates diverged: each step overshoots by more than the last."
    elif not (lo <= b_now <= hi):
        note = f"b = {b_now:.4g} has left the plotted window: the learning rate is too large, each step overshoots further."
    elif abs(d_now) < 1e-6:
        note = "Converged: dL/db ≈ 0 at the minimum, so the update no longer moves b."
    elif d_now * d_next < 0:
        grow = abs(d_next) > abs(d_now)
        note = ("Overshoot: the next step jumps past the minimum" +
                (", landing further away than it started: this learning rate diverges." if grow
                 else ", but lands closer: the updates oscillate and still converge."))
    else:
        note = "The step stays on the same side of the minimum: steady, monotone descent."
    if p["setup"] == "linear-mse_half":
        note += (" For this neuron L(b) = ½(b − b*)², so dL/db = b − b*: lr < 1 creeps, lr = 1 lands on b* "
                 "in one step, 1 < lr < 2 oscillates, lr > 2 diverges.")
    return {"figure": fig, "note": note, "readout": [
        readout("step", "update", k), readout("b", "b", b_now), readout("L", "L(b)", L_now),
        readout("dL_db", "dL/db", g_now), readout("delta", "−lr·dL/db", -lr * g_now),
        readout("b_next", "next b", b_next), readout("L_next", "next L", L_next)]}


# ---- section 6: reducing dZ to db --------------------------------------------------------------

_BATCH_RNG_SEED = 6
N_OUT = 3


def batch_dZ(n: int) -> np.ndarray:
    """dL_i/dZ for a linear layer with half squared error (per example): dZ = Z − Y, shape (n, 3)."""
    rng = np.random.default_rng(_BATCH_RNG_SEED)
    X = rng.normal(size=(16, 2))
    W = rng.normal(size=(2, N_OUT))
    b = np.zeros(N_OUT)
    Y = X @ np.array([[1.0, -0.5, 0.3], [0.2, 0.8, -1.0]]) + np.array([0.5, -0.3, 0.2])
    Z = X[:n] @ W + b
    return np.asarray(LOSSES["mse_half"].dL_da(Z, Y[:n]), dtype=np.float64)  # linear output: dZ = dA


REDUCTIONS = {
    "sum": "sum over the batch: db = dZ.sum(axis=0)",
    "mean": "mean over examples: db = dZ.sum(axis=0) / N",
    "torch-mean": "PyTorch reduction=\"mean\": db = dZ.sum(axis=0) / (N·n_out)",
}


@explorer("batch-reduction", controls=[
    select("reduction", "Reduction", [(k, k if k != "torch-mean" else "PyTorch mean") for k in REDUCTIONS], "sum"),
    slider("n", "Batch size N", 1, 16, 1, 4),
    slider("lr", "Learning rate", 0.01, 1.0, 0.01, 0.1),
])
def _batch_reduction(p: Params) -> View:
    n = int(p["n"])
    dZ = batch_dZ(n)
    divisor = {"sum": 1, "mean": n, "torch-mean": n * N_OUT}[p["reduction"]]
    if p["reduction"] == "torch-mean":
        db = reduce_over_batch(dZ, "mean") / N_OUT  # PyTorch also averages over the n_out outputs
    else:
        db = reduce_over_batch(dZ, p["reduction"])
    neurons = [f"neuron {j + 1}" for j in range(N_OUT)]
    samples = [str(i + 1) for i in range(n)]
    cells = fg.figure(
        fg.cell([neurons[j] for i in range(n) for j in range(N_OUT)],
                [samples[i] for i in range(n) for j in range(N_OUT)],
                dZ.ravel(), name="dL/dz"),
        title=f"dZ: one row per example, one column per neuron (N = {n})",
        x_label="neuron", y_label="example", x_type="band", y_type="band", id="batch-dZ",
        height=90 + 26 * n,
        caption="dZ[i, j] = dL_i/dz_ij for a linear output with half squared error: z − y. "
                "Each column is summed into that neuron's bias gradient.")
    bars = fg.figure(
        fg.bar(neurons, db, name="db"),
        title=f"db = dZ.sum(axis=0) / {divisor}" if divisor != 1 else "db = dZ.sum(axis=0)",
        x_label="neuron", y_label="db", x_type="band", id="batch-db", height=240,
        caption=REDUCTIONS[p["reduction"]] + f"; the update moves each bias by −lr·db with lr = {p['lr']:g}.",
        table={"columns": ["neuron", "sum", "mean (/N)", "PyTorch mean (/N·n_out)", "chosen db", "−lr·db"],
               "rows": [[neurons[j], float(dZ[:, j].sum()), float(dZ[:, j].sum() / n),
                         float(dZ[:, j].sum() / (n * N_OUT)), float(db[j]), float(-p["lr"] * db[j])]
                        for j in range(N_OUT)]})
    size = float(np.abs(db).max())
    note = {"sum": (f"Summed: db grows with N. Going from 1 to {n} examples multiplies the typical step by about {n}, "
                    "so the learning rate has to shrink as the batch grows."),
            "mean": ("Averaged over examples: db stays the size of one example's gradient at any N, so a learning "
                     "rate tuned at one batch size still works at another."),
            "torch-mean": (f"PyTorch's reduction=\"mean\" averages over all N·n_out = {n * N_OUT} entries, "
                           f"so db is n_out = {N_OUT} times smaller than the per-example mean; an equal step needs "
                           f"{N_OUT}× the learning rate.")}[p["reduction"]]
    return {"figures": [cells, bars], "note": note, "readout": [
        readout("N", "N", n), readout("divisor", "divided by", divisor),
        readout("db", "db", "[" + ", ".join(f"{v:.4g}" for v in db) + "]"),
        readout("largest_step", "largest |lr·db|", p["lr"] * size)]}
