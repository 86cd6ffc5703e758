"""diagnose_layer: run a reader's ``bias_gradient(X, W, b, Y)`` on seeded trials and name the mistake."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..dense import REDUCTIONS
from ..errors import BiasgradError
from .catalogue import MISTAKES
from .messages import layer_message, shape_text
from .predictions import close, predictions
from .trials import Trial, check_pair, make_trials

__all__ = ["diagnose_layer", "LayerDiagnosis"]


@dataclass(frozen=True)
class LayerDiagnosis:
    """The verdict on one ``bias_gradient`` function.

    Attributes
    ----------
    ok : bool
        True when the function returned the exact db (to rtol 1e-6) on every trial.
    mistake : str or None
        None when ``ok``; otherwise one code of :data:`~biasgrad.diagnose.MISTAKES`.
    message : str
        One or two sentences for a person: what to change, with the factor or shape seen.
    expected : ndarray or None
        The module's db on the first failing trial (on the first trial when ``ok``).
    got : ndarray or None
        What the function returned there (None when it raised or returned no array).
    trial : int or None
        Index of the first failing trial (None when ``ok``).
    shapes : dict
        Shapes of X, W, b and Y on that trial.
    mistakes : tuple of str
        Every mistake recognised; two or more when several were made at once (then
        ``mistake`` is ``"unknown"`` and the message names each of them).
    line : int or None
        For ``raises``: the line of the reader's code where the exception came from.
    exception : str or None
        For ``raises``: ``"TypeError: …"``.
    """

    ok: bool
    mistake: str | None
    message: str
    expected: np.ndarray | None
    got: np.ndarray | None
    trial: int | None
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    mistakes: tuple[str, ...] = ()
    line: int | None = None
    exception: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data: lists for arrays, None for NaN and ±inf (JSON has neither)."""
        def arr(a: np.ndarray | None) -> Any:
            if a is None:
                return None
            return np.where(np.isfinite(a), a, np.nan).astype(object).tolist() if a.ndim else float(a)

        def clean(v: Any) -> Any:
            if isinstance(v, list):
                return [clean(x) for x in v]
            return None if isinstance(v, float) and not np.isfinite(v) else v

        return {"ok": self.ok, "mistake": self.mistake, "title": MISTAKES.get(self.mistake or "", None),
                "message": self.message, "expected": clean(arr(self.expected)), "got": clean(arr(self.got)),
                "expected_shape": None if self.expected is None else list(self.expected.shape),
                "got_shape": None if self.got is None else list(self.got.shape),
                "trial": self.trial, "shapes": {k: list(v) for k, v in self.shapes.items()},
                "mistakes": list(self.mistakes), "line": self.line, "exception": self.exception}


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or int(seed) < 0:
        raise BiasgradError(f"seed must be a non-negative integer, got {seed!r}", "seed")
    return int(seed)


def _raised(exc: BaseException, fn: Callable[..., Any], i: int, t: Trial) -> LayerDiagnosis:
    from .source import raised_at

    code = getattr(fn, "__code__", None)
    line, text, what = raised_at(exc, code.co_filename if code is not None else None)
    where = f" on line {line}" + (f": {text}" if text else "") if line else ""
    return LayerDiagnosis(ok=False, mistake="raises", message=f"bias_gradient raised {what}{where} "
                          f"(on the batch with X of shape {shape_text(t.X.shape)}).",
                          expected=t.db, got=None, trial=i, shapes=t.shapes(), mistakes=("raises",),
                          line=line, exception=what)


def _as_array(raw: Any) -> np.ndarray | None:
    try:
        a = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return a if raw is not None else None


def _ratio(got: np.ndarray, want: np.ndarray) -> float | None:
    """The constant factor got/want, if there is one (to 1e-6), else None."""
    if got.shape != want.shape or not np.all(want != 0):
        return None
    r = got / want
    return float(r.flat[0]) if np.allclose(r, r.flat[0], rtol=1e-6, atol=0) else None


