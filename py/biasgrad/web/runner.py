"""Run a guide example like a REPL cell: the same code in the browser (Pyodide) and at build time.

``run_example(code, options)`` executes every statement but a final expression statement,
evaluates that one, and returns plain data::

    {"ok": bool,            # True if it ran, or raised exactly what options["raises"] expected
     "stdout": str,         # print() output (stderr is appended, so warnings show too)
     "result": str | None,  # repr() of the final expression, None if there is none or it is None
     "error": None | {"type", "message", "line", "traceback"},  # traceback: the snippet's frames only
     "figures": [FIGURE],   # every figure passed to biasgrad.web.figures.show(), in order
     "expected": str | None,   # options["raises"], echoed
     "cut": {"stdout": int, "frames": int, "message": int}}  # what the limits below left out

Output is bounded, so a runaway snippet comes back fast and says what was cut: stdout keeps its
first ``MAX_STDOUT`` characters, a traceback collapses a frame repeated more than three times in
a row as CPython does ("[Previous line repeated N more times]") and keeps at most ``MAX_FRAMES``
entries, the exception's message at most ``MAX_REPR`` characters.

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
import linecache
import warnings
from collections.abc import Iterator
from typing import Any

from biasgrad.web import figures as _figures

FILENAME = "<example>"
PRELUDE_FILENAME = "<earlier example>"
MAX_REPR = 20_000
MAX_STDOUT = 50_000  # characters of printed output kept
MAX_FRAMES = 60  # traceback entries kept (the first and last half), after collapsing repeats
REPEAT_CUTOFF = 3  # as CPython's traceback: identical frames shown before "[Previous line repeated]"
MAX_RECURSION = 10_000  # sys.setrecursionlimit() in a snippet is capped here (and undone after)

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


class _CappedBuffer(io.StringIO):
    """stdout/stderr that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int = MAX_STDOUT) -> None:
        super().__init__()
        self.limit = limit
        self.kept = 0
        self.dropped = 0

    def write(self, text: str) -> int:
        n = len(text)
        room = self.limit - self.kept
        if room <= 0:
            self.dropped += n
            return n
        if n > room:
            super().write(text[:room])
            self.kept = self.limit
            self.dropped += n - room
            return n
        self.kept += n
        super().write(text)
        return n

    def text(self) -> str:
        out = self.getvalue()
        if self.dropped:
            out = (out.rstrip("\n") + f"\n… output cut: {self.dropped:,} more characters not shown "
                   f"(the first {self.limit:,} are above)\n")
        return out


def _snippet_frames(tb: Any) -> tuple[list[tuple[str, int, str]], int]:
    """The snippet's frames as (filename, lineno, name), with runs of one repeated frame collapsed
    as CPython does: ("", count, "") stands for "[Previous line repeated count more times]".
    Walks the traceback without building a FrameSummary per frame (a million-deep recursion
    would take a minute to extract); returns the entries and how many were dropped beyond
    MAX_FRAMES."""
    entries: list[tuple[str, int, str]] = []
    last: tuple[str, int, str] | None = None
    repeats = 0
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in (FILENAME, PRELUDE_FILENAME):
            key = (code.co_filename, tb.tb_lineno, code.co_name)
            if key == last:
                repeats += 1
            else:
                if repeats > REPEAT_CUTOFF - 1:
                    entries.append(("", repeats - (REPEAT_CUTOFF - 1), ""))
                last, repeats = key, 0
            if repeats < REPEAT_CUTOFF:
                entries.append(key)
        tb = tb.tb_next
    if repeats > REPEAT_CUTOFF - 1:
        entries.append(("", repeats - (REPEAT_CUTOFF - 1), ""))
    dropped = 0
    if len(entries) > MAX_FRAMES:
        half = MAX_FRAMES // 2
        dropped = len(entries) - MAX_FRAMES
        entries = entries[:half] + [("", -dropped, "")] + entries[-half:]
    return entries, dropped


@contextlib.contextmanager
def _bounded_recursion(buffer: io.StringIO) -> Iterator[None]:
    """During a run, sys.setrecursionlimit(n) sets min(n, MAX_RECURSION) and says so."""
    real, before = sys.setrecursionlimit, sys.getrecursionlimit()

    def capped(limit: int) -> None:
        if limit > MAX_RECURSION:
            buffer.write(f"sys.setrecursionlimit({limit}): capped at {MAX_RECURSION:,} "
                         "in the guide's examples\n")
        real(min(limit, MAX_RECURSION))

    sys.setrecursionlimit = capped
    try:
        yield
    finally:
        sys.setrecursionlimit = real
        real(before)


def _format_error(exc: BaseException, code: str, earlier: str = "") -> dict[str, Any]:
    """The snippet's frames only; ``earlier`` is the code of the earlier example a
    PRELUDE_FILENAME frame points into (for its source line)."""
    lines = code.splitlines()
    earlier_lines = earlier.splitlines()
    out = []
    line = None
    dropped_frames = 0
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
        frames, dropped_frames = _snippet_frames(exc.__traceback__)
        if frames:
            out.append("Traceback (most recent call last):")
        for filename, lineno, fname in frames:
            if not filename:
                out.append(f"  [Previous line repeated {lineno:,} more times]" if lineno > 0
                           else f"  … {-lineno:,} more traceback entries not shown …")
                continue
            where = "line" if filename == FILENAME else "earlier example, line"
            name = "" if fname == "<module>" else f", in {fname}"
            out.append(f"  {where} {lineno}{name}")
            text = linecache.getline(filename, lineno) if filename != FILENAME else ""
            if not text and filename == FILENAME and lineno and lineno <= len(lines):
                text = lines[lineno - 1]
            if not text and filename == PRELUDE_FILENAME and lineno and lineno <= len(earlier_lines):
                text = earlier_lines[lineno - 1]
            if text:
                out.append(f"    {text.strip()}")
            if filename == FILENAME:
                line = lineno
        message = str(exc)
    cut_message = max(len(message) - MAX_REPR, 0)
    if cut_message:
        message = message[:MAX_REPR] + f"… ({cut_message:,} more characters)"
    name = type(exc).__name__
    out.append(f"{name}: {message}" if message else name)
    return {"type": name, "message": message, "line": line, "traceback": "\n".join(out),
            "cut_frames": dropped_frames, "cut_message": cut_message}


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
    buffer = _CappedBuffer()
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
                warnings.catch_warnings(), _quiet_floating_point(), _bounded_recursion(buffer):
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
    cut = {"stdout": buffer.dropped, "frames": 0, "message": 0}
    if exc_obj is not None:
        error = _format_error(exc_obj, code)
        cut["frames"], cut["message"] = error.pop("cut_frames"), error.pop("cut_message")
        exc_obj.__traceback__ = None  # a deep recursion's frames are freed now, not later
    if expected:
        ok = exc_obj is not None and _matches(exc_obj, expected)
        if exc_obj is None:
            error = {"type": "NoError", "line": None,
                     "message": f"expected the example to raise {expected}, but it ran without error",
                     "traceback": f"expected {expected}, but nothing was raised"}
    else:
        ok = exc_obj is None
    sys.stdout.flush()
    return {"ok": ok, "stdout": buffer.text(), "result": result, "error": error,
            "figures": figures, "expected": expected, "cut": cut}
