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
from .render import esc as _esc
from .render import highlight_python as _highlight

DIAGNOSE_RE = re.compile(r"<div\s+data-widget=\"diagnose\"\s*>\s*</div>")
PRACTICE_RE = re.compile(r"<div\s+data-widget=\"practice\"\s*>\s*</div>")
DEFAULT_SEED = 1
DEFAULTS = {"activation": "sigmoid", "loss": "bce", "reduction": "mean"}


def _select(uid: str, name: str, label: str, options: tuple[str, ...], value: str) -> str:
    opts = "".join(f'<option value="{_esc(o)}"{" selected" if o == value else ""}>{_esc(o)}</option>' for o in options)
    return (f'<div class="bg-diagnose__menu"><label for="{uid}-{name}">{_esc(label)}</label>'
            f'<select id="{uid}-{name}" name="{name}" disabled>{opts}</select></div>')


def render_verdict_parts(v: dict, root: str) -> str:
    """The verdict block (the same elements diagnose.js fills after a check)."""
    link = v.get("link")
    code = v.get("mistake") or "none"
    title = "Right" if v.get("status") == "ok" else (v.get("title") or "")
    mistake_attr = "" if v.get("status") == "error" else f' data-mistake="{_esc(code)}"'
    return (f'<p class="bg-verdict__title" data-verdict-title>{_esc(title)}'
            f'{"" if code == "none" or v.get("status") == "error" else f" <code>{_esc(code)}</code>"}</p>'
            f'<p class="bg-verdict__message" data-verdict data-result="{_esc(v.get("status"))}"{mistake_attr}>'
            f'{_esc(v.get("message", ""))}</p>'
            f'<p class="bg-verdict__link" data-link-box{"" if link else " hidden"}>'
            f'<a data-link href="{_esc(root + link) if link else "#"}">Where the guide explains this mistake</a></p>')


def render_diagnose(uid: str, root: str) -> str:
    from biasgrad.web.diagnose import ACTIVATION_CHOICES, LOSS_CHOICES, STARTER, diagnose_code

    v = diagnose_code(STARTER, **DEFAULTS)
    if v["status"] != "ok":
        raise GuideError(f"diagnose widget: the starter code is not diagnosed right: {v['message']}")
    rows = STARTER.count("\n") + 1
    menus = (_select(uid, "activation", "Activation", ACTIVATION_CHOICES, DEFAULTS["activation"])
             + _select(uid, "loss", "Loss", LOSS_CHOICES, DEFAULTS["loss"])
             + _select(uid, "reduction", "Reduction over the batch", ("mean", "sum"), DEFAULTS["reduction"]))
    return (
        f'<div class="bg-diagnose" data-widget="diagnose" data-state="static" id="{uid}" data-root="{_esc(root)}">'
        f'<form class="bg-diagnose__form" data-controls>'
        f'<label class="bg-diagnose__label" for="{uid}-code">Your <code>bias_gradient(X, W, b, Y)</code></label>'
        f'<div class="bg-diagnose__static highlight" data-code><pre id="{uid}-starter"><code>{_highlight(STARTER)}</code></pre></div>'
        f'<textarea id="{uid}-code" name="code" data-source hidden spellcheck="false" autocapitalize="off" '
        f'autocomplete="off" rows="{rows}">\n{_esc(STARTER)}</textarea>'
        f'<div class="bg-diagnose__menus">{menus}</div>'
        f'<div class="bg-diagnose__bar">'
        f'<button type="submit" class="md-button md-button--primary" data-action="check" disabled>Check</button>'
        f'<button type="button" class="md-button" data-action="reset" disabled>Reset code</button>'
        f'<span class="bg-diagnose__status" data-status role="status" aria-live="polite">The verdict below was '
        f'computed for this code when the page was built. Check runs your code in your browser once Python has '
        f'loaded.</span></div></form>'
        f'<div class="bg-diagnose__verdict" data-verdict-box aria-live="polite">{render_verdict_parts(v, root)}</div>'
        f'<div class="bg-diagnose__compare" data-compare hidden></div>'
        f'<div class="bg-diagnose__charts" data-charts></div>'
        f'<details class="bg-diagnose__stdout" data-stdout hidden><summary>Printed by your code</summary>'
        f'<pre id="{uid}-stdout"><code></code></pre></details>'
        f'</div>')


def render_practice(uid: str, root: str) -> str:
    from biasgrad.web.diagnose import practice_problem

    p = practice_problem(DEFAULT_SEED)
    items = "".join(f'<div class="bg-readout__item"><dt>{_esc(label)}</dt><dd data-output="{_esc(key)}">{_esc(text)}</dd></div>'
                    for key, label, text in p["items"])
    return (
        f'<div class="bg-practice" data-widget="practice" data-state="static" id="{uid}" data-root="{_esc(root)}" '
        f'data-seed="{p["seed"]}">'
        f'<p class="bg-practice__prompt" data-prompt>{_esc(p["prompt"])}</p>'
        f'<dl class="bg-readout" data-problem>{items}</dl>'
        f'<form class="bg-practice__form" data-answer-form>'
        f'<label for="{uid}-answer">∂L/∂b =</label>'
        f'<input id="{uid}-answer" name="answer" type="text" inputmode="decimal" autocomplete="off" '
        f'spellcheck="false" disabled>'
        f'<button type="submit" class="md-button md-button--primary" data-action="check" disabled>Check</button>'
        f'<button type="button" class="md-button" data-action="new" disabled>New problem</button></form>'
        f'<div class="bg-practice__verdict" data-verdict-box aria-live="polite">'
        f'<p class="bg-verdict__title" data-verdict-title></p>'
        f'<p class="bg-verdict__message" data-verdict>Work out ∂L/∂b on paper, type it and press Check '
        f'(Python checks it in your browser).</p>'
        f'<p class="bg-verdict__link" data-link-box hidden><a data-link href="#">Where the guide explains this mistake</a></p></div>'
        f'<p class="bg-practice__share">Problem number <span data-seed-text>{p["seed"]}</span>: '
        f'<a data-share href="?problem={p["seed"]}">link to this problem</a></p>'
        f'</div>')


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
