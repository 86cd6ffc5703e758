"""A figure spec drawn as a standalone SVG, in plain Python (no browser, no CDN, no NumPy needed).

The site draws specs with Observable Plot (``site_js/chart.js``); this module draws the same
spec where there is no JavaScript: in Jupyter (``Figure._repr_svg_`` / ``_repr_html_``) and in
the social-card image. It follows chart.js's choices where they matter to a reader: the same
marks, axis types (linear, log, band), ``x_domain``/``y_domain``, dashes, emphasis, the
observable10 colours for named series and a diverging red–blue scale for ``cell`` heat maps.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any, Callable, Mapping, Sequence

from .number_format import MISSING, fmt

__all__ = ["render_svg", "PALETTE"]

PALETTE = ("#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951",
           "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0")
INK, GRID, PAPER = "#1f2328", "#d8dce0", "#ffffff"
_XY_MARKS = ("line", "dot", "area", "bar", "arrow")

Scale = Callable[[Any], float]


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / max(count, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1.0, 2.0, 2.5, 5.0, 10.0) if raw <= m * mag)


def _fmt(v: float) -> str:
    return fmt(v, 4)


class _Axis:
    """One axis: maps data values to pixels on [lo_px, hi_px] and lists its ticks."""

    def __init__(self, axis: Mapping[str, Any], values: list[Any], domain: Sequence[Any] | None,
                 lo_px: float, hi_px: float, include_zero: bool) -> None:
        self.label = str(axis.get("label") or "")
        kind = axis.get("type", "linear")
        if any(isinstance(v, str) for v in values):
            kind = "band"
        self.kind = kind
        self.lo_px, self.hi_px = lo_px, hi_px
        if kind == "band":
            self.categories = list(dict.fromkeys(str(v) for v in values if v is not None))
            return
        nums = [float(v) for v in values if _finite(v) and (kind != "log" or v > 0)]
        if domain is not None and len(domain) == 2 and all(_finite(d) for d in domain):
            lo, hi = float(domain[0]), float(domain[1])
        elif nums:
            lo, hi = min(nums), max(nums)
            if include_zero and kind != "log":
                lo, hi = min(lo, 0.0), max(hi, 0.0)
        else:
            lo, hi = (1.0, 10.0) if kind == "log" else (0.0, 1.0)
        if kind == "log":
            self.lo, self.hi = math.log10(lo), math.log10(hi)
            if domain is None:
                self.lo, self.hi = math.floor(self.lo), math.ceil(self.hi)
        else:
            if hi == lo:
                lo, hi = lo - 1.0, hi + 1.0
            if domain is None:
                step = _nice_step(hi - lo)
                lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
            self.lo, self.hi = lo, hi
        if self.hi == self.lo:
            self.hi = self.lo + 1.0

    def band_width(self) -> float:
        return abs(self.hi_px - self.lo_px) / max(len(self.categories), 1)

    def __call__(self, v: Any) -> float:
        if self.kind == "band":
            i = self.categories.index(str(v))
            step = (self.hi_px - self.lo_px) / max(len(self.categories), 1)
            return self.lo_px + step * (i + 0.5)
        t = (math.log10(v) if self.kind == "log" else float(v))
        return self.lo_px + (t - self.lo) / (self.hi - self.lo) * (self.hi_px - self.lo_px)

    def ok(self, v: Any) -> bool:
        if self.kind == "band":
            return v is not None
        return _finite(v) and (self.kind != "log" or v > 0)

    def ticks(self) -> list[tuple[float, str]]:
        if self.kind == "band":
            return [(self(c), c) for c in self.categories]
        if self.kind == "log":
            exps = range(math.ceil(self.lo), math.floor(self.hi) + 1)
            every = max(1, math.ceil(len(exps) / 7))
            return [(self(10.0 ** k), f"1e{k}") for k in exps if k % every == 0]
        step = _nice_step(self.hi - self.lo)
        first = math.ceil(self.lo / step - 1e-9)
        out = []
        k = first
        while k * step <= self.hi + step * 1e-9:
            v = round(k * step, 12)
            out.append((self(v), _fmt(v)))
            k += 1
        return out


def _colour(series: Mapping[str, Any], index: int) -> str:
    for key in ("stroke", "color") + (("fill",) if series.get("mark") != "cell" else ()):
        c = series.get(key)
        if isinstance(c, str) and not c.startswith("var("):
            return escape(c)
    return PALETTE[index % len(PALETTE)]


def _diverging(v: float, limit: float) -> str:
    """Red (negative) – white (0) – blue (positive), like Plot's RdBu with pivot 0."""
    t = max(-1.0, min(1.0, v / limit)) if limit > 0 else 0.0
    end = (33, 102, 172) if t > 0 else (178, 24, 43)
    r, g, b = (round(255 + (e - 255) * abs(t)) for e in end)
    return f"#{r:02x}{g:02x}{b:02x}"


