"""Render every formula with KaTeX at build time (Node + the npm ``katex`` package).

``pymdownx.arithmatex`` (generic mode) leaves ``<span class="arithmatex">\\(...\\)</span>`` and
``<div class="arithmatex">\\[...\\]</div>``; this hook replaces their contents with KaTeX's HTML
and MathML, so formulas are typeset before any JavaScript runs (and with JavaScript off), and the
reader's browser never runs KaTeX for the page's own math. It runs last of the extension's steps,
so it typesets the math the widgets wrote too. Pages with typeset math (``data-rendered="katex"``)
get KaTeX's stylesheet (served from assets/vendor/katex/) through overrides/main.html.

If Node is missing, the formulas stay as TeX and site_js/boot.js renders them in the browser.
"""

from __future__ import annotations

import atexit
import html
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger("mkdocs.guide.katex")
ROOT = Path(__file__).resolve().parent.parent
KATEX = ROOT / "node_modules" / "katex"
SCRIPT = Path(__file__).resolve().parent / "katex_render.cjs"
TRAILING_PUNCT = re.compile(r"[.,;:!?)\]\u2019\u201d\u2026%]+")
MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<body>.*?)</(?P=tag)>', re.DOTALL)


class KatexRenderer:
    """One Node process for the whole build; requests and answers are JSON lines."""

    def __init__(self) -> None:
        node = shutil.which("node")
        self.process = None
        self.cache: dict[tuple[str, bool], str] = {}
        if node and KATEX.is_dir():
            self.process = subprocess.Popen([node, str(SCRIPT), str(KATEX)], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
        else:
            log.warning("node or node_modules/katex missing: formulas will be rendered in the browser")

    def render_many(self, items: list[tuple[str, bool]]) -> list[str | None]:
        """KaTeX HTML for each (tex, display), None where KaTeX refused the TeX."""
        if self.process is None:
            return [None] * len(items)
        todo = [item for item in dict.fromkeys(items) if item not in self.cache]
        for tex, display in todo:
            self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        self.process.stdin.flush()
        for item in todo:
            answer = json.loads(self.process.stdout.readline())
            if "error" in answer:
                log.warning("KaTeX could not render %r: %s", item[0][:80], answer["error"])
            self.cache[item] = answer.get("html")
        return [self.cache[item] for item in items]

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=10)
            self.process = None


_renderer: KatexRenderer | None = None


def renderer() -> KatexRenderer:
    global _renderer
    if _renderer is None:
        _renderer = KatexRenderer()
    return _renderer


def _strip(body: str) -> tuple[str, bool]:
    text = html.unescape(body).strip()
    for start, end, display in (("\\(", "\\)", False), ("\\[", "\\]", True), ("$$", "$$", True), ("$", "$", False)):
        if text.startswith(start) and text.endswith(end):
            return text[len(start):len(text) - len(end)].strip(), display
    return text, False


def typeset(html_text: str) -> str:
    """html_text with each arithmatex formula replaced by KaTeX's HTML and MathML."""
    matches = list(MATH.finditer(html_text))
    if not matches:
        return html_text
    items = [_strip(m.group("body")) for m in matches]
    rendered = renderer().render_many([(tex, m.group("tag") == "div" or display)
                                       for (tex, display), m in zip(items, matches)])
    out, last = [], 0
    for match, result in zip(matches, rendered):
        out.append(html_text[last:match.start()])
        if result is None:
            out.append(match.group(0))
            last = match.end()
            continue
        tag = match.group("tag")
        math = f'<{tag} class="arithmatex" data-rendered="katex">{result}</{tag}>'
        # Inline math keeps the punctuation that follows it on its line: a KaTeX box is an
        # atomic inline, so browsers may break between it and a "." or "," otherwise.
        punct = TRAILING_PUNCT.match(html_text, match.end()) if tag == "span" else None
        if punct and punct.end() > punct.start():
            out.append(f'<span class="bg-math-nobr">{math}{punct.group(0)}</span>')
            last = punct.end()
        else:
            out.append(math)
            last = match.end()
    out.append(html_text[last:])
    return "".join(out)


@atexit.register
def close() -> None:
    """Stop the Node process (once the build, or ``mkdocs serve``, is over)."""
    global _renderer
    if _renderer is not None:
        _renderer.close()
        _renderer = None
