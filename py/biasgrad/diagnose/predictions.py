"""Each mistake's own prediction, built from the trial data by making that mistake.

A learner's bias gradient is a pipeline of four steps, and each mistake changes one step:

1. ``dA`` – dL/da from the loss (``mse_factor`` changes it),
2. ``dZ`` – dA·f′(z) (``missing_activation_derivative``, ``extra_activation_derivative``,
   ``derivative_of_output`` change it),
3. ``db`` – the reduction over the batch (``no_reduction``, ``wrong_axis``, ``sum_for_mean``,
   ``mean_for_sum``, ``mean_over_all``, ``weight_gradient`` change it),
4. the sign (``sign``) and the final shape (``shape``).

:func:`predictions` runs every combination of variants on one trial, so a result can be
recognised as one mistake, as two at once, or as none of them. A variant whose output equals
the right step's on the trial (e.g. a missing f′ of the linear activation, whose f′ is 1) is
no mistake there and is left out.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..activations import Activation, sigmoid
from ..losses import Loss
from .trials import Trial

__all__ = ["Prediction", "predictions", "close"]

Array = np.ndarray


@dataclass(frozen=True)
class Prediction:
    """What one combination of mistakes returns on one trial.

    Attributes
    ----------
    codes : tuple of str
        The mistakes made, in pipeline order; empty for the right answer.
    steps : tuple of str
        How each step was written, e.g. ``("dA = 2(A − Y)", "dZ = dA·f′(Z)", "db = dZ.sum(0)")``.
    value : ndarray
        The result, in its shape.
    """

    codes: tuple[str, ...]
    steps: tuple[str, ...]
    value: Array


def close(got: Array, want: Array) -> bool:
    """Same shape and equal to float64 rounding of a few operations (rtol 1e-6).

    Convention: relative 1e-6 against the largest |want| (absolute 1e-12 for a zero answer),
    so any correct float64 implementation passes and a factor, sign or term does not.
    """
    if got.shape != want.shape:
        return False
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    return bool(np.all(np.abs(got - want) <= 1e-6 * scale + 1e-12))


Variant = tuple[str | None, str, Callable[..., Array]]


def _dA_variants(loss: Loss) -> list[Variant]:
    if loss.takes_logits:
        return [(None, "", lambda t: t.dZ)]
    right: Variant = (None, "dA = dL/da", lambda t: np.asarray(loss.dL_da(t.A, t.Y), dtype=np.float64))
    factor, word = loss.other_convention_factor, loss.other_convention_word
    if factor is None or word is None:
        return [right]
    slip = "dA = 2(A − Y)" if word == "twice" else "dA = A − Y"  # the other squared error's derivative
    return [right, ("mse_factor", slip, lambda t: factor * np.asarray(loss.dL_da(t.A, t.Y), dtype=np.float64))]


def _f_prime(act: Activation, v: Array) -> Array:
    return np.asarray(act.derivative(v), dtype=np.float64)


def _dZ_variants(act: Activation, loss: Loss) -> list[Variant]:
    if loss.takes_logits:  # bce_logits: the loss takes z, dZ = σ(Z) − Y
        return [(None, "dZ = σ(Z) − Y", lambda t, dA: dA),
                ("extra_activation_derivative", "dZ = (σ(Z) − Y)·σ′(Z)", lambda t, dA: dA * _f_prime(act, t.Z))]
    out: list[Variant] = [
        (None, "dZ = dA·f′(Z)", lambda t, dA: dA * _f_prime(act, t.Z)),
        ("missing_activation_derivative", "dZ = dA", lambda t, dA: dA),
        ("derivative_of_output", "dZ = dA·f′(A)", lambda t, dA: dA * _f_prime(act, t.A)),
    ]
    if loss.uses_link(act):  # sigmoid + BCE: dZ = A − Y, and σ′ applied once more is the slip
        out.append(("extra_activation_derivative", "dZ = (A − Y)·σ′(Z)",
                    lambda t, dA: (np.asarray(sigmoid(t.Z)) - t.Y) * _f_prime(act, t.Z)))
    return out


def _db_variants(reduction: str) -> list[Variant]:
    out: list[Variant] = [
        (None, "db = w·dZ.sum(axis=0)", lambda t, dZ: t.weight * dZ.sum(axis=0)),
        ("no_reduction", "db = dZ", lambda t, dZ: dZ),
        ("no_reduction", "db = w·dZ", lambda t, dZ: t.weight * dZ),
        ("wrong_axis", "db = dZ.sum(axis=1)", lambda t, dZ: dZ.sum(axis=1)),
        ("wrong_axis", "db = dZ.mean(axis=1)", lambda t, dZ: dZ.mean(axis=1)),
        ("wrong_axis", "db = w·dZ.sum(axis=1)", lambda t, dZ: t.weight * dZ.sum(axis=1)),
        ("wrong_axis", "db = dZ.sum(axis=1, keepdims=True)", lambda t, dZ: dZ.sum(axis=1, keepdims=True)),
        ("wrong_axis", "db = dZ.mean(axis=1, keepdims=True)", lambda t, dZ: dZ.mean(axis=1, keepdims=True)),
        ("wrong_axis", "db = w·dZ.sum(axis=1, keepdims=True)",
         lambda t, dZ: t.weight * dZ.sum(axis=1, keepdims=True)),
        ("mean_over_all", "db = dZ.sum(axis=0) / (N·n_out)", lambda t, dZ: dZ.sum(axis=0) / dZ.size),
        ("weight_gradient", "db = w·Xᵀ·dZ", lambda t, dZ: t.weight * (t.X.T @ dZ)),
        ("weight_gradient", "db = Xᵀ·dZ", lambda t, dZ: t.X.T @ dZ),
    ]
    if reduction == "mean":
        out.append(("sum_for_mean", "db = dZ.sum(axis=0)", lambda t, dZ: dZ.sum(axis=0)))
    else:
        out.append(("mean_for_sum", "db = dZ.mean(axis=0)", lambda t, dZ: dZ.mean(axis=0)))
    return out


_SIGNS: list[Variant] = [(None, "", lambda v: v), ("sign", "db = −db", lambda v: -v)]


def _shapes(n_out: int) -> list[Variant]:
    return [(None, "", lambda v: v),
            ("shape", "db.reshape(1, n_out)", lambda v: v.reshape(1, n_out) if v.shape == (n_out,) else None),
            ("shape", "db.reshape(n_out, 1)", lambda v: v.reshape(n_out, 1) if v.shape == (n_out,) else None)]


def _differs(v: Array, right: Array) -> bool:
    return not close(v, right)


def predictions(trial: Trial, act: Activation, loss: Loss, reduction: str) -> list[Prediction]:
    """Every combination of the right steps and the mistakes' steps, on one trial.

    Returns
    -------
    list of Prediction
        The first is the right answer (``codes == ()``). A mistake's variant is skipped
        where it equals the right step on this trial.
    """
    out: list[Prediction] = []
    dAs = []
    dA_right = None
    for code, step, fn in _dA_variants(loss):
        v = fn(trial)
        if code is None:
            dA_right = v
        elif dA_right is not None and not _differs(v, dA_right):
            continue
        dAs.append((code, step, v))
    dZ_specs = _dZ_variants(act, loss)
    dZs = []
    for (c1, s1, dA) in dAs:
        right = None
        for code, step, fn in dZ_specs:
            v = fn(trial, dA)
            if code is None:
                right = v
            elif right is not None and not _differs(v, right):
                continue
            dZs.append((tuple(c for c in (c1, code) if c), (s1, step), v))
    db_specs = _db_variants(reduction)
    for (codes, steps, dZ) in dZs:
        for code, step, fn in db_specs:
            v = fn(trial, dZ)
            for (cs, ss, sfn), (ch, sh, hfn) in itertools.product(_SIGNS, _shapes(trial.n_out)):
                shaped = hfn(sfn(v))
                if shaped is None:
                    continue
                all_codes = codes + tuple(c for c in (code, cs, ch) if c)
                out.append(Prediction(all_codes, tuple(s for s in steps + (step, ss, sh) if s), shaped))
    # the right answer first; combinations sorted by how many mistakes they hold
    out.sort(key=lambda p: len(p.codes))
    return out
