"""What a reader sees on the calculator and the charts: copy buttons, highlighting, marks inside
the frame, labels that do not collide, links with the command line's names, controls changed while
Python loads (issue 7 defects 3, 6, 7; issue 13 items 4, 5; issue 8's home-page items)."""

from __future__ import annotations


import pytest
from helpers import CALC, hold_wasm, live_calculator, outputs, set_inputs, wait_ready, wait_update

from biasgrad.web.calculator import DEFAULTS, LOSS_TIP, calculate

pytestmark = pytest.mark.browser

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus")
LOSSES = ("mse_half", "mse", "bce", "bce_logits")

# Every data mark's box, and whether it is clipped to the frame; every label's box.
MARK_BOXES = """svg => {
  const [left, top, right, bottom] = svg.dataset.frame.split(" ").map(Number);
  const origin = svg.getBoundingClientRect();
  const box = (el) => { const r = el.getBoundingClientRect();
    return [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]; };
  const clipRect = (g) => {
    const ref = g.getAttribute("clip-path");
    if (!ref) return null;
    const rect = svg.querySelector(ref.slice(4, -1) + " rect");
    return rect ? ["x", "y", "width", "height"].map((k) => Number(rect.getAttribute(k))) : null;
  };
  const axes = /axis|grid|tick|label$/;
  const marks = [...svg.querySelectorAll(":scope > g[aria-label]")].filter((g) => !axes.test(g.getAttribute("aria-label")))
    .map((g) => ({ kind: g.getAttribute("aria-label"), clip: clipRect(g), boxes: [...g.children].map(box) }));
  const labels = [...svg.querySelectorAll("g.bg-label text")]
    .filter((t) => t.textContent && t.getAttribute("visibility") !== "hidden").map((t) => [t.textContent, box(t)]);
  return { frame: [left, top, right, bottom], width: Number(svg.getAttribute("width")),
           height: Number(svg.getAttribute("height")), marks, labels };
}"""


def assert_marks_inside(svg, where: str) -> None:
    """Every data mark is clipped to the plot frame or lies inside it; labels stay in the svg and
    never overlap."""
    seen = svg.evaluate(MARK_BOXES)
    left, top, right, bottom = seen["frame"]
    slack = 7  # a dot's radius at the frame edge
    for mark in seen["marks"]:
        if mark["clip"] is not None:
            x, y, w, h = mark["clip"]
            off = max(abs(x - left), abs(y - top), abs(x + w - right), abs(y + h - bottom))
            assert off <= 1, (where, mark["kind"], "clipped, but not to the frame", mark["clip"], seen["frame"])
            continue
        if mark["kind"] == "rule":  # the bar chart's zero line spans the frame
            continue
        for x0, y0, x1, y1 in mark["boxes"]:
            assert x0 >= left - slack and x1 <= right + slack and y0 >= top - slack and y1 <= bottom + slack, (
                where, mark["kind"], (x0, y0, x1, y1), seen["frame"])
    boxes = seen["labels"]
    for text, (x0, y0, x1, y1) in boxes:
        assert x0 >= -1 and y0 >= -1 and x1 <= seen["width"] + 1 and y1 <= seen["height"] + 1, (where, text)
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (where, "labels overlap", ta, tb)


@pytest.fixture(scope="module")
def home(browser, site_url):
    yield from live_calculator(browser, site_url, clipboard=True)


# Pyodide's libm may differ from CPython's by a few ulps (the cross-runtime test allows 2e-12).
SAME_TABLE = """(a, b) => JSON.stringify(a.columns) === JSON.stringify(b.columns) && a.rows.length === b.rows.length
  && a.rows.every((row, i) => row.length === b.rows[i].length && row.every((v, j) => {
       const w = b.rows[i][j];
       if (typeof v === "number" && typeof w === "number") return Math.abs(v - w) <= 2e-12 * Math.max(Math.abs(v), Math.abs(w));
       return (v ?? null) === (w ?? null); }))"""  # ?? null: Pyodide hands None over as undefined


def wait_charts(root, payload) -> None:
    """Wait until both charts show this payload's figures (their tables equal as values)."""
    root.page.wait_for_function(
        "([root, tables]) => { const same = " + SAME_TABLE + ";"
        """ return [...root.querySelectorAll("[data-chart]")].every((c, i) =>
             c.__bgSpec && same(c.__bgSpec.table, tables[i]) && c.querySelector("svg[data-frame]")); }""",
        arg=[root.element_handle(), [f["table"] for f in payload["figures"]]], timeout=15_000)


