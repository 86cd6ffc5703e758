"""A dense (fully connected) layer Z = X·W + b, and the batch reduction, in one place.

Shapes: X (N, n_in), W (n_in, n_out), b (n_out,) or (1, n_out), Z (N, n_out).
Backward, for the upstream gradient dZ (N, n_out) of the per-example losses:

    dW = w_N · Xᵀ·dZ,   db = w_N · Σ_n dZ[n],   dX = dZ·Wᵀ,

where w_N = 1 for ``reduction="sum"`` and 1/N for ``reduction="mean"``
(:func:`batch_weight`, the only place the choice is made).

Convention: "mean" averages over the N examples only (each example's loss is summed over
its n_out outputs). PyTorch's ``reduction="mean"`` averages over all N·n_out entries, so
its dW and db are n_out times smaller than these whenever n_out > 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import BiasgradError
from .inputs import finite_array

__all__ = ["Dense", "DenseGrads", "batch_weight", "reduce_over_batch", "check_bias_grad_shape", "REDUCTIONS"]

REDUCTIONS = ("sum", "mean")


def batch_weight(n: int, reduction: str) -> float:
    """The factor that turns a sum over N examples into the chosen reduction.

    Parameters
    ----------
    n : int
        Batch size N.
    reduction : {"sum", "mean"}
        "sum": L = Σ_n L_n, weight 1. "mean": L = (1/N) Σ_n L_n, weight 1/N.

    Returns
    -------
    float

    Notes
    -----
    Convention: "mean" divides by the number of examples N only. PyTorch's
    ``reduction="mean"`` on an (N, n_out) output averages over all N·n_out entries, so
    its gradients are n_out times smaller than these when n_out > 1.
    """
    if reduction == "sum":
        return 1.0
    if reduction == "mean":
        if n < 1:
            raise BiasgradError("reduction 'mean' over N = 0 examples is undefined (the batch is empty); "
                                "pass at least one row", "X")
        return 1.0 / n
    raise BiasgradError(f"reduction must be 'sum' or 'mean', got {reduction!r}", "reduction")


def reduce_over_batch(per_example: Any, reduction: str) -> np.ndarray:
    """Sum over axis 0 (the batch) and apply :func:`batch_weight`.

    Parameters
    ----------
    per_example : array_like, shape (N, ...)
    reduction : {"sum", "mean"}

    Returns
    -------
    ndarray, shape (...)
    """
    g = finite_array("dZ", per_example)
    if g.ndim == 0:
        raise BiasgradError("the per-example values need a batch axis (shape (N, ...)), got a single number", "dZ")
    with np.errstate(over="ignore"):
        out = batch_weight(g.shape[0], reduction) * g.sum(axis=0)
    if not np.isfinite(out).all():
        raise BiasgradError("the sum over the batch overflows float64", "dZ")
    return np.asarray(out, dtype=np.float64)


def check_bias_grad_shape(db: Any, b: Any) -> None:
    """Raise a BiasgradError naming the shapes unless ``db`` has exactly ``b``'s shape.

    Catches the two classic bugs: a gradient of shape (N, n) that was never reduced over
    the batch, and the (n,) vs (1, n) mix-up (they broadcast alike in the forward pass,
    but the gradient must come back in the bias's own shape).
    """
    try:
        gs, bs = np.shape(db), np.shape(b)
    except ValueError:  # ragged nesting has no shape
        raise BiasgradError("db and b must be rectangular arrays", "db") from None
    if gs == bs:
        return
    n = bs[-1] if bs else None
    if len(gs) == 2 and gs[1] == n and gs[0] != 1:
        msg = (f"bias gradient has shape {gs} but the bias has shape {bs}: it was never reduced over the "
               f"batch; sum (or average) dZ over axis 0")
    elif {gs, bs} == {(n,), (1, n)}:
        msg = (f"bias gradient has shape {gs} but the bias has shape {bs}: (n,) and (1, n) broadcast the "
               f"same in Z = X·W + b, but the gradient must have the bias's own shape")
    else:
        msg = f"bias gradient has shape {gs}, which does not match the bias shape {bs}"
    raise BiasgradError(msg, "db")


@dataclass(frozen=True)
class DenseGrads:
    """Gradients of one Dense layer: dW (n_in, n_out), db (bias's shape), dX (N, n_in)."""

    dW: np.ndarray
    db: np.ndarray
    dX: np.ndarray


class Dense:
    """Affine layer Z = X·W + b.

    Parameters
    ----------
    W : array_like, shape (n_in, n_out)
    b : array_like, shape (n_out,) or (1, n_out)

    Attributes
    ----------
    W, b : ndarray (float64 copies)
    X : ndarray or None
        The last forward input, kept for backward.
    """

    def __init__(self, W: Any, b: Any) -> None:
        self.W = np.array(finite_array("W", W))
        self.b = np.array(finite_array("b", b))
        if self.W.ndim != 2:
            raise BiasgradError(f"W must have shape (n_in, n_out), got {self.W.shape}", "W")
        n_out = self.W.shape[1]
        if self.b.shape not in ((n_out,), (1, n_out)):
            raise BiasgradError(f"b must have shape ({n_out},) or (1, {n_out}) to match W {self.W.shape}, "
                                f"got {self.b.shape}", "b")
        self.X: np.ndarray | None = None

    @classmethod
    def random(cls, n_in: int, n_out: int, rng: np.random.Generator, bias: float = 0.0) -> "Dense":
        """W ~ N(0, 1/n_in), b = ``bias``, shape (n_out,).

        Convention: LeCun-normal weights (variance 1/n_in) and constant biases.
        """
        return cls(rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out)), np.full(n_out, float(bias)))

    @property
    def n_in(self) -> int:
        return int(self.W.shape[0])

    @property
    def n_out(self) -> int:
        return int(self.W.shape[1])

    def forward(self, X: Any) -> np.ndarray:
        """Z = X·W + b.

        Parameters
        ----------
        X : array_like, shape (N, n_in)

        Returns
        -------
        ndarray, shape (N, n_out)
        """
        X = finite_array("X", X)
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise BiasgradError(f"X must have shape (N, {self.n_in}) for W {self.W.shape}, got {X.shape}", "X")
        Z = self.affine(X)
        if not np.isfinite(Z).all():
            raise BiasgradError("Z = X·W + b overflows float64 (|Z| > 1.8e308); use smaller inputs or weights", "X")
        return Z

    def affine(self, X: np.ndarray) -> np.ndarray:
        """Z = X·W + b for an already checked float64 X (N, n_in), kept for backward; no checks."""
        self.X = X
        with np.errstate(all="ignore"):
            Z: np.ndarray = X @ self.W + self.b
        return Z

    def backward(self, dZ: Any, reduction: str = "mean") -> DenseGrads:
        """Gradients from the per-example upstream gradient dZ = ∂L_n/∂Z.

        Parameters
        ----------
        dZ : array_like, shape (N, n_out)
            Row n is the gradient of example n's own loss L_n (not yet reduced).
        reduction : {"sum", "mean"}
            How the batch loss combines the L_n (see :func:`batch_weight`).

        Returns
        -------
        DenseGrads
            dW (n_in, n_out) and db (the bias's own shape) with the reduction applied;
            dX (N, n_in) stays per example, for the layer below to reduce in turn.
        """
        if self.X is None:
            raise BiasgradError("backward called before forward", "X")
        dZ = finite_array("dZ", dZ)
        N = self.X.shape[0]
        if dZ.shape != (N, self.n_out):
            raise BiasgradError(f"dZ must have shape ({N}, {self.n_out}) like Z, got {dZ.shape}", "dZ")
        weight = batch_weight(N, reduction)
        with np.errstate(all="ignore"):
            dW = weight * (self.X.T @ dZ)
            db = reduce_over_batch(dZ, reduction).reshape(self.b.shape)
            dX = dZ @ self.W.T
        if not (np.isfinite(dW).all() and np.isfinite(db).all() and np.isfinite(dX).all()):
            raise BiasgradError("the gradients overflow float64; use a smaller dZ, X or W", "dZ")
        check_bias_grad_shape(db, self.b)
        return DenseGrads(dW=dW, db=db, dX=dX)
