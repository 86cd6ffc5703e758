"""Load the reader's ``bias_gradient`` from source text (a file or the page's editor)."""

from __future__ import annotations

import contextlib
import io
import linecache
import traceback
from typing import Any, Callable

import numpy as np

from ..errors import BiasgradError
from .layer import LayerDiagnosis

__all__ = ["load_bias_gradient", "raised_at"]


def raised_at(exc: BaseException, filename: str | None) -> tuple[int | None, str, str]:
    """(line, that line's text, "Type: message") of the innermost frame of ``filename``."""
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        return exc.lineno, (exc.text or "").strip(), f"SyntaxError: {exc.msg}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    if not frames:
        return None, "", what
    line = frames[-1].lineno
    return line, (frames[-1].line or linecache.getline(frames[-1].filename, line or 0)).strip(), what


def load_bias_gradient(source: str, filename: str) -> tuple[Callable[..., Any] | LayerDiagnosis, str]:
    """Run ``source`` as a module and return its ``bias_gradient`` and what it printed.

    Parameters
    ----------
    source : str
        Python code that defines ``bias_gradient(X, W, b, Y)``.
    filename : str
        Shown in tracebacks (the file's path, or ``"<your code>"``).

    Returns
    -------
    (callable or LayerDiagnosis, str)
        The function, or a ``raises`` diagnosis when the code raised while it ran (a
        SyntaxError too, with its line); and the text it printed.

    Raises
    ------
    BiasgradError
        If the code runs but defines no callable ``bias_gradient``.
    """
    text = str(source).replace("\r\n", "\n")
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    namespace: dict[str, Any] = {"__name__": "__reader__", "__file__": filename, "__builtins__": __builtins__}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), np.errstate(all="ignore"):
            exec(compile(text, filename, "exec"), namespace)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - anything the reader's code raises
        line, code, what = raised_at(exc, filename)
        where = f" on line {line}" + (f": {code}" if code else "") if line else ""
        return LayerDiagnosis(ok=False, mistake="raises", message=f"Your code raised {what}{where}, before "
                              f"bias_gradient could be called.", expected=None, got=None, trial=None,
                              mistakes=("raises",), line=line, exception=what), out.getvalue()
    fn = namespace.get("bias_gradient")
    if not callable(fn):
        raise BiasgradError("the code must define a function bias_gradient(X, W, b, Y) that returns db",
                            "bias_gradient")
    return fn, out.getvalue()
