"""MkDocs hook: runnable examples and explorers, rendered at build time with the same runner.

Author syntax (see ARCHITECTURE.md, "Runnable examples and explorers"):

* A fence ```` ```python run ```` (optional ``session="name"``, ``raises="BiasgradError"``,
  ``title="…"``) becomes an editable example. Its code is executed here, in CPython, by
  ``biasgrad.web.runner.run_example`` – the function the browser's worker calls – and the
  output (stdout, the last expression's repr, the error, every figure's data table and spec) is
  written into the page. The build fails if an example raises, unless ``raises=`` names the
  exception it is meant to raise (and then it fails if the example does *not* raise).
* ``<div data-widget="explorer" data-explorer="NAME" data-params='{"z": 1}'></div>`` becomes an
  interactive chart: ``biasgrad.web.explorers.explore(NAME, params)`` renders its default
  controls, readout and figure here; ``site_js/explorer.js`` re-runs it in the worker.

Plain ```` ```python ```` fences are untouched.
"""

from __future__ import annotations

import html
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent


def _ensure_path() -> None:
    """Import biasgrad from this checkout. (MkDocs restores sys.path after loading a hook, so
    this runs in on_config and before each use, not at import.)"""
    if str(ROOT / "py") not in sys.path:
        sys.path.insert(0, str(ROOT / "py"))

log = logging.getLogger("mkdocs.hooks.examples")

FENCE_OPTIONS = ("run", "session", "raises", "title")
FENCE_RE = re.compile(r"^[ \t>]*(`{3,}|~{3,})[ \t]*python[ \t]+run\b.*$", re.M)
EXPLORER_RE = re.compile(
    r"<div\s+data-widget=\"explorer\"\s+data-explorer=\"(?P<name>[\w-]+)\""
    r"(?:\s+data-params='(?P<params>[^']*)')?\s*>\s*</div>")


class _PageState:
    """What the hook knows about the page being rendered (pages render one at a time)."""

    def __init__(self, src: str = "<markdown>", markdown: str = "") -> None:
        self.src = src
        self.count = 0
        # per session: the earlier examples, as the runner's prelude items plus their element id
        self.sessions: dict[str, list[dict[str, Any]]] = {}
        self.failures: list[str] = []
        self.fence_lines = [markdown.count("\n", 0, m.start()) + 1 for m in FENCE_RE.finditer(markdown)]
        self.slug = re.sub(r"[^a-z0-9]+", "-", Path(src).with_suffix("").as_posix().lower()).strip("-") or "page"


_state = _PageState()


# ---- HTML helpers -----------------------------------------------------------------------------

