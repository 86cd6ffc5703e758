"""The site under a strict Content-Security-Policy: every page's meta policy covers exactly its
remaining inline scripts, no inline handler is left, and the live widgets work with the policy
served as a header (any violation is a console error, which fails the test)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from helpers import wait_ready

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hooks"))
from csp import inline_scripts, script_hash  # noqa: E402

pytestmark = pytest.mark.browser

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def pages(site_dir):
    return sorted(p for p in site_dir.rglob("*.html") if "assets" not in p.parts)


def test_every_page_allows_exactly_its_inline_scripts(site_dir):
    for path in pages(site_dir):
        html = path.read_text()
        found = META.findall(html)
        assert len(found) == 1, path
        policy = found[0]
        assert html.index(found[0]) < html.find("<script"), f"{path}: the meta must precede every script"
        allowed = set(re.findall(r"'sha256-[^']+'", policy))
        assert allowed == {script_hash(b) for b in inline_scripts(html)}, path
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0], path
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), f"{path}: inline event handler"


def test_served_pages_carry_the_policy_as_a_header(reader_page, site_url):
    response = reader_page.goto(site_url)
    header = response.headers.get("content-security-policy", "")
    assert header.startswith("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-")
    assert header == META.search(reader_page.content()).group(1).replace("&#x27;", "'")


def test_calculator_examples_and_theme_work_under_the_policy(reader, site_url):
    page = reader.page
    page.goto(site_url)
    wait_ready(page.locator('[data-widget="calculator"]').first, timeout=240_000)
    assert page.evaluate("typeof __md_get") == "function"  # the theme's inline script ran
    page.goto(site_url + "guide/core-idea/")
    ex = page.locator("[data-example]").first
    page.wait_for_selector("[data-example][data-mounted]")
    ex.locator('[data-action="run"]').click()
    page.wait_for_function("() => Number(document.querySelector('[data-example]').dataset.runs || 0) > 0",
                           timeout=240_000)
    assert ex.get_attribute("data-state") == "ready"
    # Enter in a widget's field does not submit (reload) the page
    page.goto(site_url)
    calc = page.locator('[data-widget="calculator"]').first
    wait_ready(calc, timeout=240_000)
    page.evaluate("window.__stay = 1")
    calc.locator('[name="x"]').press("Enter")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__stay") == 1
