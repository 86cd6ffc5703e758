"""The same module in two runtimes: Pyodide (wasm, in the page's worker) and CPython agree."""

from __future__ import annotations

import itertools
import math

import pytest
from helpers import wait_ready

from biasgrad.web.calculator import calculate

pytestmark = pytest.mark.browser

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus")
LOSSES = ("mse_half", "mse", "bce", "bce_logits")
ULPS = 4


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
        return math.isclose(got, want, rel_tol=1e-8, abs_tol=1e-12)
    if key == "numeric_rel_error":
        return math.isclose(got, want, rel_tol=1e-2, abs_tol=1e-9)
    return got == want or abs(got - want) <= ULPS * math.ulp(max(abs(got), abs(want)))


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
    for case, got in zip(cases, results):
        want = calculate(case, full=False)
        assert got["ok"] == want["ok"], case
        if not want["ok"]:
            assert [e["message"] for e in got["errors"]] == [e["message"] for e in want["errors"]], case
            continue
        assert got["warnings"] == want["warnings"], case
        for key, value in want["values"].items():
            compared += 1
            exact += got["values"][key] == value
            assert agree(key, got["values"][key], value), (case, key, got["values"][key], value)
    assert compared > 5000
    print(f"{exact}/{compared} values bit-identical")