def _points(s: Mapping[str, Any], x: _Axis, y: _Axis, kx: str = "x", ky: str = "y") -> list[tuple[float, float]]:
    xs, ys = s.get(kx) or [], s.get(ky) or []
    return [(x(a), y(b)) for a, b in zip(xs, ys) if x.ok(a) and y.ok(b)]


def _path(xs: list[Any], ys: list[Any], x: _Axis, y: _Axis) -> str:
    """A polyline that breaks at missing values (like Plot's line with undefined points)."""
    parts, pen = [], "M"
    for a, b in zip(xs, ys):
        if x.ok(a) and y.ok(b):
            parts.append(f"{pen}{x(a):.2f},{y(b):.2f}")
            pen = "L"
        else:
            pen = "M"
    return "".join(parts)


def _mark(s: Mapping[str, Any], colour: str, x: _Axis, y: _Axis, box: tuple[float, float, float, float],
          fill_limit: float) -> list[str]:
    left, top, right, bottom = box
    mark = s.get("mark")
    dash = s.get("dash")
    dash_attr = f' stroke-dasharray="{escape(dash if isinstance(dash, str) else "6,4")}"' if dash else ""
    width = s.get("width") or (3 if s.get("emphasis") else 2)
    xs, ys = list(s.get("x") or []), list(s.get("y") or [])
    out: list[str] = []
    if mark == "line":
        out.append(f'<path d="{_path(xs, ys, x, y)}" fill="none" stroke="{colour}" stroke-width="{width}"'
                   f' stroke-linejoin="round"{dash_attr}/>')
    elif mark == "area":
        base = y(max(y.lo, 0.0)) if y.kind == "linear" else bottom
        pts = _points(s, x, y)
        if pts:
            d = f"M{pts[0][0]:.2f},{base:.2f}" + "".join(f"L{a:.2f},{b:.2f}" for a, b in pts) + f"L{pts[-1][0]:.2f},{base:.2f}Z"
            out.append(f'<path d="{d}" fill="{colour}" fill-opacity="0.3" stroke="none"/>')
    elif mark == "dot":
        r = s.get("r") or (6 if s.get("emphasis") else 5)
        texts = list(s.get("text") or [])
        for i, (a, b) in enumerate(zip(xs, ys)):
            if x.ok(a) and y.ok(b):
                out.append(f'<circle cx="{x(a):.2f}" cy="{y(b):.2f}" r="{r}" fill="{colour}" stroke="{PAPER}"/>')
                if i < len(texts) and texts[i]:
                    out.append(f'<text x="{x(a):.2f}" y="{y(b) - 12:.2f}" text-anchor="middle" font-weight="600">'
                               f'{escape(str(texts[i]))}</text>')
    elif mark == "bar":
        base = y(max(y.lo, 0.0)) if y.kind == "linear" else bottom
        bw = x.band_width() * 0.8 if x.kind == "band" else max(2.0, (right - left) / max(len(xs), 1) * 0.8)
        for a, b in zip(xs, ys):
            if x.ok(a) and y.ok(b):
                y0, y1 = sorted((base, y(b)))
                out.append(f'<rect x="{x(a) - bw / 2:.2f}" y="{y0:.2f}" width="{bw:.2f}" height="{y1 - y0:.2f}" fill="{colour}"/>')
    elif mark == "rule-x":
        for a in xs:
            if x.ok(a):
                out.append(f'<line x1="{x(a):.2f}" x2="{x(a):.2f}" y1="{top}" y2="{bottom}" stroke="{colour}"'
                           f' stroke-width="{s.get("width") or 1.5}" stroke-dasharray="{escape(dash) if isinstance(dash, str) else "4,3"}"/>')
    elif mark == "rule-y":
        for b in ys:
            if y.ok(b):
                out.append(f'<line x1="{left}" x2="{right}" y1="{y(b):.2f}" y2="{y(b):.2f}" stroke="{colour}"'
                           f' stroke-width="{s.get("width") or 1.5}" stroke-dasharray="{escape(dash) if isinstance(dash, str) else "4,3"}"/>')
    elif mark == "arrow":
        for a, b, a2, b2 in zip(xs, ys, s.get("x2") or [], s.get("y2") or []):
            if x.ok(a) and y.ok(b) and x.ok(a2) and y.ok(b2):
                x1, y1, x2, y2 = x(a), y(b), x(a2), y(b2)
                ang = math.atan2(y2 - y1, x2 - x1)
                head = [(x2 - 10 * math.cos(ang + d), y2 - 10 * math.sin(ang + d)) for d in (0.45, -0.45)]
                out.append(f'<path d="M{x1:.2f},{y1:.2f}L{x2:.2f},{y2:.2f}M{head[0][0]:.2f},{head[0][1]:.2f}'
                           f'L{x2:.2f},{y2:.2f}L{head[1][0]:.2f},{head[1][1]:.2f}" fill="none" stroke="{colour}"'
                           f' stroke-width="{width}"/>')
    elif mark == "cell":
        fills = list(s.get("fill") or [])
        bw, bh = x.band_width(), y.band_width()
        for a, b, f in zip(xs, ys, fills):
            if x.ok(a) and y.ok(b):
                colour_f = _diverging(float(f), fill_limit) if _finite(f) else GRID
                out.append(f'<rect x="{x(a) - bw / 2:.2f}" y="{y(b) - bh / 2:.2f}" width="{bw:.2f}" height="{bh:.2f}"'
                           f' fill="{colour_f}" stroke="{PAPER}"><title>{escape(_fmt(float(f)) if _finite(f) else MISSING)}</title></rect>')
    return out


