"""The runnable-example and explorer machinery, as a reader uses it in Chromium.

The editor (keys, reset, errors), the worker's run_example and explore against CPython, sessions,
the no-JavaScript rendering, theme changes and a 390 px wide screen. Page content is checked in
test_pages_examples_and_explorers.py (and test_pages_examples_and_training.py)."""

from __future__ import annotations

import json

import pytest
from compare import same_data, same_result, same_text
from helpers import hold_wasm, wait_held, wait_state

from biasgrad.web.explorers import explore
from biasgrad.web.runner import run_example

pytestmark = pytest.mark.browser

PAGE = "guide/core-idea/"


def call_in_page(pg, fn: str, *args):
    """Call an exported Python function through the page's own runtime (the same worker)."""
    return pg.evaluate("""async ([fn, args]) => {
        const src = document.querySelector('script[src$="boot.js"]').src.replace('boot.js', 'runtime.js');
        const mod = await import(src);
        return mod.call(fn, ...args);
    }""", [fn, list(args)])


def run(ex, timeout: float = 120_000) -> None:
    """Click Run and wait for this run to finish."""
    before = int(ex.get_attribute("data-runs") or 0)
    ex.locator('[data-action="run"]').click()
    ex.page.wait_for_function("([el, n]) => Number(el.dataset.runs || 0) > n", arg=[ex.element_handle(), before],
                              timeout=timeout)


def editor(ex):
    return ex.locator("textarea[data-source]")


def mounted(pg):
    pg.wait_for_selector("[data-example][data-mounted]")


