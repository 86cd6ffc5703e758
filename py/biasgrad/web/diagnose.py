"""The "Check your own code" page's bridge: plain data in, plain verdict dicts out.

* :func:`diagnose_code` runs the reader's source text, takes its ``bias_gradient`` and
  returns :func:`biasgrad.diagnose.diagnose_layer`'s verdict with the arrays as text, their
  shapes, a link to the guide's explanation and a per-neuron chart (a figure spec).
* :func:`practice_problem` draws a seeded random neuron; :func:`check_practice` runs
  :func:`biasgrad.diagnose.diagnose_answer` on a typed answer to it.

Every verdict has ``status``: ``"ok"``, ``"mistake"`` or ``"error"`` (bad input, never a
diagnosis) and ``mistake``: a code, ``None`` when right (``"correct"`` for practice answers).
"""

from __future__ import annotations

import contextlib
import io
import numbers
from typing import Any

import numpy as np

from ..diagnose import LayerDiagnosis, diagnose_answer, diagnose_layer
from ..diagnose.source import load_bias_gradient
from ..diagnose.answer import MIN_DIGITS, candidates
from ..diagnose.trials import PAIRS, check_pair
from ..errors import BiasgradError
from ..neuron import neuron_report, term_formulas
from . import figures

__all__ = ["diagnose_code", "practice_problem", "check_practice", "LINKS", "STARTER", "FILENAME",
           "ACTIVATION_CHOICES", "LOSS_CHOICES"]

FILENAME = "<your code>"
MAX_STDOUT = 4_000

#: The editor's starting code: a correct bias gradient (sigmoid output, BCE, mean over the batch).
STARTER = '''import numpy as np

def bias_gradient(X, W, b, Y):
    """dL/db for a dense layer with a sigmoid output and BCE, averaged over the batch."""
    Z = X @ W + b                # (N, n_out)
    A = 1 / (1 + np.exp(-Z))     # sigmoid
    dZ = A - Y                   # dL/dz for sigmoid + BCE, one row per example
    return dZ.sum(axis=0) / len(X)   # (n_out,): mean over the N examples
'''

#: Mistake code → where the guide explains it (relative to the site root).
LINKS: dict[str, str] = {
    "no_reduction": "guide/typical-errors/#1-forgetting-the-batch-reduction",
    "wrong_axis": "guide/typical-errors/#1-forgetting-the-batch-reduction",
    "sum_for_mean": "guide/typical-errors/#1-forgetting-the-batch-reduction",
    "mean_for_sum": "guide/typical-errors/#1-forgetting-the-batch-reduction",
    "mean_over_all": "guide/batch-reduction/#pytorchs-reductionmean-divides-by-nk",
    "mse_factor": "guide/one-neuron/#plain-squared-error-twice-as-large",
    "missing_activation_derivative": "guide/one-neuron/#the-forward-pass-and-each-factor",
    "extra_activation_derivative": "guide/one-neuron/#sigmoid-bce",
    "derivative_of_output": "guide/activations/#the-derivatives-checked",
    "sign": "guide/one-neuron/#one-gradient-descent-step",
    "weight_gradient": "guide/typical-errors/#5-confusing-dl-db-with-dl-dw",
    "shape": "guide/typical-errors/#2-shape-n-against-1-n-and-n-against-n-1",
    "not_finite": "guide/typical-errors/#4-missing-or-excessive-clipping",
    "loss_value": "guide/one-neuron/#the-forward-pass-and-each-factor",
    "bias_next": "guide/one-neuron/#one-gradient-descent-step",
}

ACTIVATION_CHOICES = tuple(dict.fromkeys(a for a, _ in PAIRS))
LOSS_CHOICES = tuple(dict.fromkeys(lo for _, lo in PAIRS))


def _text(a: Any) -> str:
    if a is None:
        return "—"
    return np.array2string(np.asarray(a, dtype=np.float64), precision=6, suppress_small=False, separator=", ")


def _chart(expected: np.ndarray, got: np.ndarray | None) -> dict[str, Any]:
    """Per-neuron chart: the exact db_j as bars, the reader's values as dots where they line up."""
    n = expected.size
    labels = [f"b[{j}]" for j in range(n)]
    series = [figures.bar(labels, expected, name="expected db")]
    note = ""
    rows: list[list[Any]] = [[labels[j], float(expected[j])] for j in range(n)]
    if got is not None and got.size == n:
        flat = got.ravel()
        series.append(figures.dot(labels, flat, name="your db", emphasis=True))
        rows = [[labels[j], float(expected[j]), figures.plain(float(flat[j]))] for j in range(n)]
        if got.shape != (n,):
            note = f" Your result has shape {got.shape}; its values are drawn in order."
    elif got is not None and got.ndim == 2 and got.shape[1] == n:
        xs = [labels[j] for _ in range(got.shape[0]) for j in range(n)]
        series.append(figures.dot(xs, got.ravel(), name=f"your rows ({got.shape[0]})"))
        note = f" Your result has shape {got.shape}: each of its {got.shape[0]} rows is drawn as dots."
    elif got is not None:
        note = f" Your result has shape {got.shape}, with no value per neuron to draw."
    columns = ["neuron", "expected"] + (["got"] if got is not None and got.size == n else [])
    return figures.figure(*series, title="Expected against your db, per neuron", id="diagnose-chart",
                          caption="The module's exact bias gradient on the first failing trial (bars) and what "
                                  "your function returned (dots)." + note,
                          x_label="bias", y_label="dL/db", x_type="band",
                          table={"columns": columns, "rows": rows})


