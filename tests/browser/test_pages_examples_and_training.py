"""Guide pages 7–12 as a reader meets them: every example runs in Chromium and prints what CPython
printed at build time; the training widget trains in the browser and matches CPython; no page
logs an error or asks another host for anything (the ``reader`` fixtures enforce both)."""

from __future__ import annotations

import json
import math
import re
import time

import pytest
from helpers import NUMBER, TIMING, wait_ready, wait_state

from biasgrad.web.training import DEFAULTS, train_iris

pytestmark = pytest.mark.browser

PAGES = ("dense-layer", "typical-errors", "gradient-check", "training", "context", "further-reading")

# The gradient-check sweep is noise in its round-off regime: libm's tanh may round differently by an
# ulp between glibc and emscripten, and that ulp is divided by ε (down to 1e-13). There only the
# first 8 points of each line (ε ≥ 4e-3, where truncation dominates) are compared, to 5 %;
# the printed minima (which sit in the noise) are compared as text with the numbers masked.
# The network's gradient check prints relative errors that are round-off noise (1e-8 … 1e-12):
# there the text is compared with numbers masked, and the figure's errors must all be a pass.
# Sweeps that reach the round-off region: past the first points the value is round-off, which differs
# between NumPy builds (SIMD exp/log1p in CPython, none in wasm), so only the first N are compared, at 5 %.
LOOSE = {("gradient-check", "One-sided, central and 4th-order differences in NumPy"): 16,
         ("gradient-check", "Relative error of the central difference against ε, both orders"): 8,
         ("gradient-check", "Gradient check of every bias (and weight) of a 4-5-3 network"): 0}


def numbers_close(a: str, b: str, rel: float) -> bool:
    if a == b:
        return True
    try:
        x, y = float(a.replace(",", "").replace("_", "")), float(b.replace(",", "").replace("_", ""))
    except ValueError:
        return False
    if math.isnan(x) and math.isnan(y):
        return True
    return math.isclose(x, y, rel_tol=rel, abs_tol=1e-12)


def assert_same_text(got: str, want: str, rel: float | None, where: str) -> None:
    """Equal text, except numbers that may differ by float64 rounding (relative ``rel``)."""
    got, want = TIMING.sub("<timing>", got.strip()), TIMING.sub("<timing>", want.strip())
    if got == want:
        return
    assert NUMBER.sub("#", got) == NUMBER.sub("#", want), f"{where}: text differs\n--- browser\n{got}\n--- build\n{want}"
    if rel is None:
        return
    for a, b in zip(NUMBER.findall(got), NUMBER.findall(want)):
        assert numbers_close(a, b, rel), f"{where}: {a} (browser) vs {b} (build)\n{got}"


def flat_numbers(spec: dict) -> list:
    out = []
    for s in spec["series"]:
        for key, col in s.items():
            if isinstance(col, list):
                out += [(s["name"], key, v) for v in col]
    return out


def assert_same_figure(got: dict, want: dict, rel: float, where: str, head: int | None = None) -> None:
    """Same title, series and numbers (all of them, or the first ``head`` of each column)."""
    assert got["title"] == want["title"], where
    assert [s["name"] for s in got["series"]] == [s["name"] for s in want["series"]], where
    if head is not None:
        for s1, s2 in zip(got["series"], want["series"]):
            for key in ("x", "y"):
                assert len(s1[key]) == len(s2[key]), where
                s1[key], s2[key] = s1[key][:head], s2[key][:head]
    for (n1, k1, a), (_, _, b) in zip(flat_numbers(got), flat_numbers(want), strict=True):
        if isinstance(a, float) or isinstance(b, float):
            assert a is not None and b is not None, f"{where}: {n1}.{k1} null on one side"
            assert math.isclose(a, b, rel_tol=rel, abs_tol=1e-12), f"{where}: {n1}.{k1} {a} vs {b}"
        else:
            assert a == b, f"{where}: {n1}.{k1} {a!r} vs {b!r}"


def snapshot(example) -> dict:
    """What the example shows: its streams' text and its figure specs."""
    return example.evaluate("""root => ({
        streams: Object.fromEntries([...root.querySelectorAll('[data-output] pre[data-stream]')]
                   .map(p => [p.dataset.stream, p.textContent])),
        figures: [...root.querySelectorAll('[data-output] [data-chart]')].map(c => JSON.parse(c.dataset.figureSpec || c.querySelector('script[data-figure]').textContent)),
    })""")


