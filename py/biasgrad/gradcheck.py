"""Finite differences and the relative error used to compare gradients."""

from __future__ import annotations

import math

from typing import Callable

from .errors import BiasgradError
from .inputs import check_finite

__all__ = ["central_difference", "relative_error"]


def central_difference(f: Callable[[float], float], x: float, eps: float = 1e-6, order: int = 2) -> float:
    """Estimate f'(x) by a central difference.

    Parameters
    ----------
    f : callable
        Scalar function of one float.
    x : float
        Where to differentiate.
    eps : float
        Step h > 0.
    order : {2, 4}
        2: (f(x+h) − f(x−h)) / 2h, error O(h²).
        4: (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h, error O(h⁴).

    Returns
    -------
    float
    """
    x, h = check_finite("x", x), check_finite("eps", eps)
    if not h > 0:
        raise BiasgradError(f"eps must be > 0, got {h!r}", "eps")
    if order == 2:
        estimate = (f(x + h) - f(x - h)) / (2.0 * h)
    elif order == 4:
        estimate = (-f(x + 2 * h) + 8.0 * f(x + h) - 8.0 * f(x - h) + f(x - 2 * h)) / (12.0 * h)
    else:
        raise BiasgradError(f"order must be 2 or 4, got {order!r}", "order")
    if not math.isfinite(estimate):
        raise BiasgradError("the central difference is not finite in float64 (f overflows near x); "
                            "use a smaller x or eps", "f")
    return float(estimate)


def relative_error(a: float, b: float) -> float:
    """|a − b| / max(|a|, |b|), and 0 when both are 0.

    Convention: symmetric in a and b, bounded by 2, scaled first so that it cannot
    overflow; non-finite inputs are a BiasgradError (fields ``a``, ``b``).
    """
    a, b = check_finite("a", a), check_finite("b", b)
    m = max(abs(a), abs(b))
    if m == 0.0:
        return 0.0
    return abs(a / m - b / m)
