"""The catalogue of bias-gradient mistakes: one code per mistake, with a short title.

:data:`MISTAKES` maps every code to its title. :data:`LAYER_CODES` are the codes
:func:`biasgrad.diagnose.diagnose_layer` can return, :data:`ANSWER_CODES` those of
:func:`biasgrad.diagnose.diagnose_answer` (``correct`` included).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

__all__ = ["MISTAKES", "LAYER_CODES", "ANSWER_CODES"]

_TITLES = {
    "no_reduction": "Not reduced over the batch: dZ of shape (N, n_out) returned",
    "wrong_axis": "Reduced over the neurons (axis 1) instead of the batch (axis 0)",
    "sum_for_mean": "Summed over the batch where the loss is the mean: N times too large",
    "mean_for_sum": "Averaged over the batch where the loss is the sum: N times too small",
    "mean_over_all": "Divided by N·n_out (PyTorch's reduction=\"mean\") instead of N",
    "mse_factor": "Off by the factor 2 between ½(a − y)² and (a − y)²",
    "missing_activation_derivative": "dL/da used as dL/dz: the factor f′(z) is missing",
    "extra_activation_derivative": "f′(z) multiplied in although sigmoid + BCE already cancels it",
    "derivative_of_output": "f′ applied to the output a instead of z, e.g. σ(a)(1 − σ(a))",
    "sign": "The negative of the right answer",
    "weight_gradient": "The weight gradient dW = Xᵀ·dZ (or something of its shape)",
    "shape": "Right values in the wrong shape, e.g. (1, n_out) for a bias of shape (n_out,)",
    "not_finite": "NaN or infinity in the result",
    "raises": "The function raised an exception",
    "loss_value": "The loss L instead of its derivative",
    "bias_next": "The updated bias b′ = b − lr·dL/db instead of the gradient",
    "unknown": "Wrong, and like none of the known mistakes",
}

#: Code → short title, for every mistake either diagnosis can name (read-only).
MISTAKES: Mapping[str, str] = MappingProxyType(_TITLES)

#: The codes :func:`~biasgrad.diagnose.diagnose_layer` returns (``mistake`` is None when right).
LAYER_CODES: tuple[str, ...] = (
    "no_reduction", "wrong_axis", "sum_for_mean", "mean_for_sum", "mean_over_all", "mse_factor",
    "missing_activation_derivative", "extra_activation_derivative", "derivative_of_output", "sign",
    "weight_gradient", "shape", "not_finite", "raises", "unknown",
)

#: The codes :func:`~biasgrad.diagnose.diagnose_answer` returns; ``correct`` when right.
ANSWER_CODES: tuple[str, ...] = (
    "correct", "mse_factor", "missing_activation_derivative", "extra_activation_derivative",
    "derivative_of_output", "sign", "weight_gradient", "loss_value", "bias_next", "unknown",
)
