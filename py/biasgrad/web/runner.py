"""Run a guide example like a REPL cell: the same code in the browser (Pyodide) and at build time.

``run_example(code, options)`` executes every statement but a final expression statement,
evaluates that one, and returns plain data::

    {"ok": bool,            # True if it ran, or raised exactly what options["raises"] expected
     "stdout": str,         # print() output (stderr is appended, so warnings show too)
     "result": str | None,  # repr() of the final expression, None if there is none or it is None
     "error": None | {"type", "message", "line", "traceback"},  # traceback: the snippet's frames only
     "figures": [FIGURE],   # every figure passed to biasgrad.web.figures.show(), in order
     "expected": str | None}   # options["raises"], echoed

Options (all optional): ``raises`` – an exception class name the example is meant to raise
(``"BiasgradError"``; a base-class name such as ``"ValueError"`` matches too); ``prelude`` – a
list of earlier examples run first, silently, in the same namespace (how ``session=`` examples on
a page share state). Each item is a code string or ``{"code", "title", "raises"}``. If an earlier
example raises (other than the ``raises`` it declares), this one does not run: its error is that
failure, named after the earlier example (``"depends_on": title``), since every later line would
fail for a reason that is not on it. Each call gets a fresh namespace.
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
import traceback
import warnings
from typing import Any

from biasgrad.web import figures as _figures

FILENAME = "<example>"
PRELUDE_FILENAME = "<earlier example>"
MAX_REPR = 20_000

__all__ = ["run_example", "split_last_expression", "FILENAME"]


def split_last_expression(code: str, filename: str = FILENAME) -> tuple[Any, Any]:
    """Compile ``code`` into (body, last): ``last`` is an eval code object if the final statement
    is an expression, else None. Raises SyntaxError with the snippet's line numbers."""
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        expr = ast.Expression(tree.body.pop().value)  # type: ignore[attr-defined]
        last = compile(expr, filename, "eval")
    body = compile(tree, filename, "exec")
    return body, last


def _options(options: Any) -> dict[str, Any]:
    if options is None:
        return {}
    if hasattr(options, "to_py"):  # a JsProxy handed over by the worker
        options = options.to_py()
    return dict(options)


def _matches(exc: BaseException, name: str | None) -> bool:
    if not name:
        return False
    return any(cls.__name__ == name for cls in type(exc).__mro__)


def _format_error(exc: BaseException, code: str, earlier: str = "") -> dict[str, Any]:
    """The snippet's frames only; ``earlier`` is the code of the earlier example a
    PRELUDE_FILENAME frame points into (for its source line)."""
    lines = code.splitlines()
    earlier_lines = earlier.splitlines()
    out = []
    line = None
    if isinstance(exc, SyntaxError) and exc.filename in (FILENAME, PRELUDE_FILENAME):
        line = exc.lineno
        src = exc.text if exc.text is not None else (lines[line - 1] if line and line <= len(lines) else "")
        out.append(f"  line {line}")
        src = src.rstrip("\n")
        stripped = src.lstrip()
        out.append(f"    {stripped}")
        if exc.offset:
            caret = max(exc.offset - (len(src) - len(stripped)) - 1, 0)
            out.append("    " + " " * caret + "^")
        message = exc.msg
    else:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename in (FILENAME, PRELUDE_FILENAME)]
        if frames:
            out.append("Traceback (most recent call last):")
        for f in frames:
            where = "line" if f.filename == FILENAME else "earlier example, line"
            name = "" if f.name == "<module>" else f", in {f.name}"
            out.append(f"  {where} {f.lineno}{name}")
            text = f.line
            if not text and f.filename == FILENAME and f.lineno and f.lineno <= len(lines):
                text = lines[f.lineno - 1]
            if not text and f.filename == PRELUDE_FILENAME and f.lineno and f.lineno <= len(earlier_lines):
                text = earlier_lines[f.lineno - 1]
            if text:
                out.append(f"    {text.strip()}")
            if f.filename == FILENAME:
                line = f.lineno
        message = str(exc)
    name = type(exc).__name__
    out.append(f"{name}: {message}" if message else name)
    return {"type": name, "message": message, "line": line, "traceback": "\n".join(out)}


def _warn(buffer: io.StringIO, message: Any, category: type, filename: str, lineno: int) -> None:
    """A warning, printed where it happened in the snippet: 'line 6: RuntimeWarning: …'."""
    where = f"line {lineno}: " if filename == FILENAME else ""
    buffer.write(f"{where}{category.__name__}: {message}\n")


