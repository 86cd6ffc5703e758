"""Guide pages 1–6 and the home page: every number the prose states comes from the module, and
every example that checks its NumPy against the module prints that they agree.

Each example runs as the build runs it (``run_example``, sessions chained); the prose is read from
the Markdown and the numbers are recomputed here with the module (not read off the examples'
own NumPy), so the module stays the one source of the prose's numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from biasgrad import neuron_report
from biasgrad.web.runner import run_example

DOCS = Path(__file__).resolve().parents[1] / "docs"
FENCE = re.compile(r'^```python run(?P<opts>[^\n]*)\n(?P<code>.*?)^```\s*$', re.M | re.S)
CHECKED = ("index", "guide/core-idea", "guide/one-neuron", "guide/numpy-implementation", "guide/activations", "guide/loss-landscape", "guide/batch-reduction", "guide/dense-layer")


def run_page(name: str) -> tuple[str, list[tuple[str, dict]]]:
    text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    sessions: dict[str, list[dict]] = {}
    results = []
    for m in FENCE.finditer(text):
        opts = dict(re.findall(r'(\w+)="([^"]*)"', m.group("opts")))
        session = opts.get("session")
        prelude = list(sessions.get(session, [])) if session else []
        results.append((opts.get("title", ""), run_example(m.group("code"), {"raises": opts.get("raises"),
                                                                             "prelude": prelude})))
        if session:
            sessions.setdefault(session, []).append({"code": m.group("code"), "title": opts.get("title"),
                                                     "raises": opts.get("raises")})
    return text, results


@pytest.fixture(scope="module")
def pages() -> dict[str, tuple[str, list[tuple[str, dict]]]]:
    return {name: run_page(name) for name in CHECKED}


@pytest.mark.parametrize("name", CHECKED)
def test_every_check_against_the_module_agrees(pages, name):
    """Assert each example runs, and each one that uses a biasgrad computation (not only charts or
    data) prints a check line saying the module agrees, with no disagreement anywhere."""
    _, results = pages[name]
    for title, r in results:
        assert r["ok"], (title, r["error"])
        out = r["stdout"]
        assert "False" not in out and "DIFFER" not in out, (title, out)
    for m in FENCE.finditer(pages[name][0]):
        code = m.group("code")
        uses_module = re.search(r"^from biasgrad(?!\.web\.figures|\.datasets)[\w.]* import", code, re.M)
        title = dict(re.findall(r'(\w+)="([^"]*)"', m.group("opts"))).get("title", "")
        if uses_module and "raises=" not in m.group("opts"):
            r = next(r for t, r in pages[name][1] if t == title)
            assert re.search(r"agree", r["stdout"] + (r["result"] or "")), f"{name} {title!r}: no check line"


def test_core_idea_numbers(pages):
    """Assert the core-idea prose's a − y = 0.668188 − 1 = −0.331812 is the module's."""
    text, _ = pages["guide/core-idea"]
    r = neuron_report(x=2.0, w=0.5, b=-0.3, y=1.0, activation="sigmoid", loss="bce")
    assert f"${r.a:.6f} - 1 = {r.dL_db:.6f}$" in text


def test_the_home_page_contents_grid_lists_every_page_in_the_nav():
    """Assert the home page's contents grid links every page of mkdocs.yml's nav (but the home
    page), in nav order, each with a one-line description."""
    nav = re.findall(r"^\s+-\s+(?:[^:\n]+:\s+)?(guide/[\w-]+\.md)\s*$",
                     (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    grid = text.split('<div class="grid cards bg-contents" markdown>')[1].split("</div>")[0]
    items = re.findall(r"-   \*\*\[[^\]]+\]\(([^)]+)\)\*\*\n\n    (\S[^\n]+)\n", grid)
    assert [link for link, _ in items] == nav
    assert all(len(line) < 90 for _, line in items)


def test_one_neuron_numbers(pages):
    """Assert the one-neuron prose's (a − y)·a(1 − a) = −0.073567 and the z = −8 gradients are the module's."""
    from biasgrad import ACTIVATIONS, LOSSES

    text, _ = pages["guide/one-neuron"]
    r = neuron_report(x=1.5, w=0.8, b=-0.5, y=1.0, activation="sigmoid", loss="mse_half")
    assert f"({r.a:.6f} - 1)\\cdot {r.a:.6f} \\cdot {1 - r.a:.6f} = {r.dL_db:.6f}." in text
    f = ACTIVATIONS["sigmoid"]
    half = LOSSES["mse_half"].dL_da(f.value(-8.0), 1.0) * f.derivative(-8.0)
    bce = LOSSES["bce_logits"].dL_dz(-8.0, 1.0)
    assert f"about ${half:.4f}$ and ${2 * half:.4f}$" in text
    assert f"is ${bce:.4f}$" in text.replace("\n", " ")


def test_activations_numbers(pages):
    """Assert the saturation prose's 4.5e-5 (sigmoid) and 8.2e-9 (tanh) at z = 10 are the module's."""
    text, _ = pages["guide/activations"]
    s = neuron_report(x=1.0, w=0.0, b=10.0, y=0.0, activation="sigmoid", loss="mse_half").dL_db
    t = neuron_report(x=1.0, w=0.0, b=10.0, y=0.0, activation="tanh", loss="mse_half").dL_db
    m_s, e_s = f"{s:.1e}".split("e")
    m_t, e_t = f"{t:.1e}".split("e")
    assert f"${m_s}\\times10^{{{int(e_s)}}}$ for the sigmoid and ${m_t}\\times10^{{{int(e_t)}}}$ for tanh" in text
