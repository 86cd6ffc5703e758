"""The site's one number format: Python's ``biasgrad.web.number_format.fmt`` and the browser's
``site_js/number_format.js`` agree character for character (the JS module runs under node), and the
format itself is checked against hand-worked values.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import struct
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from biasgrad.web.calculator_format import fmt as calculator_fmt
from biasgrad.web.html_table import _cell, cell_text
from biasgrad.web.number_format import MINUS, MISSING, fmt

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "site_js" / "number_format.js"
M = MINUS

# Reads [{"bits": hex} | {"cell": any}] on stdin and answers, for each, [fmt 6, fmt 4, formatCell].
_NODE = """
import { readFileSync } from "node:fs";
const { formatNumber, formatCell } = await import(process.argv[1]);
const items = JSON.parse(readFileSync(0, "utf8"));
const view = new DataView(new ArrayBuffer(8));
const out = items.map((item) => {
  let v = item.cell;
  if ("bits" in item) {
    view.setBigUint64(0, BigInt("0x" + item.bits));
    v = view.getFloat64(0);
  }
  return [formatNumber(v), formatNumber(v, 4), formatCell(v)];
});
process.stdout.write(JSON.stringify(out));
"""


def _bits(v: float) -> str:
    return struct.pack(">d", v).hex()


def _from_bits(rng: random.Random) -> float:
    return struct.unpack(">d", rng.getrandbits(64).to_bytes(8, "big"))[0]


def _values() -> list[float]:
    rng = random.Random(20261203)
    out: list[float] = []
    out += [_from_bits(rng) for _ in range(2000)]  # random float64 bit patterns: every exponent
    out += [rng.uniform(-1, 1) * 10.0 ** rng.randint(-8, 17) for _ in range(1500)]  # near the switches
    for p in range(-10, 22):  # every power of ten, its neighbours, and the values that round to it
        for t in (10.0 ** p, float(f"1e{p}")):
            for v in (t, math.nextafter(t, 0), math.nextafter(t, math.inf), t * (1 - 4e-6), t * (1 - 6e-6),
                      t * (1 - 5e-6), t * (1 + 5e-6), t * (1 - 4e-7), t * 0.999995, t * 0.99999):
                out += [v, -v]
    for _ in range(400):  # exact ties at 6 significant digits (fixed), 7 digits ending in 5
        j = rng.randint(1, 8)
        m = rng.randrange(1, 2 ** 31)
        v = m / 2 ** j
        if 1e-4 <= v < 1e6 and len(Decimal(v).as_tuple().digits) in (5, 7):
            out += [v, -v]
    out += [k + 0.5 for k in range(100000, 100100)] + [k + 0.5 for k in range(999900, 1000000)]
    out += [123456.5, 234567.5, 999999.5, 99999.5, 9999.5, 0.5, 0.25, 0.125, 0.0625, 2.5, 12.34375, 1234.125]
    out += [float(m * 10 ** e) for m in (123445, 123455, 999995, 100005, 999985) for e in range(1, 10)]  # 5-digit ties
    out += [float(s) for s in ("2.5e-5", "1.23455e-5", "1.000005", "0.1", "0.2", "0.3", "1.15", "2.675",
                               "1e-4", "9.9999e-5", "9.99995e-5", "999999.49999", "999999.5", "1e15", "1e21")]
    out += [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1e-310,
            sys.float_info.max, -sys.float_info.max, sys.float_info.min, sys.float_info.epsilon]
    out += [float(n) for n in (*range(-20, 21), 99999, 100000, 999999, 1000000, 1000001, 123456789,
                                2 ** 53, 2 ** 53 + 2, 10 ** 15 - 1, 10 ** 15, 10 ** 15 + 1, 10 ** 16, -10 ** 15)]
    out += [math.nan, math.inf, -math.inf]
    return out


@pytest.fixture(scope="module")
def node_results() -> tuple[list[Any], list[Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    items: list[dict[str, Any]] = [{"bits": _bits(v)} for v in _values()]
    items += [{"cell": c} for c in (None, "0.5 (current)", "sigmoid", "", "-3", True, False, 3, -3, 7, 1234567)]
    done = subprocess.run([node, "--no-warnings", "--input-type=module", "-e", _NODE, MODULE.as_uri()],
                          input=json.dumps(items), capture_output=True, text=True, timeout=120, check=True)
    return items, json.loads(done.stdout)


def test_python_and_javascript_agree(node_results: tuple[list[Any], list[Any]]) -> None:
    """Assert fmt(v), fmt(v, 4) and the table cell text are the same strings in Python and in the browser."""
    items, got = node_results
    assert len(got) == len(items) > 5000
    bad = []
    for item, (js6, js4, js_cell) in zip(items, got):
        v = struct.unpack(">d", bytes.fromhex(item["bits"]))[0] if "bits" in item else item["cell"]
        py = (fmt(v), fmt(v, 4), cell_text(v))
        if py != (js6, js4, js_cell):
            bad.append((repr(v), py, (js6, js4, js_cell)))
    assert not bad, f"{len(bad)} differ, e.g. {bad[:5]}"


HAND = [
    (None, MISSING), (math.nan, MISSING), (math.inf, MISSING), (-math.inf, MISSING), ("abc", MISSING),
    (0.0, "0"), (-0.0, "0"), (0, "0"), (3, "3"), (-3, f"{M}3"), (3.0, "3"), (-1.5, f"{M}1.5"),
    (0.1, "0.1"), (1 / 3, "0.333333"), (-2 / 3, f"{M}0.666667"), (2 / 3 * 1e-3, "0.000666667"),
    (1e-4, "0.0001"), (math.nextafter(1e-4, 0), "1e−4"), (9.99996e-5, "1e−4"), (9.99994e-5, "9.9999e−5"),
    (1.23456789e-5, "1.2346e−5"), (-1.23456789e-5, f"{M}1.2346e−5"), (2.5e-5, "2.5e−5"),
    (123456.5, "123457"), (123457.5, "123458"), (999999.4, "999999"), (999999.5, "1000000"),
    (999999.7, "1000000"), (1e6, "1e6"), (1234567, "1.2346e6"), (-1234567.0, f"{M}1.2346e6"),
    (1e15, "1e15"), (123445e4, "1.2345e9"), (1.7976931348623157e308, "1.7977e308"),
    (5e-324, "4.9407e−324"), (1234.125, "1234.13"), (12.34375, "12.3438"), (0.015625, "0.015625"),
    (1.000005, "1.00001"), (2.675, "2.675"), (299792458.0, "2.9979e8"), (6.02214076e23, "6.0221e23"),
]


@pytest.mark.parametrize("value, text", HAND)
def test_hand_worked(value: Any, text: str) -> None:
    """Assert the format on values worked by hand: dash, zero, U+2212 minus, the switches, ties away from zero."""
    assert fmt(value) == text


@pytest.mark.parametrize("value, text", [(1 / 3, "0.3333"), (12345.6, "12346"), (99999.5, "100000"),
                                          (1e-5, "1e−5"), (1.2345e-5, "1.23e−5"), (-0.5, f"{M}0.5")])
def test_hand_worked_four_digits(value: float, text: str) -> None:
    """Assert fmt(v, 4), the calculator's chart labels: 4 significant digits fixed, 3 in scientific."""
    assert fmt(value, 4) == text


def test_one_home() -> None:
    """Assert the calculator's fmt and the tables' cells are the one format, and cells escape their text."""
    assert calculator_fmt is fmt
    assert _cell(-1234567.0) == f"{M}1.2346e6" and _cell(None) == MISSING and _cell("a<b") == "a&lt;b"
    assert cell_text(True) == "true" and cell_text("x") == "x"
