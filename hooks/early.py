"""MkDocs hook: what a page needs before its body is parsed, as two Jinja globals for the templates.

* ``site_script(name)``: ``site_js/inline/<name>`` without its whole-line comments, for a template
  to put inside ``<script>``: ``js_classes.js`` early in the ``<head>``, ``absolute_urls.js`` as
  its last element, and ``palette.js`` right after
  the header's light/dark toggle (each file says why it cannot wait for a module).
  ``hooks/csp.py`` then allows exactly these inline scripts by their hashes.
* ``katex_fonts(html)``: the KaTeX font files the page's typeset math is drawn with, for
  ``<link rel="preload">``. A web font that arrives after the first layout lays the whole page out
  again; preloaded, it is there before. Which file a class needs is read from KaTeX's own
  stylesheet (its ``@font-face`` rules and its ``.katex .<class>`` font rules), so it follows a
  KaTeX update. ``tests/browser/test_math_fonts.py`` holds the list to the fonts a browser loads.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INLINE_DIR = ROOT / "site_js" / "inline"
KATEX_CSS = ROOT / "node_modules" / "katex" / "dist" / "katex.min.css"
_COMMENT_LINE = re.compile(r"^[ \t]*//.*\n", re.M)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CLASS_ATTR = re.compile(r'class="([^"]*)"')


def site_script(name: str) -> str:
    """The body of the inline script ``site_js/inline/<name>``."""
    path = INLINE_DIR / name
    if path.parent != INLINE_DIR or not path.is_file():
        raise ValueError(f"{name} is not a script in site_js/inline/")
    text = _COMMENT_LINE.sub("", path.read_text())
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError(f"site_js/inline/{name} cannot be inlined: it contains '</script' or '<!--'")
    return text.strip()


def _declared(body: str, name: str) -> str | None:
    found = re.search(rf"(?:^|;)\s*{name}:\s*([^;]+)", body)
    return found.group(1).strip() if found else None


def _face(family: str, style: str | None, weight: str | None) -> tuple[str, str, str]:
    return family, "italic" if style == "italic" else "normal", "700" if weight in ("700", "bold") else "400"


@functools.lru_cache(maxsize=1)
def _katex_rules() -> tuple[dict[tuple[str, str, str], str], list[tuple[frozenset[str], tuple[str, str, str]]]]:
    """KaTeX's stylesheet read once: face → woff2 file, and (classes of one element → face)."""
    css = KATEX_CSS.read_text()
    files: dict[tuple[str, str, str], str] = {}
    rules: list[tuple[frozenset[str], tuple[str, str, str]]] = []
    for selectors, body in _RULE.findall(css):
        family = _declared(body, "font-family")
        if not family or not family.startswith("KaTeX_"):
            continue
        family = family.split(",")[0].strip()
        face = _face(family, _declared(body, "font-style"), _declared(body, "font-weight"))
        if selectors.strip() == "@font-face":
            woff2 = re.search(r"url\(([^)]*\.woff2)\)", body)
            if woff2:
                files[face] = woff2.group(1).strip("'\"").rsplit("/", 1)[-1]
            continue
        for selector in selectors.split(","):
            # the last compound that names classes: ".katex .delimsizing.mult .delim-size1>span" → {delim-size1}
            compounds = [set(re.findall(r"\.([\w-]+)", part)) for part in re.split(r"[\s>+~]+", selector.strip())]
            named = [c for c in compounds if c and c != {"katex"}]
            if named:
                rules.append((frozenset(named[-1]), face))
    return files, rules


def katex_fonts(html: str) -> list[str]:
    """The KaTeX woff2 file names that the typeset math in html is drawn with, sorted."""
    if 'class="katex' not in html:
        return []
    files, rules = _katex_rules()
    faces = {_face("KaTeX_Main", None, None)}  # .katex itself: KaTeX_Main, upright, regular
    seen: set[frozenset[str]] = set()
    for attr in _CLASS_ATTR.findall(html):
        classes = frozenset(attr.split())
        if classes in seen:
            continue
        seen.add(classes)
        faces.update(face for needed, face in rules if needed <= classes)
    return sorted(files[face] for face in faces if face in files)


def on_env(env: Any, config: Any, files: Any, **kwargs: Any) -> Any:
    env.globals["site_script"] = site_script
    env.globals["katex_fonts"] = katex_fonts
    return env
