"""A figure spec as one self-contained HTML fragment: title, the SVG chart, caption, data table.

What Jupyter shows for a :class:`biasgrad.web.figures.Figure` (``_repr_html_``). No script, no
stylesheet link and no request: the chart is the inline SVG of :mod:`biasgrad.web.svg`.
"""

from __future__ import annotations

import numbers
from html import escape
from typing import Any, Mapping

from .number_format import fmt
from .svg import render_svg

__all__ = ["cell_text", "figure_html", "table_html"]


def cell_text(v: Any) -> str:
    """A data-table cell's text, as ``site_js/number_format.js``'s ``formatCell`` writes it when the
    browser redraws the table: numbers (int or float) by :func:`~biasgrad.web.number_format.fmt`,
    None as its dash, booleans as JSON spells them, anything else as ``str``."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None or isinstance(v, numbers.Real):
        return fmt(v)
    return str(v)


def _cell(v: Any) -> str:
    """A data-table cell as escaped HTML text (the build's tables use this too)."""
    return escape(cell_text(v))


def table_html(table: Mapping[str, Any]) -> str:
    """``{"columns", "rows"}`` as an HTML table."""
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in table.get("columns") or [])
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
                   for row in table.get("rows") or [])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure_html(spec: Mapping[str, Any]) -> str:
    """``<figure>`` with the chart (its title is drawn inside the SVG), caption and a folded table."""
    caption = str(spec.get("caption") or "")
    parts = ['<figure class="biasgrad-figure" style="margin:0.5em 0;max-width:640px">',
             f'<div style="max-width:100%;overflow-x:auto">{render_svg(spec)}</div>']
    if caption:
        parts.append(f"<figcaption>{escape(caption)}</figcaption>")
    if spec.get("table"):
        parts.append(f"<details><summary>Data table</summary>{table_html(spec['table'])}</details>")
    parts.append("</figure>")
    return "".join(parts)