@pytest.mark.parametrize("page", PAGES)
def test_every_example_runs_like_the_build(reader, site_url, page):
    """Assert each example, run in the browser, prints and draws what CPython did at build time."""
    pg = reader.page
    pg.goto(f"{site_url}guide/{page}/")
    examples = pg.locator("[data-example]")
    n = examples.count()
    assert n >= 1, f"{page} has no runnable example"
    assert pg.locator("[data-example] [data-chart], [data-widget] [data-chart]").count() >= 1, f"{page} has no chart"
    for i in range(n):
        ex = examples.nth(i)
        built = snapshot(ex)
        expected_error = ex.get_attribute("data-raises")
        ex.locator('[data-action="run"]').click()
        pg.wait_for_function("el => ['ready', 'error'].includes(el.dataset.state)", arg=ex.element_handle(),
                             timeout=120_000)
        where = f"{page} example {i + 1}"
        assert ex.get_attribute("data-state") == "ready", f"{where}: {ex.locator('[data-status]').text_content()}"
        ran = snapshot(ex)
        head = LOOSE.get((page, ex.get_attribute("data-title")))
        assert set(ran["streams"]) == set(built["streams"]), where
        for stream, text in built["streams"].items():
            assert_same_text(ran["streams"][stream], text, None if head is not None else 1e-9, f"{where} [{stream}]")
        if expected_error:
            assert ex.locator("[data-output] .bg-exout--expected").count() == 1, where
            assert expected_error in ran["streams"]["error"], where
        assert len(ran["figures"]) == len(built["figures"]), where
        for got, want in zip(ran["figures"], built["figures"]):
            if head == 0:
                assert [s["x"] for s in got["series"]] == [s["x"] for s in want["series"]], where
                assert all(v < 1e-6 for s in got["series"] for v in s["y"]), f"{where}: {got['series']}"
            else:
                assert_same_figure(got, want, 0.05 if head else 1e-9, where, head)
        # the drawn chart is an SVG inside each figure container
        for container in ex.locator("[data-output] [data-chart]").all():
            assert container.get_attribute("data-chart-state") == "drawn", f"{where}: a chart was not drawn"
            assert container.locator("[data-figure-plot] svg").count() >= 1, f"{where}: a chart has no SVG"


@pytest.mark.parametrize("page", PAGES)
def test_math_renders(reader, site_url, page):
    """Assert KaTeX typesets the page's math (no raw $…$ left, no KaTeX error)."""
    pg = reader.page
    pg.goto(f"{site_url}guide/{page}/")
    if pg.locator(".arithmatex").count() == 0:
        return
    pg.wait_for_function("() => document.querySelectorAll('.arithmatex .katex').length > 0", timeout=30_000)
    assert pg.locator(".katex-error").count() == 0


TRAINING = '[data-widget="training"]'


def call_in_page(pg, fn: str, *args):
    """Call an exported Python function through the page's own runtime (the same worker)."""
    return pg.evaluate("""async ([fn, args]) => {
        const mod = await import(document.querySelector('script[src$="boot.js"]').src.replace('boot.js', 'runtime.js'));
        return mod.call(fn, ...args);
    }""", [fn, list(args)])


def test_training_widget_trains_like_cpython(reader, site_url):
    """Assert the default run in the browser gives CPython's numbers, and report how long it takes."""
    pg = reader.page
    pg.goto(f"{site_url}guide/training/")
    root = pg.locator(TRAINING)
    assert root.get_attribute("data-state") in ("static", "loading", "ready")
    built = json.loads(json.dumps(train_iris(dict(DEFAULTS))))
    # the build-time readout is the CPython default run
    assert root.locator('[data-output="layers"]').text_content() == "4 → 8 → 3"
    assert root.locator('[data-output="test_accuracy"]').text_content() == next(
        t for k, _, t in built["summary_items"] if k == "test_accuracy")
    wait_ready(root)
    pg.wait_for_function("el => el.querySelectorAll('[data-charts] [data-chart][data-chart-state=drawn]').length === 6",
                         arg=root.element_handle(), timeout=10_000)
    runs = [call_in_page(pg, "train_iris", dict(DEFAULTS)) for _ in range(3)]
    browser = runs[-1]
    assert browser["ok"]
    for got, want in zip(browser["figures"], built["figures"], strict=True):
        assert_same_figure(got, want, 1e-9, f"training {want['id']}")
    for key in ("layers", "n_train", "n_test", "n_bias", "train_accuracy", "test_accuracy"):
        assert browser["summary"][key] == built["summary"][key], key
    ms = sorted(r["summary"]["elapsed_ms"] for r in runs)
    print(f"\ndefault Iris run (150 epochs, 4-8-3 tanh) in the browser: {ms[0]:.0f}–{ms[-1]:.0f} ms of Python; "
          f"CPython: {built['summary']['elapsed_ms']:.0f} ms")
    assert ms[0] < 3000


