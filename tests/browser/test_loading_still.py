"""While Python loads, nothing on the page animates without end.

An endless animation (a pulsing dot, a spinner, a requestAnimationFrame loop) makes the browser
draw a frame 60 times a second for as long as the runtime downloads and compiles. On a two-core
machine that CPU is taken from the runtime: a pulsing status dot alone cost about half a second
of CPU per cold start, over the compositor, the display compositor and the page. Progress
is shown by the stage words and the progress bar, which change only when loading moves.

On every page with a live widget, loaded fresh: no running CSS or Web animation repeats forever,
and the page asks for animation frames at a handful a second at most, not at the display's rate.
"""

from __future__ import annotations

import pytest
from pages import WIDGETS_LIVE, pages_containing

pytestmark = pytest.mark.browser

# Installed before any page script: counts the page's requestAnimationFrame calls, with times.
COUNT_FRAMES = """(() => {
  const ask = window.requestAnimationFrame.bind(window);
  window.__bgFrameAsks = [];
  window.requestAnimationFrame = (callback) => {
    window.__bgFrameAsks.push(performance.now());
    return ask(callback);
  };
})()"""

ENDLESS = """() => document.getAnimations()
  .filter((a) => a.playState === 'running' && a.effect && a.effect.getTiming().iterations === Infinity)
  .map((a) => `${a.animationName || a.id || a.constructor.name} on ${a.effect.target ? a.effect.target.tagName.toLowerCase() + '.' + a.effect.target.className : '?'}`)"""

# Python has been started (site_js/early.js or runtime.js) and has not reported ready yet.
STARTED_JS = "(window.__biasgradRuntimeStarts || 0) > 0"
STARTED = f"() => {STARTED_JS}"
LOADING = f"() => {STARTED_JS} && !window.__biasgradTimings"


def live_pages(site_dir) -> list[str]:
    """Pages that start Python as they load: a widget or a runnable example (overrides/main.html)."""
    return pages_containing(site_dir, 'data-widget="', "data-example")


def look_while_loading(page, url: str) -> tuple[list[str], float, int, int]:
    """While loading: the endless animations seen, frames asked for per second, samples taken
    and frames asked for."""
    page.add_init_script(COUNT_FRAMES)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(STARTED, timeout=30_000, polling=20)
    endless: list[str] = []
    sampled = 0
    start = page.evaluate("performance.now()")
    while page.evaluate(LOADING) and sampled < 30:  # a fresh reader: no HTTP cache, no saved Python
        endless += page.evaluate(ENDLESS)
        sampled += 1
        page.wait_for_timeout(100)
    end = page.evaluate("performance.now()")
    asks = page.evaluate("([a, b]) => window.__bgFrameAsks.filter((t) => t >= a && t <= b).length", [start, end])
    page.wait_for_function(WIDGETS_LIVE, timeout=120_000, polling=100)
    return endless, asks / max((end - start) / 1000, 1e-3), sampled, asks


def test_nothing_animates_endlessly_while_python_loads(new_reader, site_url, site_dir):
    pages = live_pages(site_dir)
    assert "" in pages and len(pages) >= 2, f"live pages not found: {pages}"
    for path in pages:
        page = new_reader(viewport={"width": 1280, "height": 900}).page
        endless, rate, sampled, asks = look_while_loading(page, site_url + path)
        where = path or "the home page"
        assert sampled >= 3, f"{where} finished loading before it could be looked at"
        assert not endless, f"{where}: endless animations while Python loads: {sorted(set(endless))}"
        # a requestAnimationFrame loop asks 60 times a second; widgets ask once per draw
        assert rate < 10, f"{where}: {asks} animation frames asked for while loading ({rate:.0f} a second)"
        page.close()