def render_svg(spec: Mapping[str, Any], width: int = 640, height: int | None = None) -> str:
    """The spec as one ``<svg>`` element: title, axes with ticks and labels, every mark, a legend."""
    series: list[Mapping[str, Any]] = list(spec.get("series") or [])
    height = int(height or spec.get("height") or max(220, min(320, round(width * 0.5))))
    named = list(dict.fromkeys(str(s.get("name")) for s in series
                               if s.get("name") and s.get("mark") != "cell"))
    title = str(spec.get("title") or "")
    top = 30 if title else 12
    top += 18 if len(named) > 1 else 0
    box = (58.0, float(top), float(width - 16), float(height - 42))
    left, top_f, right, bottom = box

    def column(*keys: str, marks: Sequence[str] = _XY_MARKS + ("rule-x", "rule-y", "cell")) -> list[Any]:
        return [v for s in series if s.get("mark") in marks for k in keys for v in (s.get(k) or [])]

    x_spec: Mapping[str, Any] = spec.get("x") or {}
    y_spec: Mapping[str, Any] = spec.get("y") or {}
    zero = any(s.get("mark") in ("bar", "area") for s in series)
    x = _Axis(x_spec, column("x", "x2"), spec.get("x_domain") or x_spec.get("domain"), left, right, False)
    y = _Axis(y_spec, column("y", "y2"), spec.get("y_domain") or y_spec.get("domain"), bottom, top_f, zero)
    fills = [abs(float(v)) for s in series if s.get("mark") == "cell" for v in (s.get("fill") or []) if _finite(v)]
    fill_limit = max(fills, default=0.0)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
             f' role="img" aria-label="{escape(title or "chart")}" font-family="system-ui, sans-serif" font-size="12"'
             f' fill="{INK}">',
             f"<title>{escape(title or 'chart')}</title>",
             f'<rect width="{width}" height="{height}" fill="{PAPER}"/>']
    if title:
        parts.append(f'<text x="{left}" y="18" font-size="14" font-weight="600">{escape(title)}</text>')
    if len(named) > 1:
        lx = left
        for i, name in enumerate(named):
            s0 = next(s for s in series if str(s.get("name")) == name)
            parts.append(f'<rect x="{lx:.1f}" y="{top - 26}" width="10" height="10" fill="{_colour(s0, i)}"/>'
                         f'<text x="{lx + 14:.1f}" y="{top - 17}">{escape(name)}</text>')
            lx += 24 + 7 * len(name)
    for px, label in x.ticks():
        if x.kind != "band":
            parts.append(f'<line x1="{px:.2f}" x2="{px:.2f}" y1="{top_f}" y2="{bottom}" stroke="{GRID}"/>')
        parts.append(f'<text x="{px:.2f}" y="{bottom + 16}" text-anchor="middle">{escape(label)}</text>')
    for py, label in y.ticks():
        if y.kind != "band":
            parts.append(f'<line x1="{left}" x2="{right}" y1="{py:.2f}" y2="{py:.2f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{py + 4:.2f}" text-anchor="end">{escape(label)}</text>')
    parts.append(f'<path d="M{left},{top_f}V{bottom}H{right}" fill="none" stroke="{INK}"/>')
    parts.append(f'<text x="{(left + right) / 2:.1f}" y="{height - 6}" text-anchor="middle">{escape(x.label)}</text>')
    parts.append(f'<text transform="translate(14 {(top_f + bottom) / 2:.1f}) rotate(-90)" text-anchor="middle">'
                 f'{escape(y.label)}</text>')
    clip = escape(f"bg-clip-{spec.get('id', 'fig')}-{width}x{height}")
    parts.append(f'<clipPath id="{clip}"><rect x="{left - 8}" y="{top_f - 8}" width="{right - left + 16}"'
                 f' height="{bottom - top_f + 16}"/></clipPath><g clip-path="url(#{clip})">')
    for i, s in enumerate(series):
        idx = named.index(str(s.get("name"))) if str(s.get("name")) in named else i
        parts += _mark(s, _colour(s, idx), x, y, box, fill_limit)
    parts.append("</g></svg>")
    return "".join(parts)
