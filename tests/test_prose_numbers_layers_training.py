"""The numbers the prose of guide pages 7–12 states are the numbers their examples print.

Each example is run as the build runs it (``biasgrad.web.runner.run_example``, sessions chained);
the prose is read from the Markdown, so a changed number on either side fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from biasgrad.web.runner import run_example

DOCS = Path(__file__).resolve().parents[1] / "docs" / "guide"
FENCE = re.compile(r'^```python run(?P<opts>[^\n]*)\n(?P<code>.*?)^```\s*$', re.M | re.S)


def run_page(name: str) -> tuple[str, list[dict]]:
    text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    sessions: dict[str, list[str]] = {}
    results = []
    for m in FENCE.finditer(text):
        opts = dict(re.findall(r'(\w+)="([^"]*)"', m.group("opts")))
        options = {"raises": opts.get("raises"), "prelude": list(sessions.get(opts.get("session"), []))}
        results.append(run_example(m.group("code"), options))
        if opts.get("session"):
            sessions.setdefault(opts["session"], []).append(m.group("code"))
    return text, results


@pytest.fixture(scope="module")
def pages():
    return {name: run_page(name) for name in
            ("dense-layer", "typical-errors", "gradient-check", "training", "context", "further-reading")}


@pytest.mark.parametrize("name", ["dense-layer", "typical-errors", "gradient-check", "training", "context",
                                  "further-reading"])
def test_every_example_runs_and_most_draw(pages, name):
    """Assert every example runs as intended and each page has at least one chart."""
    _, results = pages[name]
    assert results and all(r["ok"] for r in results), [r["error"] for r in results if not r["ok"]]
    assert sum(len(r["figures"]) for r in results) >= 1


def test_mazur_numbers(pages):
    """Assert the context page prints the post's hand-worked numbers and the table's training figures."""
    text, results = pages["context"]
    out = "".join(r["stdout"] for r in results)
    for s in ("E_total = 0.298371109", "w5+ = 0.358916480", "w1+ = 0.149780716", "w8+ = 0.561370121"):
        assert s in out
    for value in ("0.291027774", "0.291027924", "0.0000351085", "0.0000351019", "0.0000350915", "0.0000350848",
                  "0.015912196 0.984065734", "0.015913620 0.984064274"):
        assert value in out, value
        assert value.replace(" ", ", ") in text, value  # the table states the same digits


def test_bias_counts(pages):
    """Assert the parameter counts the context page prints (LeNet-5 60,000; ResNet-152 60,192,808)."""
    out = pages["context"][1][0]["stdout"]
    assert re.search(r"LeNet-5\s+60,000\s+248", out)
    assert re.search(r"AlexNet\s+60,965,224\s+10,568", out)
    assert re.search(r"ResNet-152\s+60,192,808\s+1,000", out)


def test_clipping_table(pages):
    """Assert the clipping example shows the prose's claims: ~10× too small at z = 30, 0 and L = 100 at 700."""
    text, results = pages["typical-errors"]
    out = next(r["stdout"] for r in results if "PyTorch" in r["stdout"])
    loss, grad = out.split("the bias gradient dL/db")
    assert re.search(r"^\s+30 \|\s+1\s+0\.0935\s+0\s+1$", grad, re.M)
    assert re.search(r"^\s+700 \|\s+nan\s+0\s+0\s+1$", grad, re.M)
    assert re.search(r"^\s+700 \|\s+inf\s+100\s+16\.1\s+700$", loss, re.M)
    assert "$L = 100$ and $\\partial L/\\partial b = 0$" in text


def test_gradient_check_minima(pages):
    """Assert the best steps the prose quotes are the ones the sweep finds."""
    text, results = pages["gradient-check"]
    out = next(r["stdout"] for r in results if "smallest relative error" in r["stdout"])
    assert "order 2: smallest relative error 5.0e-12 at eps = 1.0e-06" in out
    assert "order 4: smallest relative error 8.8e-14 at eps = 6.3e-04" in out
    assert "$5 \\times 10^{-12}$" in text and "$9 \\times 10^{-14}$" in text


def test_training_claims(pages):
    """Assert the training page's examples print 40 flowers per species, output biases summing to 0,
    and the NumPy loop agreeing with Network.train on every recorded quantity."""
    out = "".join(r["stdout"] for r in pages["training"][1])
    assert "flowers per species in training: [40, 40, 40]" in out
    assert "their sum: 0.0" in out or "their sum: -0.0" in out
    assert out.count(" agree\n") == 5 and "DIFFER" not in out
    assert pages["training"][1][-1]["result"] == "True"


def test_reductions_ratio(pages):
    """Assert the further-reading example finds sum/mean = N and mean/PyTorch-mean = K."""
    out = pages["further-reading"][1][0]["stdout"]
    assert "8.0 = N = 8" in out and "3.0 = K = 3" in out
