"""Material's search index waits while a page's Python starts (site_js/inline/search_later.js):
it is not fetched before the calculator is live, it is fetched as soon as the reader reaches for
search, and search then finds pages; on a page without Python it is fetched once the page loaded."""

from __future__ import annotations

import pytest
from helpers import CALC, wait_ready

pytestmark = pytest.mark.browser

INDEX_REQUESTED = """() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/search/search_index.json'))"""


def search_finds(page, query: str) -> int:
    page.locator(".md-search__input").fill(query)
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0", timeout=30_000)
    return page.locator(".md-search-result__item").count()


def test_the_index_waits_for_python_and_comes_when_the_reader_searches(new_reader, site_url):
    page = new_reader(viewport={"width": 1280, "height": 900}).page
    page.goto(site_url)
    wait_ready(page.locator(CALC))
    assert not page.evaluate(INDEX_REQUESTED), "the search index was fetched while Python started"
    page.locator(".md-search__input").click()  # at this width the search box is in the header
    page.wait_for_function(INDEX_REQUESTED, timeout=10_000)
    assert search_finds(page, "bias derivative") > 0


def test_a_page_without_python_fetches_the_index_once_loaded(new_reader, site_url):
    page = new_reader(viewport={"width": 1280, "height": 900}).page
    page.goto(site_url + "reference/", wait_until="load")
    page.wait_for_function(INDEX_REQUESTED, timeout=10_000)
    assert search_finds(page, "gradient") > 0
