"""One neuron, one example: z = w·x + b, a = f(z), L(a, y); the chain rule for dL/db; one step.

    dL/db = dL/da · da/dz · dz/db,   dz/db = 1,   dL/dw = dL/dz · x,   b_next = b − lr·dL/db.

Accuracy promise, as tested (tests/test_neuron.py, test_exact_residuals.py, against mpmath at
the exact z): z, a, L, dL/da, da/dz, dL/dz = dL/db, dL/dw, b_next, w_next and loss_next are
each within 1e-12 relative (or 1e-322 absolute, for subnormal results) of the exact value for
the given float64 inputs, y near a included. z is w·x + b rounded once (exact rationals); the
residual a − y is formed from that exact z wherever float64 would cancel
(:meth:`~biasgrad.activations.Activation.a_minus_y`); 1 − a, ln a, ln(1 − a) come from each
activation's stable forms; a sigmoid output with either BCE is computed from z (σ(z) − y).
The numbers come from the one loss path, :func:`biasgrad.link.chain_terms`. Where float64
cannot hold an answer, or the math is undefined, :class:`BiasgradError` is raised; NaN never
escapes. ``numeric_dL_db`` is an estimate (2nd-order central difference), not covered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from .activations import SATURATION, Activation
from .errors import BiasgradError
from .gradcheck import central_difference, relative_error
from .inputs import check_finite, check_lr, finite_array, parse_activation, parse_loss
from .link import chain_terms
from .losses import BCE_CLIP, Loss

__all__ = ["neuron_report", "NeuronReport", "GradientWarning", "REPORT_KEYS", "term_formulas"]

#: The keys of :meth:`NeuronReport.as_dict` and of ``python -m biasgrad --json``, in order.
REPORT_KEYS = (
    "z", "a", "loss", "dL_da", "da_dz", "dz_db", "dL_dz", "dL_db", "dL_dw",
    "b_next", "w_next", "loss_next", "numeric_dL_db", "warnings",
)

@dataclass(frozen=True)
class GradientWarning:
    """A condition worth telling the reader about; data, never printed.

    Attributes
    ----------
    code : str
        One of ``saturated``, ``dead_relu``, ``bce_clip``, ``bce_non_sigmoid``,
        ``dL_da_overflow``, ``kink``, ``loss_next_undefined``, ``overshoot`` (the step raises the
        loss), ``numeric_one_sided``.
    message : str
        One or two sentences for a person.
    """

    code: str
    message: str


@dataclass(frozen=True)
class NeuronReport:
    """Everything about one neuron, one example and one gradient-descent step.

    Scalars are Python floats; ``x``, ``w``, ``dL_dw`` and ``w_next`` are tuples of shape
    (n,) when x and w were given as vectors.

    Attributes
    ----------
    x, w, b, y, lr : float or tuple
        The inputs, as validated floats.
    activation_name, loss_name : str
        Registry names of the activation and the loss.
    z : float
        w·x + b, rounded once from the exact value.
    a : float
        f(z).
    loss : float
        The loss value L (``as_dict()["loss"]``).
    dL_da : float or None
        None for bce_logits (the loss takes z), or where it exceeds float64.
    da_dz, dz_db : float
        f'(z), and 1.
    dL_dz, dL_db : float
        Equal, since dz/db = 1.
    dL_dw : float or tuple
        dL/dz · x.
    b_next, w_next : float or tuple
        b − lr·dL/db and w − lr·dL/dw, both at the old parameters (simultaneous).
    loss_next : float or None
        The loss at (w_next, b_next); None (with a ``loss_next_undefined`` warning) when
        the step leaves the loss's domain (e.g. a BCE output beyond 1) or overflows.
    numeric_dL_db, numeric_rel_error, numeric_step : float
        Central-difference estimate, its relative error against dL_db, and the step h.
    warnings : list of GradientWarning
    """

    x: Any
    w: Any
    b: float
    y: float
    lr: float
    activation_name: str
    loss_name: str
    z: float
    a: float
    loss: float
    dL_da: float | None
    da_dz: float
    dz_db: float
    dL_dz: float
    dL_db: float
    dL_dw: Any
    b_next: float
    w_next: Any
    loss_next: float | None
    numeric_dL_db: float
    numeric_rel_error: float
    numeric_step: float
    warnings: list[GradientWarning] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data with exactly :data:`REPORT_KEYS` (floats, None, lists)."""
        def vec(v: Any) -> Any:
            return list(v) if isinstance(v, tuple) else v

        return {
            "z": self.z, "a": self.a, "loss": self.loss, "dL_da": self.dL_da, "da_dz": self.da_dz,
            "dz_db": self.dz_db, "dL_dz": self.dL_dz, "dL_db": self.dL_db, "dL_dw": vec(self.dL_dw),
            "b_next": self.b_next, "w_next": vec(self.w_next), "loss_next": self.loss_next,
            "numeric_dL_db": self.numeric_dL_db,
            "warnings": [{"code": g.code, "message": g.message} for g in self.warnings],
        }


