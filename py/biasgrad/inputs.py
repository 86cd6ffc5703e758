"""The one home of input validation: text or numbers in, checked floats out.

Both the command line and the web bridge parse every number through
:func:`parse_number`, so an error reads the same everywhere.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

from .errors import BiasgradError

if TYPE_CHECKING:  # imported lazily at run time (activations/losses import nothing from here)
    from .activations import Activation
    from .losses import Loss

__all__ = ["parse_number", "check_finite", "parse_activation", "parse_loss", "check_lr"]

_MAX_SHOWN = 40


def _shown(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def check_finite(field: str, value: float) -> float:
    """Return ``value`` as a float, or raise if it is NaN or infinite.

    Parameters
    ----------
    field : str
        Name of the input, used in the message.
    value : float
        The number to check.

    Returns
    -------
    float
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BiasgradError(f"{field} must be a finite number, got {value!r}", field)
    v = float(value)
    if math.isnan(v):
        raise BiasgradError(f"{field} is NaN; it must be a finite number", field)
    if math.isinf(v):
        raise BiasgradError(f"{field} is {'+' if v > 0 else '-'}infinity; it must be a finite number", field)
    return v


def parse_number(field: str, text: str | float | int) -> float:
    """Parse one numeric input.

    Parameters
    ----------
    field : str
        Name of the input (``"x"``, ``"lr"`` ...), used in the message and as
        ``BiasgradError.field``.
    text : str or float or int
        What the user typed. Numbers are accepted as they are and checked.

    Returns
    -------
    float
        A finite float64.

    Raises
    ------
    BiasgradError
        ``"x is empty"``, ``"x must be a finite number, got 'abc'"``,
        ``"x is NaN ..."``, ``"x is +infinity ..."``, or ``"x = '1e999' is too large
        for float64"``.

    Notes
    -----
    Convention: surrounding spaces are ignored and a typographic minus (U+2212)
    counts as ``-``; anything else Python's ``float()`` rejects is an error.
    """
    if not isinstance(text, str):
        return check_finite(field, text)  # type: ignore[arg-type]
    s = text.strip().replace("\u2212", "-")
    if not s:
        raise BiasgradError(f"{field} is empty; enter a number", field)
    try:
        v = float(s)
    except ValueError:
        raise BiasgradError(f"{field} must be a finite number, got {_shown(text)!r}", field) from None
    if math.isnan(v):
        raise BiasgradError(f"{field} is NaN; it must be a finite number", field)
    if math.isinf(v):
        if s.lstrip("+-").lower().startswith("inf"):
            raise BiasgradError(f"{field} is {'+' if v > 0 else '-'}infinity; it must be a finite number", field)
        raise BiasgradError(f"{field} = {_shown(s)!r} is too large for float64 (max about 1.8e308)", field)
    return v


def check_lr(lr: float) -> float:
    """Return the learning rate if it is finite and >= 0, else raise (field ``"lr"``)."""
    v = check_finite("lr", lr)
    if v < 0:
        raise BiasgradError(f"lr must be >= 0 (a step against the gradient), got {v!r}", "lr")
    return v


def _normalise(text: str) -> str:
    return str(text).strip().lower().replace("-", "_").replace(" ", "_")


def _lookup(registry: dict, field: str, text: str):
    """``registry[name]`` for a user-typed name, or a BiasgradError listing the valid names."""
    key = _normalise(text)
    if key not in registry:
        raise BiasgradError(f"unknown {field} {_shown(str(text))!r}; choose one of: {', '.join(registry)}", field)
    return registry[key]


def parse_activation(text: str) -> "Activation":
    """Look an activation up by name (case-insensitive, ``-`` or ``_``).

    Returns
    -------
    Activation

    Raises
    ------
    BiasgradError
        With field ``"activation"`` and the list of valid names.
    """
    from .activations import ACTIVATIONS

    return _lookup(ACTIVATIONS, "activation", text)


def parse_loss(text: str) -> "Loss":
    """Look a loss up by name (case-insensitive, ``-`` or ``_``).

    Returns
    -------
    Loss

    Raises
    ------
    BiasgradError
        With field ``"loss"`` and the list of valid names.
    """
    from .losses import LOSSES

    return _lookup(LOSSES, "loss", text)
