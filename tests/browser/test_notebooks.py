"""Every guide page's notebook (hooks/notebooks.py): valid nbformat, prose and examples in page
order, executed top to bottom by nbclient on a fresh kernel with printed output equal to the
build's; and the page's "Download as notebook" link serves that file.

It lives with the browser tests because it needs the built site (the session's ``site_dir``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
GUIDE_PAGES = sorted(p.stem for p in (ROOT / "docs/guide").glob("*.md")
                     if re.search(r"^[ \t>]*(`{3,}|~{3,})[ \t]*python[ \t]+run\b", p.read_text(encoding="utf-8"), re.M))


@pytest.fixture(scope="session")
def kernel_name() -> str:
    """The venv's own python3 kernel spec (installed into the venv, never the user's)."""
    spec = Path(sys.prefix) / "share/jupyter/kernels/python3/kernel.json"
    if not spec.exists():
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"], check=True,
                       capture_output=True, timeout=120)
    # jupyter_client starts a spec whose argv[0] is "python" with its own sys.executable
    assert json.loads(spec.read_text())["argv"][0] in ("python", sys.executable)
    return "python3"


def notebook_path(site_dir: Path, stem: str) -> Path:
    return site_dir / "guide" / stem / f"{stem}.ipynb"


def example_count(stem: str) -> int:
    text = (ROOT / f"docs/guide/{stem}.md").read_text(encoding="utf-8")
    return len(re.findall(r"^[ \t>]*(`{3,}|~{3,})[ \t]*python[ \t]+run\b", text, re.M))


# A wall-clock measurement an example prints ("150 epochs in 95 ms") is the one thing that may
# differ; every other character, every digit included, must be the build's (same CPython, NumPy).
ELAPSED = re.compile(r"\b\d+(?:\.\d+)? ms\b")


def same(text: str | None) -> str | None:
    return None if text is None else ELAPSED.sub("<elapsed> ms", text.rstrip())


def text_of(outputs: list, kind: str) -> str:
    if kind == "stdout":
        return "".join(o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stdout")
    results = [o["data"]["text/plain"] for o in outputs if o["output_type"] == "execute_result"
               and "image/svg+xml" not in o["data"]]
    return results[-1] if results else None


def figures_of(outputs: list) -> int:
    return sum(1 for o in outputs if o["output_type"] in ("display_data", "execute_result")
               and "image/svg+xml" in o.get("data", {}))


@pytest.mark.parametrize("stem", GUIDE_PAGES)
def test_notebook_holds_the_page(site_dir, stem):
    nb = nbformat.read(notebook_path(site_dir, stem), as_version=4)
    nbformat.validate(nb)
    examples = [c for c in nb.cells if c.cell_type == "code" and "example" in c.metadata.get("biasgrad", {})]
    assert len(examples) == example_count(stem)
    html = (site_dir / "guide" / stem / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<div class="bg-example\b[^"]*"[^>]*?\sdata-example="([^"]+)"', html)
    assert [c.metadata.biasgrad["example"] for c in examples] == ids
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert prose.count("\n# ") + prose.startswith("# ") <= 1 and re.search(r"^# ", prose, re.M), "one page title"
    assert ".md)" not in prose and "](../" not in prose, "links that only work inside the site"
    assert "!!! " not in prose and 'data-widget="' not in prose, "site-only syntax left in the prose"
    for cell in examples:
        if cell.metadata.biasgrad["figures"]:
            svg = [o for o in cell.outputs if "image/svg+xml" in o.get("data", {})]
            assert svg and all(o["data"]["image/svg+xml"].startswith("<svg") for o in svg)
            assert not any("http" in o["data"]["image/svg+xml"].replace("http://www.w3.org/2000/svg", "") for o in svg)


_timings: dict[str, float] = {}


@pytest.mark.parametrize("stem", GUIDE_PAGES)
def test_notebook_runs_top_to_bottom_like_the_build(site_dir, kernel_name, tmp_path, stem):
    nb = nbformat.read(notebook_path(site_dir, stem), as_version=4)
    saved = [(c.metadata.biasgrad, c.outputs) for c in nb.cells if "example" in c.get("metadata", {}).get("biasgrad", {})]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    start = time.perf_counter()
    NotebookClient(nb, kernel_name=kernel_name, timeout=300, resources={"metadata": {"path": str(tmp_path)}}).execute()
    _timings[stem] = time.perf_counter() - start
    ran = [c for c in nb.cells if "example" in c.get("metadata", {}).get("biasgrad", {})]
    assert len(ran) == len(saved)
    for cell, (meta, _) in zip(ran, saved):
        where = f"{stem} {meta['example']}"
        assert same(text_of(cell.outputs, "stdout")) == same(meta["stdout"] or ""), where
        assert same(text_of(cell.outputs, "result")) == same(meta["result"]), where
        assert figures_of(cell.outputs) == meta["figures"], f"{where}: figures drawn in Jupyter"
        errors = [o for o in cell.outputs if o["output_type"] == "error"]
        if meta["raises"]:
            assert errors, f"{where} should raise {meta['raises']}"
        else:
            assert not errors, f"{where}: {errors}"


def test_report_notebook_timings():
    """Prints how long each notebook took (read with -s); fails only if none ran."""
    if not _timings:
        pytest.skip("no notebook executed in this session")
    print("\nnotebook run times (s):", {k: round(v, 1) for k, v in sorted(_timings.items())},
          "total", round(sum(_timings.values()), 1))
