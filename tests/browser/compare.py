"""Compare what the browser (Pyodide) produced with what CPython produced for the same example.

Text must be equal except for numbers, which may differ by float64 rounding between CPython's and
emscripten's libm and between NumPy versions (``rel``, default 1e-9)."""

from __future__ import annotations

import math
import re

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|nan|inf)")
TIMING = re.compile(r"\(\d+ ms\)")


def close(a, b, rel: float = 1e-9) -> bool:
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str):
        try:
            a, b = float(a), float(b)
        except ValueError:
            return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-13)
    return False


def same_text(got: str | None, want: str | None, rel: float = 1e-9) -> str | None:
    """None if equal up to number rounding, else a message."""
    if got is None or want is None:
        return None if got == want else f"{got!r} != {want!r}"
    got, want = TIMING.sub("(…)", got.strip()), TIMING.sub("(…)", want.strip())
    if got == want:
        return None
    if NUMBER.sub("#", got) != NUMBER.sub("#", want):
        return f"text differs:\n--- browser\n{got}\n--- CPython\n{want}"
    for a, b in zip(NUMBER.findall(got), NUMBER.findall(want)):
        if not close(a, b, rel):
            return f"{a} (browser) vs {b} (CPython) in:\n{got}"
    return None


def same_data(got, want, rel: float = 1e-9, path: str = "") -> str | None:
    """None if two JSON-like values are equal up to number rounding, else where they differ."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return f"{path}: keys {sorted(got) if isinstance(got, dict) else got} != {sorted(want)}"
        for k in want:
            msg = same_data(got[k], want[k], rel, f"{path}.{k}")
            if msg:
                return msg
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return f"{path}: length {len(got) if isinstance(got, list) else got} != {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            msg = same_data(g, w, rel, f"{path}[{i}]")
            if msg:
                return msg
        return None
    if isinstance(want, str):
        msg = same_text(got, want, rel)
        return f"{path}: {msg}" if msg else None
    return None if close(got, want, rel) else f"{path}: {got!r} (browser) != {want!r} (CPython)"


def same_result(got: dict, want: dict, rel: float = 1e-9) -> str | None:
    """Compare two run_example results field by field."""
    return same_data(got, want, rel, "result")