def test_training_widget_retrains_with_new_settings(reader, site_url):
    """Assert a reader can change the learning rate, the layer sizes and the activation, and retrain."""
    pg = reader.page
    pg.goto(f"{site_url}guide/training/")
    root = pg.locator(TRAINING)
    wait_ready(root)
    before = root.locator('[data-output="final_loss"]').text_content()
    pg.fill(f'{TRAINING} [name="lr"]', "0.2")
    pg.fill(f'{TRAINING} [name="hidden"]', "8, 6")
    pg.select_option(f'{TRAINING} [name="activation"]', "relu")
    started = time.perf_counter()
    root.locator('[data-action="train"]').click()
    pg.wait_for_function("el => el.dataset.state === 'ready' && el.dataset.elapsedMs", arg=root.element_handle(),
                         timeout=60_000)
    wall = time.perf_counter() - started
    want = train_iris({**DEFAULTS, "lr": "0.2", "hidden": "8, 6", "activation": "relu"})
    assert root.locator('[data-output="layers"]').text_content() == "4 → 8 → 6 → 3"
    assert root.locator('[data-output="n_bias"]').text_content() == "17"
    shown_loss = root.locator('[data-output="final_loss"]').text_content()
    assert shown_loss != before
    assert shown_loss == f"{want['summary']['final_loss']:.4g}"
    assert root.locator('[data-output="test_accuracy"]').text_content() == next(
        t for k, _, t in want["summary_items"] if k == "test_accuracy")
    assert root.locator("[data-charts] [data-chart]").count() == 8
    pg.wait_for_function("el => el.querySelectorAll('[data-charts] [data-chart][data-chart-state=drawn]').length === 8",
                         arg=root.element_handle(), timeout=10_000)
    assert "Trained in your browser" in root.locator("[data-status]").text_content()
    print(f"\nretrain 4-8-6-3 relu, 150 epochs: {wall * 1000:.0f} ms from click to charts")


def test_training_widget_reports_bad_settings(reader, site_url):
    """Assert a bad setting is named next to its field and the previous charts stay."""
    pg = reader.page
    pg.goto(f"{site_url}guide/training/")
    root = pg.locator(TRAINING)
    wait_ready(root)
    pg.fill(f'{TRAINING} [name="lr"]', "fast")
    pg.fill(f'{TRAINING} [name="hidden"]', "8, x")
    root.locator('[data-action="train"]').click()
    pg.wait_for_function("el => el.querySelector('[data-error-for=lr]').textContent !== ''", arg=root.element_handle())
    assert "lr must be a number" in root.locator('[data-error-for="lr"]').text_content()
    assert "hidden layer sizes" in root.locator('[data-error-for="hidden"]').text_content()
    assert root.locator('[name="lr"]').get_attribute("aria-invalid") == "true"
    assert root.get_attribute("data-state") == "ready"
    assert root.locator("[data-charts] [data-chart]").count() == 6
    # Defaults restores the form; training then clears the errors
    root.locator('[data-action="reset"]').click()
    assert root.locator('[name="lr"]').input_value() == DEFAULTS["lr"]
    root.locator('[data-action="train"]').click()
    pg.wait_for_function("el => el.dataset.elapsedMs", arg=root.element_handle())
    assert root.locator('[data-error-for="lr"]').text_content() == ""


def test_training_page_without_javascript(new_reader, site_url):
    """Assert a reader without JavaScript sees the default run: readout and every chart's table."""
    reader = new_reader(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    pg = reader.page
    pg.goto(f"{site_url}guide/training/")
    root = pg.locator(TRAINING)
    assert root.get_attribute("data-state") == "static"
    assert root.locator('[data-output="layers"]').text_content() == "4 → 8 → 3"
    assert root.locator("[data-chart] table").count() == 6
    assert "softmax cross-entropy" in root.locator("[data-convention]").text_content()


def test_instant_navigation_draws_charts_and_mounts_the_widget(reader, site_url):
    """Assert that moving between pages with Material's instant navigation (no reload) draws the new
    page's build-time charts and mounts the training widget, without a page error."""
    pg = reader.page
    pg.goto(f"{site_url}guide/gradient-check/")
    pg.wait_for_function("() => document.querySelectorAll('[data-chart][data-chart-state=drawn]').length >= 2")
    pg.evaluate("window.__notReloaded = true")
    pg.locator("a.md-footer__link--next").click()  # → the training page
    root = pg.locator(TRAINING)
    wait_ready(root)
    assert pg.evaluate("window.__notReloaded") is True, "instant navigation did a full reload"
    pg.wait_for_function("el => el.querySelectorAll('[data-charts] [data-chart][data-chart-state=drawn]').length === 6",
                         arg=root.element_handle(), timeout=20_000)
    pg.locator("a.md-footer__link--next").click()  # → the context page
    pg.wait_for_function("() => location.pathname.endsWith('/context/')")
    pg.wait_for_function("() => { const c = [...document.querySelectorAll('article [data-chart]')];"
                         " return c.length > 0 && c.every(x => x.dataset.chartState === 'drawn'); }", timeout=20_000)
    assert pg.evaluate("window.__notReloaded") is True
