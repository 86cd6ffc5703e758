"""Loss functions L(a, y) and their derivative dL/da. The convention is in the class name.

All methods are elementwise over arrays of any shape (a float for scalars). Reducing
over a batch happens elsewhere, in one place: :func:`biasgrad.dense.reduce_over_batch`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from .activations import Activation, Linear, Sigmoid, sigmoid
from .errors import BiasgradError
from .terms import ChainTerms

__all__ = [
    "Loss", "HalfSquaredError", "SquaredError", "BinaryCrossEntropy",
    "BinaryCrossEntropyWithLogits", "SoftmaxCrossEntropy", "LOSSES", "BCE_CLIP", "bce_from_logits",
]

ArrayLike = Any

#: Convention: BCE on probabilities clips a to [BCE_CLIP, 1 − BCE_CLIP] only where a is
#: exactly 0 or 1 (where the loss is otherwise ±inf); the caller reports it as a warning.
BCE_CLIP = 1e-12


def _f(v: ArrayLike) -> np.ndarray:
    return np.asarray(v, dtype=np.float64)


def _ret(v: np.ndarray) -> Any:
    return float(v) if np.ndim(v) == 0 else v


def bce_from_logits(z: ArrayLike, y: ArrayLike) -> Any:
    """BCE of σ(z) against y, computed from the logit z.

    L = max(z, 0) − y·z + log1p(e^−|z|), written as (1 − y)·z + log1p(e^−z) for z > 0 and
    −y·z + log1p(e^z) otherwise, so every term is ≥ 0 and nothing cancels.
    Exact when σ(z) rounds to 0 or 1: at z = 700, y = 0, L = 700.
    """
    z, y = _f(z), _f(y)
    lin = np.where(z > 0, (1.0 - y) * z, -y * z)
    return _ret(lin + np.log1p(np.exp(-np.abs(z))))


class Loss:
    """Base class.

    Attributes
    ----------
    name : str
        Registry key.
    formula, text, numpy : str
        L in LaTeX, in plain text, and as a NumPy statement ``L = ...``.
    derivative_formula, derivative_text, derivative_numpy : str
        The derivative with respect to the loss's own input (a, or z for a loss that takes
        logits), likewise.
    link_dL_dz_text : str
        dL/dz in plain text when the loss follows its link (:meth:`uses_link`).
    menu_label : str
        How the calculator's loss menu names it.
    with_numbers, derivative_with_numbers : tuple[str, str]
        L and its derivative as (TeX, plain text) templates for the reader's numbers (the same
        placeholders as :attr:`biasgrad.activations.Activation.with_numbers`); see also
        :meth:`derivative_with_numbers_at`.
    takes_logits : bool
        True when the loss's input is the logit z (it contains its link, the sigmoid or the
        softmax); then its derivative is ``dL_dz`` and it has no ``dL_da``.
    takes_class_labels : bool
        True when a network may pass class labels (N,) to be one-hot encoded.
    natural_output : str
        The output activation a network pairs with this loss by default.
    small_slope_vanishes : bool
        True when a small da/dz makes dL/dz small (squared errors); False when the loss
        cancels it (BCE: the (a(1 − a)) in dL/da meets σ' = a(1 − a)).
    probability_target : bool
        True when a and y are probabilities in [0, 1] (binary cross-entropy).
    other_convention_factor : float or None
        For a squared error, the factor by which the other convention's derivative differs
        from this one's (2 when ½(a − y)² is differentiated as 2(a − y); ½ for (a − y)²
        differentiated as a − y); None otherwise. :attr:`other_convention_word` names it.
    """

    name = ""
    formula = ""
    text = ""
    numpy = ""
    derivative_formula = ""
    derivative_text = ""
    derivative_numpy = ""
    link_dL_dz_text = ""
    menu_label = ""
    with_numbers = ("", "")
    derivative_with_numbers = ("", "")
    takes_logits = False
    takes_class_labels = False
    natural_output = "linear"
    small_slope_vanishes = True
    probability_target = False
    other_convention_factor: float | None = None

    @property
    def other_convention_word(self) -> str | None:
        """How the other convention's derivative compares with this loss's: ``"twice"`` (factor 2),
        ``"half"`` (factor ½), None without another convention. The one home of that word; the
        diagnosis's messages and slips are keyed by it."""
        factor = self.other_convention_factor
        if factor is None:
            return None
        return {2.0: "twice", 0.5: "half"}[factor]

    def derivative_with_numbers_at(self, y: float) -> tuple[str, str]:
        """The derivative's (TeX, plain text) template in the form the module evaluates at ``y``."""
        return self.derivative_with_numbers

    def uses_link(self, act: Activation) -> bool:
        """True when ``act`` is this loss's link, so dL/dz comes straight from z."""
        return False

    def value(self, a: ArrayLike, y: ArrayLike) -> Any:
        """L(a, y), elementwise."""
        raise NotImplementedError

    def dL_da(self, a: ArrayLike, y: ArrayLike) -> Any:
        """dL/da, elementwise (a loss that takes logits has none: see :meth:`gradient`)."""
        raise BiasgradError(f"{self.name} takes the logit z, not a; its derivative is dL_dz(z, y)", "loss")

    def gradient(self, u: ArrayLike, y: ArrayLike) -> Any:
        """The derivative with respect to the loss's own input u: dL/da, or dL/dz for logits."""
        return self.dL_da(u, y)

    def check_target(self, y: ArrayLike) -> None:
        """Raise a BiasgradError (field ``"y"``) for targets outside the loss's domain."""

    def check_activation(self, act: Activation) -> None:
        """Raise a BiasgradError (field ``"activation"``) if this loss cannot follow ``act``."""

    def pair_warning(self, act: Activation) -> str | None:
        """A sentence for the reader when the pairing (act, self) is legal but unusual."""
        return None

    def chain(self, act: Activation, z: np.ndarray, y: np.ndarray, z_exact: Fraction | None = None) -> ChainTerms:
        """The chain rule through ``act``: L, dL/da, da/dz and dL/dz at each (z, y).

        Parameters
        ----------
        act : Activation
        z, y : ndarray (broadcast together)
        z_exact : Fraction, optional
            The exact scalar pre-activation (residuals are formed from it).

        Notes
        -----
        The default is the plain chain rule dL/dz = dL/da(f(z), y) · f'(z); a loss whose
        residual a − y or link needs care overrides it.
        """
        with np.errstate(all="ignore"):
            a, da_dz = _f(act.value(z)), _f(act.derivative(z))
            g = _f(self.dL_da(a, y))
            return ChainTerms.build(a, _f(self.value(a, y)), g, da_dz, g * da_dz)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class HalfSquaredError(Loss):
    """½(a − y)², so dL/da = a − y.

    The ½ is there to make the gradient unit: it is the convention behind the textbook
    "dL/db = (a − y)·f'(z)" (and Mazur's worked example).
    """

    name = "mse_half"
    formula = r"\tfrac{1}{2}(a-y)^2"
    text = "½(a − y)²"
    numpy = "L = 0.5 * (a - y) ** 2                  # half squared error"
    derivative_formula = r"a-y"
    derivative_text = "a − y"
    derivative_numpy = "dL_da = a - y"
    menu_label = "half squared error  ½(a − y)²"
    with_numbers = (r"\tfrac12 (a - y)^2 = \tfrac12 ({a} - {yp})^2", "½(a − y)² = ½({a} − {yp})²")
    derivative_with_numbers = ("a - y = {a} - {yp}", "a − y = {a} − {yp}")
    other_convention_factor = 2.0

    def value(self, a: ArrayLike, y: ArrayLike) -> Any:
        d = _f(a) - _f(y)
        return _ret(0.5 * d * d)

    def dL_da(self, a: ArrayLike, y: ArrayLike) -> Any:
        return _ret(_f(a) - _f(y))

    def chain(self, act: Activation, z: np.ndarray, y: np.ndarray, z_exact: Fraction | None = None) -> ChainTerms:
        with np.errstate(all="ignore"):
            d = _f(act.a_minus_y(z, y, z_exact))  # the exact residual, y near a included
            da_dz = _f(act.derivative(z))
            return ChainTerms.build(_activation_value(act, z, z_exact), 0.5 * d * d, d, da_dz, d * da_dz)


