"""The built site as files: what every reader gets before any script runs."""

import re

import pytest

pytestmark = pytest.mark.browser  # shares the session's built site with the browser tests

RAW_TEX = re.compile(r"\\\(|\\\)|\$[^$\s]")


def test_no_heading_or_table_of_contents_entry_shows_raw_tex(site_dir):
    """Assert no page's headings or navigation (the table of contents) contain unrendered TeX,
    which Material would print verbatim as "\\(\\partial L\\)"."""
    offenders = []
    for page in sorted(site_dir.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        texts = re.findall(r'<a href="#[^"]*" class="md-nav__link">\s*<span class="md-ellipsis">\s*([^<]*)', html)
        texts += re.findall(r"<h[1-6][^>]*>([^<]*)", html)
        offenders += [(page.relative_to(site_dir).as_posix(), t.strip()) for t in texts if RAW_TEX.search(t)]
    assert not offenders, offenders


def test_every_page_links_only_to_the_site_itself_for_assets(site_dir):
    """Assert no built page loads a script, style, font or image from another host."""
    # <link rel="canonical"> names the page's own address and is never fetched.
    fetched = re.compile(r'<(?:script|img|source|iframe)\b[^>]*\bsrc="(?:https?:)?//'
                         r'|<link\b(?![^>]*rel="canonical")[^>]*\bhref="(?:https?:)?//', re.I)
    offenders = [p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")
                 if fetched.search(p.read_text(encoding="utf-8"))]
    assert not offenders, offenders
