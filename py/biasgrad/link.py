"""The one loss path: L and dL/dz for (activation, loss, z, y), vectorised over z and y.

Each loss takes the derivative with respect to its own input; a loss paired with its link
(sigmoid with BCE, the softmax inside softmax cross-entropy) gives dL/dz directly, as
scikit-learn's ``_loss`` does with its link objects. Every caller — the neuron, the network,
the calculator's chart and the explorers — gets its numbers here; none compares names.

    >>> from biasgrad.link import loss_and_dL_dz
    >>> loss_and_dL_dz("sigmoid", "bce", 0.0, 1.0)      # ln 2, σ(0) − 1
    (0.6931471805599453, -0.5)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from .activations import Activation
from .errors import BiasgradError
from .inputs import finite_array, parse_activation, parse_network_loss
from .losses import Loss
from .terms import ChainTerms

__all__ = ["loss_and_dL_dz", "loss_and_dL_dz_where_defined", "chain_terms", "ChainTerms"]


def _ret(v: np.ndarray) -> Any:
    return float(v) if np.ndim(v) == 0 else v


def chain_terms(activation: str | Activation, loss: str | Loss, z: Any, y: Any, *,
                require_defined: bool = False) -> ChainTerms:
    """Every chain-rule term (a, L, dL/da, da/dz, dL/dz and their masks) at each (z, y).

    Parameters
    ----------
    activation : str or Activation
    loss : str or Loss
        A name in :data:`~biasgrad.losses.NETWORK_LOSSES` or a loss object.
    z : array_like of float, or Fraction
        Pre-activations; a :class:`~fractions.Fraction` is one exact z (such as w·x + b
        before rounding), from which the residual a − y is formed.
    y : array_like of float
        Targets, broadcast against z.
    require_defined : bool
        Raise (as :func:`loss_and_dL_dz` does) unless every value is defined.

    Returns
    -------
    ChainTerms
        NaN-free arrays with ``in_domain`` / ``defined`` masks; unless ``require_defined``,
        nothing is raised for values outside the loss's domain.

    Raises
    ------
    BiasgradError
        Unknown names (field ``activation`` / ``loss``), a loss that cannot follow this
        activation (``activation``), targets outside the loss's domain (``y``), or z / y
        that are not finite numbers (``z`` / ``y``).
    """
    act = activation if isinstance(activation, Activation) else parse_activation(activation)
    lo = loss if isinstance(loss, Loss) else parse_network_loss(loss)
    lo.check_activation(act)
    yv = finite_array("y", y)
    lo.check_target(yv)
    if isinstance(z, Fraction):
        if yv.ndim:
            raise BiasgradError(f"with one exact z (a Fraction), y must be one number, got shape {yv.shape}", "y")
        try:
            zf = float(z)
        except OverflowError:
            raise BiasgradError("z overflows float64 (|z| > 1.8e308)", "z") from None
        t = lo.chain(act, np.asarray(zf, dtype=np.float64), yv, z_exact=z)
    else:
        zv = finite_array("z", z)
        try:
            np.broadcast_shapes(zv.shape, yv.shape)
        except ValueError:
            raise BiasgradError(f"y of shape {yv.shape} does not broadcast against z of shape {zv.shape}", "y") from None
        t = lo.chain(act, zv, yv)
    if require_defined:
        _require_defined(act, t, "y" if np.max(np.abs(yv), initial=0.0) > np.max(np.abs(np.float64(z) if isinstance(
            z, Fraction) else finite_array("z", z)), initial=0.0) else "z")
    return t


def _require_defined(act: Activation, t: ChainTerms, largest: str) -> None:
    if not t.in_domain.all():
        bad = float(t.a[np.broadcast_to(~t.in_domain, t.a.shape)].flat[0]) if t.a.ndim else float(t.a)
        raise BiasgradError(f"BCE is undefined here: the {act.name} output a = {bad!r} is "
                            f"{'below 0' if bad < 0 else 'above 1'}; BCE needs a probability a in [0, 1] "
                            "(use sigmoid)", "loss")
    if not t.defined.all():
        raise BiasgradError(f"the loss or dL/dz is not finite in float64 (overflow); use a smaller {largest}", largest)


def loss_and_dL_dz(activation: str | Activation, loss: str | Loss, z: Any, y: Any) -> tuple[Any, Any]:
    """The loss L and the error signal dL/dz (= dL/db, since dz/db = 1) at each (z, y).

    Parameters
    ----------
    activation, loss, z, y
        As in :func:`chain_terms`.

    Returns
    -------
    L : float or ndarray
        Same shape as z and y broadcast (one value per row for softmax cross-entropy).
    dL_dz : float or ndarray
        Same shape as z and y broadcast.

    Raises
    ------
    BiasgradError
        As :func:`chain_terms`; and with field ``loss`` where the loss is undefined (BCE on
        an output outside [0, 1]), or field ``z`` / ``y`` (the larger) where a value overflows float64.

    Examples
    --------
    >>> loss_and_dL_dz("linear", "mse_half", [1.0, 3.0], 2.0)
    (array([0.5, 0.5]), array([-1.,  1.]))
    """
    t = chain_terms(activation, loss, z, y, require_defined=True)
    return _ret(t.L), _ret(t.dL_dz)


def loss_and_dL_dz_where_defined(activation: str | Activation, loss: str | Loss, z: Any,
                                 y: Any) -> tuple[Any, Any, Any]:
    """L, dL/dz and a mask of where they are defined, for drawing a curve with gaps.

    Returns
    -------
    L, dL_dz : ndarray (float for scalars)
        0.0 where ``defined`` is False; never NaN or inf.
    defined : ndarray of bool (bool for scalars)
        True where the loss is defined and both values are finite.

    Examples
    --------
    >>> L, g, ok = loss_and_dL_dz_where_defined("linear", "bce", [0.5, 1.5], 1.0)
    >>> ok.tolist()
    [True, False]
    """
    t = chain_terms(activation, loss, z, y)
    ok = t.defined if t.defined.ndim else bool(t.defined)
    return _ret(t.L), _ret(t.dL_dz), ok
