"""Runaway output in a runnable example comes back short and says what was cut; once Python's
wasm memory has grown past the limit, the example offers "Restart Python", which frees it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGE = "guide/core-idea/"
LOAD_MS = 240_000


def run_code(ex, code: str) -> None:
    before = int(ex.get_attribute("data-runs") or 0)
    ex.locator("textarea[data-source]").fill(code)
    ex.locator('[data-action="run"]').click()
    ex.page.wait_for_function("([el, n]) => Number(el.dataset.runs || 0) > n",
                              arg=[ex.element_handle(), before], timeout=LOAD_MS)


@pytest.fixture
def example(reader_page, site_url):
    reader_page.goto(site_url + PAGE)
    reader_page.wait_for_selector("[data-example][data-mounted]")
    return reader_page.locator("[data-example]").first


def test_runaway_output_is_cut_and_says_so(example):
    run_code(example, "import sys\nsys.setrecursionlimit(10**6)\ndef f(n):\n    return f(n + 1)\nf(0)\n")
    error = example.locator('pre[data-stream="error"]').inner_text()
    assert "RecursionError" in error and "[Previous line repeated" in error
    assert error.count("return f(n + 1)") == 3 and len(error) < 1_000
    assert "capped at 10,000" in example.locator('pre[data-stream="stdout"]').inner_text()

    run_code(example, 'print("x" * 10**7)')
    printed = example.locator('pre[data-stream="stdout"]').inner_text()
    assert "output cut: 9,950,001 more characters" in printed and len(printed) < 51_000
    assert "Long printed output cut" in example.locator("[data-status]").inner_text()


def test_restart_python_is_offered_past_the_memory_limit(example):
    run_code(example, "1 + 1")
    assert example.locator('[data-action="restart"]').count() == 0
    starts = example.page.evaluate("window.__biasgradRuntimeStarts")
    run_code(example, "b = bytearray(600 * 2**20)\nlen(b)")
    restart = example.locator('[data-action="restart"]')
    assert restart.is_visible()
    assert "MB of memory" in example.locator("[data-status]").inner_text()
    restart.click()
    example.page.wait_for_function("() => document.querySelector('[data-example] [data-status]')"
                                   ".textContent.includes('fresh memory')", timeout=LOAD_MS)
    assert example.page.evaluate("window.__biasgradRuntimeStarts") == starts + 1
    run_code(example, "2 + 2")
    assert example.locator('pre[data-stream="result"]').inner_text() == "4"
    assert example.locator('[data-action="restart"]').count() == 0
