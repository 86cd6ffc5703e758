"""How the calculator writes a number: readable text, TeX, and plain text inside formulas.

One home for the calculator's number formats (``calculator.py`` and ``calculator_figure.py``
both import it, so neither imports the other). ``fmt`` is the site's one number format,
:func:`biasgrad.web.number_format.fmt`, re-exported here.
"""

from __future__ import annotations

import math
from typing import Any

from .number_format import MISSING, fmt

__all__ = ["clean", "fmt", "tex", "plain"]


def clean(value: Any) -> float | None:
    """A float64 or None; NaN and ±inf never leave this module."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def tex(value: float | None, digits: int = 4, paren: bool = False) -> str:
    """A number in TeX; negative numbers in parentheses when ``paren`` (after an operator)."""
    if value is None:
        return rf"\text{{{MISSING}}}"
    if value == 0:
        text = "0"
    elif 1e-4 <= abs(value) < 1e6:
        text = f"{value:.{digits}g}"
        if "e" in text:
            text = f"{value:.0f}"
    else:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    if paren and value < 0:
        return f"({text})"
    return text


def plain(value: float | None, paren: bool = False) -> str:
    text = fmt(value, 4)
    return f"({text})" if paren and value is not None and value < 0 else text
