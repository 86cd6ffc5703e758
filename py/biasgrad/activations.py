"""Activation functions a = f(z): value, derivative, and the stable pieces the chain rule needs.

Besides ``value`` and ``derivative`` every activation offers the quantities that lose
digits when written naively: ``one_minus`` (1 − f(z)), ``a_minus_y`` (f(z) − y),
``log_value`` (ln f), ``log_one_minus`` (ln(1 − f)) and ``bce_factor``
(f'(z) / (f(z)(1 − f(z))), the part of the BCE chain rule that would otherwise divide
by a product that underflows). All methods take a float or an array of any shape and
return the same shape (a float for a scalar).
"""

from __future__ import annotations

import math
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, getcontext, localcontext
from fractions import Fraction
from typing import Any

import numpy as np

from .errors import BiasgradError

__all__ = [
    "Activation", "Linear", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softplus",
    "ACTIVATIONS", "sigmoid", "SATURATION",
]

ArrayLike = Any

#: da/dz below this fraction of the activation's largest slope counts as "saturated".
SATURATION = 1e-3

# ln(e − 1) as an unevaluated sum hi + lo (50-digit reference): softplus(z0) = 1 exactly.
_SOFTPLUS_Z0_HI = 0.5413248546129181
_SOFTPLUS_Z0_LO = -1.8138570925507326e-17
_ONE_MINUS_INV_E = 0.6321205588285577  # 1 − 1/e = σ(z0)

#: The float64 residual is kept where its error bound is below this fraction of it, else redone exactly.
_RELATIVE_ERROR = 1e-13
_OPERAND_ULPS = 8.0  # bound on the error of a (or of 1 − a) as computed in float64, in units of ε
_TINY = Decimal("1e-330")  # below half of float64's smallest subnormal (4.9e-324)
_INF = math.inf
_MAX_DIGITS = 1300


def _context(prec: int) -> Context:
    return Context(prec=prec, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])


def _expm1(x: Decimal) -> Decimal:
    """e^x − 1 in the current context, without cancellation for small |x| (Taylor series)."""
    if abs(x) >= Decimal("0.001"):
        return x.exp() - 1
    term, total, k = x, x, 1
    while abs(term) > abs(total) * Decimal(10) ** (-getcontext().prec - 2):
        k += 1
        term = term * x / k
        total += term
    return total


def _log1p(t: Decimal) -> Decimal:
    """ln(1 + t) in the current context, without cancellation for small |t| (Taylor series)."""
    if abs(t) >= Decimal("0.001"):
        return (1 + t).ln()
    power, total, k = t, t, 1
    while abs(power) > abs(total) * Decimal(10) ** (-getcontext().prec - 2):
        k += 1
        power = -power * t
        total += power / k
    return total


def _ret(v: np.ndarray) -> Any:
    return float(v) if np.ndim(v) == 0 else v


def _f(z: ArrayLike) -> np.ndarray:
    return np.asarray(z, dtype=np.float64)


def sigmoid(z: ArrayLike) -> Any:
    """σ(z) = 1/(1 + e^−z), accurate and overflow-free for every float64 z.

    Convention: sign split on e = exp(−|z|) ∈ (0, 1]: 1/(1+e) for z ≥ 0, e/(1+e) for
    z < 0. Rejected: ``1/(1+exp(−z))`` (overflows for z ≤ −710) and
    ``exp(−logaddexp(0, −z))`` (loses |z|·ε relative for large |z|).
    """
    z = _f(z)
    e = np.exp(-np.abs(z))
    return _ret(np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)))


