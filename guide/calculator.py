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
from .render import render

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


def _number_field(uid: str, name: str, value: str) -> dict:
    symbol, what, lo, hi, step, nudge = NUMBER_FIELDS[name]
    try:
        slider_value = min(max(float(value), lo), hi)
    except ValueError:
        slider_value = lo
    return {"name": name, "id": f"{uid}-{name}", "symbol": symbol, "what": what, "lo": lo, "hi": hi,
            "step": step, "nudge": nudge, "value": value, "slider_value": slider_value}


def _select_field(uid: str, name: str, symbol: str, what: str, options: dict[str, str], value: str,
                  tip: str = "") -> dict:
    return {"name": name, "id": f"{uid}-{name}", "symbol": symbol, "what": what, "options": options,
            "value": value, "tip": tip}


def _groups(payload: dict) -> list[tuple[str, list[dict]]]:
    from biasgrad.web.calculator import OUTPUTS

    info = {key: (sym, tex, what) for key, sym, tex, what in OUTPUTS}
    reprs, texts = payload["repr"], payload["text"]
    sub_tex, sub_txt = payload["substituted"], payload["substituted_text"]
    return [(title, [{"key": key, "sym": info[key][0], "tex": info[key][1], "what": info[key][2],
                      "repr": reprs.get(key, ""), "text": texts.get(key, "—"),
                      "sub_tex": sub_tex.get(key, ""), "sub_text": sub_txt.get(key, "")} for key in keys])
            for title, keys in GROUPS]


def _figure(spec: dict) -> dict:
    """A chart of the calculator: its own frame (a placeholder, row headers, exact values)."""
    from biasgrad.web.calculator import fmt

    table = spec.get("table") or {"columns": [], "rows": []}
    rows = [[(fmt(cell) if isinstance(cell, float) else ("—" if cell is None else str(cell)),
              repr(cell) if isinstance(cell, float) else None) for cell in row] for row in table["rows"]]
    # An attribute, not <script type="application/json">: Material's instant navigation re-creates
    # every <script> in the new content without its type and would run the JSON as JavaScript.
    return {"spec": spec, "spec_json": json.dumps(spec, ensure_ascii=False),
            "columns": [str(c) for c in table["columns"]], "rows": rows}


SUMMARY = (("z", "z"), ("a", "a"), ("loss", "L"), ("dL_db", "∂L/∂b"), ("b_next", "b′"))


def render_calculator(index: int, preset: dict, sync_url: bool) -> str:
    """The full widget HTML for the default inputs overlaid with ``preset`` (calculator.html).

    Each code view's ``<pre>`` carries its own id: Material's copy button targets
    ``#__code_<closest id>``, so without it both views shared the widget's id and both buttons
    copied the first view.
    """
    from biasgrad.web.calculator import ACTIVATION_LABELS, DEFAULTS, LOSS_LABELS, LOSS_TIP, calculate

    raw = {**DEFAULTS, **{k: str(v) for k, v in preset.items() if k in DEFAULTS}}
    payload = calculate(raw)
    if not payload["ok"]:
        raise GuideError(f"calculator preset {preset!r} is invalid: {payload['errors']}")
    uid = f"bgc{index}"
    inputs = payload["inputs"]
    return str(render(
        "calculator.html", uid=uid, preset_json=json.dumps(raw), sync_url=sync_url,
        number_fields=[_number_field(uid, name, inputs[name]) for name in ("x", "w", "b", "y", "lr")],
        select_fields=[_select_field(uid, "activation", "f", "activation", ACTIVATION_LABELS, inputs["activation"]),
                       _select_field(uid, "loss", "L", "loss", LOSS_LABELS, inputs["loss"], tip=LOSS_TIP)],
        summary=SUMMARY, texts=payload["text"], groups=_groups(payload), warnings=payload["warnings"],
        figures=[_figure(spec) for spec in payload["figures"]], code=payload["code"], url=payload["url"]))


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
