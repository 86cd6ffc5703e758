"""The sentence for a person that goes with each diagnosis: what to change, with the factor or shape."""

from __future__ import annotations

import numpy as np

from ..activations import Activation
from ..losses import Loss
from .catalogue import MISTAKES
from .trials import Trial

__all__ = ["layer_message", "shape_text"]


def shape_text(shape: tuple[int, ...]) -> str:
    """``(4,)``, ``(1, 4)`` as Python prints a shape."""
    return str(tuple(int(s) for s in shape))


def _reduce_text(reduction: str) -> str:
    return "dZ.sum(axis=0)" if reduction == "sum" else "dZ.sum(axis=0) / N (that is, dZ.mean(axis=0))"


def layer_message(code: str, t: Trial, got: np.ndarray, act: Activation, loss: Loss, reduction: str) -> str:
    """One or two sentences for ``code`` on trial ``t``, where the function returned ``got``."""
    N, n_in, n_out = t.N, t.n_in, t.n_out
    want = shape_text((n_out,))
    seen = shape_text(got.shape)
    fp = f"{act.name}′(z) = {act.derivative_text}"  # the formula's one home is the activation
    if code == "no_reduction":
        return (f"Your db has shape {seen}, the shape of dZ (N, n_out) for N = {N}: it was never reduced over the "
                f"batch. Return {_reduce_text(reduction)}, shape {want}.")
    if code == "wrong_axis":
        return (f"Your db has shape {seen}, one number per example: dZ was reduced over axis 1 (the neurons). "
                f"Reduce over axis 0, the batch: {_reduce_text(reduction)}, shape {want}.")
    if code == "sum_for_mean":
        return (f"Your db is N = {N} times too large: it sums dZ over the batch, but the loss is the mean over "
                f"the N examples. Divide by N: dZ.sum(axis=0) / N.")
    if code == "mean_for_sum":
        return (f"Your db is N = {N} times too small: it averages dZ over the batch, but the loss is the sum over "
                f"the N examples. Use dZ.sum(axis=0) without dividing by N.")
    if code == "mean_over_all":
        factor = n_out if reduction == "mean" else N * n_out
        return (f"Your db is {factor} times too small: it divides by N·n_out = {N}·{n_out} = {N * n_out}, the "
                f"number of entries of dZ (PyTorch's reduction=\"mean\"), but each example's loss is summed over "
                f"its outputs. Use {_reduce_text(reduction)}.")
    if code == "mse_factor":
        if loss.other_convention_word == "twice":
            return ("Your db is twice the right value: 2(a − y) is the derivative of (a − y)², but this loss is "
                    "½(a − y)², whose derivative is a − y. Drop the factor 2.")
        return ("Your db is half the right value: a − y is the derivative of ½(a − y)², but this loss is "
                "(a − y)², whose derivative is 2(a − y). Multiply by 2.")
    if code == "missing_activation_derivative":
        if loss.uses_link(act):
            return ("Your db uses dL/da = (a − y)/(a(1 − a)) as dL/dz: the factor σ′(z) = a(1 − a) is missing. "
                    "Multiplied in, it cancels the denominator and leaves dZ = A − Y.")
        return (f"Your db uses dL/da as dL/dz: the activation's derivative {fp} is missing. "
                f"Multiply before reducing: dZ = dA * f′(Z).")
    if code == "extra_activation_derivative":
        return ("Your db multiplies a − y by σ′(z) once more: with a sigmoid and binary cross-entropy, "
                "dL/dz = a − y already (σ′ cancels the 1/(a(1 − a)) of dL/da). Use dZ = A − Y.")
    if code == "derivative_of_output":
        return (f"Your db evaluates f′ at the output a instead of at z (for example σ(A)(1 − σ(A)), which applies "
                f"the activation twice). Use {fp} at Z, or the same written with A, such as A(1 − A).")
    if code == "sign":
        return ("Your db has the opposite sign: it is −dL/db. Check the order in a − y (not y − a) and that "
                "no minus sign was added; the update b − lr·db does the descending.")
    if code == "weight_gradient":
        is_dW = got.shape == (n_in, n_out)
        return (f"Your db has shape {seen}, the shape of W (n_in, n_out) = ({n_in}, {n_out})"
                f"{': it is the weight gradient dW = Xᵀ·dZ' if is_dW else ''}. Since dz/db = 1, the bias gradient "
                f"has no X in it: {_reduce_text(reduction)}, shape {want}.")
    if code == "shape":
        try:
            after = shape_text(np.broadcast_shapes((n_out,), got.shape))
        except ValueError:
            after = "an error"
        return (f"The values are right, but db has shape {seen} instead of the bias's {want}. Shapes (1, n) "
                f"and (n,) broadcast alike in X @ W + b, but b − lr·db would turn b into {after}. "
                f"Return db.reshape(b.shape), or drop keepdims=True.")
    return MISTAKES[code]
