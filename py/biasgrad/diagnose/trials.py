"""Seeded trial batches for one dense layer, and the module's exact answer on each.

A trial is X (N, n_in), W (n_in, n_out), b (n_out,), Y (N, n_out) with the layer
Z = X·W + b, A = f(Z) and the per-example loss summed over the n_out outputs. The
shapes are chosen so that the mistakes tell themselves apart: N, n_in and n_out differ
from each other and from 1 and 2 (a factor 2 would hide behind the ½ of the squared
error), and one trial has N = 1 (where sum and mean agree, and an unreduced dZ has the
shape (1, n_out)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import ACTIVATIONS, Activation
from ..dense import Dense, batch_weight
from ..errors import BiasgradError
from ..inputs import parse_activation, parse_loss
from ..link import loss_and_dL_dz
from ..losses import LOSSES, Loss

__all__ = ["Trial", "TRIAL_SHAPES", "make_trials", "check_pair", "exact_dZ", "PAIRS"]

#: (N, n_in, n_out) of each trial, in order; the last has N = 1.
TRIAL_SHAPES: tuple[tuple[int, int, int], ...] = ((5, 3, 4), (7, 4, 3), (6, 5, 3), (1, 3, 4))


def _defined(act: Activation, lo: Loss) -> bool:
    """Binary cross-entropy needs a probability: it is diagnosed with its link (the sigmoid) only."""
    return not lo.probability_target or lo.uses_link(act)


def check_pair(activation: Any, loss: Any) -> tuple[Activation, Loss]:
    """The activation and loss objects for names, or a BiasgradError for an undefined pair.

    Convention: binary cross-entropy is defined on probabilities, so ``bce`` and
    ``bce_logits`` are diagnosed with the sigmoid only (on a tanh, ReLU, linear, leaky-ReLU
    or softplus output BCE is undefined wherever a leaves [0, 1]).
    """
    act = activation if isinstance(activation, Activation) else parse_activation(str(activation))
    lo = loss if isinstance(loss, Loss) else parse_loss(str(loss))
    if not _defined(act, lo):
        raise BiasgradError(f"{lo.name} with {act.name} is undefined: binary cross-entropy needs a "
                            f"probability a in [0, 1], so use the sigmoid (or a squared-error loss)",
                            "activation")
    return act, lo


#: Every defined (activation, loss) pair, in registry order.
def _pairs() -> tuple[tuple[str, str], ...]:
    out = []
    for a in ACTIVATIONS:
        for lo in LOSSES:
            if _defined(ACTIVATIONS[a], LOSSES[lo]):
                out.append((a, lo))
    return tuple(out)


PAIRS: tuple[tuple[str, str], ...] = _pairs()


def exact_dZ(act: Activation, loss: Loss, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """∂L_n/∂Z for each example's own loss (not reduced), shape (N, n_out).

    The module's one loss path, :func:`biasgrad.link.loss_and_dL_dz` (σ(z) − y straight from z
    for a sigmoid with either BCE).
    """
    return np.asarray(loss_and_dL_dz(act, loss, Z, Y)[1], dtype=np.float64)


@dataclass(frozen=True)
class Trial:
    """One seeded batch and the module's exact answer for it.

    Attributes
    ----------
    X : ndarray, shape (N, n_in)
    W : ndarray, shape (n_in, n_out)
    b : ndarray, shape (n_out,)
    Y : ndarray, shape (N, n_out)
    Z, A : ndarray, shape (N, n_out)
        Pre-activation X·W + b and output f(Z).
    dZ : ndarray, shape (N, n_out)
        Per-example ∂L_n/∂Z (not reduced).
    db : ndarray, shape (n_out,)
        The exact bias gradient, from :meth:`biasgrad.Dense.backward`.
    dW : ndarray, shape (n_in, n_out)
        The weight gradient with the same reduction, for the ``weight_gradient`` mistake.
    weight : float
        The batch weight 1 (sum) or 1/N (mean).
    """

    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    Y: np.ndarray
    Z: np.ndarray
    A: np.ndarray
    dZ: np.ndarray
    db: np.ndarray
    dW: np.ndarray
    weight: float

    @property
    def N(self) -> int:
        """Batch size."""
        return int(self.X.shape[0])

    @property
    def n_in(self) -> int:
        """Inputs per example."""
        return int(self.X.shape[1])

    @property
    def n_out(self) -> int:
        """Neurons in the layer."""
        return int(self.W.shape[1])

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """The shapes of X, W, b and Y."""
        return {"X": self.X.shape, "W": self.W.shape, "b": self.b.shape, "Y": self.Y.shape}


def _draw(rng: np.random.Generator, shape: tuple[int, int, int], loss: Loss) -> tuple[np.ndarray, ...]:
    N, n_in, n_out = shape
    while True:
        X = np.round(rng.normal(0.0, 1.0, (N, n_in)), 2)
        W = np.round(rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out)), 2)
        b = np.round(rng.normal(0.0, 0.5, n_out), 2)
        Z = X @ W + b
        # Convention: every trial has z of both signs and none near the kink of ReLU at 0,
        # so a missing or misplaced f′ shows for every activation.
        if np.min(np.abs(Z)) > 0.05 and np.any(Z > 0) and np.any(Z < 0) and np.max(np.abs(Z)) < 4:
            break
    if loss.probability_target:
        Y = np.round(rng.uniform(0.05, 0.95, (N, n_out)), 2)   # soft targets in (0, 1)
    else:
        Y = np.round(rng.normal(0.0, 0.8, (N, n_out)), 2)
    return X, W, b, Y


def make_trials(act: Activation, loss: Loss, reduction: str, seed: int) -> list[Trial]:
    """The trial batches for one activation, loss and reduction, drawn from ``seed``.

    Returns
    -------
    list of Trial
        One per entry of :data:`TRIAL_SHAPES`, in that order.
    """
    rng = np.random.default_rng(seed)
    trials = []
    for shape in TRIAL_SHAPES:
        X, W, b, Y = _draw(rng, shape, loss)
        layer = Dense(W, b)
        Z = layer.forward(X)
        dZ = exact_dZ(act, loss, Z, Y)
        grads = layer.backward(dZ, reduction=reduction)
        trials.append(Trial(X=X, W=W, b=b, Y=Y, Z=Z, A=np.asarray(act.value(Z), dtype=np.float64), dZ=dZ,
                            db=grads.db, dW=grads.dW, weight=batch_weight(shape[0], reduction)))
    return trials
