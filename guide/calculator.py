"""The calculator, pre-rendered with the same module the browser runs.

A page asks for a calculator with a one-line placeholder (raw HTML in the Markdown)::

    <div data-widget="calculator"></div>
    <div data-widget="calculator" data-preset='{"activation": "tanh", "loss": "mse"}'></div>

The extension replaces it with the full widget: form controls named x, w, b, y, activation, loss, lr;
every output as ``<output data-output=KEY data-value=repr(float)>``; the substituted formulas as
plain text (KaTeX renders them in the browser); the chart's data table; the NumPy code. All the
numbers come from ``biasgrad.web.calculator.calculate`` run here, in CPython, so they are right
before any JavaScript runs. ``site_js/calculator.js`` then takes over.
"""

from __future__ import annotations

import json
import re

from .errors import GuideError
from .render import esc as escape
from .render import highlight_python
from .render import math as _math

PLACEHOLDER = re.compile(
    r"""<div\s+data-widget=["']calculator["'](?P<attrs>[^>]*)>\s*</div>""", re.IGNORECASE)
PRESET = re.compile(r"""data-preset=(?:'(?P<single>[^']*)'|"(?P<double>[^"]*)")""")

# field -> (symbol, description, slider min, max, slider step, stepper step)
NUMBER_FIELDS = {
    "x": ("x", "input", -3.0, 3.0, 0.05, 0.1),
    "w": ("w", "weight", -3.0, 3.0, 0.05, 0.1),
    "b": ("b", "bias", -3.0, 3.0, 0.05, 0.1),
    "y": ("y", "target", 0.0, 1.0, 0.01, 0.05),
    "lr": ("η", "learning rate (lr)", 0.0, 2.0, 0.01, 0.05),
}
GROUPS = (
    ("Forward pass", ("z", "a", "loss")),
    ("Chain rule for the bias", ("dL_da", "da_dz", "dz_db", "dL_dz", "dL_db")),
    ("For contrast: the weight", ("dL_dw",)),
    ("One gradient-descent step", ("b_next", "w_next", "loss_next")),
    ("Gradient check", ("numeric_dL_db", "numeric_rel_error")),
)


def _attr(value: object) -> str:
    return escape(value)


def _number_field(uid: str, name: str, value: str) -> str:
    symbol, what, lo, hi, step, nudge = NUMBER_FIELDS[name]
    fid = f"{uid}-{name}"
    try:
        slider_value = min(max(float(value), lo), hi)
    except ValueError:
        slider_value = lo
    return f"""
<div class="bg-field" data-field="{name}">
  <label class="bg-field__label" for="{fid}"><span class="bg-sym">{escape(symbol)}</span> <span class="bg-field__what">{escape(what)}</span></label>
  <div class="bg-field__row">
    <button type="button" class="bg-step" data-step="-{nudge}" data-for="{name}" aria-label="Decrease {escape(symbol)} by {nudge}">−</button>
    <input id="{fid}" class="bg-field__input" name="{name}" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" value="{_attr(value)}" aria-describedby="{fid}-msg">
    <button type="button" class="bg-step" data-step="{nudge}" data-for="{name}" aria-label="Increase {escape(symbol)} by {nudge}">+</button>
  </div>
  <input class="bg-slider" type="range" data-slider-for="{name}" min="{lo}" max="{hi}" step="{step}" value="{slider_value}" aria-label="{escape(what)} {escape(symbol)}, slider">
  <p class="bg-field__msg" id="{fid}-msg" data-error-for="{name}" hidden></p>
</div>"""


def _select_field(uid: str, name: str, symbol: str, what: str, options: dict[str, str], value: str,
                  tip: str = "") -> str:
    fid = f"{uid}-{name}"
    tip_html = f'\n  <p class="bg-field__tip" id="{fid}-tip" data-tip-for="{name}">{escape(tip)}</p>' if tip else ""
    described = f"{fid}-msg {fid}-tip" if tip else f"{fid}-msg"
    opts = "".join(
        f'<option value="{_attr(key)}"{" selected" if key == value else ""}>{escape(label)}</option>'
        for key, label in options.items())
    return f"""
<div class="bg-field bg-field--select" data-field="{name}">
  <label class="bg-field__label" for="{fid}"><span class="bg-sym">{escape(symbol)}</span> <span class="bg-field__what">{escape(what)}</span></label>
  <select id="{fid}" class="bg-field__input" name="{name}" aria-describedby="{described}">{opts}</select>{tip_html}
  <p class="bg-field__msg" id="{fid}-msg" data-error-for="{name}" hidden></p>
</div>"""