@dataclass
class _Point:
    z: float
    a: float
    L: float
    dL_da: float | None
    da_dz: float
    dL_dz: float
    clipped: bool = False


def _to_float(q: Fraction, what: str) -> float:
    try:
        return float(q)
    except OverflowError:
        raise BiasgradError(f"{what} overflows float64 (|value| > 1.8e308)") from None


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise BiasgradError(f"{what} is not finite in float64 (overflow); use smaller inputs")
    return value


def _point(act: Activation, loss: Loss, zq: Fraction, y: float) -> _Point:
    """Forward pass and local derivatives at the exact pre-activation zq (one loss path)."""
    z = _to_float(zq, "z = w·x + b")
    t = chain_terms(act, loss, zq, y, require_defined=True)
    return _Point(z, float(t.a), float(t.L), float(t.dL_da) if t.has_dL_da else None, float(t.da_dz),
                  float(t.dL_dz), clipped=bool(t.clipped))


def _vector(name: str, v: Any) -> tuple[float, ...] | float:
    """A number, or a non-empty 1-D array of numbers; text, None and overflow are refused alike."""
    if np.ndim(v) == 0 and not isinstance(v, np.ndarray):
        return check_finite(name, v.item() if isinstance(v, np.generic) else v)
    arr = finite_array(name, v)
    if arr.ndim == 0:
        return float(arr)
    if arr.ndim != 1 or arr.size == 0:
        raise BiasgradError(f"{name} must be a number or a non-empty 1-D array, got shape {arr.shape}", name)
    return tuple(float(t) for t in arr)


def term_formulas(activation: str | Activation, loss: str | Loss) -> dict[str, str]:
    """Plain-text formula for each chain-rule term of this activation/loss pair.

    The formulas of a and L and of their derivatives are the classes' own ``text`` and
    ``derivative_text`` (one home for each formula).
    """
    act = activation if isinstance(activation, Activation) else parse_activation(activation)
    lo = loss if isinstance(loss, Loss) else parse_loss(loss)
    return {
        "z": "w·x + b",
        "a": f"{act.name}(z)",
        "loss": lo.text,
        "dL_da": "not defined (the loss takes z)" if lo.takes_logits else lo.derivative_text,
        "da_dz": act.derivative_text,
        "dz_db": "1",
        "dL_dz": lo.link_dL_dz_text if lo.uses_link(act) else "dL/da · da/dz",
        "dL_db": "dL/dz · dz/db = dL/dz",
        "dL_dw": "dL/dz · x",
        "b_next": "b − lr·dL/db",
        "w_next": "w − lr·dL/dw",
        "loss_next": "L at (w_next, b_next)",
        "numeric_dL_db": "(L(b + h) − L(b − h)) / 2h",
    }