CASES = {
    "repl": "x = 2\nprint('x =', x)\nx ** 10",
    "numpy": "import numpy as np\nnp.linspace(0, 1, 5) ** 0.5",
    "error": "from biasgrad import neuron_report\n\nneuron_report(x=1, w=1, b=0, y=2, loss='bce')",
    "syntax": "x = (1,\n",
    "warning": "import warnings\nwarnings.warn('w')\n1",
    "figure": ("import numpy as np\nfrom biasgrad.web.figures import figure, line, show\n"
               "z = np.linspace(-3, 3, 7)\nshow(figure(line(z, np.tanh(z), name='tanh'), title='t'))"),
    "module": ("from biasgrad import neuron_report\n"
               "r = neuron_report(x=1.5, w=0.8, b=-0.5, y=1, activation='sigmoid', loss='mse_half')\n"
               "(r.dL_db, r.b_next)"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_worker_run_example_matches_cpython(reader, site_url, name):
    """Assert run_example in Pyodide returns what the same function returns in CPython."""
    pg = reader.page
    pg.goto(site_url + PAGE)
    got = call_in_page(pg, "run_example", CASES[name], {})
    want = run_example(CASES[name], {})
    assert same_result(got, want) is None, same_result(got, want)


def test_worker_session_prelude_and_raises(reader, site_url):
    """Assert prelude and raises= behave the same in the worker as in CPython."""
    pg = reader.page
    pg.goto(site_url + PAGE)
    opts = {"prelude": ["k = 21"], "raises": None}
    assert call_in_page(pg, "run_example", "k * 2", opts)["result"] == "42"
    got = call_in_page(pg, "run_example", "raise ValueError('v')", {"raises": "ValueError"})
    assert got["ok"] is True and got["error"]["type"] == "ValueError"


@pytest.mark.parametrize("name, params", [
    ("activation", {"activation": "tanh", "z": -2.3}),
    ("loss-bias", {"setup": "sigmoid-bce", "lr": 2.0, "b0": -3.0, "steps": 4}),
    ("batch-reduction", {"reduction": "torch-mean", "n": 9, "lr": 0.5}),
])
def test_worker_explore_matches_cpython(reader, site_url, name, params):
    """Assert explore() in Pyodide returns the same controls, readout and figures as CPython."""
    pg = reader.page
    pg.goto(site_url + PAGE)
    got = call_in_page(pg, "explore", name, params)
    want = json.loads(json.dumps(explore(name, params)))
    assert same_data(got, want) is None, same_data(got, want)


def test_editor_keys_run_reset_and_escape(reader, site_url):
    """Assert Tab/Shift+Tab indent, Enter keeps indentation, Ctrl+Enter runs, Esc then Tab (or
    Shift+Tab) leaves the editor in the page's order, and Reset restores the original code."""
    pg = reader.page
    pg.goto(site_url + PAGE)
    mounted(pg)
    ex = pg.locator("[data-example]").nth(1)
    area = editor(ex)
    original = area.input_value()
    assert ex.locator('[data-action="reset"]').is_disabled()

    area.fill("")
    area.focus()
    pg.keyboard.type("for i in range(2):")
    pg.keyboard.press("Enter")
    pg.keyboard.type("print(i)")
    assert area.input_value() == "for i in range(2):\n    print(i)"
    pg.keyboard.press("Shift+Tab")
    assert area.input_value() == "for i in range(2):\nprint(i)"
    pg.keyboard.press("Tab")
    assert area.input_value() == "for i in range(2):\n    print(i)"
    # the highlighted copy under the textarea follows the text
    assert ex.locator(".bg-editor__hl").inner_text().rstrip("\n") == area.input_value()

    before = int(ex.get_attribute("data-runs") or 0)
    pg.keyboard.press("Control+Enter")
    pg.wait_for_function("([el, n]) => Number(el.dataset.runs || 0) > n", arg=[ex.element_handle(), before],
                         timeout=120_000)
    assert ex.get_attribute("data-state") == "ready"
    assert ex.locator('pre[data-stream="stdout"]').inner_text() == "0\n1"

    area.focus()
    pg.keyboard.press("Escape")
    pg.keyboard.press("Tab")  # Esc hands one Tab back to the page: focus goes on to Run
    assert pg.evaluate("document.activeElement.dataset.action") == "run"
    area.focus()
    pg.keyboard.press("Escape")
    pg.keyboard.press("Shift+Tab")
    assert not pg.evaluate("document.activeElement.matches('textarea')")
    area.focus()
    typed = area.input_value()
    pg.keyboard.press("Tab")  # without Esc first, Tab indents again
    assert area.input_value() != typed and pg.evaluate("document.activeElement.matches('textarea')")

    ex.locator('[data-action="reset"]').click()
    assert area.input_value() == original
    assert ex.locator('[data-action="reset"]').is_disabled()


def test_an_error_shows_the_snippet_traceback(reader, site_url):
    """Assert a failing edit sets data-state=error and shows the snippet's own line numbers."""
    pg = reader.page
    pg.goto(site_url + PAGE)
    mounted(pg)
    ex = pg.locator("[data-example]").first
    editor(ex).fill("a = 1\nb = 0\na / b")
    run(ex)
    assert ex.get_attribute("data-state") == "error"
    text = ex.locator('pre[data-stream="error"]').inner_text()
    assert text == "Traceback (most recent call last):\n  line 3\n    a / b\nZeroDivisionError: division by zero"
    assert "line 3" in ex.locator("[data-status]").inner_text()
    # the build-time figure is gone with the old output
    assert ex.locator("[data-output] [data-chart]").count() == 0


def test_a_runaway_example_can_be_stopped(reader, site_url):
    """Assert an endless loop gets a Stop button, Stop restarts Python, and the next run works."""
    pg = reader.page
    pg.goto(site_url + PAGE)
    mounted(pg)
    ex = pg.locator("[data-example]").nth(1)
    editor(ex).fill("while True:\n    pass")
    ex.locator('[data-action="run"]').click()
    stop = ex.locator('[data-action="stop"]')
    stop.wait_for(timeout=30_000)
    stop.click()
    pg.wait_for_function("el => Number(el.dataset.runs || 0) >= 1", arg=ex.element_handle(), timeout=30_000)
    assert ex.get_attribute("data-state") == "error"
    assert "Stopped" in ex.locator("[data-status]").inner_text()
    assert stop.count() == 0
    editor(ex).fill("6 * 7")
    run(ex)
    assert ex.get_attribute("data-state") == "ready"
    assert ex.locator('pre[data-stream="result"]').inner_text() == "42"


def test_output_is_escaped(reader, site_url):
    """Assert printed HTML is shown as text, never parsed."""
    pg = reader.page
    pg.goto(site_url + PAGE)
    mounted(pg)
    ex = pg.locator("[data-example]").first
    editor(ex).fill("print('<img src=x onerror=alert(1)>')\n'<b>bold</b>'")
    run(ex)
    assert ex.locator("[data-output] img, [data-output] b").count() == 0
    assert ex.locator('pre[data-stream="stdout"]').inner_text() == "<img src=x onerror=alert(1)>"
    assert ex.locator('pre[data-stream="result"]').inner_text() == "'<b>bold</b>'"


def test_session_example_runs_alone_with_earlier_code(reader, site_url):
    """Assert an example in a session can run first: the earlier examples' current code runs before it."""
    pg = reader.page
    pg.goto(site_url + "guide/one-neuron/")
    mounted(pg)
    examples = pg.locator('[data-example][data-session="neuron"]')
    second = examples.nth(1)
    built = second.locator('pre[data-stream="stdout"]').inner_text()
    run(second)
    assert second.get_attribute("data-state") == "ready"
    assert same_text(second.locator('pre[data-stream="stdout"]').inner_text(), built) is None
    # an edit in the first example is seen by the second
    editor(examples.first).fill(editor(examples.first).input_value().replace("-0.5, 1.0", "3.0, 1.0"))
    run(second)
    assert second.locator('pre[data-stream="stdout"]').inner_text() != built


def test_without_javascript_the_build_output_and_tables_show(new_reader, site_url):
    """Assert a reader without JavaScript sees each example's output and each chart's numbers."""
    pg = new_reader(java_script_enabled=False, viewport={"width": 1280, "height": 900}).page
    pg.goto(site_url + PAGE)
    ex = pg.locator("[data-example]").first
    assert ex.get_attribute("data-state") == "static"
    assert ex.locator("[data-bar]").is_hidden()
    assert "threshold at x = +1.50" in ex.locator('pre[data-stream="stdout"]').inner_text()
    table = ex.locator("[data-chart] table")
    assert table.is_visible() and table.locator("tbody tr").count() >= 5
    pg.goto(site_url + "guide/activations/")
    explorer = pg.locator('[data-widget="explorer"]').first
    assert explorer.locator("[data-chart] table").is_visible()
    assert explorer.locator('[data-output="da_dz"]').inner_text() == "0.104994"


def test_charts_redraw_when_the_theme_changes(reader, site_url):
    """Assert the build-time figures are drawn as SVG at once, and redrawn on the palette switch."""
    pg = reader.page
    pg.goto(site_url + PAGE)
    mounted(pg)
    plot = pg.locator("[data-example] [data-figure-plot]").first
    pg.wait_for_function("el => Number(el.dataset.drawn) >= 1", arg=plot.element_handle())
    drawn = int(plot.get_attribute("data-drawn"))
    pg.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    pg.wait_for_function("([el, n]) => Number(el.dataset.drawn) > n", arg=[plot.element_handle(), drawn])
    assert plot.locator("svg").count() >= 1
    # the table folds away once the chart is drawn (still one click away)
    assert pg.locator("[data-example] details[data-figure-table]").first.get_attribute("open") is None


def test_explorer_controls_update_readout_and_chart(reader, site_url):
    """Assert changing a control recomputes in the worker and redraws, matching CPython."""
    pg = reader.page
    pg.goto(site_url + "guide/activations/")
    root = pg.locator('[data-widget="explorer"]').first
    wait_state(root, "ready")
    root.locator('select[name="activation"]').select_option("relu")
    pg.wait_for_function("el => Number(el.dataset.updates || 0) >= 1 && el.dataset.state === 'ready'",
                         arg=root.element_handle())
    params = json.loads(root.get_attribute("data-params"))
    assert params["activation"] == "relu"
    want = {r["key"]: r["value"] for r in explore("activation", params)["readout"]}
    got = root.evaluate("r => Object.fromEntries([...r.querySelectorAll('[data-output]')]"
                        ".map(o => [o.dataset.output, Number(o.dataset.value)]))")
    assert same_data(got, want) is None
    assert root.locator("[data-chart] svg").count() >= 1


@pytest.mark.parametrize("page", ["core-idea", "activations", "loss-landscape", "batch-reduction"])
def test_narrow_screen_has_no_page_wide_overflow(new_reader, site_url, page):
    """Assert at 390 px the page does not scroll sideways (code scrolls inside its own box)."""
    pg = new_reader(viewport={"width": 390, "height": 844}).page
    pg.goto(f"{site_url}guide/{page}/")
    mounted(pg)
    pg.wait_for_timeout(500)
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_later_example_says_what_it_continues_from_and_names_it_when_it_breaks(reader, site_url):
    """Assert a session example shows "Continues from: <title>" linking to the earlier example,
    and that after an edit breaks the earlier one, running the later one fails with an error and
    a status that name the earlier example (not a bare NameError on a line it does not have)."""
    pg = reader.page
    pg.goto(site_url + "guide/one-neuron/")
    mounted(pg)
    later = pg.locator("[data-example]:has([data-continues])").first
    label = later.locator("[data-continues]")
    earlier_id = label.get_attribute("data-continues")
    earlier = pg.locator(f"#{earlier_id}")
    title = earlier.get_attribute("data-title")
    assert label.is_visible() and label.inner_text().startswith(f"Continues from: {title}")
    assert label.locator("a").get_attribute("href").endswith(f"#{earlier_id}")
    editor(earlier).fill("x = undefined_name\n" + editor(earlier).input_value())
    run(later)
    assert later.get_attribute("data-state") == "error"
    status = later.locator("[data-status]").inner_text()
    assert f'"{title}", which this example continues from, raises NameError' in status
    error = later.locator('pre[data-stream="error"]').inner_text()
    assert error.startswith(f'This example continues from "{title}", which now fails')
    assert "x = undefined_name" in error and "NameError" in error
    # Reset the earlier example: the later one runs again
    earlier.locator('[data-action="reset"]').click()
    run(later)
    assert later.get_attribute("data-state") == "ready"


def test_a_click_before_python_is_ready_queues_the_run_and_shows_the_stage(new_reader, site_url):
    """Assert Run is usable before Python has loaded: the click is queued, the status names the
    loading stage with its bytes, and the run happens once (and only once) Python is ready."""
    reader = new_reader(viewport={"width": 1280, "height": 900})
    held = hold_wasm(reader.context)
    pg = reader.page
    pg.goto(site_url + PAGE)
    mounted(pg)
    ex = pg.locator("[data-example]").first
    button = ex.locator('[data-action="run"]')
    assert button.is_visible() and button.is_enabled()
    assert ex.get_attribute("data-runs") is None
    # A reader's clicks (DOM clicks: Playwright's click waits on the held request's page load)
    button.evaluate("b => b.click()")
    button.evaluate("b => b.click()")  # a second click while queued does not run it twice
    pg.wait_for_function("el => el.dataset.queued === 'true'", arg=ex.element_handle())
    status = ex.locator("[data-status]")
    pg.wait_for_function("el => / of [0-9.]+ MB/.test(el.innerText)", arg=status.element_handle(),
                         timeout=30_000)
    text = status.inner_text()
    assert text.startswith("Queued: runs once Python is ready. Now downloading Python and NumPy"), text
    assert ex.get_attribute("data-runs") is None
    wait_held(pg, held)
    for route in held:
        route.continue_()
    pg.wait_for_function("el => Number(el.dataset.runs || 0) >= 1", arg=ex.element_handle(), timeout=120_000)
    assert ex.get_attribute("data-state") == "ready", status.inner_text()
    assert status.inner_text().startswith("Ran in the browser")
    pg.wait_for_timeout(500)
    assert ex.get_attribute("data-runs") == "1"
