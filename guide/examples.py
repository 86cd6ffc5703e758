"""Runnable examples and explorers, rendered at build time with the same runner.

Author syntax (see ARCHITECTURE.md, "Runnable examples and explorers"):

* A fence ```` ```python run ```` (optional ``session="name"``, ``raises="BiasgradError"``,
  ``title="…"``) becomes an editable example. Its code is executed here, in CPython, by
  ``biasgrad.web.runner.run_example`` – the function the browser's worker calls – and the
  output (stdout, the last expression's repr, the error, every figure's data table and spec) is
  written into the page. The build fails if an example raises, unless ``raises=`` names the
  exception it is meant to raise (and then it fails if the example does *not* raise).
  ``fence_validator`` and ``fence_format`` are pymdownx.superfences' custom fence (mkdocs.yml).
* ``<div data-widget="explorer" data-explorer="NAME" data-params='{"z": 1}'></div>`` becomes an
  interactive chart: ``biasgrad.web.explorers.explore(NAME, params)`` renders its default
  controls, readout and figure here; ``site_js/explorer.js`` re-runs it in the worker.

Plain ```` ```python ```` fences are untouched.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from markupsafe import Markup

from .errors import GuideError
from .page import Page
from .render import chart, render

FENCE_OPTIONS = ("run", "session", "raises", "title")
FENCE_RE = re.compile(r"^[ \t>]*(`{3,}|~{3,})[ \t]*python[ \t]+run\b.*$", re.M)
EXPLORER_RE = re.compile(
    r"<div\s+data-widget=\"explorer\"\s+data-explorer=\"(?P<name>[\w-]+)\""
    r"(?:\s+data-params='(?P<params>[^']*)')?\s*>\s*</div>")


class PageState:
    """What the extension knows about the page being converted (kept on its Markdown instance)."""

    def __init__(self, page: Page = Page(), markdown: str = "") -> None:
        self.src = page.src
        self.slug = page.slug
        self.count = 0
        # per session: the earlier examples, as the runner's prelude items plus their element id
        self.sessions: dict[str, list[dict[str, Any]]] = {}
        self.failures: list[str] = []
        self.fence_lines = [markdown.count("\n", 0, m.start()) + 1 for m in FENCE_RE.finditer(markdown)]


def state_of(md: Any) -> PageState:
    """The page state on ``md`` (the extension's preprocessor sets a fresh one for each page)."""
    state = getattr(md, "biasgrad_examples", None)
    if state is None:
        state = md.biasgrad_examples = PageState()
    return state


def render_output(result: dict, example_id: str) -> Markup:
    """The pre-rendered output of one run (the same structure example.js writes after a run).

    Each output ``<pre>`` has its own id: Material's copy button targets ``#__code_<closest id>``,
    which would otherwise be the example's, so a "Printed" block's button copied the code.
    """
    figures = [chart(spec, f"{example_id}-fig{i + 1}") for i, spec in enumerate(result.get("figures", []))]
    return render("example_output.html", result=result, example_id=example_id, figures=figures)


# ---- the fence --------------------------------------------------------------------------------

def fence_validator(language, inputs, options, attrs, md):
    """Accept ```python run …``` only. An unknown option is recorded as a build failure (raised
    after the conversion with the page and the fence's line) and the fence renders as plain code."""
    if "run" not in inputs:
        return False
    unknown = [k for k in inputs if k not in FENCE_OPTIONS]
    if unknown:
        state = state_of(md)
        state.failures.append(
            f"{state.src}: unknown option {unknown[0]}= on a ```python run fence; "
            f"allowed: {', '.join(FENCE_OPTIONS)}. Quote values with \"…\" or '…' (no backslash "
            f"escapes: a value that contains double quotes goes in single quotes)")
        return False
    options.update(inputs)
    return True


def _highlight(source: str, md) -> str:
    pre = md.preprocessors["fenced_code_block"]
    return pre.highlight(src=source, language="python", options={}, md=md,
                         classes=[], id_value="", attrs={})


def run(source: str, options: dict, state: PageState) -> dict:
    from biasgrad.web.runner import run_example

    opts: dict[str, Any] = {}
    if options.get("raises"):
        opts["raises"] = options["raises"]
    session = options.get("session")
    if session:
        opts["prelude"] = [{k: e[k] for k in ("code", "title", "raises")}
                           for e in state.sessions.get(session, [])]
    return run_example(source, opts)


def fence_format(source, language, class_name, options, md, **kwargs):
    """Execute the example in CPython and emit its HTML (code, editor source, output, figures).

    SuperFences swallows a formatter's exceptions (it falls back to a plain paragraph), so any
    failure here is recorded and turned into a build error after the conversion (check_failures).
    """
    state = state_of(md)
    try:
        return _fence_format(source, options, md, state)
    except Exception as exc:  # noqa: BLE001
        state.failures.append(f"{state.src}: a ```python run fence could not be rendered: "
                              f"{type(exc).__name__}: {exc}")
        return ""


def _fence_format(source, options, md, state: PageState) -> str:
    state.count += 1
    k = state.count
    example_id = f"{state.slug}-ex{k}"
    result = run(source, options, state)
    session = options.get("session")
    title = options.get("title") or f"Example {k}"
    earlier = state.sessions.get(session, []) if session else []
    continues = earlier[-1] if earlier else None
    if session:
        state.sessions.setdefault(session, []).append(
            {"code": source, "title": title, "raises": options.get("raises") or None, "id": example_id})
    if not result["ok"]:
        line = state.fence_lines[k - 1] if k - 1 < len(state.fence_lines) else "?"
        err = result["error"] or {}
        state.failures.append(
            f"{state.src}:{line}: example {k} "
            + (f"was expected to raise {options['raises']} but did not"
               if err.get("type") == "NoError" else f"raised {err.get('type')}")
            + "\n" + "\n".join("    " + ln for ln in (err.get("traceback") or "").splitlines()))
    return str(render("example.html", example_id=example_id, title=title, session=session,
                      raises=options.get("raises"), continues=continues, rows=source.count("\n") + 1,
                      code=Markup(_highlight(source, md)), source=source,
                      output=render_output(result, example_id)))


# The custom fence as mkdocs.yml declares it (pymdownx.superfences' custom_fences), for a
# converter configured in Python (the tests).
FENCE = {"name": "python", "class": "bg-example", "format": fence_format, "validator": fence_validator}


def check_failures(state: PageState) -> None:
    """Stop the build if an example of the page failed (SuperFences would have hidden it)."""
    if state.failures:
        raise GuideError("Runnable examples failed at build time:\n" + "\n".join(state.failures))


# ---- explorers ----------------------------------------------------------------------------------

CONTROL_KINDS = ("select", "range", "stepper")


def render_explorer(name: str, params: dict, widget_id: str) -> Markup:
    from biasgrad.web.explorers import explore

    view = explore(name, params)
    for c in view["controls"]:
        if c["kind"] not in CONTROL_KINDS:
            raise GuideError(f"explorer control kind {c['kind']!r} is not supported")
    figures = [chart(f, f"{widget_id}-chart{i + 1 if i else ''}") for i, f in enumerate(view["figures"])]
    return render("explorer.html", name=name, widget_id=widget_id, view=view,
                  readout_items=[(i["key"], i["label"], i["text"]) for i in view["readout"]],
                  params_json=json.dumps(view["params"]), figures=figures)


def replace_explorers(html_text: str, state: PageState) -> str:
    counter = {"n": 0}

    def sub(m: re.Match) -> str:
        counter["n"] += 1
        try:
            params = json.loads(html.unescape(m.group("params"))) if m.group("params") else {}
        except json.JSONDecodeError as exc:
            raise GuideError(f"{state.src}: explorer {m.group('name')!r}: data-params is not JSON ({exc})")
        try:
            return str(render_explorer(m.group("name"), params, f"{state.slug}-explorer{counter['n']}"))
        except GuideError:
            raise
        except Exception as exc:  # noqa: BLE001 - report which page and widget broke the build
            raise GuideError(f"{state.src}: explorer {m.group('name')!r} failed: "
                             f"{type(exc).__name__}: {exc}") from exc

    return EXPLORER_RE.sub(sub, html_text)
