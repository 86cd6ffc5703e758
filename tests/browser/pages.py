"""The built site's pages, and waiting until a page's widgets are live (shared by the reader-level
checks: visible text, axe-core, keyboard, memory and the other engines).

Pages are found in the built site itself (every ``index.html`` but 404), so a page someone adds
is covered without editing a list."""

from __future__ import annotations

from pathlib import Path

WIDGETS_LIVE = """() => {
    const roots = [...document.querySelectorAll('article [data-widget], article [data-example]')];
    return roots.every((r) => {
        if (r.matches('[data-example]')) return r.dataset.mounted === 'true';
        if (r.dataset.widget === 'calculator') return r.dataset.state === 'ready' && !r.dataset.stale;
        return r.dataset.state === 'ready';
    });
}"""


def built_pages(site_dir: Path) -> list[str]:
    """Every page's path relative to the site root: ``""`` (home), ``"guide/core-idea/"``, …"""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        if rel.startswith(("assets", "search")):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages


def pages_containing(site_dir: Path, *markers: str) -> list[str]:
    """The built pages (as ``built_pages``) whose HTML contains any of ``markers``."""
    return [path for path in built_pages(site_dir)
            if any(marker in (site_dir / path / "index.html").read_text("utf-8") for marker in markers)]


# Follow a link to url as a reader does (Material intercepts the click, as on any link of the
# page). Safe to send twice (the WebKit driver resends a call whose reply it lost,
# engines.WebKit): the page remembers the navigation it started and does not click again.
NAVIGATE = """(url) => {
    if (window.__bgNavigatingTo === url) return true;
    window.__bgNavigatingTo = url;
    window.__bgPreviousArticle = document.querySelector('article');
    const link = document.createElement('a');
    link.href = url;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    return true;
}"""


def swapped(also: str = "") -> str:
    """A check, for polling after NAVIGATE: the page is at url with a new article (and ``also``,
    a JS condition, holds). Once true it forgets the navigation, so a later NAVIGATE to the same
    url clicks again (a resent call comes before any polling starts)."""
    arrived = "location.href === url && document.querySelector('article') !== window.__bgPreviousArticle"
    if also:
        arrived += f" && ({also})"
    return f"(url) => {{ const done = {arrived}; if (done) window.__bgNavigatingTo = null; return done; }}"


SWAPPED = swapped()


def visit(page, url: str, timeout: float = 120_000) -> None:
    """Go to ``url`` the way a reader following a link does: Material's instant navigation when the
    page is already on the site (the document, and so the Python runtime, stays), a full load
    otherwise. Returns once the new page's widgets are live."""
    if page.url.startswith(url.split("/", 3)[0] + "//" + url.split("/", 3)[2]) and page.evaluate("() => !!window.location$"):
        page.evaluate(NAVIGATE, url)
        page.wait_for_function(SWAPPED, arg=url, timeout=timeout, polling=50)
    else:
        page.goto(url)
    wait_widgets_live(page, timeout)


def wait_widgets_live(page, timeout: float = 120_000) -> None:
    """Wait (Playwright page) until every widget of the current page has mounted and is live."""
    page.wait_for_function(WIDGETS_LIVE, timeout=timeout, polling=100)
