"""ChainTerms: every value of one chain rule dL/dz = dL/da · da/dz, for arrays of z and y.

A loss object builds them (``Loss.chain(activation, z, y)``); :mod:`biasgrad.link` is the
public door. The arrays never hold NaN or ±inf: where a value does not exist its mask says so
and the value is 0.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["ChainTerms", "FloatArray", "BoolArray"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class ChainTerms:
    """The chain-rule values at each (z, y); all arrays broadcast to one shape.

    Attributes
    ----------
    a : ndarray
        f(z).
    L : ndarray
        The loss; per row (shape without the last axis) for softmax cross-entropy.
    dL_da : ndarray
        The loss's derivative with respect to a; 0.0 where ``has_dL_da`` is False.
    da_dz : ndarray
        f'(z).
    dL_dz : ndarray
        The error signal δ = dL/dz (= dL/db, since dz/db = 1).
    in_domain : ndarray of bool, shape of L
        False where the loss is undefined (BCE on an output outside [0, 1]).
    defined : ndarray of bool, shape of L
        In the domain and every value finite in float64; L and dL/dz are 0.0 elsewhere.
    has_dL_da : ndarray of bool
        False where dL/da is not a quantity of this loss (it takes z itself) or exceeds
        float64 while dL/dz does not.
    clipped : ndarray of bool
        True where BCE's a was exactly 0 or 1 and was clipped (``BCE_CLIP``).
    """

    a: FloatArray
    L: FloatArray
    dL_da: FloatArray
    da_dz: FloatArray
    dL_dz: FloatArray
    in_domain: BoolArray
    defined: BoolArray
    has_dL_da: BoolArray
    clipped: BoolArray

    @classmethod
    def build(cls, a: Any, L: Any, dL_da: Any, da_dz: Any, dL_dz: Any, in_domain: Any = True,
              has_dL_da: Any = True, clipped: Any = False) -> ChainTerms:
        """Broadcast, mask every non-finite value (never NaN or inf) and zero what is masked.

        ``L`` may have one axis less than the other terms (softmax: one loss per row).
        """
        a, dL_da, da_dz, dL_dz = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, dL_da, da_dz, dL_dz)))
        L = np.asarray(L, dtype=np.float64)
        if (in_domain is True and isinstance(has_dL_da, bool) and clipped is False
                and np.isfinite(L).all() and np.isfinite(dL_dz).all() and np.isfinite(a).all()
                and np.isfinite(da_dz).all() and (not has_dL_da or np.isfinite(dL_da).all())):
            ok_L, ok = np.ones(L.shape, dtype=bool), np.ones(dL_dz.shape, dtype=bool)  # every value exists
            return cls(a=a, L=L, dL_da=dL_da if has_dL_da else np.zeros(dL_dz.shape), da_dz=da_dz, dL_dz=dL_dz,
                       in_domain=ok_L, defined=ok_L, has_dL_da=ok if has_dL_da else ~ok, clipped=~ok)
        per_row = L.ndim < dL_dz.ndim
        elem_ok = np.isfinite(a) & np.isfinite(da_dz) & np.isfinite(dL_dz)
        domain = np.broadcast_to(np.asarray(in_domain, dtype=bool), L.shape if per_row else dL_dz.shape)
        L = np.broadcast_to(L, domain.shape)
        ok = domain & np.isfinite(L) & (elem_ok.all(axis=-1) if per_row else elem_ok)
        ok_elem = np.broadcast_to(ok[..., None], dL_dz.shape) if per_row else ok
        with_da = np.broadcast_to(np.asarray(has_dL_da, dtype=bool), dL_dz.shape) & ok_elem & np.isfinite(dL_da)
        zero = np.zeros(dL_dz.shape)
        return cls(
            a=np.where(np.isfinite(a), a, zero), L=np.where(ok, L, 0.0), dL_da=np.where(with_da, dL_da, zero),
            da_dz=np.where(np.isfinite(da_dz), da_dz, zero), dL_dz=np.where(ok_elem, dL_dz, zero),
            in_domain=np.array(domain), defined=np.array(ok), has_dL_da=np.array(with_da),
            clipped=np.broadcast_to(np.asarray(clipped, dtype=bool), dL_dz.shape) & ok_elem,
        )