class SquaredError(Loss):
    """(a − y)², so dL/da = 2(a − y): PyTorch's ``mse_loss`` and 3Blue1Brown's C₀."""

    name = "mse"
    formula = r"(a-y)^2"
    text = "(a − y)²"
    numpy = "L = (a - y) ** 2                        # squared error"
    derivative_formula = r"2(a-y)"
    derivative_text = "2(a − y)"
    derivative_numpy = "dL_da = 2.0 * (a - y)"
    menu_label = "squared error  (a − y)²"
    with_numbers = ("(a - y)^2 = ({a} - {yp})^2", "(a − y)² = ({a} − {yp})²")
    derivative_with_numbers = ("2(a - y) = 2({a} - {yp})", "2(a − y) = 2({a} − {yp})")
    other_convention_factor = 0.5

    def value(self, a: ArrayLike, y: ArrayLike) -> Any:
        d = _f(a) - _f(y)
        return _ret(d * d)

    def dL_da(self, a: ArrayLike, y: ArrayLike) -> Any:
        return _ret(2.0 * (_f(a) - _f(y)))

    def chain(self, act: Activation, z: np.ndarray, y: np.ndarray, z_exact: Fraction | None = None) -> ChainTerms:
        with np.errstate(all="ignore"):
            d = _f(act.a_minus_y(z, y, z_exact))
            da_dz = _f(act.derivative(z))
            return ChainTerms.build(_activation_value(act, z, z_exact), d * d, 2.0 * d, da_dz, 2.0 * d * da_dz)


