"""A widget far below the first screen mounts when the reader comes near it, or once the page's
Python is ready (site_js/mount_later.js, boot.js): not while the runtime compiles.

Checked on the home page, whose runnable example is three screens below the calculator, with
Python's WebAssembly held back so that "before Python is ready" lasts as long as the test needs."""

from __future__ import annotations

import pytest
from helpers import hold_wasm, wait_held
from pages import WIDGETS_LIVE

pytestmark = pytest.mark.browser

FAR = "article [data-example]"
TOP_OF = "el => el.getBoundingClientRect().top"


def test_a_far_widget_waits_then_mounts_when_the_reader_comes_near(new_reader, site_url):
    """Assert the far example is still its build-time form (no controls) while Python loads, mounts
    as soon as the reader scrolls near it (Python still loading), and shows its controls then."""
    reader = new_reader(viewport={"width": 1280, "height": 900})
    held = hold_wasm(reader.context)
    page = reader.page
    page.goto(site_url)
    wait_held(page, held)
    page.wait_for_selector('[data-widget="calculator"][data-mounted]')
    example = page.locator(FAR).first
    assert example.evaluate(TOP_OF) > 3 * 900, "the home page's example is no longer far down: pick another"
    page.wait_for_timeout(1000)  # the near widgets have mounted by now; this one must not
    assert example.get_attribute("data-mounted") is None
    assert not example.locator('[data-action="run"]').is_visible(), "controls shown before the mount"
    assert example.locator("[data-code]").is_visible(), "the build-time code is not shown"

    example.scroll_into_view_if_needed()
    page.wait_for_function("el => el.dataset.mounted === 'true'", arg=example.element_handle(), timeout=10_000)
    assert example.locator('[data-action="run"]').is_visible()
    assert page.evaluate("() => document.querySelector('[data-widget=\"calculator\"]').dataset.state") != "ready", \
        "Python was ready: the mount did not come from the scroll"
    for route in held:
        route.continue_()
    page.wait_for_function(WIDGETS_LIVE, timeout=120_000)


def test_every_far_widget_mounts_once_python_is_ready(new_reader, site_url):
    """Assert that, with the reader never scrolling, every widget of the page is live once Python
    is ready, and the far example mounted only after the calculator's first result."""
    reader = new_reader(viewport={"width": 1280, "height": 900})
    reader.context.add_init_script("""
      new MutationObserver(() => {
        const calc = document.querySelector('[data-widget="calculator"]');
        const far = document.querySelector('article [data-example]');
        if (calc && calc.dataset.state === 'ready' && window.__bgCalcReady === undefined) window.__bgCalcReady = performance.now();
        if (far && far.dataset.mounted && window.__bgFarMounted === undefined) window.__bgFarMounted = performance.now();
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state', 'data-mounted'] });
    """)
    page = reader.page
    page.goto(site_url)
    page.wait_for_function(WIDGETS_LIVE, timeout=120_000)
    ready, mounted = page.evaluate("[window.__bgCalcReady, window.__bgFarMounted]")
    assert ready is not None and mounted is not None, (ready, mounted)
    assert mounted > ready, f"the far example mounted at {mounted:.0f} ms, before the first result at {ready:.0f} ms"
    assert page.evaluate("() => scrollY") == 0


def test_focus_in_a_far_widgets_code_moves_to_its_editor(new_reader, site_url):
    """Assert a keyboard reader whose focus is on a far example's build-time code when it mounts
    keeps the focus, now in the editor that replaced that code (no focus falls to the page)."""
    reader = new_reader(viewport={"width": 1280, "height": 900})
    held = hold_wasm(reader.context)
    page = reader.page
    page.goto(site_url)
    wait_held(page, held)
    example = page.locator(FAR).first
    code = example.locator("[data-code]")
    assert example.get_attribute("data-mounted") is None
    # Focus the code as Tab does (scroll_regions.js makes a wide code block focusable; if this one
    # is not, give it the same tabindex), scrolling it into view: that starts the mount.
    code.evaluate("el => { const target = el.querySelector('[tabindex]') || el; target.tabIndex = 0; target.focus(); }")
    page.wait_for_function("el => el.dataset.mounted === 'true'", arg=example.element_handle(), timeout=10_000)
    page.wait_for_timeout(100)
    focused = page.evaluate("() => [document.activeElement.tagName, !!document.activeElement.closest('article [data-example]'), "
                            "document.activeElement.matches('[data-source]')]")
    assert focused == ["TEXTAREA", True, True], focused
    for route in held:
        route.continue_()
