"""Social meta on every page, the build-time social card, and how a page prints."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pages(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("index.html") if "assets" not in p.parts and p.parent.name != "404")


def meta(html: str) -> dict[str, str]:
    return {m[0]: m[1] for m in re.findall(r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)"', html)}


def test_every_page_has_open_graph_and_twitter_tags(site_dir, site_url):
    seen_titles = set()
    for page in pages(site_dir):
        html = page.read_text(encoding="utf-8")
        m = meta(html)
        where = page.relative_to(site_dir).as_posix()
        for key in ("og:title", "og:description", "og:url", "og:image", "twitter:card", "twitter:title",
                    "twitter:description", "twitter:image", "og:image:alt"):
            assert m.get(key), f"{where}: no {key}"
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
        assert m["og:url"] == canonical and canonical.startswith(site_url), where
        assert m["og:image"] == site_url + "assets/social-card.png" == m["twitter:image"], where
        assert m["twitter:card"] == "summary_large_image"
        assert "<" not in m["og:description"] and "\\(" not in m["og:description"] and "$" not in m["og:description"]
        seen_titles.add(m["og:title"])
    assert len(seen_titles) == len(pages(site_dir)), "each page has its own title"


def test_the_social_card_is_a_drawn_1200x630_png(site_dir):
    data = (site_dir / "assets/social-card.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)
    from PIL import Image

    img = Image.open(site_dir / "assets/social-card.png").convert("RGB")
    assert len(img.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50, "the card is not blank"


PRINT_PAGE = "guide/core-idea/"


def test_a_page_prints_text_charts_and_tables_without_chrome(reader, site_url):
    page = reader.page
    page.goto(site_url + PRINT_PAGE)
    page.wait_for_selector(".bg-chart svg", timeout=90_000)  # chart.js drew the build-time figures
    page.emulate_media(media="print")
    shown = ("els => els.filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0"
             " && getComputedStyle(e).visibility !== 'hidden'; }).length")
    visible = lambda sel: page.eval_on_selector_all(sel, shown)  # noqa: E731
    # the charts are redrawn to the printed width (chart.js's ResizeObserver, 150 ms after it changes)
    page.wait_for_function("() => { const all = [...document.querySelectorAll('.bg-chart svg')];"
                           " const n = all.filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0"
                           " && getComputedStyle(e).visibility !== 'hidden'; }).length; return n > 0 && n === all.length; }",
                           timeout=15_000)
    # read the charts right after that wait (a redraw may follow; each chart is an SVG before and after)
    assert visible(".bg-chart svg") >= 1, "charts print as SVG"
    assert visible(".bg-chart svg") == page.locator(".bg-chart svg").count()
    for chrome in ("header.md-header", ".md-sidebar", "footer.md-footer", "button", "textarea",
                   "[data-bar]", ".bg-notebook-link", ".md-search"):
        assert visible(chrome) == 0, f"{chrome} is printed"
    assert visible("article h1") == 1
    assert visible("details[data-figure-table] table tr") >= 2, "the data tables print"
    assert visible("pre[data-stream]") >= 1, "the build-time output prints"
    width = page.evaluate("document.querySelector('article').getBoundingClientRect().width")
    assert width > 0.8 * page.viewport_size["width"], "the text uses the page width without the sidebars"
