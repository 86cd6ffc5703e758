"""The one home of input validation: text or numbers in, checked floats out.

Both the command line and the web bridge parse every number through
:func:`parse_number`, so an error reads the same everywhere.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import NDArray

from .errors import BiasgradError

if TYPE_CHECKING:  # imported lazily at run time (activations/losses import nothing from here)
    from .activations import Activation
    from .losses import Loss

__all__ = ["parse_number", "check_finite", "finite_array", "check_count", "parse_activation", "parse_loss",
           "parse_network_loss", "check_lr"]

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
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise BiasgradError(f"{field} must be a finite number, got {_shown(repr(value))}", field)
    try:
        v = float(value)
    except OverflowError:  # an int or Fraction beyond float64
        raise BiasgradError(f"{field} is too large for float64 (max about 1.8e308)", field) from None
    if math.isnan(v):
        raise BiasgradError(f"{field} is NaN; it must be a finite number", field)
    if math.isinf(v):
        raise BiasgradError(f"{field} is {'+' if v > 0 else '-'}infinity; it must be a finite number", field)
    return v


def finite_array(field: str, value: Any) -> NDArray[np.float64]:
    """``value`` as a float64 array of finite numbers, or a BiasgradError naming ``field``.

    Convention: numbers only — text (``"1"`` or ``["1", "2"]``), None, bools and ragged
    nesting are refused, as :func:`check_finite` refuses them for a scalar; Python ints and
    Fractions beyond float64 are refused as too large, never turned into inf.
    """
    if type(value) is np.ndarray and value.dtype == np.float64 and np.isfinite(value).all():
        return value  # the common case, checked in one pass
    if isinstance(value, (str, bytes)):
        raise BiasgradError(f"{field} must be numbers, got text {_shown(repr(value))}", field)
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):
        raise BiasgradError(f"{field} must be a rectangular array of numbers (rows of equal length)", field) from None
    if arr.dtype.kind in "iuf":
        with np.errstate(over="ignore"):
            out = arr.astype(np.float64)
    elif arr.dtype.kind == "O":
        out = np.empty(arr.shape, dtype=np.float64)
        for i in np.ndindex(arr.shape):
            item: Any = arr[i]
            try:
                out[i] = check_finite(f"{field}[{', '.join(map(str, i))}]" if arr.ndim else field, item)
            except BiasgradError as e:
                raise BiasgradError(str(e), field) from None
    elif arr.dtype.kind == "b":
        raise BiasgradError(f"{field} must be numbers, got booleans", field)
    elif arr.dtype.kind in "US":
        raise BiasgradError(f"{field} must be numbers, got text {_shown(repr(arr.flat[0].item()))}", field)
    else:
        raise BiasgradError(f"{field} must be real numbers, got dtype {arr.dtype}", field)
    bad = ~np.isfinite(out)
    if np.any(bad):
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        where = f"{field}[{', '.join(map(str, i))}]" if i else field
        v = float(out[i])
        what = "NaN" if math.isnan(v) else ("too large for float64" if arr.dtype.kind != "f"
                                            else f"{'+' if v > 0 else '-'}infinity")
        raise BiasgradError(f"{where} is {what}; it must be a finite number", field)
    return out


def check_count(field: str, value: Any, minimum: int = 0) -> int:
    """``value`` as an int ≥ ``minimum`` (a count: sizes, epochs, a seed), or a BiasgradError naming ``field``.

    Convention: integral numbers only (3 and 3.0 pass; 3.5, "3", True and None do not).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise BiasgradError(f"{field} must be a whole number, got {_shown(repr(value))}", field)
    whole = isinstance(value, numbers.Integral) or (math.isfinite(float(value)) and float(value).is_integer())
    if not whole:
        raise BiasgradError(f"{field} must be a whole number, got {_shown(repr(value))}", field)
    count = int(value) if isinstance(value, numbers.Integral) else int(float(value))
    if count < minimum:
        raise BiasgradError(f"{field} must be at least {minimum}, got {count}", field)
    return count


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
        return check_finite(field, text)
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


def _lookup(registry: dict[str, Any], field: str, text: str) -> Any:
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

    return cast("Activation", _lookup(ACTIVATIONS, "activation", text))


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

    return cast("Loss", _lookup(LOSSES, "loss", text))


def parse_network_loss(text: str) -> "Loss":
    """As :func:`parse_loss`, over :data:`~biasgrad.losses.NETWORK_LOSSES` (softmax cross-entropy too)."""
    from .losses import NETWORK_LOSSES

    return cast("Loss", _lookup(NETWORK_LOSSES, "loss", text))