def _unknown(gots: list[np.ndarray], trials: list[Trial], i: int, extra: str = "") -> LayerDiagnosis:
    t, got = trials[i], gots[i]
    n_out = t.n_out
    hint = ""
    if got.shape == (t.N, n_out) and t.N != 1:
        hint = f" Its shape {shape_text(got.shape)} is dZ's (N, n_out): it was not reduced over the batch, and the values differ as well."
    elif got.shape in ((t.N,), (t.N, 1)):
        hint = f" Its shape {shape_text(got.shape)} has one number per example: the reduction ran over axis 1, and the values differ as well."
    elif got.size == n_out and got.shape != (n_out,):
        hint = f" Its shape {shape_text(got.shape)} should be {shape_text((n_out,))}, and the values differ as well."
    elif got.shape == (n_out,):
        r = _ratio(got, t.db)
        if r is not None:
            hint = f" It is {r:.6g} times the right value on every neuron."
    elif got.shape != (n_out,):
        hint = f" It has shape {shape_text(got.shape)}; the bias gradient has the bias's shape {shape_text((n_out,))}."
    return LayerDiagnosis(ok=False, mistake="unknown", message=(extra or "Your db is wrong, and like none of the known "
                          f"mistakes on the batch with N = {t.N}: compare expected and got below.") + hint,
                          expected=t.db, got=got, trial=i, shapes=t.shapes())


def diagnose_layer(bias_gradient: Callable[..., Any], *, activation: Any, loss: Any, reduction: str = "mean",
                   seed: int = 0) -> LayerDiagnosis:
    """Run a reader's bias gradient on seeded trial batches and name the mistake, if any.

    The layer is Z = X·W + b, A = f(Z), with the per-example loss summed over the outputs
    and reduced over the batch by ``reduction``. The exact db comes from the module
    (:class:`biasgrad.Dense` with the activation and the loss).

    Parameters
    ----------
    bias_gradient : callable
        ``bias_gradient(X, W, b, Y) -> db`` with X (N, n_in), W (n_in, n_out), b (n_out,),
        Y (N, n_out); it should return db of shape (n_out,). It gets fresh copies of the
        arrays on each call.
    activation : str or Activation
        A name in :data:`biasgrad.ACTIVATIONS`.
    loss : str or Loss
        ``mse_half``, ``mse``, ``bce`` or ``bce_logits`` (the two BCEs with the sigmoid only).
    reduction : {"mean", "sum"}
        Mean over the N examples (not over N·n_out), or the sum.
    seed : int
        Seed of the trial data (non-negative).

    Returns
    -------
    LayerDiagnosis
        ``ok``, ``mistake`` (None or a code of :data:`MISTAKES`), ``message``, and
        ``expected``/``got`` of the first failing trial.

    Raises
    ------
    BiasgradError
        If ``bias_gradient`` is not callable, a name is unknown, the activation × loss pair
        is undefined (BCE without the sigmoid), ``reduction`` is not "mean" or "sum", or
        ``seed`` is not a non-negative integer. Bad input is never diagnosed as a mistake.

    Notes
    -----
    Convention: a mistake is named only when its own prediction, built from the same trial
    data by making that mistake, matches the result on every trial (rtol 1e-6), and no other
    combination of mistakes does. The trials have N, n_in and n_out all different and not 1
    or 2, plus one with N = 1, so the predictions differ from each other on them.
    Convention: an exception from the function is the diagnosis ``raises`` (with its line in
    the reader's code); NaN or ±inf anywhere in the result is ``not_finite``.

    Examples
    --------
    >>> import numpy as np
    >>> def bias_gradient(X, W, b, Y):
    ...     A = 1 / (1 + np.exp(-(X @ W + b)))
    ...     return (A - Y).sum(axis=0)          # the loss is the mean: should divide by N
    >>> diagnose_layer(bias_gradient, activation="sigmoid", loss="bce").mistake
    'sum_for_mean'
    """
    if not callable(bias_gradient):
        raise BiasgradError(f"bias_gradient must be a function bias_gradient(X, W, b, Y) -> db, got "
                            f"{type(bias_gradient).__name__}", "bias_gradient")
    act, lo = check_pair(activation, loss)
    if reduction not in REDUCTIONS:
        raise BiasgradError(f"reduction must be 'mean' or 'sum', got {reduction!r}", "reduction")
    trials = make_trials(act, lo, reduction, _check_seed(seed))
    gots: list[np.ndarray] = []
    for i, t in enumerate(trials):
        try:
            with np.errstate(all="ignore"):
                raw = bias_gradient(t.X.copy(), t.W.copy(), t.b.copy(), t.Y.copy())
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - whatever a reader's code raises
            return _raised(exc, bias_gradient, i, t)
        got = _as_array(raw)
        if got is None:
            return LayerDiagnosis(ok=False, mistake="unknown", message=f"bias_gradient returned {type(raw).__name__}"
                                  f"{' (no return statement?)' if raw is None else ''}, not an array of numbers; "
                                  f"return db of shape {shape_text((t.n_out,))}.",
                                  expected=t.db, got=None, trial=i, shapes=t.shapes())
        if not np.all(np.isfinite(got)):
            bad = "NaN" if np.any(np.isnan(got)) else "infinity"
            return LayerDiagnosis(ok=False, mistake="not_finite", message=f"Your db contains {bad} on the batch with "
                                  f"N = {t.N}: look for a log of 0, a division by a(1 − a) or by 0, or np.exp of a "
                                  f"large number; the exact db is finite there.", expected=t.db, got=got, trial=i,
                                  shapes=t.shapes(), mistakes=("not_finite",))
        gots.append(got)
    failing = [i for i, (g, t) in enumerate(zip(gots, trials)) if not close(g, t.db)]
    if not failing:
        return LayerDiagnosis(ok=True, mistake=None, message=f"Right: db matches the exact bias gradient on all "
                              f"{len(trials)} trial batches ({act.name}, {lo.name}, reduction \"{reduction}\").",
                              expected=trials[0].db, got=gots[0], trial=None, shapes=trials[0].shapes())
    return _name(gots, trials, failing[0], act, lo, reduction)


