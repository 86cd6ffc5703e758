"""A runtime file that failed once is fetched again as soon as the server has it.

The server is real (tools/serve.py's handler, with faults switched on and off): the browser's own
HTTP cache sees the error responses, which ``route.fulfill`` cannot show. The context has no
request routing, because Playwright turns the HTTP cache off whenever routing is on.
"""

from __future__ import annotations

import pytest
from faults import Fault
from helpers import outputs, wait_ready, wait_state

from biasgrad.web.calculator import DEFAULTS, calculate

pytestmark = pytest.mark.browser

CALC = '[data-widget="calculator"]'
LOAD_MS = 240_000  # a full load on a busy 2-core machine takes up to ~90 s


def cached_context(browser):
    """A context with the HTTP cache on (no routing) that still records every request's host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.foreign = []
    context.errors = []

    def request(req):
        if not req.url.startswith(("data:", "blob:", "http://127.0.0.1:")):
            context.foreign.append(req.url)

    context.on("request", request)
    return context


def watch(page, errors):
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.set_default_timeout(LOAD_MS)
    return page


def numpy_wheel(site_dir) -> str:
    import json

    return json.loads((site_dir / "assets/pyodide/manifest.json").read_text())["numpy"]


@pytest.mark.parametrize("target, status, words", [
    ("pyodide.asm.wasm", 404, "404 Not Found"),
    ("numpy", 500, "500 Internal Server Error"),
])
def test_a_failed_file_is_not_cached(browser, faulty, site_dir, target, status, words):
    server, url = faulty
    name = numpy_wheel(site_dir) if target == "numpy" else target
    server.faults[name] = Fault("status", status)
    context = cached_context(browser)
    try:
        page = watch(context.new_page(), context.errors)
        page.goto(url)
        root = page.locator(CALC).first
        wait_state(root, "error")
        text = root.locator("[data-status]").inner_text()
        assert f"Could not download {name}: the server answered {words}." in text, text

        server.faults.clear()  # the host is fixed: Retry, reload and a new tab all recover
        failed_requests = server.log.count(next(p for p in server.log if p.endswith(name)))
        root.locator('[data-action="retry"]').click()
        wait_ready(root, timeout=LOAD_MS)
        assert sum(p.endswith(name) for p in server.log) > failed_requests, "Retry never asked the server again"
        assert outputs(root)["dL_db"] == repr(calculate(DEFAULTS)["values"]["dL_db"])

        page.reload()
        wait_ready(page.locator(CALC).first, timeout=LOAD_MS)
        other = watch(context.new_page(), context.errors)
        other.goto(url)
        wait_ready(other.locator(CALC).first, timeout=LOAD_MS)
        assert not context.foreign, context.foreign
        assert not context.errors, context.errors
    finally:
        context.close()
