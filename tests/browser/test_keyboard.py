"""Keyboard-only reading (issue 7): every control of every page is reached by Tab and shows where
focus is, in both palettes; every runnable example runs from the keyboard; the calculator is used
from the keyboard alone, its code copied with Enter."""

from __future__ import annotations

import pytest
from biasgrad.web.calculator import calculate
from helpers import CALC, outputs, printed_shape, wait_update
from keyboard import FOCUS_STOP, ring_problem, walk
from pages import built_pages, visit

pytestmark = pytest.mark.browser

RUN_TIMEOUT_MS = 120_000


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tab_reaches_every_control_and_shows_where_focus_is(new_reader, site_url, site_dir, scheme):
    """Assert, on every page: Tab reaches each visible control of the content, never gets stuck,
    and each stop has a ring a reader can see (≥ 2 px, ≥ 3:1); an editor shows its keys."""
    page = new_reader(viewport={"width": 1280, "height": 900}, color_scheme=scheme).page
    problems = []
    for path in built_pages(site_dir):
        visit(page, site_url + path)
        stops, missed = walk(page)
        where = path or "/"
        problems += [f"{where}: Tab never reaches {m}" for m in missed]
        for stop in stops:
            why = ring_problem(stop)
            if why:
                problems.append(f"{where}: {stop['tag']} {stop['label']!r} in {stop['context']}: {why}")
            if stop["editor"] and not stop["keysShown"]:
                problems.append(f"{where}: the editor of {stop['context']} {stop['example']} does not show its keys")
    assert not problems, f"{scheme}, {len(problems)} problems:\n" + "\n".join(dict.fromkeys(problems))


def test_every_example_runs_from_the_keyboard(reader, site_url, site_dir):
    """Tab into each example's editor, Ctrl+Enter: it runs and prints what the build printed
    (numbers masked: their last digits are another test's business, test_pages_examples_*)."""
    page = reader.page
    ran, wrong = [], []

    def run_here(stop):
        index = stop["example"]
        if index < 0:
            return  # the diagnose widget's editor: its keys are checked in test_diagnose_page.py
        ex = page.locator("[data-example]").nth(index)
        built = ex.locator("[data-output]").inner_text()
        before = int(ex.get_attribute("data-runs") or 0)
        page.keyboard.press("Control+Enter")
        page.wait_for_function("([el, n]) => Number(el.dataset.runs || 0) > n", arg=[ex.element_handle(), before],
                               timeout=RUN_TIMEOUT_MS)
        ran.append(index)
        if printed_shape(ex.locator("[data-output]").inner_text()) != printed_shape(built):
            wrong.append(f"{page.url} example {index}: printed {ex.locator('[data-output]').inner_text()[:200]!r}")

    total = 0
    for path in built_pages(site_dir):
        visit(page, site_url + path)
        ran.clear()
        count = page.locator("[data-example]").count()
        walk(page, on_editor=run_here)
        assert sorted(ran) == list(range(count)), f"{path}: ran {sorted(ran)} of {count} examples"
        total += count
    assert total > 40 and not wrong, "\n".join(wrong)


def assert_module_numbers(root, chosen: dict[str, str]) -> None:
    """The calculator shows CPython's numbers for what the reader chose (None shows as empty)."""
    shown = outputs(root)
    for key, value in calculate(chosen)["values"].items():
        assert shown[key] == ("" if value is None else shown[key]), key
        if value is not None:
            assert float(shown[key]) == pytest.approx(value, rel=1e-12, abs=1e-300), (key, shown[key], value)


