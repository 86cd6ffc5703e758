"""Matt Mazur's "A Step by Step Backpropagation Example" (2015), reproduced.

The 2-2-2 network: inputs i1 = 0.05, i2 = 0.10; targets 0.01, 0.99; sigmoid units; half
squared error E_total = Σ ½(target − out)²; learning rate 0.5; weights

    net_h1 = w1·i1 + w2·i2 + b1    net_o1 = w5·out_h1 + w6·out_h2 + b2
    net_h2 = w3·i1 + w4·i2 + b1    net_o2 = w7·out_h1 + w8·out_h2 + b2

with w1..w8 = .15 .20 .25 .30 .40 .45 .50 .55 and biases b1 = 0.35, b2 = 0.60, each
shared by its layer and never updated (as in the post).

In the Z = X·W + b form of :class:`~biasgrad.dense.Dense`: W1 = [[w1, w3], [w2, w4]],
W2 = [[w5, w7], [w6, w8]] (column j feeds unit j).

Two update rules:

* ``"simultaneous"``: every gradient at the old weights (what the post describes; it
  gives the printed w5⁺ = 0.35891648 and w1⁺ = 0.149780716).
* ``"updated_output_weights"``: the hidden deltas use the already-updated w5⁺..w8⁺.

The post's training-run figures, checked here in float64:

* "after this first round … 0.291027924" is the ``"updated_output_weights"`` rule
  (the simultaneous rule gives 0.291027774);
* the outputs after 10,000 rounds, 0.015912196 and 0.984065734, are also the
  ``"updated_output_weights"`` rule after 10,000 steps, to all 9 printed digits;
* but the error printed with them, 0.0000351085, is not: that rule gives 0.0000350848
  there. 0.0000351085 is the *simultaneous* rule's error after 9,999 steps (after
  10,000 it is 0.0000351019) – the printed error and outputs disagree with each other.

:func:`train` returns the error before training and after every step, so each reading
can be shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import sigmoid
from ..errors import BiasgradError

__all__ = ["MazurState", "initial_state", "forward", "step", "train", "VARIANTS"]

VARIANTS = ("simultaneous", "updated_output_weights")
X = np.array([[0.05, 0.10]])  # (1, 2)
Y = np.array([[0.01, 0.99]])  # (1, 2)
B1, B2 = 0.35, 0.60
LR = 0.5


@dataclass(frozen=True)
class MazurState:
    """Weights W1 (2, 2) and W2 (2, 2) in Z = X·W + b layout; biases are the constants B1, B2."""

    W1: np.ndarray
    W2: np.ndarray

    def weights(self) -> dict[str, float]:
        """{"w1": ..., "w8": ...} in the post's numbering."""
        (w1, w3), (w2, w4) = self.W1.tolist()
        (w5, w7), (w6, w8) = self.W2.tolist()
        return dict(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, w6=w6, w7=w7, w8=w8)


def initial_state() -> MazurState:
    """The post's starting weights."""
    return MazurState(W1=np.array([[0.15, 0.25], [0.20, 0.30]]), W2=np.array([[0.40, 0.50], [0.45, 0.55]]))


def forward(s: MazurState) -> dict[str, Any]:
    """net_h, out_h, net_o, out_o (each shape (1, 2)) and E_total (float)."""
    net_h = X @ s.W1 + B1
    out_h = np.asarray(sigmoid(net_h))
    net_o = out_h @ s.W2 + B2
    out_o = np.asarray(sigmoid(net_o))
    E_total = float((0.5 * (Y - out_o) ** 2).sum())
    return dict(net_h=net_h, out_h=out_h, net_o=net_o, out_o=out_o, E_total=E_total)


def step(s: MazurState, variant: str = "simultaneous", lr: float = LR) -> MazurState:
    """One backprop step; the biases stay fixed.

    delta_o = (out_o − target)·out_o(1 − out_o)          (dE/dnet_o, shape (1, 2))
    dW2 = out_hᵀ·delta_o                                   (e.g. dE/dw5 = 0.082167041)
    delta_h = (delta_o·W2ᵀ)·out_h(1 − out_h), W2 old or new (see ``variant``)
    dW1 = Xᵀ·delta_h
    """
    if variant not in VARIANTS:
        raise BiasgradError(f"variant must be one of {VARIANTS}, got {variant!r}", "variant")
    f = forward(s)
    out_h, out_o = f["out_h"], f["out_o"]
    delta_o = (out_o - Y) * out_o * (1.0 - out_o)
    W2_new = s.W2 - lr * (out_h.T @ delta_o)
    W2_used = s.W2 if variant == "simultaneous" else W2_new
    delta_h = (delta_o @ W2_used.T) * out_h * (1.0 - out_h)
    W1_new = s.W1 - lr * (X.T @ delta_h)
    return MazurState(W1=W1_new, W2=W2_new)


def train(steps: int, variant: str = "simultaneous", lr: float = LR) -> list[float]:
    """E_total before training and after each of ``steps`` steps (length steps + 1)."""
    s = initial_state()
    errors = [forward(s)["E_total"]]
    for _ in range(steps):
        s = step(s, variant, lr)
        errors.append(forward(s)["E_total"])
    return errors
