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
from typing import Any

import numpy as np

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
    """Base class. Subclasses set ``name``, ``formula``, ``derivative_formula``, ``max_slope``.

    Attributes
    ----------
    name : str
        Registry key.
    formula : str
        LaTeX for a = f(z).
    derivative_formula : str
        LaTeX for da/dz = f'(z).
    max_slope : float
        Largest value of f' (saturation is measured against it).
    piecewise_linear : bool
        True when f(z) = slope(z)·z, so the neuron can evaluate it exactly.
    """

    name = ""
    formula = ""
    derivative_formula = ""
    max_slope = 1.0
    piecewise_linear = False

    def value(self, z: ArrayLike) -> Any:
        """a = f(z), same shape as z."""
        raise NotImplementedError

    def derivative(self, z: ArrayLike) -> Any:
        """da/dz = f'(z), same shape as z."""
        raise NotImplementedError

    def one_minus(self, z: ArrayLike) -> Any:
        """1 − f(z); subclasses override where this cancels."""
        return _ret(1.0 - _f(self.value(z)))

    def a_minus_y(self, z: ArrayLike, y: ArrayLike) -> Any:
        """f(z) − y without needless cancellation.

        Convention: when a and y both lie in (0.5, 2], a − y is computed as
        (1 − y) − (1 − a): 1 − y is exact there (Sterbenz) and 1 − a comes from the
        stable ``one_minus``. Elsewhere a − y is exact whenever it cancels (Sterbenz),
        so the only error left is the rounding of a itself, i.e. relative error
        ≈ ε·|a|/|a − y| for general y.
        """
        z, y = _f(z), _f(y)
        a = _f(self.value(z))
        near_one = (a > 0.5) & (a <= 2.0) & (y >= 0.5) & (y <= 2.0)
        with np.errstate(all="ignore"):
            return _ret(np.where(near_one, (1.0 - y) - _f(self.one_minus(z)), a - y))

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
    derivative_formula = r"\sigma(z)\,(1-\sigma(z))"
    max_slope = 0.25

    def value(self, z: ArrayLike) -> Any:
        return sigmoid(z)

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


class Tanh(Activation):
    """Hyperbolic tangent; tanh'(z) = 1 − tanh²z = (1 − a)(1 + a)."""

    name = "tanh"
    formula = r"\tanh z"
    derivative_formula = r"1-\tanh^2 z"

    def value(self, z: ArrayLike) -> Any:
        return _ret(np.tanh(_f(z)))  # never exponentials: inf/inf at |z| ≥ 710

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

    def a_minus_y(self, z: ArrayLike, y: ArrayLike) -> Any:
        """As the base class, plus the mirror case: a − y = (1 + a) − (1 + y) near −1."""
        z, y = _f(z), _f(y)
        a = _f(self.value(z))
        near_minus_one = (a < -0.5) & (y <= -0.5) & (y >= -2.0)
        with np.errstate(all="ignore"):
            mirrored = _f(self.one_minus(-z)) - (1.0 + y)
        return _ret(np.where(near_minus_one, mirrored, _f(super().a_minus_y(z, y))))

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


class Softplus(Activation):
    """softplus(z) = ln(1 + e^z); softplus'(z) = σ(z)."""

    name = "softplus"
    formula = r"\ln(1+e^{z})"
    derivative_formula = r"\sigma(z)"

    def value(self, z: ArrayLike) -> Any:
        return _ret(np.logaddexp(0.0, _f(z)))  # not log(1 + exp(z)): inf at 710, wrong at −30

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


class Linear(PiecewiseLinear):
    """Identity f(z) = z; f' = 1."""

    name = "linear"
    formula = r"z"
    derivative_formula = r"1"

    def slope(self, z: ArrayLike) -> Any:
        return _ret(np.ones_like(_f(z)))


class ReLU(PiecewiseLinear):
    """max(0, z). Convention: relu'(0) = 0, as PyTorch's ``relu``."""

    name = "relu"
    formula = r"\max(0, z)"
    derivative_formula = r"[z > 0]"

    def slope(self, z: ArrayLike) -> Any:
        return _ret(np.where(_f(z) > 0, 1.0, 0.0))


class LeakyReLU(PiecewiseLinear):
    """z for z > 0, slope·z otherwise. Convention: leaky_relu'(0) = slope (default 0.01).

    Parameters
    ----------
    negative_slope : float
        Slope for z ≤ 0 (PyTorch's default 0.01).
    """

    name = "leaky_relu"
    derivative_formula = r"1 \text{ if } z > 0 \text{ else } \alpha"

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = float(negative_slope)
        self.formula = rf"\max({self.negative_slope:g}z, z)" if 0 <= self.negative_slope <= 1 else r"z \text{ or } \alpha z"

    def slope(self, z: ArrayLike) -> Any:
        return _ret(np.where(_f(z) > 0, 1.0, self.negative_slope))

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope!r})"


#: Registry: name → activation object.
ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (Linear(), Sigmoid(), Tanh(), ReLU(), LeakyReLU(), Softplus())
}
