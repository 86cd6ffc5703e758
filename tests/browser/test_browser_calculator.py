"""The calculator as a reader meets it: live, exact, shareable, robust, offline."""

from __future__ import annotations

import math

import pytest
from helpers import CALC, live_calculator, outputs, set_inputs, wait_ready, wait_state, wait_update

from biasgrad.web.calculator import DEFAULTS, calculate

pytestmark = pytest.mark.browser

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus")
LOSSES = ("mse_half", "mse", "bce", "bce_logits")


ULPS = 4


def close(key: str, got: float, want: float) -> bool:
    """Within a few ulps of CPython (libm's exp/log1p differ by an ulp between glibc and
    emscripten). The finite-difference keys divide such an ulp by 2h ≈ 1e-5, so they get a
    relative tolerance instead."""
    if key == "numeric_dL_db":
        return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9)
    if key == "numeric_rel_error":
        return max(got, want) < 1e-5 or math.isclose(got, want, rel_tol=0.5)
    if got == want or abs(got - want) <= ULPS * math.ulp(max(abs(got), abs(want))):
        return True
    # Where the module subtracts close numbers (a − y), an ulp of a becomes many ulps of the
    # result; biasgrad promises ~1e-12 relative accuracy, so two runtimes may differ by twice that.
    return math.isclose(got, want, rel_tol=2e-12, abs_tol=1e-300)


def assert_same(shown: dict[str, str], expected: dict[str, float | None]) -> None:
    """Every displayed data-value is CPython's float (within a few ulps; None shows as empty)."""
    for key, value in expected.items():
        assert key in shown, f"no [data-output={key}]"
        if value is None:
            assert shown[key] == "", key
        else:
            assert shown[key] != "" and close(key, float(shown[key]), value), (key, shown[key], value)


@pytest.fixture(scope="module")
def live(browser, site_url):
    """One page with a live calculator, shared by the value checks (loading Python once)."""
    yield from live_calculator(browser, site_url)