def tab_to(page, predicate: str, limit: int = 200) -> dict:
    """Press Tab until the focus stop satisfies the JS predicate (called with the stop's element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({predicate})(document.activeElement)"):
            return page.evaluate(FOCUS_STOP)
    raise AssertionError(f"Tab never reached {predicate}")


def test_the_calculator_from_the_keyboard_alone(new_reader, site_url):
    """Type a number, step it with its button, change the activation with the arrow keys, open
    the code and copy it with Enter: each is the module's calculation of what was chosen."""
    reader = new_reader(viewport={"width": 1280, "height": 900})
    reader.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = reader.page
    page.goto(site_url)
    root = page.locator(CALC).first
    page.wait_for_function("el => el.dataset.state === 'ready'", arg=root.element_handle(), timeout=120_000)
    chosen = {"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "activation": "sigmoid", "loss": "mse_half", "lr": "0.5"}

    tab_to(page, "el => el.name === 'x'")
    before = int(root.get_attribute("data-updates") or 0)
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    wait_update(root, before)
    chosen["x"] = "2"
    assert_module_numbers(root, chosen)

    stop = tab_to(page, "el => el.matches('[data-widget=calculator] button') && el.closest('.bg-field')?.querySelector('[name=w]')")
    assert stop["label"]  # the − and + buttons carry names ("Decrease w", …)
    step_up = page.evaluate("() => document.activeElement.textContent.trim()") == "+"
    if not step_up:
        page.keyboard.press("Tab")  # from − to the w input … to +
        tab_to(page, "el => el.textContent.trim() === '+' && el.closest('.bg-field')?.querySelector('[name=w]')")
    before = int(root.get_attribute("data-updates") or 0)
    page.keyboard.press("Enter")
    wait_update(root, before)
    chosen["w"] = root.locator('[name="w"]').input_value()
    assert float(chosen["w"]) > 0.8

    tab_to(page, "el => el.name === 'activation'")
    before = int(root.get_attribute("data-updates") or 0)
    page.keyboard.press("ArrowDown")
    wait_update(root, before)
    chosen["activation"] = root.locator('[name="activation"]').input_value()
    assert chosen["activation"] != "sigmoid"
    assert_module_numbers(root, chosen)

    tab_to(page, "el => el.matches('[data-code-box] > summary')")
    page.keyboard.press("Enter")
    assert root.locator("[data-code-box]").get_attribute("open") is not None
    # the code follows the input once it pauses (90 ms, then Python's full answer)
    page.wait_for_function("root => (root.querySelector('[data-code=numpy]')?.textContent || '').includes('x, w, b, y = 2')",
                           arg=root.element_handle(), timeout=15_000)
    copied = []
    for _ in range(2):  # the plain-NumPy block, then the module's: each button copies its own
        tab_to(page, "el => el.matches('[data-code-box] button[data-md-type=copy]')")
        page.evaluate("navigator.clipboard.writeText('')")  # the browser's clipboard: not what an earlier test left
        page.keyboard.press("Enter")
        for _ in range(50):  # the copy is asynchronous
            text = page.evaluate("navigator.clipboard.readText()")
            if text:
                break
            page.wait_for_timeout(100)
        copied.append(text)
        page.evaluate("navigator.clipboard.writeText('')")
    numpy_code, module_code = copied
    assert numpy_code.count("x, w, b, y = 2") == 1 and "biasgrad" not in numpy_code
    assert "neuron_report(x=2" in module_code and f"activation='{chosen['activation']}'" in module_code


KEYS_BOX = """() => {
    const source = document.querySelector('article .bg-editor__input');
    source.focus();
    const keys = source.closest('.bg-editor-frame').querySelector('.bg-editor__keys');
    const frame = keys.parentElement.getBoundingClientRect();
    const box = keys.getBoundingClientRect();
    return {text: keys.innerText.trim(), height: box.height, left: box.left, right: box.right,
            frameLeft: frame.left, frameRight: frame.right,
            line: parseFloat(getComputedStyle(keys).lineHeight) || 1.3 * parseFloat(getComputedStyle(keys).fontSize),
            cut: keys.scrollWidth > keys.clientWidth + 1,
            visible: getComputedStyle(keys).visibility === 'visible'};
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["", "guide/check-your-code/"])
def test_an_editors_keys_fit_one_row_inside_it(new_reader, site_url, width, path):
    """The keys line covers at most one row of code, in the editor's corner, uncut: at 390 px it
    once wrapped to two rows over the last visible lines of code."""
    reader = new_reader(viewport={"width": width, "height": 900})
    page = reader.page
    page.goto(site_url + path)
    page.wait_for_selector("article .bg-editor__input")
    box = page.evaluate(KEYS_BOX)
    assert box["visible"], box
    assert "Enter runs" in box["text"] and "Esc, then Tab, leaves the editor" in box["text"], box
    assert box["height"] < 1.5 * box["line"], f"the keys wrap to more than one row: {box}"
    assert box["frameLeft"] <= box["left"] and box["right"] <= box["frameRight"] + 0.5, box
    assert not box["cut"], box
    assert ("Tab indents" in box["text"]) == (width > 480), box  # a phone drops the middle part