def _name(gots: list[np.ndarray], trials: list[Trial], i: int, act: Any, lo: Any, reduction: str) -> LayerDiagnosis:
    """Which combination of mistakes predicts every trial's result."""
    common: set[tuple[str, ...]] | None = None
    for g, t in zip(gots, trials):
        hits = {p.codes for p in predictions(t, act, lo, reduction) if p.codes and close(g, p.value)}
        common = hits if common is None else common & hits
        if not common:
            break
    t, got = trials[i], gots[i]
    base = dict(expected=t.db, got=got, trial=i, shapes=t.shapes())
    codesets = {tuple(dict.fromkeys(c)) for c in common or ()}
    if len(codesets) == 1:
        (codes,) = codesets
        if len(codes) == 1:
            return LayerDiagnosis(ok=False, mistake=codes[0], message=layer_message(codes[0], t, got, act, lo, reduction),
                                  mistakes=codes, **base)  # type: ignore[arg-type]
        names = " and ".join(f"{c} ({MISTAKES[c]})" for c in codes)
        return LayerDiagnosis(ok=False, mistake="unknown", message=f"{len(codes)} mistakes at once: {names}. "
                              f"Fix one at a time and check again.", mistakes=codes, **base)  # type: ignore[arg-type]
    if len(codesets) > 1:
        options = " or ".join(" + ".join(c) for c in sorted(codesets))
        return LayerDiagnosis(ok=False, mistake="unknown", message=f"Your db is wrong in a way that fits more than "
                              f"one explanation on these trials ({options}); compare expected and got below.",
                              **base)  # type: ignore[arg-type]
    if all(g.shape == (tr.n_in, tr.n_out) for g, tr in zip(gots, trials)):
        return LayerDiagnosis(ok=False, mistake="weight_gradient",
                              message=layer_message("weight_gradient", t, got, act, lo, reduction),
                              mistakes=("weight_gradient",), **base)  # type: ignore[arg-type]
    if all(g.size == tr.n_out and g.shape != (tr.n_out,) and close(g.ravel(), tr.db) for g, tr in zip(gots, trials)):
        return LayerDiagnosis(ok=False, mistake="shape", message=layer_message("shape", t, got, act, lo, reduction),
                              mistakes=("shape",), **base)  # type: ignore[arg-type]
    return _unknown(gots, trials, i)