class BinaryCrossEntropy(Loss):
    """−[y·ln a + (1 − y)·ln(1 − a)] on a probability a ∈ [0, 1] (natural log).

    Also called log-loss. Soft targets y ∈ [0, 1] are allowed; at y = 0.3 the minimum is
    H(0.3) ≈ 0.6109, not 0. Convention: a term whose coefficient (y or 1 − y) is 0
    counts as 0 (the limit 0·ln 0 = 0), and a is clipped to [1e-12, 1 − 1e-12] only
    where it is exactly 0 or 1. With a sigmoid output, use :func:`bce_from_logits`
    instead (the single neuron and the network do so automatically).
    """

    name = "bce"
    formula = r"-\left[y\ln a + (1-y)\ln(1-a)\right]"
    text = "−[y ln a + (1 − y) ln(1 − a)]"
    numpy = "L = -(y * np.log(a) + (1 - y) * np.log1p(-a))   # BCE, natural log"
    derivative_formula = r"\frac{a-y}{a(1-a)}"
    derivative_text = "(a − y) / (a(1 − a))"
    derivative_numpy = "dL_da = (a - y) / (a * (1.0 - a))"
    link_dL_dz_text = "σ(z) − y  (= a − y)"
    menu_label = "binary cross-entropy (BCE)"
    with_numbers = (r"-[y \ln a + (1-y)\ln(1-a)] = -[{y} \ln {a} + (1 - {y}) \ln(1 - {a})]", "−[y ln a + (1 − y) ln(1 − a)] = −[{y} ln {a} + (1 − {y}) ln(1 − {a})]")
    derivative_with_numbers = (r"\frac{{a - y}}{{a(1-a)}} = \frac{{{a} - {yp}}}{{{a}\,(1 - {a})}}", "(a − y) / (a(1 − a)) = ({a} − {yp}) / ({a}·(1 − {a}))")

    natural_output = "sigmoid"
    small_slope_vanishes = False
    probability_target = True

    def derivative_with_numbers_at(self, y: float) -> tuple[str, str]:
        """At y = 0 or 1 the module evaluates the exact forms 1/(1 − a) and −1/a (no 0/0 at a = y)."""
        if y == 0.0:
            return (r"\frac{{1}}{{1-a}} = \frac{{1}}{{1 - {a}}}", "1/(1 − a) = 1/(1 − {a})")
        if y == 1.0:
            return (r"-\frac{{1}}{{a}} = -\frac{{1}}{{{a}}}", "−1/a = −1/{a}")
        return self.derivative_with_numbers

    @staticmethod
    def _clipped(a: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        a, y = _f(a), _f(y)
        if np.any((a < 0) | (a > 1)) or np.any((y < 0) | (y > 1)):
            raise BiasgradError("BCE needs a and y in [0, 1] (probabilities); got values outside", "a")
        a = np.where((a == 0) & (y > 0), BCE_CLIP, a)
        return np.where((a == 1) & (y < 1), 1.0 - BCE_CLIP, a), y

    def value(self, a: ArrayLike, y: ArrayLike) -> Any:
        a, y = self._clipped(a, y)
        with np.errstate(all="ignore"):
            t1 = np.where(y == 0, 0.0, y * np.log(a))
            t0 = np.where(y == 1, 0.0, (1.0 - y) * np.log1p(-a))
        return _ret(-(t1 + t0))

    def dL_da(self, a: ArrayLike, y: ArrayLike) -> Any:
        a, y = self._clipped(a, y)
        with np.errstate(all="ignore"):
            return _ret(_bce_dL_da(a, 1.0 - a, a - y, y))

    def check_target(self, y: ArrayLike) -> None:
        _check_probability_target(self.name, y)

    def uses_link(self, act: Activation) -> bool:
        return isinstance(act, Sigmoid)

    def pair_warning(self, act: Activation) -> str | None:
        if isinstance(act, Sigmoid):
            return None
        return (f"BCE expects a probability, but {act.name} is not a sigmoid: the output is not kept "
                "inside (0, 1) and dL/db is not simply a − y.")

    def chain(self, act: Activation, z: np.ndarray, y: np.ndarray, z_exact: Fraction | None = None) -> ChainTerms:
        """BCE after ``act``; with a sigmoid (its link) L and dL/dz = σ(z) − y come from the logit.

        Convention: elsewhere a is clipped (``BCE_CLIP``) only where ln a or ln(1 − a) is −inf
        while its coefficient is not 0; an output outside [0, 1] is outside the domain.
        """
        with np.errstate(all="ignore"):
            a, da_dz = _f(_activation_value(act, z, z_exact)), _f(act.derivative(z))
            d = _f(act.a_minus_y(z, y, z_exact))
            om = -_f(act.a_minus_y(z, 1.0, z_exact))  # 1 − a, exact
            if isinstance(act, Sigmoid):  # the link: exact in saturation, no clip
                return ChainTerms.build(a, _f(bce_from_logits(z, y)), _bce_dL_da(a, om, d, y), da_dz, d)
            in_domain = (a >= 0) & (om >= 0)
            log_a, log_1ma, factor = _f(act.log_value(z)), _f(act.log_one_minus(z)), _f(act.bce_factor(z))
            if z_exact is not None:  # near a = 1, ln a, ln(1 − a) and the factor from the exact 1 − a
                upper = (a > 0.5) & (om > 0)
                log_a = np.where(upper, np.log1p(-om), log_a)
                log_1ma = np.where(upper, np.log(om), log_1ma)
                factor = np.where(upper, np.where(da_dz == 0, 0.0, (da_dz / a) / om), factor)
            zero_a, one_a = log_a == -np.inf, log_1ma == -np.inf
            clip = in_domain & ((zero_a & (y > 0)) | (one_a & (y < 1)))
            exact_zero, exact_one = zero_a & (y == 0), one_a & (y == 1)  # L = 0: nothing to clip
            a_c = np.where(zero_a, BCE_CLIP, 1.0 - BCE_CLIP)
            g_c = _bce_dL_da(a_c, 1.0 - a_c, a_c - y, y)
            L_c = -(np.where(y == 0, 0.0, y * np.log(a_c)) + np.where(y == 1, 0.0, (1.0 - y) * np.log1p(-a_c)))
            L = -(np.where(y == 0, 0.0, y * log_a) + np.where(y == 1, 0.0, (1.0 - y) * log_1ma))
            g = _bce_dL_da(a, om, d, y)
            # (a − y)·factor keeps dL/dz finite where dL/da overflows (a tiny slope cancels it);
            # dL/da·da/dz where the factor f'/(a(1 − a)) overflows instead (a subnormal a).
            dz = np.where(np.isfinite(d * factor), d * factor, g * da_dz)
            cases = [clip, exact_zero, exact_one]
            return ChainTerms.build(
                a, np.select(cases, [L_c, 0.0, 0.0], L), np.select(cases, [g_c, 1.0, -1.0], g),
                da_dz, np.select(cases, [g_c * da_dz, da_dz, -da_dz], dz), in_domain=in_domain, clipped=clip)


class BinaryCrossEntropyWithLogits(Loss):
    """BCE of σ(z) against y, taking the logit z: max(z,0) − y·z + log1p(e^−|z|).

    Convention: this loss includes the sigmoid, so its input is the logit z and
    ``dL_da`` is the derivative with respect to that input: dL/dz = σ(z) − y.
    PyTorch calls it ``BCEWithLogitsLoss``; scikit-learn ``HalfBinomialLoss`` (×2).
    """

    name = "bce_logits"
    formula = r"\max(z,0) - yz + \ln(1+e^{-|z|})"
    text = "max(z,0) − y·z + ln(1 + e^−|z|)"
    numpy = "L = np.logaddexp(0.0, z) - y * z       # BCE from the logit z, stable for every z"
    derivative_formula = r"\sigma(z)-y"
    derivative_text = "σ(z) − y"
    derivative_numpy = "dL_dz = np.exp(-np.logaddexp(0.0, -z)) - y"
    link_dL_dz_text = "σ(z) − y  (= a − y)"
    menu_label = "BCE on logits (a read as a logit)"
    with_numbers = (r"\max(z,0) - y\,z + \ln(1 + e^{{-|z|}}) = \max({z},0) - {y} \cdot {zp} + \ln(1 + e^{{-|{z}|}})", "max(z, 0) − y·z + ln(1 + e^(−|z|)) = max({z}, 0) − {y}·{zp} + ln(1 + e^(−|{z}|))")
    derivative_with_numbers = (r"\text{{not used: this loss takes }} z", "not used: this loss takes z")
    takes_logits = True
    natural_output = "sigmoid"
    small_slope_vanishes = False
    probability_target = True

    def value(self, z: ArrayLike, y: ArrayLike) -> Any:
        return bce_from_logits(z, y)

    def dL_dz(self, z: ArrayLike, y: ArrayLike) -> Any:
        """dL/dz = σ(z) − y, the derivative with respect to this loss's own input, the logit."""
        return _ret(_f(sigmoid(z)) - _f(y))

    def gradient(self, u: ArrayLike, y: ArrayLike) -> Any:
        return self.dL_dz(u, y)

    def check_target(self, y: ArrayLike) -> None:
        _check_probability_target(self.name, y)

    def uses_link(self, act: Activation) -> bool:
        return isinstance(act, Sigmoid)

    def check_activation(self, act: Activation) -> None:
        if not isinstance(act, Sigmoid):
            raise BiasgradError(f"bce_logits includes the sigmoid, so the activation must be sigmoid, "
                                f"not {act.name}; or choose loss bce", "activation")

    def chain(self, act: Activation, z: np.ndarray, y: np.ndarray, z_exact: Fraction | None = None) -> ChainTerms:
        self.check_activation(act)
        with np.errstate(all="ignore"):
            d = _f(act.a_minus_y(z, y, z_exact))  # σ(z) − y, exact
            return ChainTerms.build(_f(act.value(z)), _f(bce_from_logits(z, y)), np.zeros_like(d),
                                    _f(act.derivative(z)), d, has_dL_da=False)


class SoftmaxCrossEntropy(Loss):
    """−Σ_k Y_k ln softmax(Z)_k per example, on logits Z of shape (N, K).

    For classification (e.g. Iris, K = 3). Convention: takes logits (the softmax is part
    of the loss, as in PyTorch's ``CrossEntropyLoss``); per-example gradient P − Y.
    Not in :data:`LOSSES` (which holds the scalar-output losses).
    """

    name = "softmax_cross_entropy"
    formula = r"-\sum_k y_k \ln \mathrm{softmax}(z)_k"
    text = "−Σ_k y_k ln softmax(z)_k"
    numpy = "L = -(Y * log_softmax(Z)).sum(axis=1)"
    derivative_formula = r"p - y"
    derivative_text = "p − y"
    derivative_numpy = "dL_dZ = np.exp(log_softmax(Z)) - Y"
    link_dL_dz_text = "p − y"
    takes_logits = True
    takes_class_labels = True

    def uses_link(self, act: Activation) -> bool:
        return isinstance(act, Linear)

    @staticmethod
    def log_softmax(Z: ArrayLike) -> np.ndarray:
        """ln softmax(Z) along the last axis, shifted by the max (no overflow)."""
        Z = _f(Z)
        S = Z - Z.max(axis=-1, keepdims=True)
        return _f(S - np.log(np.exp(S).sum(axis=-1, keepdims=True)))

    def value(self, z: ArrayLike, y: ArrayLike) -> Any:
        """Per-example loss, shape (N,), for logits (N, K) and one-hot targets (N, K)."""
        return _ret(-(_f(y) * self.log_softmax(z)).sum(axis=-1))

    def dL_dz(self, z: ArrayLike, y: ArrayLike) -> Any:
        """Per-example gradient with respect to the logits: P − Y, shape (N, K)."""
        return np.exp(self.log_softmax(z)) - _f(y)

    def gradient(self, u: ArrayLike, y: ArrayLike) -> Any:
        return self.dL_dz(u, y)

    def check_activation(self, act: Activation) -> None:
        if not isinstance(act, Linear):
            raise BiasgradError("softmax cross-entropy takes logits: the output activation must be linear, "
                                f"not {act.name}", "activation")

    def chain(self, act: Activation, z: np.ndarray, y: np.ndarray, z_exact: Fraction | None = None) -> ChainTerms:
        self.check_activation(act)
        Z = np.atleast_2d(z)
        if Z.shape[-1] == 0:
            raise BiasgradError("softmax needs at least one logit per row, got shape " + str(np.shape(z)), "z")
        with np.errstate(all="ignore"):
            log_p = self.log_softmax(Z)  # once, for both L and P − Y
            g = np.exp(log_p) - _f(y)
            return ChainTerms.build(Z, -(_f(y) * log_p).sum(axis=-1), 0.0, 1.0, g, has_dL_da=False)


def _activation_value(act: Activation, z: np.ndarray, z_exact: Fraction | None) -> Any:
    return act.exact_value(z_exact) if z_exact is not None else act.value(z)


def _bce_dL_da(a: Any, om: Any, d: Any, y: Any) -> np.ndarray:
    """dL/da = −y/a + (1 − y)/(1 − a) as (a − y)/(a(1 − a)), in an order that does not cancel."""
    a, om, d, y = _f(a), _f(om), _f(d), _f(y)
    with np.errstate(all="ignore"):
        return _f(np.where(y == 0, 1.0 / om, np.where(y == 1, -1.0 / a, (d / a) / om)))


def _check_probability_target(name: str, y: ArrayLike) -> None:
    bad = ~((_f(y) >= 0.0) & (_f(y) <= 1.0))
    if np.any(bad):
        first = float(_f(y)[bad].flat[0]) if np.ndim(y) else float(_f(y))
        raise BiasgradError(f"y must be in [0, 1] for {name} (a probability), got {first!r}", "y")


#: Registry of the scalar-output losses: name → loss object.
LOSSES: dict[str, Loss] = {
    l.name: l for l in (HalfSquaredError(), SquaredError(), BinaryCrossEntropy(), BinaryCrossEntropyWithLogits())
}

#: Every loss a :class:`~biasgrad.network.Network` accepts: :data:`LOSSES` and softmax cross-entropy.
NETWORK_LOSSES: dict[str, Loss] = {**LOSSES, SoftmaxCrossEntropy.name: SoftmaxCrossEntropy()}
