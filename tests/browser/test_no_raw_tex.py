"""No TeX source is visible anywhere a reader reads, on any page (issue 7, defect 5).

A formula that arithmatex did not recognise (``$x = $`` with a space before the closing dollar) or
that KaTeX refused stays on the page as its source: ``$\\frac{1}{0}\\cdot 0 = $``. This reads the
text of every built page in Chromium after its widgets are live (the calculator rewrites its
formulas then), with every ``<details>`` opened, outside code, and looks for TeX."""

from __future__ import annotations

import re

import pytest
from pages import built_pages, visit

pytestmark = pytest.mark.browser

# A dollar, \( \) \[ \], or a TeX command (\frac, \cdot, \partial, \sigma, …), ^{ or _{.
TEX = re.compile(r"\$|\\[()\[\]]|\\[A-Za-z]{2,}|[\^_]\{")

READ_TEXT = """() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const skip = 'code, pre, textarea, script, style, kbd, samp, .katex-mathml, annotation, '
        + '.bg-editor, [data-source], svg';
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest(skip)) continue;
        const text = node.textContent.trim();
        if (text) out.push([parent.tagName.toLowerCase() + (parent.className ? '.' + String(parent.className).split(' ')[0] : ''), text]);
    }
    return out;
}"""


def raw_tex(texts: list[list[str]]) -> list[tuple[str, str]]:
    return [(where, text[:160]) for where, text in texts if TEX.search(text)]


def test_the_detector_sees_the_reported_defect():
    """Assert the pattern catches the reported text and spares ordinary prose and numbers."""
    assert raw_tex([["p", r"is $\frac{1}{0}\cdot 0 = $ nan."]])
    assert raw_tex([["p", r"\(\partial L\)"]]) and raw_tex([["li", r"x^{2}"]])
    assert not raw_tex([["p", "dL/db = dL/dz = a − y; 0.5 ± 1e-3 (w_next, b′)"]])


def test_no_page_shows_tex_source_outside_code(new_reader, site_url, site_dir):
    """Assert no built page, its widgets live, shows TeX source in text outside code (the text
    is the same in both palettes)."""
    reader = new_reader(viewport={"width": 1280, "height": 900})
    page = reader.page
    offenders = {}
    for path in built_pages(site_dir):
        visit(page, site_url + path)
        found = raw_tex(page.evaluate(READ_TEXT))
        if found:
            offenders[path or "/"] = found
    assert not offenders, offenders