def _outputs(payload: dict) -> str:
    from biasgrad.web.calculator import OUTPUTS

    info = {key: (sym, tex, what) for key, sym, tex, what in OUTPUTS}
    values, reprs, texts = payload["values"], payload["repr"], payload["text"]
    sub_tex, sub_txt = payload["substituted"], payload["substituted_text"]
    parts = []
    for title, keys in GROUPS:
        rows = []
        for key in keys:
            sym, tex, what = info[key]
            rows.append(f"""
<div class="bg-out{' bg-out--key' if key == 'dL_db' else ''}" data-row="{key}">
  <dt><span class="bg-sym" role="img" data-tex="{_attr(tex)}" aria-label="{_attr(sym)}">{_math(tex)}</span> <span class="bg-out__what">{escape(what)}</span></dt>
  <dd><output data-output="{key}" data-value="{_attr(reprs.get(key, ''))}">{escape(texts.get(key, '—'))}</output>
    <div class="bg-formula" data-formula="{key}" data-tex="{_attr(sub_tex.get(key, ''))}" data-text="{_attr(sub_txt.get(key, ''))}">{_math(sub_tex.get(key, ''))}</div></dd>
</div>""")
        parts.append(f'<section class="bg-calc__group"><h3 class="bg-calc__heading">{escape(title)}</h3>'
                     f'<dl class="bg-calc__list">{"".join(rows)}</dl></section>')
    warnings = "".join(f'<li data-warning="{_attr(w["code"])}">{escape(w["message"])}</li>'
                       for w in payload["warnings"])
    parts.append(f'<section class="bg-calc__warnings" data-warnings-box{"" if payload["warnings"] else " hidden"}>'
                 f'<h3 class="bg-calc__heading">Warnings from the module</h3><ul data-warnings>{warnings}</ul></section>')
    return "".join(parts)