def neuron_report(
    x: float | Sequence[float], w: float | Sequence[float], b: float, y: float,
    activation: str | Activation = "sigmoid", loss: str | Loss = "bce", lr: float = 0.1,
) -> NeuronReport:
    """Forward pass, chain rule for dL/db, one gradient-descent step, and a numeric check.

    Parameters
    ----------
    x, w : float or array_like, shape (n,)
        Input and weight (equal-length vectors allowed; z = Σ w_i x_i + b).
    b : float
        Bias.
    y : float
        Target. For bce/bce_logits it must be in [0, 1] (soft targets allowed).
    activation : str or Activation
        A name in :data:`ACTIVATIONS` or an activation object (e.g. ``LeakyReLU(0.2)``).
    loss : str or Loss
        ``mse_half``, ``mse``, ``bce`` or ``bce_logits``.
    lr : float
        Learning rate, finite and >= 0.

    Returns
    -------
    NeuronReport

    Raises
    ------
    BiasgradError
        Non-finite input, unknown name, negative lr, y outside [0, 1] for BCE, BCE on an
        output outside [0, 1], bce_logits with a non-sigmoid activation, or a result
        float64 cannot hold.

    Notes
    -----
    Convention: with a sigmoid output both ``bce`` and ``bce_logits`` take L and dL/db
    from z (σ(z) − y); ``bce_logits`` requires the sigmoid and reports dL_da = None.
    Convention: dL_da is also None (with a ``dL_da_overflow`` warning) when it exceeds
    float64 while dL/db, computed in a stable order, does not.
    Convention: loss_next is None, with a warning, when the step leaves the domain.
    Convention: numeric_dL_db is a 2nd-order central difference in z (dz/db = 1) with
    step h = ε^(1/3)·max(1, |z|) ≈ 6.1e-6·max(1, |z|), evaluated at exact z ± h.
    Convention: "saturated" means da/dz < 1e-3 × the activation's largest slope while the
    loss is a squared error (BCE cancels the small slope, so it is not warned about).
    """
    act = activation if isinstance(activation, Activation) else parse_activation(activation)
    lo = loss if isinstance(loss, Loss) else parse_loss(loss)
    xs, ws = _vector("x", x), _vector("w", w)
    if isinstance(xs, tuple) != isinstance(ws, tuple) or (
            isinstance(xs, tuple) and isinstance(ws, tuple) and len(xs) != len(ws)):
        raise BiasgradError(f"x and w must have the same length, got {np.shape(x)} and {np.shape(w)}", "w")
    b, y, lr = check_finite("b", b), check_finite("y", y), check_lr(lr)
    lo.check_activation(act)
    lo.check_target(y)
    xv = xs if isinstance(xs, tuple) else (xs,)
    wv = ws if isinstance(ws, tuple) else (ws,)
    try:
        return _report(act, lo, xs, ws, xv, wv, b, y, lr)
    except BiasgradError as e:
        if e.field not in (None, "z"):
            raise
        # Convention: an overflow inside the computation names the input of largest magnitude.
        sizes = {"x": max(map(abs, xv)), "w": max(map(abs, wv)), "b": abs(b), "y": abs(y), "lr": lr}
        raise BiasgradError(str(e), max(sizes, key=lambda k: sizes[k])) from None


