"""The math fonts of every page arrive before its first layout: each KaTeX font the page draws
with is preloaded (hooks/early.py reads which from KaTeX's stylesheet), and each preload is used.
A web font that arrives later lays the whole page out again; an unused preload costs bytes."""

from __future__ import annotations

import pytest
from pages import built_pages, wait_widgets_live

pytestmark = pytest.mark.browser

FONTS = """() => {
  const file = (url) => url.split('/').pop();
  const preloaded = [...document.querySelectorAll('link[rel="preload"][as="font"]')].map((l) => file(l.href));
  const fetched = performance.getEntriesByType('resource').filter((e) => /\\.woff2?$/.test(e.name))
    .map((e) => [file(e.name), e.initiatorType]);
  // a face is drawn with once the page asked for it: status "loaded" (a preload alone leaves "unloaded")
  const drawn = [...document.fonts].filter((f) => f.status === 'loaded' && f.family.startsWith('KaTeX'))
    .map((f) => `${f.family}|${f.style}|${f.weight}`);
  return { preloaded, fetched, drawn };
}"""


def face_of(file: str) -> str:
    """'KaTeX_Main-BoldItalic.woff2' → 'KaTeX_Main|italic|700' (FontFace family|style|weight)."""
    family, variant = file.removesuffix(".woff2").rsplit("-", 1)
    style = "italic" if "Italic" in variant else "normal"
    weight = "700" if "Bold" in variant else "400"
    return f"{family}|{style}|{weight}"


def test_every_math_font_a_page_draws_with_was_preloaded_and_every_preload_is_drawn_with(new_reader, site_url, site_dir):
    """Assert, on every built page: no font file is fetched by the stylesheet (each came from a
    preload), and each preloaded font is a face the page draws with."""
    page = new_reader(viewport={"width": 1280, "height": 900}).page
    problems, preloads = [], 0
    for path in built_pages(site_dir):
        page.goto(site_url + path)
        wait_widgets_live(page)
        page.evaluate("document.fonts.ready")
        seen = page.evaluate(FONTS)
        where = path or "/"
        preloads += len(seen["preloaded"])
        problems += [f"{where}: {name} was fetched by the {how}, not preloaded"
                     for name, how in seen["fetched"] if how != "link"]
        problems += [f"{where}: {name} is preloaded but nothing is drawn with it"
                     for name in seen["preloaded"] if face_of(name) not in seen["drawn"]]
        problems += [f"{where}: {name} is preloaded twice" for name in set(seen["preloaded"])
                     if seen["preloaded"].count(name) > 1]
    assert preloads > 20, f"only {preloads} font preloads on the whole site"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("file, face", [("KaTeX_Main-Regular.woff2", "KaTeX_Main|normal|400"),
                                        ("KaTeX_Math-BoldItalic.woff2", "KaTeX_Math|italic|700"),
                                        ("KaTeX_Size2-Regular.woff2", "KaTeX_Size2|normal|400")])
def test_face_of_a_font_file(file, face):
    assert face_of(file) == face