class Activation:
    """Base class: each activation carries its formulas (the one home of each) and its math.

    Attributes
    ----------
    name : str
        Registry key.
    formula, text, numpy : str
        a = f(z) in LaTeX, in plain text, and as a NumPy statement ``a = ...``.
    derivative_formula, derivative_text, derivative_numpy : str
        da/dz = f'(z) likewise (the NumPy statement is ``da_dz = ...``).
    menu_label : str
        How a menu names it (the calculator's and the activation explorer's; the explorer's
        chart title too): the one home of the activation's label.
    with_numbers, derivative_with_numbers : tuple[str, str]
        f(z) and f'(z) as (TeX, plain text) templates for the reader's numbers, filled by
        ``str.format`` with ``z``, ``a``, ``y``, ``alpha`` and ``zp``, ``ap``, ``yp`` (the same
        number, parenthesised when negative). Literal TeX braces are doubled.
    max_slope : float
        Largest value of f' (saturation is measured against it).
    piecewise_linear : bool
        True when f(z) = slope(z)·z, so the neuron can evaluate it exactly.
    has_kink : bool
        True when f' jumps at z = 0 (a finite difference across 0 mixes two slopes).
    output_range : tuple[float, float]
        The bounds of f(z), ±inf where it is unbounded (charts frame a bounded one; a
        target outside them is one the neuron cannot reach).
    slope_note : str
        What f'(z) is, as one sentence with ``{d}`` for its value (the activation explorer's
        note when the slope is neither special nor small).
    """

    name = ""
    formula = ""
    text = ""
    numpy = ""
    derivative_formula = ""
    derivative_text = ""
    derivative_numpy = ""
    menu_label = ""
    with_numbers = ("", "")
    derivative_with_numbers = ("", "")
    max_slope = 1.0
    piecewise_linear = False
    has_kink = False
    output_range: tuple[float, float] = (-_INF, _INF)
    slope_note = "f′(z) = {d}."

    def regime_note(self, z: float, d: float) -> str | None:
        """A sentence on f′(z) = d at z that outranks any saturation note, or None."""
        return None

    def inverse(self, a: float) -> float:
        """The z with f(z) = a (the pre-activation a target asks for), for one float a."""
        lo, hi = self.output_range
        if not lo < a < hi:
            raise BiasgradError(f"{self.name} never outputs {a!r}: its outputs lie in ({lo:g}, {hi:g})", "y")
        return self._inverse(float(a))

    def _inverse(self, a: float) -> float:
        raise BiasgradError(f"{self.name} has no single z for each output", "activation")

    def value(self, z: ArrayLike) -> Any:
        """a = f(z), same shape as z."""
        raise NotImplementedError

    def derivative(self, z: ArrayLike) -> Any:
        """da/dz = f'(z), same shape as z."""
        raise NotImplementedError

    def one_minus(self, z: ArrayLike) -> Any:
        """1 − f(z); subclasses override where this cancels."""
        return _ret(1.0 - _f(self.value(z)))

    def a_minus_y(self, z: ArrayLike, y: ArrayLike, z_exact: Fraction | None = None) -> Any:
        """The residual f(z) − y, correctly rounded up to ~1e-13 relative, y near a included.

        Parameters
        ----------
        z, y : float or array_like (broadcast together)
        z_exact : Fraction, optional
            The exact pre-activation of a scalar z (e.g. w·x + b before rounding); the
            residual is then formed from it rather than from the rounded z.

        Notes
        -----
        Convention: first in float64 — where a and y both lie in (0.5, 2] as
        (1 − y) − (1 − a) (1 − y is exact there, Sterbenz; 1 − a from the stable
        ``one_minus``), elsewhere as a − y. The subtraction itself is exact when it cancels,
        so its error is the operand's: at most 8ε·|operand|, plus 2|f'(z)|·|z − z_exact| for
        an inexact z. Where that bound exceeds 1e-13 of the result, the residual is formed
        again from the exact z by :meth:`exact_a_minus_y`; piecewise-linear activations
        always form it exactly.
        """
        if z_exact is not None and (self.piecewise_linear or np.ndim(y) > 0):
            return self.exact_a_minus_y(z_exact, float(np.asarray(y, dtype=np.float64)))
        zf, yf = np.broadcast_arrays(_f(z), _f(y))
        with np.errstate(all="ignore"):
            d, inherited = self._float_a_minus_y(zf, yf)
            error = _OPERAND_ULPS * np.finfo(np.float64).eps * inherited
            if z_exact is not None:  # a at the rounded z is also off by about |f'(z)|·|z − z_exact|
                error = error + 2.0 * np.abs(_f(self.derivative(zf))) * float(abs(Fraction(float(zf)) - z_exact))
            cancels = np.isfinite(d) & (np.abs(d) * _RELATIVE_ERROR <= error)
        if z_exact is not None:
            return self.exact_a_minus_y(z_exact, float(yf)) if cancels else float(d)
        if np.any(cancels):
            d = np.array(d, dtype=np.float64)
            for i in np.ndindex(d.shape):
                if cancels[i]:
                    d[i] = self.exact_a_minus_y(Fraction(float(zf[i])), float(yf[i]))
        return _ret(d)

    def _float_a_minus_y(self, z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(a − y in float64, |the rounded operand| whose error the difference inherits)."""
        a = _f(self.value(z))
        near_one = (a > 0.5) & (a <= 2.0) & (y >= 0.5) & (y <= 2.0)
        om = _f(self.one_minus(z))
        return np.where(near_one, (1.0 - y) - om, a - y), np.where(near_one, np.abs(om), np.abs(a))

    def exact_a_minus_y(self, z: Fraction, y: float) -> float:
        """f(z) − y for an exact rational z, rounded once to float64 (relative error < 1e-13).

        Convention: evaluated in :mod:`decimal` (exp and ln to any precision, also in
        Pyodide) with :meth:`decimal_value`, doubling the digits from 40 until the
        residual is at least 10¹⁶ × its error bound 10³⁻ᵖ·|a|, or until that bound lies
        below float64's smallest subnormal (then the rounded residual is exact).
        """
        prec = 40
        while True:
            with localcontext(_context(prec + 30)):
                zd = Decimal(z.numerator) / Decimal(z.denominator)
            with localcontext(_context(prec)):
                a = self.decimal_value(zd)
                d = a - Decimal(y)
                bound = Decimal(10) ** (3 - prec) * abs(a)
                done = (d != 0 and abs(d) >= bound * Decimal(10) ** 13) or bound < _TINY
            if done or prec > _MAX_DIGITS:
                return float(d)
            prec *= 2

    def exact_value(self, z: Fraction) -> float:
        """f(z) at an exact rational z; smooth activations round z first (relative effect ≤ |z f′/f|·ε)."""
        return float(self.value(float(z)))

    def decimal_value(self, z: Decimal) -> Decimal:
        """f(z) in the current :mod:`decimal` context, relative error a few units of its precision."""
        raise NotImplementedError

    def log_value(self, z: ArrayLike) -> Any:
        """ln f(z) (for 0 < f < 1); ln(1 − (1 − a)) via log1p near a = 1."""
        a, om = _f(self.value(z)), _f(self.one_minus(z))
        with np.errstate(all="ignore"):
            return _ret(np.where(a > 0.5, np.log1p(-om), np.log(a)))

    def log_one_minus(self, z: ArrayLike) -> Any:
        """ln(1 − f(z)) (for 0 < f < 1); log1p(−a) while a < 0.5."""
        a, om = _f(self.value(z)), _f(self.one_minus(z))
        with np.errstate(all="ignore"):
            return _ret(np.where(a < 0.5, np.log1p(-a), np.log(om)))

    def bce_factor(self, z: ArrayLike) -> Any:
        """f'(z) / (f(z)(1 − f(z))): BCE's dL/dz = (a − y)·bce_factor(z)."""
        a, om, d = _f(self.value(z)), _f(self.one_minus(z)), _f(self.derivative(z))
        with np.errstate(all="ignore"):
            return _ret(np.where(d == 0, 0.0, (d / a) / om))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """Logistic sigmoid σ(z) = 1/(1 + e^−z); σ'(z) = σ(z)·σ(−z)."""

    name = "sigmoid"
    formula = r"\sigma(z) = \frac{1}{1+e^{-z}}"
    text = "σ(z) = 1/(1 + e^−z)"
    numpy = "a = np.exp(-np.logaddexp(0.0, -z))      # sigmoid, no overflow"
    derivative_formula = r"\sigma(z)\,(1-\sigma(z))"
    derivative_text = "σ(z)·σ(−z) = a(1 − a)"
    derivative_numpy = "da_dz = a * (1.0 - a)"
    menu_label = "sigmoid  σ(z)"
    with_numbers = (r"\sigma({z})", "σ({z})")
    derivative_with_numbers = (r"a(1-a) = {a}\,(1 - {a})", "a(1 − a) = {a}·(1 − {a})")
    max_slope = 0.25
    output_range = (0.0, 1.0)
    slope_note = "σ′(z) = a(1 − a) = {d}: at most 0.25 (at z = 0), so sigmoid passes at most a quarter of dL/da to the bias."

    def value(self, z: ArrayLike) -> Any:
        return sigmoid(z)

    def _inverse(self, a: float) -> float:
        return math.log(a / (1 - a))  # logit

    def derivative(self, z: ArrayLike) -> Any:
        # Convention: σ(z)·σ(−z), not a·(1 − a) (which is exactly 0 from z ≈ 36.7).
        z = _f(z)
        return _ret(_f(sigmoid(z)) * _f(sigmoid(-z)))

    def one_minus(self, z: ArrayLike) -> Any:
        return sigmoid(-_f(z))  # 1 − σ(z) = σ(−z), no cancellation

    def log_value(self, z: ArrayLike) -> Any:
        return _ret(-np.logaddexp(0.0, -_f(z)))  # ln σ(z) = −softplus(−z)

    def log_one_minus(self, z: ArrayLike) -> Any:
        return _ret(-np.logaddexp(0.0, _f(z)))  # ln(1 − σ(z)) = −softplus(z)

    def bce_factor(self, z: ArrayLike) -> Any:
        return _ret(np.ones_like(_f(z)))  # σ' / (σ(1 − σ)) = 1: sigmoid + BCE ⇒ a − y

    def decimal_value(self, z: Decimal) -> Decimal:
        e = (-abs(z)).exp()  # sign split, as in float64: no overflow
        return 1 / (1 + e) if z >= 0 else e / (1 + e)


class Tanh(Activation):
    """Hyperbolic tangent; tanh'(z) = 1 − tanh²z = (1 − a)(1 + a)."""

    name = "tanh"
    formula = r"\tanh z"
    text = "tanh z"
    numpy = "a = np.tanh(z)"
    derivative_formula = r"1-\tanh^2 z"
    derivative_text = "1 − tanh²z"
    derivative_numpy = "da_dz = 1.0 - a**2"
    menu_label = "tanh"
    with_numbers = (r"\tanh({z})", "tanh({z})")
    derivative_with_numbers = ("1 - a^2 = 1 - {ap}^2", "1 − a² = 1 − {ap}²")
    output_range = (-1.0, 1.0)
    slope_note = "tanh′(z) = 1 − a² = {d}: 1 at z = 0, falling fast once |z| > 2."

    def value(self, z: ArrayLike) -> Any:
        return _ret(np.tanh(_f(z)))  # never exponentials: inf/inf at |z| ≥ 710

    def _inverse(self, a: float) -> float:
        return math.atanh(a)

    def one_minus(self, z: ArrayLike) -> Any:
        # 1 − tanh z = 2e^{−2z}/(1 + e^{−2z}) for z ≥ 0, mirror form 2/(1 + e^{2z}) for z < 0.
        z = _f(z)
        with np.errstate(over="ignore"):  # 2|z| → inf for |z| > 9e307: e = 0, still right
            e = np.exp(-2.0 * np.abs(z))
        return _ret(np.where(z >= 0, 2.0 * e / (1.0 + e), 2.0 / (1.0 + e)))

    def derivative(self, z: ArrayLike) -> Any:
        # Convention: (1 − a)(1 + a) from the stable forms, not 1 − a² (exactly 0 from |z| ≈ 19.1).
        z = _f(z)
        return _ret(_f(self.one_minus(z)) * _f(self.one_minus(-z)))

    def _float_a_minus_y(self, z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As the base class, plus the mirror case: a − y = (1 + a) − (1 + y) near −1."""
        d, inherited = super()._float_a_minus_y(z, y)
        near_minus_one = (_f(self.value(z)) < -0.5) & (y <= -0.5) & (y >= -2.0)
        one_plus_a = _f(self.one_minus(-z))
        return (np.where(near_minus_one, one_plus_a - (1.0 + y), d),
                np.where(near_minus_one, np.abs(one_plus_a), inherited))

    def log_one_minus(self, z: ArrayLike) -> Any:
        # ln(1 − tanh z) = ln 2 − softplus(2z) for a ≥ 0.5 (finite even where 1 − a underflows).
        z = _f(z)
        a = np.tanh(z)
        with np.errstate(all="ignore"):
            return _ret(np.where(a < 0.5, np.log1p(-a), math.log(2.0) - np.logaddexp(0.0, 2.0 * z)))

    def bce_factor(self, z: ArrayLike) -> Any:
        # (1 − a)(1 + a) / (a(1 − a)) = (1 + a)/a: the underflowing 1 − a cancels exactly.
        z = _f(z)
        with np.errstate(all="ignore"):
            return _ret(_f(self.one_minus(-z)) / np.tanh(z))

    def decimal_value(self, z: Decimal) -> Decimal:
        m = _expm1(-2 * abs(z))  # tanh|z| = −m/(2 + m): no cancellation near 0
        t = -m / (2 + m)
        return t if z >= 0 else -t


class Softplus(Activation):
    """softplus(z) = ln(1 + e^z); softplus'(z) = σ(z)."""

    name = "softplus"
    formula = r"\ln(1+e^{z})"
    text = "ln(1 + e^z)"
    numpy = "a = np.logaddexp(0.0, z)                # ln(1 + e^z), no overflow"
    derivative_formula = r"\sigma(z)"
    derivative_text = "σ(z)"
    derivative_numpy = "da_dz = np.exp(-np.logaddexp(0.0, -z))  # sigmoid(z)"
    menu_label = "softplus  ln(1 + eᶻ)"
    with_numbers = (r"\ln(1 + e^{{{z}}})", "ln(1 + e^{z})")
    derivative_with_numbers = (r"\sigma(z) = \sigma({z})", "σ(z) = σ({z})")
    output_range = (0.0, _INF)
    slope_note = "softplus′(z) = σ(z) = {d}: a smooth ReLU, never exactly 0."

    def value(self, z: ArrayLike) -> Any:
        return _ret(np.logaddexp(0.0, _f(z)))  # not log(1 + exp(z)): inf at 710, wrong at −30

    def _inverse(self, a: float) -> float:
        return a + math.log(-math.expm1(-a))  # ln(e^a − 1), no overflow

    def derivative(self, z: ArrayLike) -> Any:
        return sigmoid(z)

    def one_minus(self, z: ArrayLike) -> Any:
        # 1 − ln(1 + e^z) = −ln(1 + (1 − 1/e)·expm1(z − z0)), z0 = ln(e − 1) held as hi + lo:
        # exact-ish around z0, where a → 1 and the naive 1 − a loses every digit.
        z = _f(z)
        with np.errstate(all="ignore"):
            d = (z - _SOFTPLUS_Z0_HI) - _SOFTPLUS_Z0_LO
            near = -np.log1p(_ONE_MINUS_INV_E * np.expm1(np.minimum(d, 2.0)))
            return _ret(np.where(z < 2.0, near, 1.0 - np.logaddexp(0.0, z)))

    def ratio(self, z: ArrayLike) -> Any:
        """σ(z)/softplus(z), → 1 as z → −∞, computed without dividing two underflows."""
        z = _f(z)
        t = np.exp(np.minimum(z, 0.0))
        with np.errstate(all="ignore"):
            neg = np.where(t == 0.0, 1.0, t / ((1.0 + t) * np.log1p(t)))
            pos = _f(sigmoid(z)) / np.logaddexp(0.0, z)
        return _ret(np.where(z < 0, neg, pos))

    def log_value(self, z: ArrayLike) -> Any:
        # ln softplus(z) = z + ln(log1p(t)/t), t = e^z: exact for z far below −745 too.
        z = _f(z)
        t = np.exp(np.minimum(z, 0.0))
        with np.errstate(all="ignore"):
            r = np.where(t == 0.0, 1.0, np.log1p(t) / t)
            a, om = np.logaddexp(0.0, z), _f(self.one_minus(z))
            rest = np.where(a > 0.5, np.log1p(-om), np.log(a))  # near a = 1: ln(1 − (1 − a))
            return _ret(np.where(z < -1.0, z + np.log(r), rest))

    def bce_factor(self, z: ArrayLike) -> Any:
        with np.errstate(all="ignore"):
            return _ret(_f(self.ratio(z)) / _f(self.one_minus(z)))

    def decimal_value(self, z: Decimal) -> Decimal:
        return max(z, Decimal(0)) + _log1p((-abs(z)).exp())  # max(z, 0) + ln(1 + e^−|z|)


class PiecewiseLinear(Activation):
    """f(z) = slope(z)·z with a constant slope on each side of 0."""

    piecewise_linear = True

    def slope(self, z: ArrayLike) -> Any:
        """The slope of the piece z lies on (also the derivative there)."""
        raise NotImplementedError

    def value(self, z: ArrayLike) -> Any:
        z = _f(z)
        return _ret(_f(self.slope(z)) * z)

    def derivative(self, z: ArrayLike) -> Any:
        return self.slope(z)

    def exact_value(self, z: Fraction) -> float:
        """f(z) for an exact rational z, rounded once."""
        return float(Fraction(float(self.slope(float(z > 0) - float(z < 0)))) * z)

    def exact_a_minus_y(self, z: Fraction, y: float) -> float:
        """slope·z − y in exact rational arithmetic, rounded once."""
        return float(Fraction(float(self.slope(float(z > 0) - float(z < 0)))) * z - Fraction(y))

    def decimal_value(self, z: Decimal) -> Decimal:
        return Decimal(float(self.slope(float(z > 0) - float(z < 0)))) * z


class Linear(PiecewiseLinear):
    """Identity f(z) = z; f' = 1."""

    name = "linear"
    formula = r"z"
    text = "z"
    numpy = "a = z"
    derivative_formula = r"1"
    derivative_text = "1"
    derivative_numpy = "da_dz = 1.0"
    menu_label = "linear  a = z"
    with_numbers = ("{z}", "{z}")
    derivative_with_numbers = ("1", "1")

    def regime_note(self, z: float, d: float) -> str | None:
        return "Linear: f′(z) = 1 everywhere, so dL/db = dL/da exactly."

    def _inverse(self, a: float) -> float:
        return a

    def slope(self, z: ArrayLike) -> Any:
        return _ret(np.ones_like(_f(z)))


class ReLU(PiecewiseLinear):
    """max(0, z). Convention: relu'(0) = 0, as PyTorch's ``relu``."""

    name = "relu"
    formula = r"\max(0, z)"
    text = "max(0, z)"
    numpy = "a = np.maximum(0.0, z)"
    derivative_formula = r"[z > 0]"
    derivative_text = "1 if z > 0 else 0"
    derivative_numpy = "da_dz = 1.0 if z > 0 else 0.0       # convention: relu'(0) = 0"
    menu_label = "ReLU  max(0, z)"
    with_numbers = (r"\max(0,\ {z})", "max(0, {z})")
    derivative_with_numbers = ("[z > 0] = [{z} > 0]", "[z > 0] = [{z} > 0]")
    has_kink = True

    output_range = (0.0, _INF)

    def regime_note(self, z: float, d: float) -> str | None:
        if d != 0:
            return None
        return ("Dead ReLU: for z < 0 (and at z = 0, by the convention relu′(0) = 0, as in PyTorch) f′(z) = 0, "
                "so dL/db = 0 whatever the loss and the target. This example moves neither the bias nor the weights.")

    def slope(self, z: ArrayLike) -> Any:
        return _ret(np.where(_f(z) > 0, 1.0, 0.0))

    def _inverse(self, a: float) -> float:
        return a  # a > 0 (output_range excludes 0, which every z ≤ 0 gives)


class LeakyReLU(PiecewiseLinear):
    """z for z > 0, slope·z otherwise. Convention: leaky_relu'(0) = slope (default 0.01).

    Parameters
    ----------
    negative_slope : float
        Slope for z ≤ 0 (PyTorch's default 0.01).
    """

    name = "leaky_relu"
    text = "z if z > 0 else slope·z"
    numpy = "a = z if z > 0 else alpha * z"
    derivative_formula = r"1 \text{ if } z > 0 \text{ else } \alpha"
    derivative_text = "1 if z > 0 else slope"
    derivative_numpy = "da_dz = 1.0 if z > 0 else alpha"
    menu_label = "leaky ReLU"
    with_numbers = (r"\max({alpha} \cdot {zp},\ {z})", "max({alpha}·{zp}, {z})")
    derivative_with_numbers = (r"\begin{{cases}}1 & z > 0\\ \alpha & z \le 0\end{{cases}}", "1 if z > 0 else α")
    has_kink = True

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = float(negative_slope)
        self.formula = rf"\max({self.negative_slope:g}z, z)" if 0 <= self.negative_slope <= 1 else r"z \text{ or } \alpha z"
        if 0 <= self.negative_slope <= 1:  # its slope, as the other menu labels show their formula
            self.menu_label = f"leaky ReLU  max({self.negative_slope:g}z, z)"

    def regime_note(self, z: float, d: float) -> str | None:
        if z > 0:
            return None
        return (f"Leaky ReLU on its negative side: f′(z) = {d:g} (and leaky_relu′(0) = slope by convention). "
                "The bias gradient is 100× smaller than on the positive side, but never exactly 0.")

    def slope(self, z: ArrayLike) -> Any:
        return _ret(np.where(_f(z) > 0, 1.0, self.negative_slope))

    def _inverse(self, a: float) -> float:
        if a > 0:
            return a
        if self.negative_slope > 0:
            return a / self.negative_slope
        return super()._inverse(a)  # slope ≤ 0: no single z gives this a ≤ 0

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope!r})"


#: Registry: name → activation object.
ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (Linear(), Sigmoid(), Tanh(), ReLU(), LeakyReLU(), Softplus())
}
