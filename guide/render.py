"""The one renderer of the guide's build-time HTML: Jinja2 templates with autoescaping.

Every widget, example and explorer the extension writes into a page comes from a template in
``guide/templates/`` rendered by :func:`render`, or from a helper here; nothing else in
``guide/`` escapes text itself. Autoescaping escapes with :func:`esc` (``html.escape`` with
quotes), the escape the pages have always had, so a value can only reach the page escaped, or
as :class:`~markupsafe.Markup` that one of these helpers made.

The data tables of figures are ``biasgrad.web.html_table.table_html`` (what Jupyter shows for a
figure too): the package ships that renderer, so it has no Jinja2 in it.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"


def esc(text: Any) -> Markup:
    """The guide's one HTML escape (text and attribute values): ``html.escape(str(text))``."""
    if isinstance(text, Markup):
        return text
    return Markup(html.escape(str(text), quote=True))


def _finalize(value: Any) -> Any:
    # Autoescape with esc(), not markupsafe's escape (which writes &#34; and &#39; for quotes).
    return esc(value)


ENV = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, finalize=_finalize,
                  undefined=StrictUndefined, keep_trailing_newline=False, auto_reload=True)


def render(template: str, **context: Any) -> Markup:
    """Render ``guide/templates/TEMPLATE`` (autoescaped) as markup."""
    return Markup(ENV.get_template(template).render(**context))


def json_compact(data: Any) -> str:
    """JSON for a data-* attribute (the template escapes it). Not a <script type="application/json">:
    Material's instant navigation re-creates every <script> of the new page without its type and
    runs the JSON as JavaScript (a SyntaxError, and the spec is lost)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def highlight_python(code: str) -> Markup:
    """Python as Pygments spans (no wrapper), the class names every highlighted fence uses."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return Markup(highlight(code, PythonLexer(), HtmlFormatter(nowrap=True)))


def math(tex: str) -> Markup:
    """Inline math for the KaTeX step to typeset at build time (TeX stays if Node is missing)."""
    return render("math.html", tex=tex) if tex else Markup("")


ENV.globals.update(math=math, highlight_python=highlight_python)


def table(spec_table: dict[str, Any]) -> Markup:
    """A figure's data table, the same markup Jupyter shows (``biasgrad.web.html_table``)."""
    from biasgrad.web.html_table import table_html

    return Markup(table_html(spec_table))


def chart(spec: dict[str, Any], chart_id: str) -> Markup:
    """A chart container: the spec for chart.js plus the static title, caption and data table.

    The markup is the frame ``site_js/chart.js`` fills in (figure.bg-figure > .bg-figure__title,
    figcaption, details[data-figure-table] > table), so the drawn chart reuses it. The table is
    open here (it is all a reader without JavaScript gets); drawFigures() folds it once drawn.
    Examples, explorers and the training widget use it; the calculator has its own layout
    (``calculator_figure.html``).
    """
    return render("chart.html", spec=spec, chart_id=chart_id, spec_json=json_compact(spec),
                  table=table(spec.get("table", {})))
