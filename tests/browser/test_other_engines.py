"""Firefox and WebKit, as a reader of each meets the guide (issue 7, "Every engine").

In each engine, serially and with one browser at a time: the calculator reaches ready with the
module's numbers, follows one input change, and on every page with a runnable example the first
one runs in the browser and prints what CPython printed at build time. Pages are visited by
instant navigation (the Python runtime stays loaded, as for a reader following links). Waits
fail on a stall (nothing the reader sees moves for ``BIASGRAD_STALL_S``, default 180 s), never
on a total: WebKit's JavaScriptCore needs 20–100 s for Pyodide here. The full suite stays in
Chromium."""

from __future__ import annotations

import re

import pytest
from compare import same_text
from engines import launch, missing
from pages import NAVIGATE, pages_containing, swapped
from test_browser_calculator import assert_same

from biasgrad.web.calculator import DEFAULTS, calculate

pytestmark = pytest.mark.browser

ENGINES = ("firefox", "webkit")
CALC = '[data-widget="calculator"]'

CALC_LIVE = """(n) => { const r = document.querySelector('[data-widget="calculator"]');
    return !!r && r.dataset.state === 'ready' && !r.dataset.stale && Number(r.dataset.updates || 0) > n; }"""
CALC_PROGRESS = """() => { const r = document.querySelector('[data-widget="calculator"]');
    if (!r) return 'no calculator yet';
    const bar = r.querySelector('[data-progress]');
    return [r.dataset.state, r.querySelector('[data-status-text]').textContent, bar ? bar.value : null]; }"""
OUTPUTS = """() => Object.fromEntries([...document.querySelector('[data-widget="calculator"]')
    .querySelectorAll('[data-output]')].map((o) => [o.dataset.output, o.dataset.value]))"""
# The actions below are safe to run twice (engines.py resends a call whose reply WebKit lost):
# each remembers, in the page, that it already acted, and then only answers again.
SET_X = """(value) => { const done = (window.__bgSetX ||= {});
    if (value in done) return done[value];
    const r = document.querySelector('[data-widget="calculator"]');
    const before = Number(r.dataset.updates || 0);
    done[value] = before;
    const x = r.querySelector('input[name="x"]'); x.value = value;
    x.dispatchEvent(new Event('input', {bubbles: true}));
    return before; }"""

SWAPPED_WITH_EXAMPLE = swapped("!!document.querySelector('article [data-example][data-mounted]')")
STREAMS = """() => { const ex = document.querySelector('article [data-example]');
    return { streams: Object.fromEntries([...ex.querySelectorAll('[data-output] pre[data-stream]')]
                .map((p) => [p.dataset.stream, p.textContent])),
             charts: ex.querySelectorAll('[data-output] [data-chart]').length,
             drawn: ex.querySelectorAll('[data-output] [data-chart][data-chart-state="drawn"]').length,
             state: ex.dataset.state, runs: Number(ex.dataset.runs || 0), status: ex.querySelector('[data-status]').textContent }; }"""
RUN = """() => { const ex = document.querySelector('article [data-example]');
    const clicked = (window.__bgRunClicked ||= new WeakSet());
    if (clicked.has(ex)) return true;
    clicked.add(ex); ex.querySelector('button[data-action="run"]').click(); return true; }"""
RAN = """() => { const ex = document.querySelector('article [data-example]');
    return Number(ex.dataset.runs || 0) > 0 && ex.dataset.state !== 'running'
        && [...ex.querySelectorAll('[data-output] [data-chart]')].every((c) => c.dataset.chartState === 'drawn'); }"""
RUN_PROGRESS = """() => { const ex = document.querySelector('article [data-example]');
    return [ex.dataset.state, ex.querySelector('[data-status]').textContent]; }"""


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, site_url):
    why = missing(request.param)
    if why:
        pytest.skip(why)
    browser = launch(request.param)
    yield browser
    try:
        errors = browser.console_errors()
    finally:
        browser.close()
    assert not errors, f"{request.param}: console errors: {errors}"


@pytest.fixture(scope="module")
def home(engine, site_url):
    """The home page, its calculator live in this engine (loaded once per engine)."""
    engine.goto(site_url)
    engine.wait_for(CALC_LIVE, CALC_PROGRESS, "the calculator reaching ready", -1)
    return engine


def expected(raw: dict) -> dict:
    payload = calculate(raw)
    assert payload["ok"], payload
    return payload["values"]


def test_calculator_reaches_ready_with_the_module_numbers(home):
    """Assert the live calculator shows exactly the numbers CPython's module computes."""
    assert_same(home.js(OUTPUTS), expected(dict(DEFAULTS)))


def test_calculator_follows_an_input_change(home):
    """Assert changing x recomputes every number in the engine's Pyodide, as in CPython."""
    before = home.js(SET_X, "-2.5")
    home.wait_for(CALC_LIVE, CALC_PROGRESS, "the calculator answering x = -2.5", before)
    assert_same(home.js(OUTPUTS), expected({**DEFAULTS, "x": "-2.5"}))


def example_pages(site_dir) -> list[str]:
    return pages_containing(site_dir, "data-example=")


def test_every_page_runs_its_first_example(home, site_url, site_dir):
    """Assert, page by page, the first runnable example runs in this engine and prints what CPython
    printed at build time (numbers within float64 rounding), with its charts drawn."""
    pages = example_pages(site_dir)
    assert len(pages) >= 10, pages
    failures = {}
    for path in pages:
        url = site_url + path
        home.js(NAVIGATE, url)
        home.wait_for(SWAPPED_WITH_EXAMPLE, "() => location.href", f"instant navigation to /{path}", url)
        built = home.js(STREAMS)
        home.js(RUN)
        home.wait_for(RAN, RUN_PROGRESS, f"/{path}: the first example's run")
        got = home.js(STREAMS)
        problems = []
        if got["state"] != "ready":
            problems.append(f"state {got['state']}: {got['status']}")
        if set(got["streams"]) != set(built["streams"]):
            problems.append(f"streams {sorted(got['streams'])} != built {sorted(built['streams'])}")
        for stream, text in built["streams"].items():
            msg = same_text(got["streams"].get(stream), text, rel=1e-6)
            if msg and not re.search(r"\d+ ms", text):
                problems.append(f"{stream}: {msg}")
        if got["charts"] != built["charts"] or got["drawn"] != got["charts"]:
            problems.append(f"charts {got['drawn']}/{got['charts']} drawn, built {built['charts']}")
        if problems:
            failures[path] = problems
    assert not failures, f"{home.name}: {failures}"
