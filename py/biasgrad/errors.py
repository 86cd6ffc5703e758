"""The one error class of the package."""

from __future__ import annotations

__all__ = ["BiasgradError"]


class BiasgradError(ValueError):
    """Bad input, an undefined combination, or a result float64 cannot hold.

    Parameters
    ----------
    message : str
        One sentence that says what is wrong and why.
    field : str or None
        The input that caused it (``"x"``, ``"w"``, ``"b"``, ``"y"``, ``"lr"``,
        ``"activation"``, ``"loss"``, a shape name ...), or None when no single
        input is to blame (e.g. an overflow inside the computation).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
