"""Helpers for browser tests (import: ``from helpers import wait_ready``)."""

from __future__ import annotations

import re
import time

READY_TIMEOUT_MS = 90_000
CALC = '[data-widget="calculator"]'
# An example's printed text, compared across runtimes with its numbers masked (float64 round-off
# differs between NumPy builds) and its wall-clock lines dropped (they differ by design).
NUMBER = re.compile(r"[-+]?(?:\d[\d_,]*\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|nan|inf)")
TIMING = re.compile(r"^.*\d+ ms.*$", re.M)


def printed_shape(text: str) -> str:
    """``text`` with wall-clock lines dropped and every number replaced by ``#``."""
    return NUMBER.sub("#", TIMING.sub("<timing>", text.strip()))


def wait_state(root, *states: str, timeout: float = READY_TIMEOUT_MS) -> str:
    """Wait until the widget root (a Locator) has data-state in ``states``; return the one reached."""
    if not states:
        raise TypeError("wait_state needs at least one state")
    handle = root.element_handle()
    root.page.wait_for_function(
        "([el, states]) => states.includes(el.dataset.state)", arg=[handle, list(states)], timeout=timeout)
    return handle.get_attribute("data-state")


def wait_ready(root, timeout: float = READY_TIMEOUT_MS) -> None:
    """Wait until the widget root (a Locator) is live (data-state=ready)."""
    wait_state(root, "ready", timeout=timeout)


def set_inputs(root, values: dict[str, str]) -> int:
    """Put raw strings into a calculator's controls at once and fire one input event.

    Returns the root's update counter before the change; pass it to :func:`wait_update`.
    """
    return root.evaluate(
        """(root, values) => {
            const before = Number(root.dataset.updates || 0);
            let last = null;
            for (const [name, value] of Object.entries(values)) {
                const control = root.querySelector(`[name="${name}"]`);
                control.value = value;
                last = control;
            }
            last.dispatchEvent(new Event(last.tagName === "SELECT" ? "change" : "input", {bubbles: true}));
            return before;
        }""",
        values,
    )


def wait_update(root, before: int, timeout: float = 10_000) -> None:
    """Wait until the calculator applied a result after the change that returned ``before``."""
    root.page.wait_for_function(
        "([el, n]) => Number(el.dataset.updates || 0) > n || el.dataset.stale === 'true'",
        arg=[root.element_handle(), before], timeout=timeout)


def outputs(root) -> dict[str, str]:
    """{KEY: data-value} of every [data-output] in the widget."""
    return root.evaluate(
        "root => Object.fromEntries([...root.querySelectorAll('[data-output]')]"
        ".map(o => [o.dataset.output, o.dataset.value]))")


def live_calculator(browser, site_url: str, *, clipboard: bool = False):
    """A reader's page with the home calculator live (Python loaded once), for a module fixture.

    A generator: yields the calculator's root, then checks the reader's console and closes.
    """
    from conftest import check_reader, open_reader

    recorder = open_reader(browser, viewport={"width": 1280, "height": 900})
    if clipboard:
        recorder.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    recorder.page.goto(site_url)
    root = recorder.page.locator(CALC).first
    wait_ready(root)
    yield root
    check_reader(recorder)
    recorder.context.close()



def hold_wasm(context) -> list:
    """Hold back every request for Python's WebAssembly in a Playwright ``context`` (so "before
    Python is ready" lasts as long as a test needs). Returns the list the held routes go into:
    ``route.continue_()`` each to let Python load."""
    held: list = []
    context.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    return held


def wait_held(page, held: list, timeout_s: float = 30) -> None:
    """Wait until the page has asked for the wasm that :func:`hold_wasm` holds."""
    deadline = time.time() + timeout_s
    while not held and time.time() < deadline:
        page.wait_for_timeout(100)
    assert held, "the wasm request never came"