def _error(e: BiasgradError) -> dict[str, Any]:
    return {"status": "error", "ok": False, "mistake": None, "message": str(e), "field": e.field}


def diagnose_code(source: str, activation: str = "sigmoid", loss: str = "bce", reduction: str = "mean",
                  seed: int = 0) -> dict[str, Any]:
    """The diagnose widget's verdict for the reader's source text.

    Returns
    -------
    dict
        ``status`` ("ok" | "mistake" | "error"), ``ok``, ``mistake``, ``title``, ``message``,
        ``link`` (guide URL relative to the site root, or None), ``expected``/``got`` (lists),
        ``expected_text``/``got_text``, ``expected_shape``/``got_shape``, ``trial``, ``shapes``,
        ``line``, ``exception``, ``stdout`` and ``figure`` (a figure spec, or None).
        For bad input: ``{"status": "error", "ok": False, "mistake": None, "message", "field"}``.
    """
    try:
        check_pair(activation, loss)
        loaded, stdout = load_bias_gradient(source, FILENAME)
        if isinstance(loaded, LayerDiagnosis):
            d = loaded
        else:
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                d = diagnose_layer(loaded, activation=activation, loss=loss, reduction=reduction, seed=seed)
            stdout += buffer.getvalue()
    except BiasgradError as e:
        return _error(e)
    out = d.as_dict()
    out["status"] = "ok" if d.ok else "mistake"
    out["link"] = LINKS.get(d.mistake or "")
    out["expected_text"] = _text(d.expected)
    out["got_text"] = _text(d.got)
    out["stdout"] = stdout[:MAX_STDOUT]
    out["figure"] = None if d.ok or d.expected is None else figures.plain(_chart(d.expected, d.got))
    return out


# ---- practice: one seeded neuron --------------------------------------------------------------

_PRACTICE_LR = 0.1


def _seed(seed: Any) -> int:
    if isinstance(seed, str) and seed.strip().isdigit():
        seed = int(seed.strip())
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= int(seed) < 2**32:
        raise BiasgradError(f"the problem number must be an integer from 0 to {2**32 - 1}, got {seed!r}", "seed")
    return int(seed)


def _problem(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    while True:
        act, lo = PAIRS[int(rng.integers(len(PAIRS)))]
        activation, loss = check_pair(act, lo)
        x, w, b = (float(v) for v in np.round(rng.uniform(-2, 2, 3), 1))
        if loss.probability_target:
            y = float(rng.choice([0.0, 1.0]))
        else:  # a target the activation can reach
            y = float(np.round(rng.uniform(0 if activation.output_range[0] >= 0 else -1, 1), 1))
        if abs(x) < 0.2 or abs(abs(x) - 1) < 0.2:
            continue  # dL/dw = x·dL/db must not look like dL/db
        r = neuron_report(x=x, w=w, b=b, y=y, activation=act, loss=lo, lr=_PRACTICE_LR)
        vals = list(candidates(r, activation, loss).values())
        if abs(r.dL_db) < 0.01 or r.warnings:
            continue
        # Convention: every candidate differs from every other by more than 2 %, so a 3-digit
        # answer can only match one of them.
        if all(abs(p - q) > 0.02 * max(abs(p), abs(q)) for i, p in enumerate(vals) for q in vals[i + 1:]):
            return {"x": x, "w": w, "b": b, "y": y, "activation": act, "loss": lo, "lr": _PRACTICE_LR}


def practice_problem(seed: Any) -> dict[str, Any]:
    """A seeded random neuron for the practice widget.

    Returns
    -------
    dict
        ``status`` "ok", ``seed``, ``x, w, b, y, activation, loss, lr``, ``items``
        (``[key, label, text]`` rows to show) and ``prompt``; or ``{"status": "error", "message",
        "field"}``.
    """
    try:
        s = _seed(seed)
    except BiasgradError as e:
        return _error(e)
    p = _problem(s)
    f = term_formulas(p["activation"], p["loss"])
    items = [["x", "input x", f"{p['x']:g}"], ["w", "weight w", f"{p['w']:g}"], ["b", "bias b", f"{p['b']:g}"],
             ["y", "target y", f"{p['y']:g}"], ["activation", "activation", p["activation"]],
             ["loss", "loss", p["loss"]]]
    return {"status": "ok", "seed": s, **p, "items": items,
            "prompt": f"One neuron: z = w·x + b, a = {f['a']}, loss L = {f['loss']}. "
                      f"What is dL/db? Give at least {MIN_DIGITS} significant digits."}


def check_practice(seed: Any, answer: Any) -> dict[str, Any]:
    """The practice widget's verdict on a typed dL/db for problem ``seed``.

    Returns
    -------
    dict
        ``status`` ("ok" | "mistake" | "error"), ``ok``, ``mistake`` (``"correct"`` when
        right), ``title``, ``message``, ``expected``, ``got``, ``digits``, ``link``; for bad
        input ``{"status": "error", "message", "field": "answer"}``.
    """
    try:
        p = _problem(_seed(seed))
        d = diagnose_answer(answer, **p)
    except BiasgradError as e:
        return _error(e)
    out = d.as_dict()
    out["status"] = "ok" if d.ok else "mistake"
    out["link"] = LINKS.get(d.mistake)
    return out
