"""The guide's writing as a phone reader sees it (390 px): inline math stays on one line, and no
line starts with the punctuation that follows a formula; admonition and table text are body size;
no page scrolls sideways (wide code, tables and display math scroll inside their own box)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = ("", "guide/core-idea/", "guide/one-neuron/", "guide/activations/", "guide/loss-landscape/",
         "guide/numpy-implementation/", "guide/batch-reduction/", "guide/dense-layer/",
         "guide/typical-errors/", "guide/gradient-check/", "guide/training/", "guide/context/",
         "guide/further-reading/")

LAYOUT = """() => {
    const lines = el => [...new Set([...el.getClientRects()].filter(r => r.width > 0)
                                    .map(r => Math.round(r.bottom)))];
    const broken = [], orphans = [];
    for (const m of document.querySelectorAll('article span.arithmatex')) {
        if (lines(m).length > 1) broken.push(m.textContent.slice(0, 40));
        const next = m.nextSibling;
        const after = m.parentElement.classList.contains('bg-math-nobr') ? null : next;
        if (after && after.nodeType === 3 && /^[.,;:!?)]/.test(after.textContent)) orphans.push(m.textContent.slice(0, 40));
    }
    for (const w of document.querySelectorAll('article .bg-math-nobr')) {
        if (lines(w).length > 1) broken.push(w.textContent.slice(0, 40));
    }
    const size = el => parseFloat(getComputedStyle(el).fontSize);
    const body = size(document.querySelector('article p'));
    const small = [...document.querySelectorAll('article .admonition p, article table:not([class]) td')]
        .filter(el => !el.closest('.bg-figure, .bg-chart, .bg-example, [data-widget]'))
        .filter(el => Math.abs(size(el) - body) > 0.5).map(el => el.textContent.slice(0, 30));
    // What sticks out of the page: an element past the right edge with no clipping box around it.
    const wide = [];
    for (const e of document.querySelectorAll('body *')) {
        const r = e.getBoundingClientRect();
        if (r.right <= innerWidth + 1 || r.width === 0) continue;
        let box = e.parentElement, held = false;
        for (; box && box !== document.body; box = box.parentElement) {
            if (getComputedStyle(box).overflowX !== 'visible' && box.getBoundingClientRect().right <= innerWidth + 1) { held = true; break; }
        }
        if (!held) wide.push(`${e.tagName.toLowerCase()}.${e.className} (${Math.round(r.right)} px): ${e.textContent.slice(0, 40)}`);
    }
    return {broken, orphans, small, wide: wide.slice(-3), scrollWidth: document.documentElement.scrollWidth,
            count: document.querySelectorAll('article span.arithmatex').length};
}"""


@pytest.mark.parametrize("page", PAGES, ids=[p or "home" for p in PAGES])
def test_inline_math_keeps_together_on_a_phone(new_reader, site_url, page):
    """Assert at 390 px no inline formula spans two lines, no formula is followed by punctuation
    that could start the next line, admonition and table text are the body size, and the page
    does not scroll sideways (naming what sticks out if it does)."""
    reader = new_reader(viewport={"width": 390, "height": 844})
    pg = reader.page
    pg.goto(site_url + page)
    pg.wait_for_load_state("load")
    got = pg.evaluate(LAYOUT)
    assert got["count"] > 0
    assert not got["broken"], f"formulas broken across lines: {got['broken']}"
    assert not got["orphans"], f"punctuation not kept with its formula: {got['orphans']}"
    assert not got["small"], f"text smaller than the body: {got['small'][:5]}"
    assert got["scrollWidth"] <= 390, f"the page scrolls sideways ({got['scrollWidth']} px): {got['wide']}"


def test_the_benchmark_table_reads_on_a_phone(new_reader, site_url):
    """Assert at 390 px the context page's benchmark table is a real table that scrolls sideways
    inside its own box (the page does not), with its first column staying in view, and that it
    holds the three results with their settings."""
    reader = new_reader(viewport={"width": 390, "height": 844})
    pg = reader.page
    pg.goto(site_url + "guide/context/")
    table = pg.locator(".bg-sticky-first table")
    text = table.inner_text()
    for needle in ("0.95 %", "15.3 %", "3.57 %", "MNIST", "top-5", "ensemble of six", "average of 7 CNNs"):
        assert needle in text, needle
    got = table.evaluate("""t => {
        const box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
        const first = t.querySelector('tbody tr td');
        const before = first.getBoundingClientRect().left;
        const scroller = [box, ...box.querySelectorAll('*')].find(e => e.scrollWidth > e.clientWidth + 1);
        if (!scroller) return {scrolls: false};
        scroller.scrollLeft = 200;
        return {scrolls: true, moved: scroller.scrollLeft, before, after: first.getBoundingClientRect().left,
                page: document.documentElement.scrollWidth <= window.innerWidth + 1};
    }""")
    assert got["scrolls"] and got["moved"] > 100, got
    assert -1 <= got["after"] <= got["before"] + 1, got   # the first column stays in view
    assert got["page"], got