def test_reaches_ready_with_one_runtime(reader_page, site_url):
    reader_page.goto(site_url)
    root = reader_page.locator(CALC).first
    assert root.get_attribute("data-state") in ("static", "loading", "ready")
    wait_ready(root)
    assert "running in your browser" in root.locator("[data-status]").inner_text()
    assert root.locator('[data-action="retry"]').is_hidden()
    assert reader_page.evaluate("window.__biasgradRuntimeStarts") == 1
    assert_same(outputs(root), calculate(DEFAULTS)["values"])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_values_equal_cpython(live, activation):
    """For every loss and a spread of inputs, the browser shows CPython's exact floats."""
    cases = [
        {"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "lr": "0.5"},
        {"x": "-2.25", "w": "0.3", "b": "-0.7", "y": "0", "lr": "0.1"},
        {"x": "0.5", "w": "-1.2", "b": "2", "y": "0.3", "lr": "1"},
    ]
    for loss in LOSSES:
        for case in cases:
            raw = {**case, "activation": activation, "loss": loss}
            expected = calculate(raw)
            before = set_inputs(live, raw)
            if expected["ok"]:
                wait_update(live, before)
                assert live.get_attribute("data-stale") is None, raw
                assert_same(outputs(live), expected["values"])
            else:
                field = expected["errors"][0]["field"] or "loss"
                message = live.locator(f'[data-error-for="{field}"]')
                message.wait_for(state="visible", timeout=10_000)
                assert message.inner_text() == expected["errors"][0]["message"]
                set_inputs(live, {"activation": "sigmoid", "loss": "mse_half"})
                message.wait_for(state="hidden", timeout=10_000)


def test_without_javascript_shows_prerendered_numbers(new_reader, site_url):
    reader = new_reader(java_script_enabled=False)
    reader.page.goto(site_url)
    root = reader.page.locator(CALC).first
    assert root.get_attribute("data-state") == "static"
    expected = calculate(DEFAULTS)
    assert_same(outputs(root), expected["values"])
    assert root.locator('[data-output="dL_db"]').inner_text() == expected["text"]["dL_db"]
    formula = root.locator('[data-formula="dL_db"]')
    assert formula.locator(".katex").count() == 1, "typeset at build time"
    assert "\\frac{\\partial L}{\\partial b}" in formula.locator("annotation").text_content()
    tables = root.locator("[data-figure-table] table")
    assert tables.nth(0).locator("tbody tr").count() == 6  # the L(b) chart: b, L, slope, b′, w′, L′
    chain = [float(td.get_attribute("data-value")) for td in tables.nth(1).locator("tbody td").all()]
    assert chain == [expected["values"][k] for k in ("z", "a", "dL_da", "da_dz", "dL_db", "b_next")]
    assert "NaN" not in root.inner_text()


BAD = [
    ("x", "", "x is empty"),
    ("w", "abc", "w must be a finite number, got 'abc'"),
    ("b", "nan", "b is NaN"),
    ("y", "inf", "y is +infinity"),
    ("lr", "-1", "lr must be >= 0"),
]


@pytest.mark.parametrize(("field", "text", "message"), BAD, ids=[f"{f}={t or 'empty'}" for f, t, _ in BAD])
def test_bad_input_is_explained_at_its_field(live, field, text, message):
    set_inputs(live, {"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "lr": "0.5",
                      "activation": "sigmoid", "loss": "mse_half"})
    live.page.wait_for_function("el => el.dataset.stale !== 'true'", arg=live.element_handle())
    good = outputs(live)
    set_inputs(live, {field: text})
    note = live.locator(f'[data-error-for="{field}"]')
    note.wait_for(state="visible", timeout=10_000)
    assert message in note.inner_text()
    control = live.locator(f'[name="{field}"]')
    assert control.get_attribute("aria-invalid") == "true"
    assert note.get_attribute("id") in control.get_attribute("aria-describedby").split()
    assert live.get_attribute("data-stale") == "true"
    assert live.locator("[data-stale-note]").is_visible()
    assert outputs(live) == good, "the last good result stays"
    assert "NaN" not in live.locator("[data-results]").inner_text()
    set_inputs(live, {field: {"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "lr": "0.5"}[field]})
    note.wait_for(state="hidden", timeout=10_000)
    assert live.get_attribute("data-stale") is None
    assert control.get_attribute("aria-invalid") is None


def test_bce_outside_zero_one_is_explained(live):
    set_inputs(live, {"x": "1.5", "w": "0.8", "b": "2", "y": "1", "lr": "0.5",
                      "activation": "relu", "loss": "bce"})
    note = live.locator('[data-error-for="loss"]')
    note.wait_for(state="visible", timeout=10_000)
    assert "BCE is undefined here" in note.inner_text()
    assert live.get_attribute("data-stale") == "true"
    set_inputs(live, {"activation": "sigmoid", "loss": "mse_half"})
    note.wait_for(state="hidden", timeout=10_000)


def test_slider_and_stepper_change_the_result(live):
    set_inputs(live, {"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "lr": "0.5",
                      "activation": "sigmoid", "loss": "mse_half"})
    live.page.wait_for_function("el => el.dataset.stale !== 'true'", arg=live.element_handle())
    before = int(live.get_attribute("data-updates"))
    live.locator('[data-step][data-for="b"]').last.click()  # + 0.1
    wait_update(live, before)
    assert live.locator('[name="b"]').input_value() == "0.2"
    assert_same(outputs(live), calculate({**DEFAULTS, "b": "0.2"})["values"])
    before = int(live.get_attribute("data-updates"))
    live.locator('[data-slider-for="w"]').fill("-1")
    wait_update(live, before)
    assert_same(outputs(live), calculate({**DEFAULTS, "b": "0.2", "w": "-1"})["values"])


def test_link_reproduces_the_calculation(reader_page, site_url):
    raw = {"x": "2", "w": "-0.5", "b": "0.25", "y": "0", "activation": "tanh", "loss": "mse", "lr": "0.2"}
    query = "&".join(f"{k}={v}" for k, v in raw.items())
    reader_page.goto(site_url + "?" + query)
    root = reader_page.locator(CALC).first
    wait_ready(root)
    reader_page.wait_for_function("el => el.dataset.stale !== 'true'", arg=root.element_handle())
    assert_same(outputs(root), calculate(raw)["values"])
    assert root.locator('[name="activation"]').input_value() == "tanh"
    set_inputs(root, {"b": "0.5"})
    reader_page.wait_for_function("() => location.search.includes('b=0.5')")
    assert "activation=tanh" in reader_page.url


# Material's instant navigation pushes the next page's address while the old page is still in the
# document. This puts the reader in that window: the moment Python's answer is applied (the
# calculator writes its inputs to the address a moment later), the address becomes another page's.
LEAVE_WHEN_ANSWERED = """([root, path]) => new Promise((resolve) => {
    const before = Number(root.dataset.updates || 0);
    new MutationObserver((_, observer) => {
        if (Number(root.dataset.updates || 0) > before) {
            observer.disconnect();
            history.pushState({}, "", path);
            resolve(true);
        }
    }).observe(root, { attributes: true, attributeFilter: ["data-updates"] });
    const x = root.querySelector('[name="x"]');
    x.value = "-2.5";
    x.dispatchEvent(new Event("input", { bubbles: true }));
})"""


def test_a_late_address_write_never_lands_on_another_page(reader_page, site_url):
    """The calculator's inputs go into its page's address, never into the next page's (in WebKit
    the activations page once opened as /guide/activations/?x=-2.5&…)."""
    page = reader_page
    page.goto(site_url)
    root = page.locator(CALC).first
    wait_ready(root)
    other = "/guide/activations/"
    page.evaluate(LEAVE_WHEN_ANSWERED, [root.element_handle(), other])
    page.wait_for_timeout(600)  # several times the calculator's 90 ms delay before it writes
    assert page.evaluate("() => location.pathname + location.search") == other
    assert root.locator('[name="x"]').input_value() == "-2.5"  # the change itself stands


def test_bad_link_shows_field_errors(reader_page, site_url):
    reader_page.goto(site_url + "?x=abc&loss=bce")
    root = reader_page.locator(CALC).first
    note = root.locator('[data-error-for="x"]')
    note.wait_for(state="visible")
    assert "x must be a finite number" in note.inner_text()
    assert root.get_attribute("data-stale") == "true"
    assert "NaN" not in root.inner_text()


def away_and_back(page):
    """Leave the home page by its Next link (Material's instant navigation) and come back; return
    the calculator's root once it is live again."""
    page.locator("a.md-footer__link--next").click()
    page.wait_for_function("() => !document.querySelector('[data-widget=\"calculator\"]')")
    page.go_back()
    root = page.locator(CALC).first
    wait_ready(root)
    return root


def test_instant_navigation_keeps_one_runtime(reader_page, site_url):
    page = reader_page
    page.goto(site_url)
    root = page.locator(CALC).first
    wait_ready(root)
    page.evaluate("window.__notReloaded = true")
    root = away_and_back(page)
    assert page.evaluate("window.__notReloaded") is True, "instant navigation did a full reload"
    assert page.evaluate("window.__biasgradRuntimeStarts") == 1
    before = set_inputs(root, {"b": "0.3"})
    wait_update(root, before)
    assert_same(outputs(root), calculate({**DEFAULTS, "b": "0.3"})["values"])


SHEETS = """() => ({ sheets: document.styleSheets.length,
    inCharts: document.querySelectorAll('[data-figure-plot] style').length,
    kept: document.querySelectorAll('head style[data-plot-styles]').length,
    plotRules: [...document.querySelectorAll('[data-figure-plot] svg')].filter(
        (svg) => getComputedStyle(svg).maxWidth === '100%' && getComputedStyle(svg).display === 'block').length,
    charts: document.querySelectorAll('[data-figure-plot] svg').length })"""


def test_a_redrawn_chart_changes_no_stylesheet(reader_page, site_url):
    """Assert that redrawing the calculator's charts on input adds or removes no stylesheet (each
    new <style> made the browser rebuild its style rules for the whole page, on every input), that
    Plot's own rules still apply to every chart, and that they still do after Material's instant
    navigation swaps the page and back."""
    page = reader_page
    page.goto(site_url)
    root = page.locator(CALC).first
    wait_ready(root)
    plot = root.locator("[data-chart] [data-figure-plot]").first
    plot.locator("svg").first.wait_for()
    seen = page.evaluate(SHEETS)
    assert seen["inCharts"] == 0 and seen["kept"] >= 1, seen
    assert seen["plotRules"] == seen["charts"] >= 2, seen
    sheets = page.evaluate("() => { window.__bgSheetChanges = 0; new MutationObserver((records) => {"
                           " for (const r of records) for (const n of [...r.addedNodes, ...r.removedNodes])"
                           " if (n.nodeName === 'STYLE' || n.nodeName === 'LINK') window.__bgSheetChanges++; })"
                           ".observe(document, { childList: true, subtree: true }); return document.styleSheets.length; }")
    for b in ("0.2", "0.4", "-0.6"):
        drawn = int(plot.get_attribute("data-drawn"))
        wait_update(root, set_inputs(root, {"b": b}))
        page.wait_for_function("([el, n]) => Number(el.dataset.drawn) > n", arg=[plot.element_handle(), drawn])
    assert page.evaluate("window.__bgSheetChanges") == 0
    assert page.evaluate("document.styleSheets.length") == sheets
    root = away_and_back(page)
    wait_update(root, set_inputs(root, {"b": "0.1"}))
    root.locator("[data-chart] [data-figure-plot] svg").first.wait_for()
    seen = page.evaluate(SHEETS)
    assert seen["inCharts"] == 0 and seen["kept"] >= 1 and seen["plotRules"] == seen["charts"] >= 2, seen


def test_runtime_failure_shows_error_and_retry_works(reader, site_url):
    page = reader.page
    reader.allow_console("404")
    reader.allow_console("Failed to load resource")

    def missing(route):
        route.fulfill(status=404, body="not here")

    reader.context.route("**/pyodide.asm.wasm", missing)
    page.goto(site_url)
    root = page.locator(CALC).first
    wait_state(root, "error")
    status = root.locator("[data-status]").inner_text()
    assert "could not be loaded" in status and "pyodide.asm.wasm" in status
    retry = root.locator('[data-action="retry"]')
    assert retry.is_visible()
    expected = calculate(DEFAULTS)
    assert_same(outputs(root), expected["values"])  # the static values stay
    reader.context.unroute("**/pyodide.asm.wasm", missing)
    retry.click()
    wait_ready(root)
    assert retry.is_hidden()
    before = set_inputs(root, {"x": "-1"})
    wait_update(root, before)
    assert_same(outputs(root), calculate({**DEFAULTS, "x": "-1"})["values"])


def test_chart_redraws_on_input_and_theme(live):
    plot = live.locator("[data-chart] [data-figure-plot]").first
    plot.locator("svg").first.wait_for()
    drawn = int(plot.get_attribute("data-drawn"))
    assert plot.locator("svg").count() >= 1
    set_inputs(live, {"b": "0.7"})
    live.page.wait_for_function("([el, n]) => Number(el.dataset.drawn) > n", arg=[plot.element_handle(), drawn])
    drawn = int(plot.get_attribute("data-drawn"))
    live.page.evaluate("document.body.setAttribute('data-md-color-scheme', "
                       "document.body.getAttribute('data-md-color-scheme') === 'slate' ? 'default' : 'slate')")
    live.page.wait_for_function("([el, n]) => Number(el.dataset.drawn) > n", arg=[plot.element_handle(), drawn])
    tables = live.locator("[data-figure-table]")
    assert tables.nth(0).locator("tbody tr").count() == 6  # what the L(b) chart draws
    assert tables.nth(1).locator("tbody tr").count() == 6  # z, a, dL/da, da/dz, dL/db, b_next


def test_chain_chart_shows_the_values_that_drive_the_gradient(live):
    """Assert the second chart draws one bar per defined chain value with CPython's numbers in
    its table, and draws no ∂L/∂a bar where BCE on logits leaves it undefined."""
    chain = live.locator("[data-chart]").nth(1)
    bars = chain.locator('svg g[aria-label="bar"] rect:not(.bg-key-band)')  # one per value; the band behind dL/db is not a bar
    for case, drawn in (({}, 6), ({"activation": "sigmoid", "loss": "bce_logits"}, 5)):
        raw = {**DEFAULTS, **case}
        before = set_inputs(live, raw)
        wait_update(live, before)
        payload = calculate(raw)
        # the chain chart follows the formulas, once the input pauses
        rows = [row[1] for row in payload["figures"][1]["table"]["rows"]]
        live.page.wait_for_function(
            "([el, rows]) => el.__bgSpec && el.__bgSpec.table.rows.every((r, i) => (r[1] ?? null) === rows[i])",
            arg=[chain.element_handle(), rows])
        chain.locator("[data-figure-table] summary").click()  # tables fill when opened
        want = payload["values"]
        cells = chain.locator("[data-figure-table] tbody td")
        got = [cells.nth(i).get_attribute("data-value") for i in range(cells.count())]
        expected = [want[k] for k in ("z", "a", "dL_da", "da_dz", "dL_db", "b_next")]
        assert [None if g in (None, "") else float(g) for g in got] == expected
        assert bars.count() == drawn
        chain.locator("[data-figure-table] summary").click()
    assert "not drawn: ∂L/∂a" in chain.locator("figcaption").inner_text()


def test_fits_a_phone(new_reader, site_url):
    reader = new_reader(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                        has_touch=True)
    reader.page.goto(site_url)
    root = reader.page.locator(CALC).first
    wait_ready(root)
    overflow = reader.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert not math.isnan(float(root.locator('[data-output="dL_db"]').get_attribute("data-value")))


def test_no_request_leaves_localhost(reader, site_url):
    """Everything, runtime included, comes from the site (the fixture fails on any other host)."""
    reader.page.goto(site_url)
    wait_ready(reader.page.locator(CALC).first)
    reader.page.locator(f"{CALC} [data-figure-plot] svg").first.wait_for()
    names = {url.rsplit("/", 1)[-1] for url in reader.requests}
    assert {"pyodide.asm.wasm", "python_stdlib.zip", "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl",
            "biasgrad-0.1.0-py3-none-any.whl", "katex.min.css", "plot.mjs"} <= names
    assert all(url.startswith(site_url) for url in reader.requests)
    assert not reader.foreign



# Everything that follows the input once it pauses (calculator.js asks Python for it then), read
# from what the page shows, beside the page's own Python's full answer for the same input.
AFTER_PAUSE = """async (root) => {
    const runtime = await import(document.querySelector('script[src$="boot.js"]').src.replace("boot.js", "runtime.js"));
    const raw = Object.fromEntries(["x", "w", "b", "y", "activation", "loss", "lr"].map((n) => [n, root.querySelector(`[name="${n}"]`).value]));
    const want = await runtime.call("calculate", raw);
    const shown = (sel, key, attr) => Object.fromEntries([...root.querySelectorAll(sel)].map((el) => [el.dataset[key], el.dataset[attr] ?? null]));
    return {
        want: { tex: want.substituted, code: want.code, chain: want.figures[1].table, url: want.url },
        tex: shown("[data-formula]", "formula", "tex"),
        code: shown("[data-code]", "code", "source"),
        chain: root.querySelectorAll("[data-chart]")[1].__bgSpec.table,
        share: root.querySelector("[data-share]") ? root.querySelector("[data-share]").getAttribute("href") : null,
    };
}"""


def test_a_drag_ends_with_everything_showing_its_last_input(live):
    """A drag sends one input per frame and Python answers each with the numbers and the L(b)
    chart only; once it pauses, the formulas, the code, the second chart and the link all show
    the last input's values (as the page's own Python gives them in full), never an earlier one's."""
    set_inputs(live, dict(DEFAULTS))  # the module's fixture is shared: start from the defaults
    for b in ("0.3", "0.45", "0.6", "0.75", "0.9"):
        set_inputs(live, {"b": b})
        live.page.wait_for_timeout(16)
    want = calculate({**DEFAULTS, "b": "0.9"})
    live.page.wait_for_function(
        "([root, tex]) => root.querySelector('[data-formula=\"dL_db\"]').dataset.tex === tex",
        arg=[live.element_handle(), want["substituted"]["dL_db"]], timeout=15_000)
    assert_same(outputs(live), want["values"])
    seen = live.evaluate(AFTER_PAUSE)
    assert seen["tex"] and seen["tex"] == {k: seen["want"]["tex"][k] for k in seen["tex"]}
    assert seen["code"] and seen["code"] == {k: seen["want"]["code"][k] for k in seen["code"]}
    assert seen["chain"] == seen["want"]["chain"]
    if seen["share"] is not None:
        assert seen["share"].startswith(seen["want"]["url"])
    set_inputs(live, {"b": DEFAULTS["b"]})