def _report(act: Activation, lo: Loss, xs: Any, ws: Any, xv: tuple[float, ...], wv: tuple[float, ...],
            b: float, y: float, lr: float) -> NeuronReport:
    """neuron_report after validation: the forward pass, the chain rule, the step and the check."""

    def exact_z(wvec: Sequence[float], bias: float) -> Fraction:
        return sum((Fraction(wi) * Fraction(xi) for wi, xi in zip(wvec, xv)), Fraction(bias))

    zq = exact_z(wv, b)
    p = _point(act, lo, zq, y)
    dL_dz = _finite(p.dL_dz, "dL/dz") + 0.0  # + 0.0 turns −0.0 into 0.0
    dL_dw = tuple(_finite(dL_dz * xi, "dL/dw") + 0.0 for xi in xv)
    lrq = Fraction(lr)
    b_next = _to_float(Fraction(b) - lrq * Fraction(dL_dz), "b_next")
    w_next = tuple(_to_float(Fraction(wi) - lrq * Fraction(g), "w_next") for wi, g in zip(wv, dL_dw))
    try:  # the step may leave BCE's domain, or overflow: then there is no loss_next
        loss_next: float | None = _finite(_point(act, lo, exact_z(w_next, b_next), y).L, "the loss after the step")
        after = None
    except BiasgradError as e:
        loss_next, after = None, GradientWarning("loss_next_undefined", f"After the step the loss is undefined: {e}.")
    h = 6.0554544523933395e-06 * max(1.0, abs(p.z))  # ε^(1/3)
    numeric, one_sided = _numeric_dL_db(act, lo, zq, y, h)
    for v, what in ((p.z, "z"), (p.a, "a"), (p.L, "the loss"), (p.da_dz, "da/dz"), (numeric, "the numeric dL/db")):
        _finite(v, what)
    warnings = _warnings(act, lo, p, zq, h) + ([after] if after else [])
    if loss_next is not None and loss_next > p.L:
        warnings.append(GradientWarning("overshoot", f"The step raises the loss from {p.L:.6g} to {loss_next:.6g}: "
                                        f"it overshoots, the learning rate lr = {lr:g} is too large for this "
                                        "curvature."))
    if one_sided:
        warnings.append(GradientWarning("numeric_one_sided", "z ± h leaves the loss's domain, so the numeric "
                                        "estimate uses a one-sided difference (3 points) on the defined side."))
    one = isinstance(xs, float)
    return NeuronReport(
        x=xs, w=ws, b=b, y=y, lr=lr, activation_name=act.name, loss_name=lo.name,
        z=p.z, a=p.a, loss=p.L, dL_da=p.dL_da, da_dz=p.da_dz, dz_db=1.0, dL_dz=dL_dz, dL_db=dL_dz,
        dL_dw=dL_dw[0] if one else dL_dw, b_next=b_next, w_next=w_next[0] if one else w_next,
        loss_next=loss_next, numeric_dL_db=numeric, numeric_rel_error=relative_error(numeric, dL_dz),
        numeric_step=h, warnings=warnings,
    )


def _numeric_dL_db(act: Activation, lo: Loss, zq: Fraction, y: float, h: float) -> tuple[float, bool]:
    """Central difference of L in z (dz/db = 1) at the exact z ± h; one-sided at a domain edge."""
    def L(t: float) -> float:
        return _point(act, lo, zq + Fraction(t), y).L

    try:
        return central_difference(L, 0.0, eps=h, order=2), False
    except BiasgradError:
        pass
    for s in (1.0, -1.0):  # (−3L(0) + 4L(±h) − L(±2h)) / (±2h), error O(h²)
        try:
            return (-3.0 * L(0.0) + 4.0 * L(s * h) - L(2 * s * h)) / (2 * s * h), True
        except BiasgradError:
            continue
    raise BiasgradError("the numeric derivative is undefined: the loss is undefined on both sides of z")


def _warnings(act: Activation, lo: Loss, p: _Point, zq: Fraction, h: float) -> list[GradientWarning]:
    out = []
    if act.piecewise_linear and p.da_dz == 0:
        out.append(GradientWarning("dead_relu", f"ReLU is inactive at z = {p.z:.6g} ≤ 0, so da/dz = 0 "
                                   "(convention: relu′(0) = 0) and no gradient reaches w or b: a dead ReLU."))
    elif not act.piecewise_linear and lo.small_slope_vanishes and p.da_dz < SATURATION * act.max_slope:
        out.append(GradientWarning("saturated", f"{act.name} is saturated at z = {p.z:.6g}: da/dz = "
                                   f"{p.da_dz:.3g}, so the gradient that reaches b vanishes."))
    if p.clipped:
        out.append(GradientWarning("bce_clip", f"a = {p.a:g} is exactly {'0' if p.a == 0 else '1'}, where BCE "
                                   f"is infinite; a was clipped to [{BCE_CLIP:g}, 1 − {BCE_CLIP:g}] "
                                   "for the loss and its gradient."))
    pairing = lo.pair_warning(act)
    if pairing:
        out.append(GradientWarning("bce_non_sigmoid", pairing))
    if p.dL_da is None and not lo.takes_logits:
        out.append(GradientWarning("dL_da_overflow", "dL/da is too large for float64 here; dL/db was "
                                   "computed in a stable order (the huge dL/da cancels a tiny da/dz)."))
    if act.has_kink and abs(zq) < h:
        out.append(GradientWarning("kink", f"z = {p.z:.3g} is within the finite-difference step h = {h:.2g} "
                                   "of the kink at 0, so the numeric estimate mixes both slopes."))
    return out
