"""The "Check your own code" widgets, pre-rendered with the same module.

``<div data-widget="diagnose"></div>`` becomes the editor (pre-filled with
``biasgrad.web.diagnose.STARTER``), the activation / loss / reduction menus, Check, and the
verdict of ``diagnose_code(STARTER)`` computed here. ``<div data-widget="practice"></div>``
becomes the practice neuron of ``practice_problem(DEFAULT_SEED)`` with its answer field.
``site_js/diagnose.js`` takes both over (``mountDiagnose``, ``mountPractice``).

Both roots carry ``data-root``: the relative path from the page to the site root, which the
script puts before the guide links of the verdicts (``LINKS`` are relative to the root).
"""

from __future__ import annotations

import re

from .errors import GuideError
from .render import render

DIAGNOSE_RE = re.compile(r"<div\s+data-widget=\"diagnose\"\s*>\s*</div>")
PRACTICE_RE = re.compile(r"<div\s+data-widget=\"practice\"\s*>\s*</div>")
DEFAULT_SEED = 1
DEFAULTS = {"activation": "sigmoid", "loss": "bce", "reduction": "mean"}


def render_diagnose(uid: str, root: str) -> str:
    """The code checker with the starter code and its verdict (diagnose.html, verdict.html)."""
    from biasgrad.web.diagnose import ACTIVATION_CHOICES, LOSS_CHOICES, STARTER, diagnose_code

    v = diagnose_code(STARTER, **DEFAULTS)
    if v["status"] != "ok":
        raise GuideError(f"diagnose widget: the starter code is not diagnosed right: {v['message']}")
    menus = (("activation", "Activation", ACTIVATION_CHOICES), ("loss", "Loss", LOSS_CHOICES),
             ("reduction", "Reduction over the batch", ("mean", "sum")))
    return str(render("diagnose.html", uid=uid, root=root, starter=STARTER, rows=STARTER.count("\n") + 1,
                      menus=menus, defaults=DEFAULTS, verdict=v))


def render_practice(uid: str, root: str) -> str:
    """The practice neuron of problem DEFAULT_SEED (practice.html)."""
    from biasgrad.web.diagnose import practice_problem

    return str(render("practice.html", uid=uid, root=root, p=practice_problem(DEFAULT_SEED)))


def replace_widgets(html_text: str, page) -> str:
    if not (DIAGNOSE_RE.search(html_text) or PRACTICE_RE.search(html_text)):
        return html_text
    root = page.root
    counter = {"n": 0}

    def widget(render):
        def sub(match: re.Match) -> str:
            counter["n"] += 1
            try:
                return render(f"{page.slug}-w{counter['n']}", root)
            except GuideError:
                raise
            except Exception as exc:  # noqa: BLE001 - name the page that broke the build
                raise GuideError(f"{page.src}: {render.__name__} failed: {type(exc).__name__}: {exc}") from exc
        return sub

    html_text = DIAGNOSE_RE.sub(widget(render_diagnose), html_text)
    return PRACTICE_RE.sub(widget(render_practice), html_text)
