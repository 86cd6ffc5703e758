"""hooks/early.py: the inline theme scripts and the math-font preloads, read from their sources."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bg_early_hook", ROOT / "hooks" / "early.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


early = load_hook()
needs_katex = pytest.mark.skipif(not early.KATEX_CSS.is_file(), reason="node_modules/katex is not installed")


@pytest.mark.parametrize("name", ["js_classes.js", "palette.js"])
def test_an_inline_script_is_its_file_without_whole_line_comments(name):
    source = (ROOT / "site_js" / "inline" / name).read_text()
    kept = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//")).strip()
    assert early.site_script(name) == kept
    assert source.count("\n//") >= 3, "the file explains itself; only the page's copy drops that"


@pytest.mark.parametrize("name", ["../boot.js", "missing.js", "inline"])
def test_only_a_script_of_site_js_inline_can_be_inlined(name):
    with pytest.raises(ValueError, match="not a script in site_js/inline/"):
        early.site_script(name)


@needs_katex
def test_the_fonts_follow_the_classes_katex_draws_with():
    """Worked by hand from KaTeX's stylesheet: .katex is KaTeX_Main; .mathnormal KaTeX_Math italic;
    .delimsizing.size1 KaTeX_Size1; .mathbf KaTeX_Main bold; .op-symbol.large-op KaTeX_Size2."""
    html = ('<span class="katex"><span class="mord mathnormal">x</span>'
            '<span class="delimsizing size1">(</span><span class="mord mathbf">w</span>'
            '<span class="mop op-symbol large-op">∑</span></span>')
    assert early.katex_fonts(html) == ["KaTeX_Main-Bold.woff2", "KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2",
                                       "KaTeX_Size1-Regular.woff2", "KaTeX_Size2-Regular.woff2"]


@needs_katex
def test_one_class_of_a_pair_needs_no_font_and_a_page_without_math_none():
    assert early.katex_fonts('<span class="katex"><span class="size1">(</span></span>') == ["KaTeX_Main-Regular.woff2"]
    assert early.katex_fonts('<p class="size1 mathnormal">no math</p>') == []
