"""Figure specs: plain dicts that ``site_js/chart.js`` draws with Observable Plot.

The format is the one in ARCHITECTURE.md ("Figure spec")::

    {"id", "title", "caption", "x": {"label", "type"}, "y": {"label", "type"},
     "series": [{"name", "mark", "x": [...], "y": [...], ...}], "table": {"columns", "rows"}}

Mark-specific columns (every column is a list with one entry per datum):

* ``line``, ``dot``, ``area``: ``x``, ``y``; ``dot`` may add ``text`` (a label per point).
* ``bar``: ``x`` (categories or numbers), ``y``.
* ``rule-x``: ``x`` (a vertical rule at each x); ``rule-y``: ``y`` (a horizontal rule at each y).
* ``arrow``: ``x``, ``y`` (tails) and ``x2``, ``y2`` (heads).
* ``cell``: ``x``, ``y`` (categories) and ``fill`` (the number coloured in each cell).

Optional per-series style keys: ``"dash": true`` (dashed stroke), ``"emphasis": true``
(the series the reader should look at first).

Numbers are converted to Python floats; NaN and ±inf become ``None`` (JSON has neither).

Example, as written in a guide page::

    from biasgrad.web.figures import figure, line, dot, show
    show(figure(line(zs, a, name="σ(z)"), dot([0.5], [0.62], name="current z"),
                title="Sigmoid", x_label="z", y_label="a"))
"""

from __future__ import annotations

import math
import sys
from typing import Any, Iterable

__all__ = [
    "Figure", "figure", "line", "dot", "area", "bar", "rule_x", "rule_y", "arrow", "cell",
    "show", "collect", "MARKS",
]

MARKS = ("line", "dot", "bar", "area", "rule-x", "rule-y", "arrow", "cell")
TABLE_MAX_ROWS = 12
_counter = 0


def _num(v: Any) -> Any:
    """A JSON-safe scalar: finite floats stay, NaN/inf become None, strings/ints/bools pass."""
    if v is None or isinstance(v, (str, bool)):
        return v
    if hasattr(v, "item"):  # NumPy scalar
        v = v.item()
    if isinstance(v, int):
        return v
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f if math.isfinite(f) else None


def _col(values: Any) -> list[Any]:
    if hasattr(values, "tolist") and not isinstance(values, (str, bytes)):
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        values = [values]
    out = []
    for v in values:
        if isinstance(v, (list, tuple)):
            raise ValueError("figure columns must be one-dimensional; flatten the array first")
        out.append(_num(v))
    return out


def _series(mark: str, name: str, style: dict[str, Any], **cols: Any) -> dict[str, Any]:
    s: dict[str, Any] = {"name": str(name), "mark": mark}
    lengths = set()
    for key, values in cols.items():
        s[key] = _col(values)
        lengths.add(len(s[key]))
    if len(lengths) > 1:
        raise ValueError(f"{mark} series {name!r}: columns have different lengths {sorted(lengths)}")
    for key, value in style.items():
        s[key] = value
    return s


def line(x: Any, y: Any, name: str = "", **style: Any) -> dict[str, Any]:
    """A line through the points (x[i], y[i])."""
    return _series("line", name, style, x=x, y=y)


def dot(x: Any, y: Any, name: str = "", text: Any = None, **style: Any) -> dict[str, Any]:
    """Dots at (x[i], y[i]); ``text`` labels each dot."""
    cols = {"x": x, "y": y}
    if text is not None:
        cols["text"] = [str(t) for t in _col(text)] if not isinstance(text, str) else [text]
    return _series("dot", name, style, **cols)


def area(x: Any, y: Any, name: str = "", **style: Any) -> dict[str, Any]:
    """The area between y = 0 and the curve."""
    return _series("area", name, style, x=x, y=y)


def bar(x: Any, y: Any, name: str = "", **style: Any) -> dict[str, Any]:
    """Bars of height y[i] at category (or number) x[i]."""
    return _series("bar", name, style, x=x, y=y)


def rule_x(x: Any, name: str = "", **style: Any) -> dict[str, Any]:
    """Vertical rules at each x."""
    return _series("rule-x", name, style, x=x)


def rule_y(y: Any, name: str = "", **style: Any) -> dict[str, Any]:
    """Horizontal rules at each y."""
    return _series("rule-y", name, style, y=y)


def arrow(x: Any, y: Any, x2: Any, y2: Any, name: str = "", **style: Any) -> dict[str, Any]:
    """Arrows from (x[i], y[i]) to (x2[i], y2[i])."""
    return _series("arrow", name, style, x=x, y=y, x2=x2, y2=y2)


def cell(x: Any, y: Any, fill: Any, name: str = "", **style: Any) -> dict[str, Any]:
    """A heat-map cell at category (x[i], y[i]) coloured by fill[i]."""
    return _series("cell", name, style, x=x, y=y, fill=fill)