def _figure(spec: dict) -> str:
    table = spec.get("table") or {"columns": [], "rows": []}
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in table["columns"])
    body = []
    for row in table["rows"]:
        cells = []
        for i, cell in enumerate(row):
            from biasgrad.web.calculator import fmt

            text = fmt(cell) if isinstance(cell, float) else ("—" if cell is None else str(cell))
            value = f' data-value="{_attr(repr(cell))}"' if isinstance(cell, float) else ""
            tag = "th scope=\"row\"" if i == 0 else "td"
            cells.append(f"<{tag}{value}>{escape(text)}</{tag.split()[0]}>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    # An attribute, not <script type="application/json">: Material's instant navigation re-creates
    # every <script> in the new content without its type and would run the JSON as JavaScript.
    return f"""
<div class="bg-calc__chart" data-chart data-figure-spec="{_attr(json.dumps(spec, ensure_ascii=False))}">
<figure class="bg-figure" data-figure="{_attr(spec.get('id', ''))}">
  <div class="bg-figure__title">{escape(spec.get('title', ''))}</div>
  <div class="bg-figure__plot" data-figure-plot aria-hidden="true"><p class="bg-figure__placeholder">The chart appears when the page's scripts run; the table below has the same numbers.</p></div>
  <figcaption>{escape(spec.get('caption', ''))}</figcaption>
  <details class="bg-figure__table" data-figure-table><summary>Data table</summary>
    <table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></details>
</figure>
</div>"""


SUMMARY = (("z", "z"), ("a", "a"), ("loss", "L"), ("dL_db", "∂L/∂b"), ("b_next", "b′"))


def _summary(payload: dict) -> str:
    """The compact result that stays in view beside the inputs on a phone (CSS makes it sticky
    there; hidden on wide screens, where the charts sit beside the results)."""
    items = "".join(
        f'<span class="bg-calc__sum{" bg-calc__sum--key" if key == "dL_db" else ""}"><span class="bg-calc__sum-sym">{escape(sym)}</span> '
        f'<span data-summary="{key}">{escape(payload["text"].get(key, "—"))}</span></span>'
        for key, sym in SUMMARY)
    return (f'<div class="bg-calc__summary" data-summary-box aria-hidden="true">{items}'
            '<svg class="bg-calc__spark" data-spark viewBox="0 0 120 36" width="120" height="36" '
            'preserveAspectRatio="none"></svg></div>')


def _code_block(uid: str, kind: str, code: str) -> str:
    """One code view, highlighted like every other fence (Pygments' class names).

    The ``<pre>`` carries its own id: Material's copy button targets ``#__code_<closest id>``, so
    without it both views shared the widget's id and both buttons copied the first view.
    """
    spans = highlight_python(code)
    return (f'<div class="highlight bg-code"><pre id="{uid}-code-{kind}"><code data-code="{kind}">'
            f'{spans}</code></pre></div>')


def render_calculator(index: int, preset: dict, sync_url: bool) -> str:
    """The full widget HTML for the default inputs overlaid with ``preset``."""
    from biasgrad.web.calculator import ACTIVATION_LABELS, DEFAULTS, LOSS_LABELS, LOSS_TIP, calculate

    raw = {**DEFAULTS, **{k: str(v) for k, v in preset.items() if k in DEFAULTS}}
    payload = calculate(raw)
    if not payload["ok"]:
        raise GuideError(f"calculator preset {preset!r} is invalid: {payload['errors']}")
    uid = f"bgc{index}"
    inputs = payload["inputs"]
    fields = "".join(_number_field(uid, name, inputs[name]) for name in ("x", "w", "b", "y", "lr"))
    fields += _select_field(uid, "activation", "f", "activation", ACTIVATION_LABELS, inputs["activation"])
    fields += _select_field(uid, "loss", "L", "loss", LOSS_LABELS, inputs["loss"], tip=LOSS_TIP)
    code = payload["code"]
    return f"""<div class="bg-calc" data-widget="calculator" data-state="static" data-preset="{_attr(json.dumps(raw))}"{' data-sync-url="true"' if sync_url else ''} id="{uid}">
<form class="bg-calc__form" novalidate aria-label="Calculator inputs">
  <div class="bg-calc__fields">{fields}
  </div>
</form>
{_summary(payload)}
<div class="bg-calc__status" data-status role="status" aria-live="polite">
  <span class="bg-calc__dot" aria-hidden="true"></span>
  <span data-status-text>These numbers were computed when the page was built. With JavaScript on, Python runs them live in your browser.</span>
  <progress data-progress max="1" value="0" hidden></progress>
  <button type="button" class="md-button bg-calc__retry" data-action="retry" hidden>Retry</button>
</div>
<p class="bg-calc__stale" data-stale-note hidden>Out of date: the numbers below are for the last valid input. Fix the marked field to update them.</p>
<div class="bg-calc__body">
<div class="bg-calc__results" data-results>{_outputs(payload)}</div>
<div class="bg-calc__charts">{"".join(_figure(spec) for spec in payload["figures"])}</div>
</div>
<details class="bg-calc__code" data-code-box>
  <summary>NumPy code for this calculation</summary>
  <p class="bg-calc__code-note">In plain NumPy:</p>
  {_code_block(uid, "numpy", code["numpy"])}
  <p class="bg-calc__code-note">The same with the <code>biasgrad</code> module, as the check:</p>
  {_code_block(uid, "module", code["module"])}
</details>
<p class="bg-calc__share"><a data-share href="{_attr(payload['url'])}">Link to this calculation</a></p>
</div>"""


def replace_widgets(html: str, page) -> str:
    if "calculator" not in html:
        return html
    counter = {"n": 0}

    def replace(match: re.Match) -> str:
        attrs = match.group("attrs") or ""
        preset: dict = {}
        found = PRESET.search(attrs)
        if found:
            text = found.group("single") if found.group("single") is not None else found.group("double")
            try:
                preset = json.loads(text.replace("&quot;", '"'))
            except json.JSONDecodeError as error:
                raise GuideError(f"{page.src}: data-preset is not JSON ({error})") from None
        index = counter["n"]
        counter["n"] += 1
        return render_calculator(index, preset, sync_url=index == 0)

    return PLACEHOLDER.sub(replace, html)
