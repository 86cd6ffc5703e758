"""Guide pages 1–6 as a reader meets them, in Chromium.

Every example is run in the page and compared twice: with what the build printed (CPython, in the
page before any JavaScript ran) and with ``run_example`` called here, in CPython, on the code the
page actually sent. Every explorer control is moved once and the result compared with
``explore`` in CPython. KaTeX renders; the ``reader`` fixture fails a test on any console error or
any request to another host."""

from __future__ import annotations

import json

import pytest
from compare import same_data, same_result, same_text
from helpers import wait_state

from biasgrad.web.explorers import explore
from biasgrad.web.runner import run_example

pytestmark = pytest.mark.browser

PAGES = ("core-idea", "one-neuron", "activations", "loss-landscape", "numpy-implementation",
         "batch-reduction")
EXPLORERS = {"activations": ["activation"], "loss-landscape": ["loss-bias"],
             "batch-reduction": ["batch-reduction"]}

SNAPSHOT = """ex => ({
    streams: Object.fromEntries([...ex.querySelectorAll('[data-output] pre[data-stream]')]
        .map(p => [p.dataset.stream, p.textContent])),
    figures: [...ex.querySelectorAll('[data-output] [data-chart]')].map(c => JSON.parse(c.dataset.figureSpec || c.querySelector('script[data-figure]').textContent)),
})"""


def sent_options(ex) -> dict:
    """What example.js sends for this example (its own runOptions: the earlier same-session
    examples as prelude items with their titles, and raises)."""
    return ex.evaluate("""async root => {
        const src = document.querySelector('script[src$="boot.js"]').src.replace('boot.js', 'example.js');
        return (await import(src)).runOptions(root);
    }""")


@pytest.mark.parametrize("page", PAGES)
def test_every_example_runs_in_the_browser_like_cpython(reader, site_url, page):
    """Assert each example runs (or raises as declared) and shows what CPython shows, and that
    the worker's raw result equals CPython's run_example on the same code and options."""
    pg = reader.page
    pg.goto(f"{site_url}guide/{page}/")
    pg.wait_for_selector("[data-example][data-mounted]")
    examples = pg.locator("[data-example]")
    n = examples.count()
    assert n >= 2, f"{page}: every section needs a runnable example"
    for i in range(n):
        ex = examples.nth(i)
        where = f"{page} example {i + 1}"
        built = ex.evaluate(SNAPSHOT)
        code = ex.locator("[data-source]").input_value()
        options = sent_options(ex)
        ex.locator('[data-action="run"]').click()
        pg.wait_for_function("el => Number(el.dataset.runs || 0) >= 1", arg=ex.element_handle(), timeout=120_000)
        assert ex.get_attribute("data-state") == "ready", f"{where}: {ex.locator('[data-status]').inner_text()}"
        ran = ex.evaluate(SNAPSHOT)
        assert set(ran["streams"]) == set(built["streams"]), where
        for stream, text in built["streams"].items():
            msg = same_text(ran["streams"][stream], text)
            assert msg is None, f"{where} [{stream}]: {msg}"
        msg = same_data(ran["figures"], built["figures"])
        assert msg is None, f"{where}: {msg}"
        for container in ex.locator("[data-output] [data-chart]").all():
            assert container.locator("svg").count() >= 1, f"{where}: chart not drawn"
        # the raw worker result against CPython, for the exact code and options the page sends
        got = pg.evaluate("""async ([code, opts]) => {
            const src = document.querySelector('script[src$="boot.js"]').src.replace('boot.js', 'runtime.js');
            return (await import(src)).call('run_example', code, opts);
        }""", [code, options])
        want = run_example(code, options)
        msg = same_result(got, want)
        assert msg is None, f"{where}: {msg}"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_chart_and_rendered_math(reader, site_url, page):
    """Assert each section page draws at least one chart and KaTeX typesets its math."""
    pg = reader.page
    pg.goto(f"{site_url}guide/{page}/")
    pg.wait_for_function("() => document.querySelectorAll('[data-chart] svg').length > 0", timeout=30_000)
    pg.wait_for_function("() => document.querySelectorAll('.arithmatex .katex').length > 0", timeout=30_000)
    assert pg.locator(".katex-error").count() == 0
    assert pg.locator("h1").first.inner_text()


def controls(root) -> list[dict]:
    return root.evaluate("""r => [...r.querySelectorAll('[data-controls] select, [data-controls] input')]
        .map(el => ({name: el.name, type: el.type || el.tagName.toLowerCase(),
                     options: el.tagName === 'SELECT' ? [...el.options].map(o => o.value) : null}))""")


def wait_update(root, before: int) -> None:
    root.page.wait_for_function(
        "([el, n]) => Number(el.dataset.updates || 0) > n && el.dataset.state === 'ready'",
        arg=[root.element_handle(), before], timeout=120_000)


def check_against_cpython(root, name: str, where: str) -> None:
    params = json.loads(root.get_attribute("data-params"))
    want = explore(name, params)
    got_readout = root.evaluate("r => [...r.querySelectorAll('[data-output]')]"
                                ".map(o => [o.dataset.output, o.textContent])")
    assert [k for k, _ in got_readout] == [r["key"] for r in want["readout"]], where
    for (key, text), r in zip(got_readout, want["readout"]):
        msg = same_text(text, r["text"])
        assert msg is None, f"{where} {key}: {msg}"
    figures = root.evaluate("r => [...r.querySelectorAll('[data-chart]')].map(c => JSON.parse(c.dataset.figureSpec || c.querySelector('script[data-figure]').textContent))")
    msg = same_data(figures, json.loads(json.dumps(want["figures"])))
    assert msg is None, f"{where}: {msg}"
    assert root.locator("[data-note]").inner_text() == want["note"], where
    assert root.locator("[data-chart] svg").count() >= len(want["figures"]), f"{where}: not drawn"