class Figure(dict[str, Any]):
    """A figure spec (a plain ``dict``) with a short repr, so a REPL line stays readable.

    In Jupyter it draws itself: ``_repr_svg_`` / ``_repr_html_`` render the same spec offline
    with :func:`biasgrad.web.svg.render_svg` (the HTML adds the caption and the data table).
    """

    def __repr__(self) -> str:
        n = len(self.get("series", []))
        return f"<Figure {self.get('title', '')!r}: {n} series>"

    def _repr_svg_(self) -> str:
        from .svg import render_svg
        return render_svg(self)

    def _repr_html_(self) -> str:
        from .html_table import figure_html
        return figure_html(self)


def _pick(n: int, k: int = TABLE_MAX_ROWS) -> list[int]:
    """At most k indices spread evenly over range(n), first and last included."""
    if n <= k:
        return list(range(n))
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def _fmt(v: Any) -> Any:
    if isinstance(v, float):
        return float(f"{v:.6g}")
    return v


def auto_table(series: list[dict[str, Any]], x_label: str, y_label: str) -> dict[str, Any]:
    """A small table of the numbers behind the series (downsampled for long lines)."""
    xy = [s for s in series if s["mark"] in ("line", "dot", "area", "bar")]
    if xy and all(s["x"] == xy[0]["x"] for s in xy):
        cols = [x_label] + [s["name"] or y_label for s in xy]
        idx = _pick(len(xy[0]["x"]))
        rows = [[_fmt(xy[0]["x"][i])] + [_fmt(s["y"][i]) for s in xy] for i in idx]
    else:
        cols = ["series", x_label, y_label]
        rows = []
        for s in xy:
            rows += [[s["name"], _fmt(s["x"][i]), _fmt(s["y"][i])] for i in _pick(len(s["x"]), 8)]
    for s in series:
        if s["mark"] == "cell":
            cols = [x_label, y_label, s["name"] or "value"]
            rows = [[s["x"][i], s["y"][i], _fmt(s["fill"][i])] for i in range(len(s["x"]))]
            break
    return {"columns": cols, "rows": rows}


def figure(*series: dict[str, Any], title: str = "", caption: str = "", x_label: str = "x",
           y_label: str = "y", x_type: str = "linear", y_type: str = "linear",
           table: dict[str, Any] | None = None, id: str | None = None, **extra: Any) -> Figure:
    """Assemble series into a figure spec.

    ``table`` defaults to a small table built from the series (at most 12 rows per line),
    which is both the accessible alternative and what readers without JavaScript see.
    Extra keyword arguments (``x_domain=[lo, hi]``, ``y_domain``, ``height``) pass through.
    """
    global _counter
    for s in series:
        if s.get("mark") not in MARKS:
            raise ValueError(f"unknown mark {s.get('mark')!r}; expected one of {MARKS}")
    if id is None:
        _counter += 1
        id = f"fig-{_counter}"
    fig = Figure(
        id=id, title=title, caption=caption,
        x={"label": x_label, "type": x_type}, y={"label": y_label, "type": y_type},
        series=list(series),
        table=table if table is not None else auto_table(list(series), x_label, y_label),
    )
    for key, value in extra.items():
        fig[key] = [_num(v) for v in value] if isinstance(value, (list, tuple)) else value
    return fig


# ---- show(): collected by biasgrad.web.runner while an example runs ----------------------

_collectors: list[list[dict[str, Any]]] = []


class collect:
    """Context manager used by the runner: figures passed to show() inside land in a list."""

    def __enter__(self) -> list[dict[str, Any]]:
        self.figures: list[dict[str, Any]] = []
        _collectors.append(self.figures)
        return self.figures

    def __exit__(self, *exc: Any) -> None:
        _collectors.remove(self.figures)


def _ipython_display() -> Any:
    """IPython's ``display`` when running under a Jupyter kernel (never imports IPython itself)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "kernel"):
        return None
    from IPython.display import display
    return display


def show(fig: dict[str, Any]) -> None:
    """Display a figure: under the example (in the page), as a chart (Jupyter), or a summary line."""
    if not isinstance(fig, dict) or "series" not in fig:
        raise TypeError("show() takes a figure made with biasgrad.web.figures.figure(...)")
    if _collectors:
        _collectors[-1].append(plain(fig))
    elif (display := _ipython_display()) is not None:
        display(fig if isinstance(fig, Figure) else Figure(fig))
    else:
        print(f"[figure {fig.get('title', '')!r}: {len(fig['series'])} series]")


def plain(obj: Any) -> Any:
    """Deep-copy into plain dicts/lists/scalars (what crosses to JavaScript as JSON)."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    return _num(obj)
