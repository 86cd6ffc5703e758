"""The training widget, pre-rendered at build time with the default run.

``<div data-widget="training"></div>`` (one line, empty) in a page becomes the form, a
summary and every chart of ``biasgrad.web.training.train_iris(DEFAULTS)``, computed here in
CPython. Readers without JavaScript see that run as tables; ``site_js/training.js`` draws the
charts and retrains in the browser's worker (``call("train_iris", params)``) on "Train".
"""

from __future__ import annotations

import json
import logging
import re
import time

from .errors import GuideError
from .render import chart
from .render import esc as _esc

log = logging.getLogger("mkdocs.guide.training")
WIDGET_RE = re.compile(r"<div\s+data-widget=\"training\"\s*>\s*</div>")


def render_controls(controls: list[dict], values: dict, widget_id: str) -> str:
    parts = []
    for c in controls:
        cid = f"{widget_id}-{c['name']}"
        label = f'<label for="{_esc(cid)}">{_esc(c["label"])}</label>'
        value = values[c["name"]]
        if c["kind"] == "select":
            opts = "".join(f'<option value="{_esc(o)}"{" selected" if o == value else ""}>{_esc(o)}</option>'
                           for o in c["options"])
            field = f'<select id="{_esc(cid)}" name="{_esc(c["name"])}" disabled>{opts}</select>'
        else:
            # type="text" (not "number"): the reader's exact text reaches Python, which names what is wrong
            extra = ' inputmode="decimal" autocomplete="off" spellcheck="false"' if c["kind"] == "number" else ' autocomplete="off"'
            field = (f'<input type="text" id="{_esc(cid)}" name="{_esc(c["name"])}" value="{_esc(value)}"'
                     f'{extra} disabled aria-describedby="{_esc(cid)}-error">')
        hint = f'<span class="bg-training__help">{_esc(c["help"])}</span>' if c.get("help") else ""
        parts.append(f'<div class="bg-control bg-control--{_esc(c["kind"])}">{label}{field}{hint}'
                     f'<span class="bg-training__error" id="{_esc(cid)}-error" data-error-for="{_esc(c["name"])}"></span></div>')
    return "".join(parts)


def render_summary(payload: dict) -> str:
    from biasgrad.web.training import summary_items

    rows = "".join(f'<div class="bg-readout__item"><dt>{_esc(label)}</dt><dd data-output="{_esc(key)}">{_esc(text)}</dd></div>'
                   for key, label, text in summary_items(payload))
    return f'<dl class="bg-readout">{rows}</dl>'


def render_widget(widget_id: str) -> str:
    from biasgrad.web.training import CONTROLS, DEFAULTS, train_iris

    start = time.perf_counter()
    payload = train_iris(dict(DEFAULTS))
    log.info("training widget: default run took %.0f ms", (time.perf_counter() - start) * 1000)
    if not payload.get("ok"):
        raise GuideError(f"training widget: the default run failed: {payload.get('errors')}")
    charts = "".join(chart(spec, f"{widget_id}-{spec['id']}") for spec in payload["figures"])
    return (
        f'<div class="bg-training" data-widget="training" data-state="static" id="{_esc(widget_id)}" '
        f'data-defaults="{_esc(json.dumps(DEFAULTS))}">'
        f'<form class="bg-training__controls" data-controls>'
        f'{render_controls(CONTROLS, payload["config_text"], widget_id)}'
        f'<div class="bg-training__buttons">'
        f'<button type="submit" class="md-button md-button--primary" data-action="train" disabled>Train</button>'
        f'<button type="button" class="md-button" data-action="reset" disabled>Defaults</button></div></form>'
        f'<p class="bg-training__status" data-status role="status" aria-live="polite">'
        f'Showing the default run, computed when this page was built. Train runs in your browser once Python has loaded.</p>'
        f'<div class="bg-training__summary" data-summary aria-live="polite">{render_summary(payload)}</div>'
        f'<p class="bg-training__convention" data-convention>{_esc(payload["convention"])}</p>'
        f'<div class="bg-training__charts" data-charts>{charts}</div>'
        f'</div>'
    )


def replace_widgets(html_text: str, page) -> str:
    if not WIDGET_RE.search(html_text):
        return html_text
    counter = {"n": 0}

    def sub(match: re.Match) -> str:
        counter["n"] += 1
        try:
            return render_widget(f"{page.slug}-training{counter['n']}")
        except GuideError:
            raise
        except Exception as exc:  # noqa: BLE001 - name the page that broke the build
            raise GuideError(f"{page.src}: training widget failed: {type(exc).__name__}: {exc}") from exc

    return WIDGET_RE.sub(sub, html_text)