@pytest.mark.parametrize("page", list(EXPLORERS))
def test_every_explorer_control_recomputes_like_cpython(reader, site_url, page):
    """Assert moving each control (a select option, a slider step, a Step button) updates the
    readout, note and figures exactly as explore() does in CPython."""
    pg = reader.page
    pg.goto(f"{site_url}guide/{page}/")
    for index, name in enumerate(EXPLORERS[page]):
        root = pg.locator('[data-widget="explorer"]').nth(index)
        wait_state(root, "ready")
        check_against_cpython(root, name, f"{page} {name} (build)")
        for control in controls(root):
            before = int(root.get_attribute("data-updates") or 0)
            where = f"{page} {name} {control['name']}"
            if control["type"] == "select-one":
                root.locator(f'select[name="{control["name"]}"]').select_option(control["options"][-1])
            elif control["type"] == "range":
                root.locator(f'input[name="{control["name"]}"]').focus()
                pg.keyboard.press("ArrowRight")
            elif control["type"] == "hidden":
                root.locator('[data-step="1"]').click()
            else:
                continue
            wait_update(root, before)
            check_against_cpython(root, name, where)


def test_activation_explorer_shows_a_dead_relu(reader, site_url):
    """Assert picking ReLU at a negative z reads f'(z) = 0 and says the bias gets no gradient."""
    pg = reader.page
    pg.goto(f"{site_url}guide/activations/")
    root = pg.locator('[data-explorer="activation"]')
    wait_state(root, "ready")
    before = int(root.get_attribute("data-updates") or 0)
    root.evaluate("""r => { const z = r.querySelector('[name=z]'); z.value = '-1.5';
                            r.querySelector('[name=activation]').value = 'relu';
                            z.dispatchEvent(new Event('input', {bubbles: true})); }""")
    wait_update(root, before)
    assert root.locator('[data-output="da_dz"]').inner_text() == "0"
    assert "Dead ReLU" in root.locator("[data-note]").inner_text()


def test_loss_explorer_steps_and_overshoots(reader, site_url):
    """Assert Step advances gradient descent one update at a time, Back undoes it, and a learning
    rate of 1.5 overshoots the minimum."""
    pg = reader.page
    pg.goto(f"{site_url}guide/loss-landscape/")
    root = pg.locator('[data-explorer="loss-bias"]')
    wait_state(root, "ready")
    assert root.locator('[data-step="-1"]').is_disabled()
    before = int(root.get_attribute("data-updates") or 0)
    root.evaluate("""r => { const lr = r.querySelector('[name=lr]'); lr.value = '1.5';
                            lr.dispatchEvent(new Event('input', {bubbles: true})); }""")
    wait_update(root, before)
    assert "Overshoot" in root.locator("[data-note]").inner_text()
    b0 = float(root.locator('[data-output="b"]').inner_text())
    b1_predicted = float(root.locator('[data-output="b_next"]').inner_text())
    for _ in range(2):
        before = int(root.get_attribute("data-updates") or 0)
        root.locator('[data-step="1"]').click()
        wait_update(root, before)
    assert root.locator('[data-output="step"]').inner_text() == "2"
    before = int(root.get_attribute("data-updates") or 0)
    root.locator('[data-step="-1"]').click()
    wait_update(root, before)
    assert root.locator('[data-output="step"]').inner_text() == "1"
    assert float(root.locator('[data-output="b"]').inner_text()) == pytest.approx(b1_predicted)
    assert b0 == -2.5 and b1_predicted == pytest.approx(-2.5 - 1.5 * (-2.5 - 1.0))


def test_batch_explorer_sum_grows_with_the_batch_and_mean_does_not(reader, site_url):
    """Assert the summed db scales with N while the mean stays the per-example size."""
    pg = reader.page
    pg.goto(f"{site_url}guide/batch-reduction/")
    root = pg.locator('[data-explorer="batch-reduction"]')
    wait_state(root, "ready")

    def set_params(reduction: str, n: int) -> list[float]:
        before = int(root.get_attribute("data-updates") or 0)
        root.evaluate("""(r, [red, n]) => { r.querySelector('[name=reduction]').value = red;
                          const el = r.querySelector('[name=n]'); el.value = String(n);
                          el.dispatchEvent(new Event('input', {bubbles: true})); }""", [reduction, n])
        wait_update(root, before)
        return json.loads(root.evaluate("r => { const c = r.querySelectorAll('[data-chart]')[1]; "
                                        "return JSON.stringify(JSON.parse(c.dataset.figureSpec || "
                                        "c.querySelector('script[data-figure]').textContent).series[0].y); }"))

    small, large = set_params("mean", 8), set_params("sum", 8)
    assert large == pytest.approx([8 * v for v in small])
    assert "PyTorch" in (root.locator("[data-note]").inner_text() if set_params("torch-mean", 8) else "")
    assert root.locator('[data-output="divisor"]').inner_text() == "24"
