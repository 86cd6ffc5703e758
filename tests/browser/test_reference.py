"""The API reference in the built site: every documented module's public names have an entry,
the guide's inline code links to those entries, and the pages pass the checks every page does
(no request leaves 127.0.0.1, no console error: the ``reader`` fixture fails the test otherwise)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
REF_PAGES = sorted(p.stem for p in (ROOT / "docs/reference").glob("*.md") if p.stem != "index")


def documented(stem: str) -> tuple[str, list[str]]:
    """The module a reference page documents and the functions/classes its __all__ names."""
    (module,) = re.findall(r"^:::\s+(\S+)", (ROOT / f"docs/reference/{stem}.md").read_text(), re.M)
    path = ROOT / "py" / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            names = list(ast.literal_eval(node.value))
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    return module, [n for n in names if n in defined]


def test_reference_covers_the_issue_modules():
    assert {"neuron", "dense", "network", "gradcheck", "activations", "losses", "diagnose"} <= set(REF_PAGES)


@pytest.mark.parametrize("stem", REF_PAGES)
def test_every_public_function_has_an_entry(reader, site_url, stem):
    module, names = documented(stem)
    page = reader.page
    page.goto(f"{site_url}reference/{stem}/")
    ids = set(page.eval_on_selector_all("article [id]", "els => els.map(e => e.id)"))
    missing = [n for n in names if f"{module}.{n}" not in ids]
    assert not missing, f"reference/{stem}: no entry for {missing}"
    text = page.inner_text("article")
    assert ":class:" not in text and ":func:" not in text, "raw Sphinx roles shown to the reader"


def guide_links(site_dir: Path) -> list[tuple[str, str, str]]:
    out = []
    for html_file in sorted(site_dir.glob("guide/*/index.html")) + [site_dir / "index.html"]:
        html = html_file.read_text(encoding="utf-8")
        for href, code in re.findall(r'<a class="autorefs autorefs-internal" href="([^"]+)"><code>([^<]+)</code></a>', html):
            out.append((html_file.relative_to(site_dir).as_posix(), href, code))
    return out


def test_guide_inline_code_links_to_existing_entries(site_dir):
    links = guide_links(site_dir)
    assert len({code for _, _, code in links}) >= 5, f"too few guide links to the reference: {links}"
    for src, href, code in links:
        target = urlsplit(urljoin(f"http://x/{src}", href))
        file = site_dir / target.path.lstrip("/") / "index.html" if target.path.endswith("/") else site_dir / target.path.lstrip("/")
        assert target.path.startswith("/reference/"), (src, href)
        html = file.read_text(encoding="utf-8")
        assert f'id="{target.fragment}"' in html, f"{src}: {code} -> {href}: no such anchor"
        assert target.fragment.split(".")[-1] == code.split("(")[0].split(".")[-1], (code, href)


def one_link_per_target_page(site_dir: Path) -> list[tuple[str, str, str]]:
    seen: dict[str, tuple[str, str, str]] = {}
    for src, href, code in guide_links(site_dir):
        seen.setdefault(urlsplit(href).path, (src, href, code))
    return list(seen.values())


def test_a_guide_link_opens_the_entry(reader, site_url, site_dir):
    """Clicking a guide link to an API entry lands on the entry, clear of the sticky header, even
    when the click comes right after a scroll: Material records the scroll offset 100 ms after the
    last scroll and, inside that window, restores the old page's offset on the new page instead of
    going to the fragment (site_js/fragment_link.js corrects it). Every target page is tried."""
    page = reader.page
    for src, href, code in one_link_per_target_page(site_dir):
        page.goto(urljoin(site_url, src.removesuffix("index.html")))
        page.wait_for_load_state("load")
        # (Material's instant navigation rewrites each href to an absolute URL, so match the text)
        link = page.locator("article a.autorefs:visible", has_text=code).first
        link.scroll_into_view_if_needed()
        page.mouse.wheel(0, 40)  # a scroll just before the click, as a reader's would be
        link.click()
        page.wait_for_url(re.compile(re.escape(href.rsplit("/", 1)[-1])))
        fragment = urlsplit(page.url).fragment
        entry = page.locator(f'[id="{fragment}"]')
        entry.wait_for(state="visible")
        # Material scrolls to the fragment once the new page is laid out: wait for that, then measure.
        page.wait_for_function("""id => { const r = document.getElementById(id)?.getBoundingClientRect();
            const header = document.querySelector(".md-header")?.getBoundingClientRect().bottom ?? 0;
            return r && r.top >= header && r.top < innerHeight; }""", arg=fragment, timeout=10_000)
        assert code.split("(")[0].split(".")[-1] in entry.inner_text(), (src, href)
