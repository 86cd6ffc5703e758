"""The same module in two runtimes: Pyodide (wasm, in the page's worker) and CPython agree."""

from __future__ import annotations

import itertools
import math
import re

import pytest
from helpers import wait_ready

from biasgrad.web.calculator import calculate

pytestmark = pytest.mark.browser

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus")
LOSSES = ("mse_half", "mse", "bce", "bce_logits")
ULPS = 4
# Pyodide's libm (musl, emscripten) and glibc can differ by an ulp in exp/log1p. Most values agree
# to the bit or within ULPS; where the module subtracts close numbers (a − y next to a target, BCE
# near its minimum) an ulp of a becomes many ulps of the result. biasgrad promises ~1e-12 relative
# accuracy against the exact value, so two runtimes may differ by twice that.
REL = 2e-12


def grid() -> list[dict[str, str]]:
    numbers = {
        "x": ("-2.5", "0.5", "3"),
        "w": ("-1.5", "0.8"),
        "b": ("-40", "-1", "0", "2.5", "37"),
        "y": ("0", "0.3", "1"),
    }
    cases = []
    for act, loss in itertools.product(ACTIVATIONS, LOSSES):
        for x, w, b, y in itertools.product(*numbers.values()):
            cases.append({"x": x, "w": w, "b": b, "y": y, "activation": act, "loss": loss, "lr": "0.1"})
    return cases


def agree(key: str, got: float | None, want: float | None) -> bool:
    if got is None or want is None:
        return got is want
    if key == "numeric_dL_db":  # an ulp of libm difference in L, divided by 2h ≈ 1e-5
        return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9)
    if key == "numeric_rel_error":
        return max(got, want) < 1e-5 or math.isclose(got, want, rel_tol=0.5)
    if got == want or abs(got - want) <= ULPS * math.ulp(max(abs(got), abs(want))):
        return True
    return math.isclose(got, want, rel_tol=REL, abs_tol=1e-300)


def words(message: str) -> str:
    """A message with its numbers blanked (they may differ in the last digit)."""
    return re.sub(r"-?\d[\d.e+-]*", "#", message)


def ulps(got: float, want: float) -> float:
    return abs(got - want) / math.ulp(max(abs(got), abs(want), 5e-324))


def test_pyodide_agrees_with_cpython(reader_page, site_url):
    reader_page.goto(site_url)
    wait_ready(reader_page.locator('[data-widget="calculator"]').first)
    cases = grid()
    results = reader_page.evaluate(
        """async (cases) => {
            const url = new URL("assets/biasgrad/runtime.js", document.baseURI).href;
            const { call } = await import(url);
            return call("calculate_many", cases);
        }""",
        cases,
    )
    assert len(results) == len(cases)
    exact = compared = 0
    worst: dict[str, float] = {}
    for case, got in zip(cases, results):
        want = calculate(case, full=False)
        assert got["ok"] == want["ok"], case
        if not want["ok"]:
            assert [(e["field"], words(e["message"])) for e in got["errors"]] == \
                [(e["field"], words(e["message"])) for e in want["errors"]], case
            continue
        assert [w["code"] for w in got["warnings"]] == [w["code"] for w in want["warnings"]], case
        for key, value in want["values"].items():
            compared += 1
            exact += got["values"][key] == value
            if value is not None and got["values"][key] is not None and not key.startswith("numeric"):
                worst[key] = max(worst.get(key, 0.0), ulps(got["values"][key], value))
            assert agree(key, got["values"][key], value), (case, key, got["values"][key], value)
    assert compared > 5000
    print(f"{exact}/{compared} values bit-identical; worst ulps per key: {worst}")
