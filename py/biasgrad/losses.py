"""Loss functions L(a, y) and their derivative dL/da. The convention is in the class name.

All methods are elementwise over arrays of any shape (a float for scalars). Reducing
over a batch happens elsewhere, in one place: :func:`biasgrad.dense.reduce_over_batch`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import sigmoid
from .errors import BiasgradError

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
    """Base class: ``name``, ``formula`` (LaTeX), ``derivative_formula``, ``takes_logits``."""

    name = ""
    formula = ""
    derivative_formula = ""
    takes_logits = False

    def value(self, a: ArrayLike, y: ArrayLike) -> Any:
        """L(a, y), elementwise."""
        raise NotImplementedError

    def dL_da(self, a: ArrayLike, y: ArrayLike) -> Any:
        """dL/da, elementwise."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class HalfSquaredError(Loss):
    """½(a − y)², so dL/da = a − y.

    The ½ is there to make the gradient unit: it is the convention behind the textbook
    "dL/db = (a − y)·f'(z)" (and Mazur's worked example).
    """

    name = "mse_half"
    formula = r"\tfrac{1}{2}(a-y)^2"
    derivative_formula = r"a-y"

    def value(self, a: ArrayLike, y: ArrayLike) -> Any:
        d = _f(a) - _f(y)
        return _ret(0.5 * d * d)

    def dL_da(self, a: ArrayLike, y: ArrayLike) -> Any:
        return _ret(_f(a) - _f(y))


class SquaredError(Loss):
    """(a − y)², so dL/da = 2(a − y): PyTorch's ``mse_loss`` and 3Blue1Brown's C₀."""

    name = "mse"
    formula = r"(a-y)^2"
    derivative_formula = r"2(a-y)"

    def value(self, a: ArrayLike, y: ArrayLike) -> Any:
        d = _f(a) - _f(y)
        return _ret(d * d)

    def dL_da(self, a: ArrayLike, y: ArrayLike) -> Any:
        return _ret(2.0 * (_f(a) - _f(y)))


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
    derivative_formula = r"\frac{a-y}{a(1-a)}"

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
        with np.errstate(all="ignore"):  # = −y/a + (1−y)/(1−a), in an order that does not cancel
            g = np.where(y == 0, 1.0 / (1.0 - a), np.where(y == 1, -1.0 / a, ((a - y) / a) / (1.0 - a)))
        return _ret(g)


class BinaryCrossEntropyWithLogits(Loss):
    """BCE of σ(z) against y, taking the logit z: max(z,0) − y·z + log1p(e^−|z|).

    Convention: this loss includes the sigmoid, so its input is the logit z and
    ``dL_da`` is the derivative with respect to that input: dL/dz = σ(z) − y.
    PyTorch calls it ``BCEWithLogitsLoss``; scikit-learn ``HalfBinomialLoss`` (×2).
    """

    name = "bce_logits"
    formula = r"\max(z,0) - yz + \ln(1+e^{-|z|})"
    derivative_formula = r"\sigma(z)-y"
    takes_logits = True

    def value(self, a: ArrayLike, y: ArrayLike) -> Any:
        return bce_from_logits(a, y)

    def dL_da(self, a: ArrayLike, y: ArrayLike) -> Any:
        return _ret(_f(sigmoid(a)) - _f(y))

    dL_dz = dL_da


class SoftmaxCrossEntropy(Loss):
    """−Σ_k Y_k ln softmax(Z)_k per example, on logits Z of shape (N, K).

    For classification (e.g. Iris, K = 3). Convention: takes logits (the softmax is part
    of the loss, as in PyTorch's ``CrossEntropyLoss``); per-example gradient P − Y.
    Not in :data:`LOSSES` (which holds the scalar-output losses).
    """

    name = "softmax_cross_entropy"
    formula = r"-\sum_k y_k \ln \mathrm{softmax}(z)_k"
    derivative_formula = r"p - y"
    takes_logits = True

    @staticmethod
    def log_softmax(Z: ArrayLike) -> np.ndarray:
        """ln softmax(Z) along the last axis, shifted by the max (no overflow)."""
        Z = _f(Z)
        S = Z - Z.max(axis=-1, keepdims=True)
        return S - np.log(np.exp(S).sum(axis=-1, keepdims=True))

    def value(self, a: ArrayLike, y: ArrayLike) -> Any:
        """Per-example loss, shape (N,), for logits (N, K) and one-hot targets (N, K)."""
        return _ret(-(_f(y) * self.log_softmax(a)).sum(axis=-1))

    def dL_da(self, a: ArrayLike, y: ArrayLike) -> Any:
        """Per-example gradient with respect to the logits: P − Y, shape (N, K)."""
        return np.exp(self.log_softmax(a)) - _f(y)


#: Registry of the scalar-output losses: name → loss object.
LOSSES: dict[str, Loss] = {
    l.name: l for l in (HalfSquaredError(), SquaredError(), BinaryCrossEntropy(), BinaryCrossEntropyWithLogits())
}