def _quiet_floating_point() -> contextlib.AbstractContextManager[Any]:
    """NumPy's floating-point warnings (divide, invalid, overflow) off, in both runtimes.

    Convention: WebAssembly has no floating-point exception flags, so NumPy in Pyodide never
    warns "invalid value encountered in log"; CPython would. Silencing them here keeps the
    build-time output and the browser's output identical. A snippet can still opt in with its
    own ``np.errstate(...)``; other warnings are printed as 'line N: Category: message'.
    """
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is a dependency
        return contextlib.nullcontext()
    return numpy.errstate(all="ignore")


def _repr(value: Any) -> str:
    text = repr(value)
    if len(text) > MAX_REPR:
        text = text[:MAX_REPR] + f"… ({len(text) - MAX_REPR} more characters)"
    return text


def _prelude_item(item: Any) -> tuple[str, str, str | None]:
    """(code, title, raises) of one prelude entry: a code string or {"code", "title", "raises"}."""
    if hasattr(item, "to_py"):
        item = item.to_py()
    if isinstance(item, dict):
        return str(item.get("code") or ""), str(item.get("title") or "an earlier example"), item.get("raises") or None
    return str(item), "an earlier example", None


def _prelude_error(exc: BaseException, code: str, title: str) -> dict[str, Any]:
    """The error of an example whose earlier example (the one it continues from) failed."""
    inner = _format_error(exc, code, earlier=code)
    lines = [f"This example continues from \"{title}\", which now fails "
             f"(run or fix that example first):"]
    lines += ["  " + ln for ln in inner["traceback"].splitlines()]
    name = type(exc).__name__
    return {"type": name, "message": f"in \"{title}\": {inner['message']}", "line": None,
            "traceback": "\n".join(lines), "depends_on": title}


def run_example(code: str, options: Any = None) -> dict[str, Any]:
    """Run one example; see the module docstring for the result."""
    opts = _options(options)
    _figures._counter = 0  # figure ids are the same in every runtime: fig-1, fig-2, …
    expected = opts.get("raises") or None
    prelude = list(opts.get("prelude") or [])
    code = str(code).replace("\r\n", "\n")
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    buffer = io.StringIO()
    result = None
    error = None
    exc_obj: BaseException | None = None
    with _figures.collect() as figs:
        for earlier in prelude:  # silently, output discarded
            earlier_code, title, earlier_raises = _prelude_item(earlier)
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                    warnings.catch_warnings(), _quiet_floating_point():
                warnings.simplefilter("ignore")
                try:
                    exec(compile(earlier_code.replace("\r\n", "\n"), PRELUDE_FILENAME, "exec"), namespace)
                except BaseException as exc:  # noqa: BLE001 - reported as this example's error, named
                    if not _matches(exc, earlier_raises):
                        del figs[:]
                        return {"ok": False, "stdout": "", "result": None,
                                "error": _prelude_error(exc, earlier_code, title),
                                "figures": [], "expected": expected}
        del figs[:]
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer), \
                warnings.catch_warnings(), _quiet_floating_point():
            warnings.simplefilter("always")
            warnings.showwarning = lambda msg, cat, fn, ln, *a, **k: _warn(buffer, msg, cat, fn, ln)
            try:
                body, last = split_last_expression(code)
                exec(body, namespace)
                if last is not None:
                    value = eval(last, namespace)
                    if isinstance(value, _figures.Figure):
                        _figures.show(value)
                    elif value is not None:
                        result = _repr(value)
            except (KeyboardInterrupt, SystemExit) as exc:  # SystemExit: exit() in a snippet
                exc_obj = exc
            except BaseException as exc:  # noqa: BLE001 - everything a reader can write
                exc_obj = exc
        figures = [_figures.plain(f) for f in figs]
    if exc_obj is not None:
        error = _format_error(exc_obj, code)
    if expected:
        ok = exc_obj is not None and _matches(exc_obj, expected)
        if exc_obj is None:
            error = {"type": "NoError", "line": None,
                     "message": f"expected the example to raise {expected}, but it ran without error",
                     "traceback": f"expected {expected}, but nothing was raised"}
    else:
        ok = exc_obj is None
    sys.stdout.flush()
    return {"ok": ok, "stdout": buffer.getvalue(), "result": result, "error": error,
            "figures": figures, "expected": expected}