CASES = [
    {},
    {"x": "40"},
    {"x": "-2", "y": "0"},
    {"x": "0.25", "w": "0.5", "b": "0.2", "y": "0.7", "lr": "2"},
    {"b": "0.11", "lr": "0.01"},  # b and b′ nearly on top of each other
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_chart_has_its_marks_inside_the_frame(home, activation):
    """For every loss and several inputs: the L(b) chart draws its curve (wherever the module's
    loss is defined), every mark of both charts stays inside the plot frame, and no two labels
    overlap."""
    for loss in LOSSES:
        for case in CASES:
            raw = {**DEFAULTS, **case, "activation": activation, "loss": loss}
            payload = calculate(raw)
            if not payload["ok"]:
                continue
            set_inputs(home, raw)
            wait_charts(home, payload)
            where = f"{activation}+{loss} {case}"
            charts = home.locator("[data-chart]")
            curve = charts.nth(0).locator('svg g[aria-label="line"] path').first
            defined = sum(v is not None for v in payload["figure"]["series"][0]["y"])
            assert defined > 1, where
            d = curve.get_attribute("d") or ""
            assert d.count("L") + d.count("M") >= 2, (where, "no curve drawn")
            for i in range(2):
                assert_marks_inside(charts.nth(i).locator("svg[data-frame]"), f"{where} chart {i}")


def test_chain_bars_are_labelled_and_the_gradient_stands_out(home):
    raw = {**DEFAULTS}
    payload = calculate(raw)
    set_inputs(home, {**raw, "b": "0.2"})
    set_inputs(home, raw)
    wait_charts(home, payload)
    chain = home.locator("[data-chart]").nth(1)
    labels = chain.locator("g.bg-label text").evaluate_all("ts => ts.map(t => t.textContent)")
    from biasgrad.web.calculator_format import fmt

    for key in ("z", "a", "dL_da", "da_dz", "dL_db", "b_next"):
        assert fmt(payload["values"][key], 4) in labels, (key, labels)
    key_bar = chain.locator("g.bg-key-bar rect")
    assert key_bar.count() == 1
    other = chain.locator('svg g[aria-label="bar"]:not(.bg-key-bar) rect').first
    assert key_bar.evaluate("e => getComputedStyle(e).fill") != other.evaluate("e => getComputedStyle(e).fill")
    assert chain.locator("rect.bg-key-band").count() == 1


def test_each_copy_button_copies_its_own_code(home):
    """Both code views (plain NumPy and the module) have a copy button that copies that view,
    after a live update too; both are syntax-highlighted."""
    page = home.page
    raw = {**DEFAULTS, "activation": "tanh", "loss": "bce"}
    payload = calculate(raw)
    before = set_inputs(home, raw)
    wait_update(home, before)
    page.wait_for_function("([r, t]) => r.querySelector('[data-code=numpy]').textContent.trim() === t.trim()",
                           arg=[home.element_handle(), payload["code"]["numpy"]])
    box = home.locator("[data-code-box]")
    if not box.evaluate("d => d.open"):
        box.locator("summary").click()
    blocks = box.locator("pre")
    assert blocks.count() == 2
    ids = [blocks.nth(i).get_attribute("id") for i in range(2)]
    assert len(set(ids)) == 2, ids
    for i in range(2):
        kind = blocks.nth(i).locator("code").get_attribute("data-code")
        assert blocks.nth(i).locator("code span.kn, code span.k").count() > 0, f"{kind} view not highlighted"
        blocks.nth(i).hover()
        blocks.nth(i).locator("button.md-code__button").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == payload["code"][kind].strip(), kind


def test_every_copy_button_on_every_page_targets_its_own_block(reader_page, site_url, site_dir):
    """Material's copy button copies the element its target names: on every page that element is
    the button's own code block."""
    pages = [""] + sorted(p.parent.relative_to(site_dir).as_posix() + "/" for p in site_dir.glob("guide/*/index.html"))
    for path in pages:
        reader_page.goto(site_url + path)
        reader_page.wait_for_function("() => document.querySelectorAll('pre > code').length === 0 || "
                                      "document.querySelector('button.md-code__button')")
        bad = reader_page.evaluate("""() => [...document.querySelectorAll("button.md-code__button")].filter((b) => {
            const targets = document.querySelectorAll(b.dataset.clipboardTarget);
            return targets.length !== 1 || targets[0].closest("pre") !== b.closest("pre");
        }).map((b) => b.dataset.clipboardTarget)""")
        assert not bad, (path, bad)


def test_loss_tip_is_shown_from_the_start(new_reader, site_url):
    reader = new_reader(java_script_enabled=False)
    reader.page.goto(site_url)
    tip = reader.page.locator(f'{CALC} [data-tip-for="loss"]')
    assert tip.is_visible()
    assert LOSS_TIP in tip.inner_text()
    assert tip.get_attribute("id") in reader.page.locator(f'{CALC} [name="loss"]').get_attribute("aria-describedby")


def test_bce_step_out_of_range_link_matches_the_command_line(reader_page, site_url):
    """The issue's link reaches ready with loss_next empty and the module's warning; typing the
    same values again leaves no stale field error."""
    raw = {"x": "1", "w": "0.5", "b": "0", "y": "1", "activation": "linear", "loss": "bce", "lr": "0.5"}
    reader_page.goto(site_url + "?" + "&".join(f"{k}={v}" for k, v in raw.items()))
    root = reader_page.locator(CALC).first
    wait_ready(root)
    reader_page.wait_for_function("el => el.dataset.stale !== 'true'", arg=root.element_handle())
    expected = calculate(raw)
    assert expected["values"]["loss_next"] is None
    assert outputs(root)["loss_next"] == ""
    warnings = root.locator("[data-warnings] li")
    warnings.first.wait_for()
    codes = [warnings.nth(i).get_attribute("data-warning") for i in range(warnings.count())]
    assert codes == [w["code"] for w in expected["warnings"]]
    assert "Traceback" not in root.inner_text()
    before = set_inputs(root, {**raw, "b": "0.1"})
    wait_update(root, before)
    before = set_inputs(root, raw)
    wait_update(root, before)
    assert root.get_attribute("data-stale") is None
    assert all(m.is_hidden() for m in root.locator("[data-error-for]").all())


@pytest.mark.parametrize(("query", "activation", "loss"), [
    ("activation=ReLU&loss=BCE&x=0.5", "relu", "bce"),
    ("activation=Leaky-ReLU&loss=MSE", "leaky_relu", "mse"),
    ("activation=TANH&loss=bce-logits", "tanh", "bce_logits"),  # a field error, with both menus set
])
def test_link_with_command_line_names_selects_the_menus(reader_page, site_url, query, activation, loss):
    reader_page.goto(site_url + "?" + query)
    root = reader_page.locator(CALC).first
    wait_ready(root)
    reader_page.wait_for_function("el => Number(el.dataset.updates || 0) > 0 || el.dataset.stale === 'true'",
                                  arg=root.element_handle())
    reader_page.wait_for_function(
        "([el, a, l]) => el.querySelector('[name=activation]').value === a && el.querySelector('[name=loss]').value === l",
        arg=[root.element_handle(), activation, loss])
    raw = {**DEFAULTS, **dict(p.split("=") for p in query.split("&"))}
    expected = calculate(raw)
    if expected["ok"]:
        assert root.get_attribute("data-stale") is None
    else:
        field = expected["errors"][0]["field"]
        note = root.locator(f'[data-error-for="{field}"]')
        note.wait_for(state="visible")
        assert note.inner_text() == expected["errors"][0]["message"]


def test_unknown_name_in_a_link_is_quoted_as_typed(reader_page, site_url):
    reader_page.goto(site_url + "?activation=ReLu6")
    root = reader_page.locator(CALC).first
    note = root.locator('[data-error-for="activation"]')
    note.wait_for(state="visible")
    assert "'ReLu6'" in note.inner_text()
    assert root.locator("[name=activation]").input_value() != ""
    root.locator("[name=activation]").select_option("tanh")
    note.wait_for(state="hidden")


@pytest.mark.parametrize(("explorer", "path", "actions"), [
    ("loss-bias", "guide/loss-landscape/", [("select", "setup", "sigmoid-bce"), ("step", None, 2),
                                            ("range", "lr", "0.5")]),
    ("activation", "guide/activations/", [("select", "activation", "tanh"), ("range", "z", "-1.5")]),
])
def test_controls_changed_while_python_loads_are_applied(reader, site_url, explorer, path, actions):
    """Hold the runtime's download, change controls and press Step, then let Python load: the
    view computed is the one the reader chose (defect: the choice was reset)."""
    page = reader.page
    held = hold_wasm(reader.context)
    page.goto(site_url + path)
    root = page.locator(f'[data-explorer="{explorer}"]').first
    page.wait_for_function("el => el.dataset.mounted", arg=root.element_handle())
    want = {}
    for kind, name, value in actions:
        if kind == "select":
            root.locator(f'select[name="{name}"]').select_option(value)
            want[name] = value
        elif kind == "range":
            root.locator(f'input[name="{name}"]').fill(value)
            want[name] = float(value)
        else:
            for _ in range(value):
                root.locator('button[data-step="1"]').click()
            want["steps"] = value
    page.wait_for_function("() => true")
    assert held, "the runtime was not requested"
    assert root.get_attribute("data-updates") in (None, "0")
    for route in held:
        route.continue_()
    reader.context.unroute("**/pyodide.asm.wasm")
    page.wait_for_function("([el, want]) => { const p = JSON.parse(el.dataset.params || '{}');"
                           " return el.dataset.state === 'ready' && Object.entries(want).every(([k, v]) => p[k] === v); }",
                           arg=[root.element_handle(), want], timeout=120_000)
    page.wait_for_timeout(500)  # nothing resets it afterwards
    params = root.evaluate("el => JSON.parse(el.dataset.params)")
    for key, value in want.items():
        assert params[key] == value, (key, params)
        control = root.locator(f'[name="{key}"]')
        assert float(control.input_value()) == value if isinstance(value, (int, float)) else control.input_value() == value


@pytest.mark.parametrize("explorer,path", [("activation", "guide/activations/"), ("loss-bias", "guide/loss-landscape/")])
def test_explorer_marks_inside_the_frame(reader_page, site_url, explorer, path):
    """Every activation, and 30 steps at several learning rates: marks inside the frame, labels
    apart (defect: softplus drawn over the readout; step dots in a blob, labels colliding)."""
    page = reader_page
    page.goto(site_url + path)
    root = page.locator(f'[data-explorer="{explorer}"]').first
    wait_ready(root)
    if explorer == "activation":
        states = [{"activation": a, "z": z} for a in ACTIVATIONS for z in ("-8", "2", "9.5")]
    else:
        states = [{"setup": s, "lr": lr, "steps": steps} for s in ("linear-mse_half", "sigmoid-bce", "sigmoid-mse_half")
                  for lr, steps in (("0.3", 30), ("1.9", 12), ("2.5", 6))]
    for state in states:
        n = int(root.get_attribute("data-updates") or 0)
        root.evaluate("""(root, state) => {
            for (const [k, v] of Object.entries(state)) root.querySelector(`[name="${k}"]`).value = String(v);
            root.querySelector("form, [data-controls]").dispatchEvent(new Event("input", {bubbles: true}));
        }""", state)
        page.wait_for_function("([el, n]) => Number(el.dataset.updates || 0) > n && el.dataset.state === 'ready'",
                               arg=[root.element_handle(), n])
        for i, svg in enumerate(root.locator("svg[data-frame]").all()):
            assert_marks_inside(svg, f"{explorer} {state} chart {i}")


def test_every_chart_follows_its_width_when_the_window_narrows(new_reader, site_url):
    """Charts are drawn at their box's width (chart.js keeps it from a ResizeObserver, so a redraw
    on input reads no layout): a window narrowed to a phone's 390 px redraws every chart to its
    new box, with its marks inside the frame and no labels overlapping, and widening brings it back."""
    reader = new_reader(viewport={"width": 1280, "height": 900})
    reader.page.goto(site_url)
    root = reader.page.locator(CALC).first
    wait_ready(root)
    fits = """() => { const plots = [...document.querySelectorAll("[data-figure-plot]")].filter((p) => p.offsetParent);
      return plots.length > 0 && plots.every((p) => { const svg = p.querySelector("svg[data-frame]");
        return svg && Number(svg.getAttribute("width")) === Math.max(280, Math.floor(p.getBoundingClientRect().width)); }); }"""
    reader.page.wait_for_function(fits, timeout=15_000)
    wide = root.locator("[data-chart] svg[data-frame]").first.get_attribute("width")
    for width in (390, 1280):
        reader.page.set_viewport_size({"width": width, "height": 900})
        reader.page.wait_for_function(fits, timeout=15_000)
        charts = root.locator("[data-chart]")
        for i in range(charts.count()):
            assert_marks_inside(charts.nth(i).locator("svg[data-frame]"), f"window {width} px, chart {i}")
        now = charts.first.locator("svg[data-frame]").get_attribute("width")
        assert (now == wide) == (width == 1280), (width, now, wide)
