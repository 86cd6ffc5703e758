"""How the site writes a number for the reader: the one home of that format in Python.

``site_js/number_format.js`` is its JavaScript twin (the tables chart.js redraws); the two agree
character for character, which ``tests/test_number_format.py`` checks under node.

The format, for ``fmt(value, digits=6)``:

* missing or not finite (None, NaN, ±inf, a value that is not a number): an em dash ``—`` (U+2014);
* zero, and −0: ``0``;
* minus sign: ``−`` (U+2212), in the number and in the exponent, never the hyphen-minus;
* fixed notation for ``1e-4 <= |value| < 1e6``: ``digits`` significant digits, trailing zeros
  (and a trailing point) dropped: ``0.000123457``, ``−1.5``, ``123457``. When the integer part
  has more than ``digits`` digits (only when rounding carries, 999999.7 → ``1000000``, at the
  default 6) the number is rounded to whole units instead;
* scientific outside that range: ``digits − 1`` significant digits, trailing zeros dropped, ``e``
  and the exponent as a plain integer: ``1.2346e−5``, ``1e6``, ``−2.5e300``;
* integers follow the same rule (JSON cannot tell 3 from 3.0, so the browser cannot either):
  ``3``, ``−3``, ``123456``, ``1234567`` → ``1.2346e6``;
* rounding: the exact binary value, to nearest, ties away from zero, as JavaScript's
  ``toPrecision``/``toExponential``/``toFixed`` do (Python's own ``format`` rounds ties to even,
  so this module rounds with :mod:`decimal` and ``ROUND_HALF_UP`` on ``Decimal(value)``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

__all__ = ["MINUS", "MISSING", "fmt", "number_or_none"]

MINUS = "\u2212"
"""The minus sign the reader sees (U+2212)."""
MISSING = "\u2014"
"""What a missing or non-finite number shows (an em dash, U+2014)."""

FIXED_LO = 1e-4
"""Smallest magnitude written in fixed notation."""
FIXED_HI = 1e6
"""Magnitudes from here on are written in scientific notation."""


def number_or_none(value: Any) -> float | None:
    """The float to format, or None for a missing, non-numeric or non-finite value (bool is not a number)."""
    if value is None or isinstance(value, (bool, str)):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return v if math.isfinite(v) else None


def _rounded(d: Decimal, significant: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = significant
        ctx.rounding = ROUND_HALF_UP
        return +d  # unary plus rounds to the context


def _strip(digits: str) -> str:
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits


def _fixed(d: Decimal, digits: int) -> str:
    r = _rounded(d, digits)
    if r.adjusted() >= digits:  # the integer part alone has more digits: whole units
        r = d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return _strip(f"{r:f}")


def _scientific(d: Decimal, digits: int) -> str:
    r = _rounded(d, digits - 1)
    coefficient = "".join(str(c) for c in r.as_tuple().digits).ljust(digits - 1, "0")
    mantissa = _strip(coefficient[0] + "." + coefficient[1:])
    return f"{mantissa}e{r.adjusted()}"


def fmt(value: Any, digits: int = 6) -> str:
    """``value`` as the reader sees it (the format is in this module's docstring); ``digits`` ≥ 2."""
    v = number_or_none(value)
    if v is None:
        return MISSING
    if v == 0:
        return "0"
    d = Decimal(abs(v))  # exact
    text = _fixed(d, digits) if FIXED_LO <= abs(v) < FIXED_HI else _scientific(d, digits)
    text = text.replace("-", MINUS)
    return MINUS + text if v < 0 else text
