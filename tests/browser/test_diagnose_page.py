"""The "Check your own code" page in Chromium: the reader's code is diagnosed in the worker.

Every verdict the page shows is compared with the same function run here in CPython
(biasgrad.web.diagnose), so the browser and the module cannot disagree. The reader and
new_reader fixtures fail a test on any console error or any request to another host.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from helpers import wait_ready

from biasgrad.neuron import neuron_report
from biasgrad.web.diagnose import LINKS, STARTER, diagnose_code, practice_problem

pytestmark = pytest.mark.browser

PAGE = "guide/check-your-code/"

SUM_FOR_MEAN = '''import numpy as np

def bias_gradient(X, W, b, Y):
    A = 1 / (1 + np.exp(-(X @ W + b)))
    return np.sum(A - Y, axis=0)
'''
MISSING_TANH = '''import numpy as np

def bias_gradient(X, W, b, Y):
    A = np.tanh(X @ W + b)
    return (A - Y).sum(axis=0)
'''


def checker(pg):
    root = pg.locator('[data-widget="diagnose"]')
    wait_ready(root)
    return root


def check(root, code: str | None = None, timeout: float = 60_000, **menus):
    if code is not None:
        root.locator("textarea[data-source]").fill(code)
    for name, value in menus.items():
        root.locator(f'select[name="{name}"]').select_option(value)
    before = int(root.get_attribute("data-checks") or 0)
    root.locator('[data-action="check"]').click()
    root.page.wait_for_function("([el, n]) => Number(el.dataset.checks || 0) > n",
                                arg=[root.element_handle(), before], timeout=timeout)
    return root.locator("[data-verdict]")


def test_built_page_shows_the_starters_verdict(reader, site_url):
    pg = reader.page
    pg.goto(site_url + PAGE)
    verdict = pg.locator('[data-widget="diagnose"] [data-verdict]')
    assert verdict.get_attribute("data-mistake") == "none"
    assert verdict.text_content() == diagnose_code(STARTER)["message"]
    assert "def bias_gradient" in pg.locator('[data-widget="diagnose"] textarea[data-source]').input_value()


def test_a_buggy_function_is_named(reader, site_url):
    pg = reader.page
    pg.goto(site_url + PAGE)
    root = checker(pg)
    verdict = check(root, SUM_FOR_MEAN)
    want = diagnose_code(SUM_FOR_MEAN, "sigmoid", "bce", "mean")
    assert verdict.get_attribute("data-mistake") == "sum_for_mean"
    assert verdict.get_attribute("data-result") == "mistake"
    assert verdict.text_content() == want["message"]
    compare = root.locator("[data-compare]")
    assert compare.is_visible()
    assert "Expected db, shape (4,)" in compare.text_content() and want["got_text"] in compare.text_content()
    pg.wait_for_selector('[data-widget="diagnose"] [data-charts] svg')
    link = root.locator("[data-link]")
    assert link.is_visible() and link.get_attribute("href").endswith(LINKS["sum_for_mean"])
    # the link lands on an existing heading of the guide
    link.click()
    anchor = LINKS["sum_for_mean"].split("#")[1]
    pg.wait_for_selector(f'h2[id="{anchor}"]', state="attached", timeout=30_000)
    assert "/guide/typical-errors/" in pg.url


def test_every_guide_link_of_the_catalogue_exists(site_dir):
    import re

    for code, link in LINKS.items():
        page, anchor = link.split("#")
        html = (site_dir / page / "index.html").read_text(encoding="utf-8")
        assert re.search(rf'id="{re.escape(anchor)}"', html), f"{code}: {link} has no such heading"


def test_menus_change_the_diagnosis(reader, site_url):
    pg = reader.page
    pg.goto(site_url + PAGE)
    root = checker(pg)
    verdict = check(root, MISSING_TANH, activation="tanh", loss="mse_half", reduction="sum")
    assert verdict.get_attribute("data-mistake") == "missing_activation_derivative"
    assert verdict.text_content() == diagnose_code(MISSING_TANH, "tanh", "mse_half", "sum")["message"]
    # code that sums over the batch is right when the loss is the sum
    verdict = check(root, SUM_FOR_MEAN, activation="sigmoid", loss="bce_logits", reduction="sum")
    assert verdict.get_attribute("data-mistake") == "none"
    assert not root.locator("[data-compare]").is_visible()


def test_exceptions_bad_input_and_a_huge_allocation_leave_the_page_working(reader, site_url):
    pg = reader.page
    pg.goto(site_url + PAGE)
    root = checker(pg)
    verdict = check(root, "def bias_gradient(X, W, b, Y):\n    return X @ W @ Y\n")
    assert verdict.get_attribute("data-mistake") == "raises"
    assert "line 2" in verdict.text_content() and "ValueError" in verdict.text_content()
    verdict = check(root, "import numpy as np\n\ndef bias_gradient(X, W, b, Y):\n    return np.ones(10**12)\n")
    assert verdict.get_attribute("data-mistake") == "raises"
    verdict = check(root, "import numpy as np\n\ndef bias_gradient(X, W, b, Y):\n    return np.ones(4 * 10**8)\n")
    assert verdict.get_attribute("data-mistake") == "raises"
    # CPython: MemoryError; 32-bit WebAssembly: ValueError (maximum dimension exceeded)
    assert "Error" in verdict.text_content() and "line 4" in verdict.text_content()
    verdict = check(root, "x = 1\n")
    assert verdict.get_attribute("data-result") == "error"
    assert verdict.get_attribute("data-mistake") is None
    verdict = check(root, STARTER)
    assert verdict.get_attribute("data-mistake") == "none"


def test_an_infinite_loop_can_be_stopped(reader, site_url):
    pg = reader.page
    pg.goto(site_url + PAGE)
    root = checker(pg)
    root.locator("textarea[data-source]").fill("def bias_gradient(X, W, b, Y):\n    while True:\n        pass\n")
    before = int(root.get_attribute("data-checks") or 0)
    root.locator('[data-action="check"]').click()
    stop = root.locator('[data-action="stop"]')
    stop.wait_for(timeout=30_000)
    stop.click()
    pg.wait_for_function("([el, n]) => Number(el.dataset.checks || 0) > n", arg=[root.element_handle(), before],
                         timeout=30_000)
    assert "Stopped" in root.locator("span[data-status]").text_content()
    # the build-time "Right" is gone: a stopped check has no verdict
    assert root.locator("[data-verdict]").get_attribute("data-mistake") is None
    verdict = check(root, SUM_FOR_MEAN, timeout=120_000)
    assert verdict.get_attribute("data-mistake") == "sum_for_mean", (
        verdict.text_content(), root.locator("span[data-status]").text_content(),
        root.locator("textarea[data-source]").input_value())


def test_practice_problem_end_to_end(reader, site_url):
    pg = reader.page
    pg.goto(site_url + PAGE + "?problem=7")
    root = pg.locator('[data-widget="practice"]')
    wait_ready(root)
    p = practice_problem(7)
    assert root.get_attribute("data-seed") == "7"
    assert root.locator('[data-output="x"]').text_content() == p["items"][0][2]
    assert root.locator("[data-prompt]").text_content() == p["prompt"]
    r = neuron_report(**{k: p[k] for k in ("x", "w", "b", "y", "activation", "loss", "lr")})
    answer = root.locator('input[name="answer"]')
    verdict = root.locator("[data-verdict]")

    answer.fill(f"{-r.dL_db:.4g}")
    root.locator('[data-action="check"]').click()
    pg.wait_for_function("el => el.dataset.mistake === 'sign'", arg=verdict.element_handle(), timeout=30_000)
    assert root.locator("[data-link]").is_visible()

    answer.fill("twelve")
    root.locator('[data-action="check"]').click()
    pg.wait_for_function("el => el.dataset.result === 'error'", arg=verdict.element_handle(), timeout=30_000)
    assert "answer" in verdict.text_content()

    answer.fill(f"{r.dL_db:.5g}")
    root.locator('[data-action="check"]').click()
    pg.wait_for_function("el => el.dataset.mistake === 'correct'", arg=verdict.element_handle(), timeout=30_000)
    assert verdict.get_attribute("data-result") == "ok"

    root.locator('[data-action="new"]').click()
    pg.wait_for_function("el => el.dataset.seed !== '7'", arg=root.element_handle(), timeout=30_000)
    seed = root.get_attribute("data-seed")
    assert parse_qs(urlparse(pg.url).query)["problem"] == [seed]
    assert root.locator("[data-prompt]").text_content() == practice_problem(int(seed))["prompt"]
    assert verdict.get_attribute("data-mistake") is None and answer.input_value() == ""


def test_a_new_problem_drawn_while_leaving_keeps_its_seed_off_the_next_page(reader, site_url):
    """Draw a problem, then leave at once (as Material's instant navigation pushes the next
    address before Python has answered): the seed is not written into the other page's address."""
    pg = reader.page
    pg.goto(site_url + PAGE + "?problem=7")
    root = pg.locator('[data-widget="practice"]')
    wait_ready(root)
    other = "/guide/activations/"
    pg.evaluate("""([root, path]) => {
        root.querySelector('[data-action="new"]').click();
        history.pushState({}, "", path);
    }""", [root.element_handle(), other])
    pg.wait_for_function("el => el.dataset.seed !== '7'", arg=root.element_handle(), timeout=30_000)
    pg.wait_for_timeout(200)
    assert pg.evaluate("() => location.pathname + location.search") == other
