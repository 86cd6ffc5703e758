"""Finite differences and the relative error used to compare gradients."""

from __future__ import annotations

from typing import Callable

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
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps!r}")
    h = float(eps)
    if order == 2:
        return (f(x + h) - f(x - h)) / (2.0 * h)
    if order == 4:
        return (-f(x + 2 * h) + 8.0 * f(x + h) - 8.0 * f(x - h) + f(x - 2 * h)) / (12.0 * h)
    raise ValueError(f"order must be 2 or 4, got {order!r}")


def relative_error(a: float, b: float) -> float:
    """|a − b| / max(|a|, |b|), and 0 when both are 0.

    Convention: symmetric in a and b, bounded by 2, scaled first so that it cannot
    overflow. Returns inf/nan only for non-finite inputs.
    """
    a, b = float(a), float(b)
    m = max(abs(a), abs(b))
    if m == 0.0:
        return 0.0
    return abs(a / m - b / m)
