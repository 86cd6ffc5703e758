"""Memory across pages (issue 7): a reader's tab stays flat however many pages they visit.

Material's instant navigation swaps the page inside one document; every widget must release what
it mounted (boot.js's mount contract), and site_js/theme_leaks.js releases what the theme itself
keeps. In Chromium, with forced garbage collection (CDP ``HeapProfiler.collectGarbage``), the
page's DOM nodes and event listeners (``Memory.getDOMCounters``) on the home page after 20 instant
navigations stay within 10 % of what they were before them."""

from __future__ import annotations

import pytest
from pages import built_pages, visit

pytestmark = pytest.mark.browser

NAVIGATIONS = 20
TOLERANCE = 0.10


def counters(cdp) -> dict:
    for _ in range(3):
        cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Memory.getDOMCounters")


def test_dom_nodes_and_listeners_stay_flat_across_20_instant_navigations(reader, site_url, site_dir):
    """Assert nodes and listeners on the home page grow by at most 10 % over 20 navigations
    through every page (each visited with its widgets live)."""
    page = reader.page
    cdp = page.context.new_cdp_session(page)
    others = [p for p in built_pages(site_dir) if p]
    # Warm up: every page once (lazy libraries, the theme's one-time state), back home.
    visit(page, site_url)
    for path in others:
        visit(page, site_url + path)
    visit(page, site_url)
    before = counters(cdp)
    route = [others[i % len(others)] for i in range(NAVIGATIONS - 1)] + [""]
    for path in route:
        visit(page, site_url + path)
    after = counters(cdp)
    grown = {key: (before[key], after[key]) for key in ("nodes", "jsEventListeners")
             if after[key] > before[key] * (1 + TOLERANCE)}
    assert not grown, f"grew by more than 10 % over {NAVIGATIONS} navigations: {grown} (before, after)"