def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _json_attr(data: Any) -> str:
    """JSON for a data-* attribute (escaped). Not a <script type="application/json">: Material's
    instant navigation re-creates every <script> of the new page without its type and runs the
    JSON as JavaScript (a SyntaxError, and the spec is lost)."""
    return _esc(json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


def _json_script(data: Any, attr: str) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    return f'<script type="application/json" {attr}>{text}</script>'


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return _esc(f"{value:.6g}")
    if value is None:
        return "–"
    return _esc(value)


def render_table(table: dict, caption: str = "") -> str:
    cols = table.get("columns", [])
    rows = table.get("rows", [])
    head = "".join(f'<th scope="col">{_esc(c)}</th>' for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    return f'<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_figure(spec: dict, chart_id: str) -> str:
    """A chart container: the spec for chart.js plus the static title, caption and data table.

    The markup is the frame ``site_js/chart.js`` fills in (figure.bg-figure > .bg-figure__title,
    figcaption, details[data-figure-table] > table), so the drawn chart reuses it. The table is
    open here (it is all a reader without JavaScript gets); drawFigures() folds it once drawn.
    """
    title = spec.get("title") or ""
    caption = spec.get("caption") or ""
    parts = [f'<div class="bg-chart" data-chart="{_esc(chart_id)}" data-figure-spec="{_json_attr(spec)}">',
             f'<figure class="bg-figure" data-figure="{_esc(spec.get("id", ""))}">']
    if title:
        parts.append(f'<div class="bg-figure__title">{_esc(title)}</div>')
    if caption:
        parts.append(f"<figcaption>{_esc(caption)}</figcaption>")
    parts.append('<details class="bg-figure__table" data-figure-table open><summary>Data table</summary>'
                 f'{render_table(spec.get("table", {}))}</details>')
    parts.append("</figure></div>")
    return "".join(parts)


def render_output(result: dict, example_id: str) -> str:
    """The pre-rendered output of one run (the same structure example.js writes after a run).

    Each output ``<pre>`` has its own id: Material's copy button targets ``#__code_<closest id>``,
    which would otherwise be the example's, so a "Printed" block's button copied the code.
    """
    parts = []
    if result.get("stdout"):
        parts.append('<div class="bg-exout bg-exout--stdout"><span class="bg-exout__label">Printed</span>'
                     f'<pre id="{_esc(example_id)}-stdout" data-stream="stdout"><code>{_esc(result["stdout"].rstrip())}</code></pre></div>')
    if result.get("result") is not None:
        parts.append('<div class="bg-exout bg-exout--result"><span class="bg-exout__label">Value of the last line</span>'
                     f'<pre id="{_esc(example_id)}-result" data-stream="result"><code>{_esc(result["result"])}</code></pre></div>')
    err = result.get("error")
    if err:
        kind = "expected" if result.get("ok") else "error"
        label = f"Raises {err['type']}, as intended" if result.get("ok") else "Error"
        parts.append(f'<div class="bg-exout bg-exout--{kind}"><span class="bg-exout__label">{_esc(label)}</span>'
                     f'<pre id="{_esc(example_id)}-error" data-stream="error"><code>{_esc(err["traceback"])}</code></pre></div>')
    for i, spec in enumerate(result.get("figures", [])):
        parts.append(render_figure(spec, f"{example_id}-fig{i + 1}"))
    if not parts:
        parts.append('<p class="bg-exout bg-exout--empty">(no output)</p>')
    return "".join(parts)


# ---- the fence --------------------------------------------------------------------------------

def fence_validator(language, inputs, options, attrs, md):
    """Accept ```python run …``` only. An unknown option is recorded as a build failure (raised
    in on_page_content with the page and the fence's line) and the fence renders as plain code."""
    if "run" not in inputs:
        return False
    unknown = [k for k in inputs if k not in FENCE_OPTIONS]
    if unknown:
        _state.failures.append(
            f"{_state.src}: unknown option {unknown[0]}= on a ```python run fence; "
            f"allowed: {', '.join(FENCE_OPTIONS)}. Quote values with \"…\" or '…' (no backslash "
            f"escapes: a value that contains double quotes goes in single quotes)")
        return False
    options.update(inputs)
    return True


def _highlight(source: str, md) -> str:
    pre = md.preprocessors["fenced_code_block"]
    return pre.highlight(src=source, language="python", options={}, md=md,
                         classes=[], id_value="", attrs={})


def run(source: str, options: dict) -> dict:
    _ensure_path()
    from biasgrad.web.runner import run_example

    opts: dict[str, Any] = {}
    if options.get("raises"):
        opts["raises"] = options["raises"]
    session = options.get("session")
    if session:
        opts["prelude"] = [{k: e[k] for k in ("code", "title", "raises")}
                           for e in _state.sessions.get(session, [])]
    return run_example(source, opts)


def fence_format(source, language, class_name, options, md, **kwargs):
    """Execute the example in CPython and emit its HTML (code, editor source, output, figures).

    SuperFences swallows a formatter's exceptions (it falls back to a plain paragraph), so any
    failure here is recorded and turned into a build error in on_page_content.
    """
    try:
        return _fence_format(source, options, md)
    except Exception as exc:  # noqa: BLE001
        _state.failures.append(f"{_state.src}: a ```python run fence could not be rendered: "
                               f"{type(exc).__name__}: {exc}")
        return ""


def _fence_format(source, options, md):
    _state.count += 1
    k = _state.count
    example_id = f"{_state.slug}-ex{k}"
    result = run(source, options)
    session = options.get("session")
    title = options.get("title") or f"Example {k}"
    earlier = _state.sessions.get(session, []) if session else []
    continues = earlier[-1] if earlier else None
    if session:
        _state.sessions.setdefault(session, []).append(
            {"code": source, "title": title, "raises": options.get("raises") or None, "id": example_id})
    if not result["ok"]:
        line = _state.fence_lines[k - 1] if k - 1 < len(_state.fence_lines) else "?"
        err = result["error"] or {}
        _state.failures.append(
            f"{_state.src}:{line}: example {k} "
            + (f"was expected to raise {options['raises']} but did not"
               if err.get("type") == "NoError" else f"raised {err.get('type')}")
            + "\n" + "\n".join("    " + ln for ln in (err.get("traceback") or "").splitlines()))
    attrs = ['class="bg-example"', f'id="{_esc(example_id)}"', f'data-example="{_esc(example_id)}"',
             'data-state="static"', f'data-title="{_esc(title)}"']
    if session:
        attrs.append(f'data-session="{_esc(session)}"')
    if options.get("raises"):
        attrs.append(f'data-raises="{_esc(options["raises"])}"')
    n_lines = source.count("\n") + 1
    chain = ""
    if continues:
        chain = (f'<p class="bg-example__continues" data-continues="{_esc(continues["id"])}">'
                 f'Continues from: <a href="#{_esc(continues["id"])}">{_esc(continues["title"])}</a> '
                 f'(its names are defined there; it runs first, silently)</p>')
    return (
        f'<div {" ".join(attrs)}>'
        f'<div class="bg-example__head"><span class="bg-example__title">{_esc(title)}</span>'
        f'<span class="bg-example__hint" data-hint>Runs in your browser. Edit the code, then Run (Ctrl+Enter).</span></div>'
        f'{chain}'
        f'<div class="bg-example__code" data-code>{_highlight(source, md)}</div>'
        f'<textarea class="bg-example__editor" data-source hidden spellcheck="false" autocapitalize="off" '
        f'autocomplete="off" rows="{n_lines}" aria-label="Python code of this example (editable)">\n{_esc(source)}</textarea>'
        f'<div class="bg-example__bar" data-bar hidden>'
        f'<button type="button" class="md-button md-button--primary bg-example__run" data-action="run">Run</button>'
        f'<button type="button" class="md-button bg-example__reset" data-action="reset">Reset</button>'
        f'<span class="bg-example__status" data-status role="status" aria-live="polite"></span></div>'
        f'<div class="bg-example__output" data-output>{render_output(result, example_id)}</div>'
        f'</div>'
    )


def register_fence(mdx_configs: dict) -> None:
    """Add the ```python run fence to pymdownx.superfences' custom fences (idempotent)."""
    conf = mdx_configs.setdefault("pymdownx.superfences", {})
    fences = list(conf.get("custom_fences") or [])
    if not any(f.get("format") is fence_format for f in fences):
        fences.append({"name": "python", "class": "bg-example", "format": fence_format,
                       "validator": fence_validator})
    conf["custom_fences"] = fences


# ---- explorers ----------------------------------------------------------------------------------

def render_control(c: dict, widget_id: str) -> str:
    cid = f"{widget_id}-{c['name']}"
    label = f'<label for="{_esc(cid)}">{_esc(c["label"])}</label>'
    if c["kind"] == "select":
        opts = "".join(
            f'<option value="{_esc(o["value"])}"{" selected" if o["value"] == c["value"] else ""}>{_esc(o["label"])}</option>'
            for o in c["options"])
        return f'<div class="bg-control bg-control--select">{label}<select id="{_esc(cid)}" name="{_esc(c["name"])}" disabled>{opts}</select></div>'
    if c["kind"] == "range":
        return (f'<div class="bg-control bg-control--range">{label}'
                f'<input type="range" id="{_esc(cid)}" name="{_esc(c["name"])}" min="{c["min"]}" max="{c["max"]}" '
                f'step="{c["step"]}" value="{c["value"]}" disabled>'
                f'<output for="{_esc(cid)}" data-value-of="{_esc(c["name"])}">{_esc(c.get("text", c["value"]))}</output></div>')
    if c["kind"] == "stepper":
        return (f'<div class="bg-control bg-control--stepper" role="group" aria-labelledby="{_esc(cid)}-label">'
                f'<span id="{_esc(cid)}-label" class="bg-control__label">{_esc(c["label"])}</span>'
                f'<input type="hidden" name="{_esc(c["name"])}" value="{c["value"]}" data-min="{c["min"]}" data-max="{c["max"]}" data-increment="{c.get("increment", 1)}">'
                f'<button type="button" class="md-button" data-step="-1" disabled>Back</button>'
                f'<output data-value-of="{_esc(c["name"])}">{_esc(c.get("text", c["value"]))}</output>'
                f'<button type="button" class="md-button md-button--primary" data-step="1" disabled>{_esc(c.get("button", "Step"))}</button>'
                f'<button type="button" class="md-button" data-step="reset" disabled>Reset</button></div>')
    raise PluginError(f"explorer control kind {c['kind']!r} is not supported")


def render_readout(items: list[dict]) -> str:
    if not items:
        return ""
    rows = "".join(
        f'<div class="bg-readout__item"><dt>{_esc(i["label"])}</dt>'
        f'<dd data-output="{_esc(i["key"])}">{_esc(i["text"])}</dd></div>' for i in items)
    return f'<dl class="bg-readout">{rows}</dl>'


def render_explorer(name: str, params: dict, widget_id: str) -> str:
    _ensure_path()
    from biasgrad.web.explorers import explore

    view = explore(name, params)
    controls = "".join(render_control(c, widget_id) for c in view["controls"])
    figs = "".join(render_figure(f, f"{widget_id}-chart{i + 1 if i else ''}") for i, f in enumerate(view["figures"]))
    return (
        f'<div class="bg-explorer" data-widget="explorer" data-explorer="{_esc(name)}" data-state="static" '
        f'id="{_esc(widget_id)}" data-params="{_esc(json.dumps(view["params"]))}">'
        f'<form class="bg-explorer__controls" data-controls>{controls}</form>'
        f'<div class="bg-explorer__readout" data-readout aria-live="polite">{render_readout(view["readout"])}</div>'
        f'<div class="bg-explorer__chart">{figs}</div>'
        f'<p class="bg-explorer__note" data-note>{_esc(view.get("note", ""))}</p>'
        f'<p class="bg-explorer__status" data-status role="status" aria-live="polite"></p>'
        f'</div>'
    )


def replace_explorers(html_text: str, slug: str) -> str:
    counter = {"n": 0}

    def sub(m: re.Match) -> str:
        counter["n"] += 1
        try:
            params = json.loads(html.unescape(m.group("params"))) if m.group("params") else {}
        except json.JSONDecodeError as exc:
            raise PluginError(f"{_state.src}: explorer {m.group('name')!r}: data-params is not JSON ({exc})")
        try:
            return render_explorer(m.group("name"), params, f"{slug}-explorer{counter['n']}")
        except PluginError:
            raise
        except Exception as exc:  # noqa: BLE001 - report which page and widget broke the build
            raise PluginError(f"{_state.src}: explorer {m.group('name')!r} failed: "
                              f"{type(exc).__name__}: {exc}") from exc

    return EXPLORER_RE.sub(sub, html_text)


# ---- MkDocs events -----------------------------------------------------------------------------

def on_config(config, **kwargs):
    _ensure_path()
    register_fence(config["mdx_configs"])
    if "pymdownx.superfences" not in config["markdown_extensions"]:
        config["markdown_extensions"].append("pymdownx.superfences")
    return config


def on_page_markdown(markdown, page, config, files, **kwargs):
    global _state
    _state = _PageState(page.file.src_uri, markdown)
    return markdown


def on_page_content(html_text, page, config, files, **kwargs):
    if _state.failures:
        raise PluginError("Runnable examples failed at build time:\n" + "\n".join(_state.failures))
    return replace_explorers(html_text, _state.slug)
