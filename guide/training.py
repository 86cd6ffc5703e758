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
from .render import chart, render

log = logging.getLogger("mkdocs.guide.training")
WIDGET_RE = re.compile(r"<div\s+data-widget=\"training\"\s*>\s*</div>")


def render_widget(widget_id: str) -> str:
    """The widget for the default run (training.html)."""
    from biasgrad.web.training import CONTROLS, DEFAULTS, summary_items, train_iris

    start = time.perf_counter()
    payload = train_iris(dict(DEFAULTS))
    log.info("training widget: default run took %.0f ms", (time.perf_counter() - start) * 1000)
    if not payload.get("ok"):
        raise GuideError(f"training widget: the default run failed: {payload.get('errors')}")
    return str(render("training.html", widget_id=widget_id, defaults_json=json.dumps(DEFAULTS),
                      controls=CONTROLS, values=payload["config_text"], summary=summary_items(payload),
                      convention=payload["convention"],
                      figures=[chart(spec, f"{widget_id}-{spec['id']}") for spec in payload["figures"]]))


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
