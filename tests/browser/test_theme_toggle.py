"""The light/dark toggle (site_js/inline/palette.js, in place of Material's palette component):
what a reader sees when choosing, keeping and following a palette, and that a page which is
only read is never restyled as a whole once it is parsed (tools/bench.py's longest task)."""

from __future__ import annotations

import json

import pytest
from pages import built_pages, visit, wait_widgets_live

pytestmark = pytest.mark.browser

PAGE = "reference/"  # a page without Python: the toggle does not wait for the runtime
OTHER = "reference/losses/"

# Installed before the page: the scheme the body has when the content starts to be parsed, and
# from then on every change to the root's or the body's attributes, to the color-scheme <meta> or
# to a URL in the <head> (each restyles the whole page that is parsed so far).
WATCH = """
(() => {
  window.__bgTheme = { atContent: null, later: [] };
  const note = (what) => window.__bgTheme.later.push(what);
  const watch = () => {
    // a write of the value already there changes nothing (Material's bundle makes a few)
    const changed = (where) => (records) => records.forEach((r) => {
      const now = r.target.getAttribute(r.attributeName);
      if (now !== r.oldValue) note(`${where}[${r.attributeName}] ${JSON.stringify(r.oldValue)} -> ${JSON.stringify(now)}`);
    });
    new MutationObserver(changed('html')).observe(document.documentElement, { attributes: true, attributeOldValue: true });
    new MutationObserver(changed('body')).observe(document.body, { attributes: true, attributeOldValue: true });
    new MutationObserver((records) => records.forEach((r) => {
      const metas = [...r.addedNodes, r.target].filter((n) => n.nodeName === 'META' && n.name === 'color-scheme');
      if (metas.length) note('the color-scheme meta changed');
      // any write, even of the same URL: a stylesheet or preload <link> given its href again is
      // loaded again, and the browser rebuilds its style rules for the whole page
      if (r.type === 'attributes' && (r.attributeName === 'href' || r.attributeName === 'src')) {
        note(`head ${r.target.nodeName.toLowerCase()}[rel=${r.target.getAttribute('rel')}][${r.attributeName}] ` +
             `${JSON.stringify(r.oldValue)} -> ${JSON.stringify(r.target.getAttribute(r.attributeName))}`);
      }
    })).observe(document.head, { childList: true, subtree: true, attributes: true, attributeOldValue: true });
  };
  // From the moment the content starts (after the header and its toggle, before Material's bundle)
  new MutationObserver((records, observer) => {
    if (document.querySelector('.md-container')) {
      window.__bgTheme.atContent = document.body.getAttribute('data-md-color-scheme');
      observer.disconnect();
      watch();
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""

STATE = """() => {
  const shown = [...document.querySelectorAll('form[data-bg-palette] label')].filter((l) => !l.hidden);
  const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content || null;
  return { scheme: document.body.getAttribute('data-md-color-scheme'),
           accent: document.body.getAttribute('data-md-color-accent'),
           switching: document.body.hasAttribute('data-md-color-switching'),
           labels: shown.map((l) => l.title), colorScheme: meta('color-scheme'), themeColor: meta('theme-color'),
           metas: document.querySelectorAll('meta[name="color-scheme"]').length,
           stored: Object.entries(localStorage).filter(([k]) => k.endsWith('__palette')).map(([, v]) => JSON.parse(v)) };
}"""


def state(page) -> dict:
    return page.evaluate(STATE)


def open_page(new_reader, site_url, path=PAGE, **options):
    reader = new_reader(viewport={"width": 1280, "height": 900}, **options)
    reader.context.add_init_script(WATCH)
    reader.page.goto(site_url + path)
    return reader.page


def switch(page) -> None:
    page.locator("form[data-bg-palette] label:not([hidden])").click()
    page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')")


def test_the_toggle_switches_keeps_and_restores_the_palette(new_reader, site_url):
    """Assert a light reader sees the light palette and the "dark" toggle; one click switches the
    page, the metas and the toggle, and stores the choice in Material's format; the choice holds
    from the first parsed line after a reload and across instant navigation, where the toggle
    still switches."""
    page = open_page(new_reader, site_url, color_scheme="light")
    first = state(page)
    assert first["scheme"] == "default" and first["labels"] == ["Switch to dark mode"], first
    assert first["colorScheme"] == "light" and first["metas"] == 1, first
    assert first["themeColor"] and first["themeColor"].startswith("#") and len(first["themeColor"]) == 7, first
    assert first["stored"] == [], "a reader who never chose has nothing stored"

    switch(page)
    dark = state(page)
    assert (dark["scheme"], dark["accent"], dark["labels"], dark["colorScheme"]) == \
        ("slate", "amber", ["Switch to light mode"], "dark"), dark
    assert not dark["switching"] and dark["metas"] == 1
    assert dark["stored"] == [{"index": 1, "color": {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
                                                     "primary": "indigo", "accent": "amber"}}], dark["stored"]

    page.reload()
    assert page.evaluate("window.__bgTheme.atContent") == "slate", "the stored palette is applied before the content"
    assert state(page)["labels"] == ["Switch to light mode"]

    visit(page, site_url + OTHER)
    assert state(page)["scheme"] == "slate"
    switch(page)
    back = state(page)
    assert (back["scheme"], back["labels"], back["colorScheme"]) == ("default", ["Switch to dark mode"], "light"), back
    assert back["stored"][0]["index"] == 0


def test_a_reader_who_never_chose_follows_the_system(new_reader, site_url):
    """Assert a dark system gives the dark palette before the content is parsed, and a change of
    the system's setting is followed while the reader has not chosen."""
    page = open_page(new_reader, site_url, color_scheme="dark")
    assert page.evaluate("window.__bgTheme.atContent") == "slate"
    assert state(page)["labels"] == ["Switch to light mode"]
    page.emulate_media(color_scheme="light")
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'default'")
    now = state(page)
    assert now["labels"] == ["Switch to dark mode"] and now["colorScheme"] == "light" and now["stored"] == [], now


def test_enter_on_the_focused_toggle_switches_and_stays_on_the_page(new_reader, site_url):
    """Assert Enter on the toggle (as Material's did) switches the palette and submits nothing."""
    page = open_page(new_reader, site_url, color_scheme="light")
    page.evaluate("window.__bgStay = true")
    page.locator("form[data-bg-palette] input:checked").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert page.evaluate("window.__bgStay === true"), "Enter reloaded the page"
    assert page.evaluate("document.activeElement.id") == "__palette_1"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_is_restyled_as_a_whole_once_parsed(new_reader, site_url, site_dir, scheme):
    """Assert, on every built page, that nothing changes the root's or the body's attributes,
    the color-scheme meta or a URL in the head once the content starts to be parsed, while the
    reader only reads, and that the palette is already the reader's when the content starts to be
    parsed. Each such change restyles the whole page: Material's own palette and focus-visible
    start-up did (30 % of the longest main-thread task), and so did its instant navigation
    writing the head's relative URLs back as absolute ones (its stylesheets were loaded again:
    about 500 ms of main-thread CPU in a trace of the home page)."""
    want = "slate" if scheme == "dark" else "default"
    reader = new_reader(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    reader.context.add_init_script(WATCH)
    page = reader.page
    problems = []
    for path in [*built_pages(site_dir), "404.html"]:
        page.goto(site_url + path)  # a full load each time: every page's own start-up
        wait_widgets_live(page)
        page.wait_for_timeout(300)
        seen = page.evaluate("window.__bgTheme")
        if seen["atContent"] != want:
            problems.append(f"{path or '/'}: the content was parsed in {seen['atContent']!r}, not {want!r}")
        problems += [f"{path or '/'}: {change}" for change in seen["later"]]
    assert not problems, "\n".join(problems)


def test_the_palette_script_stores_what_material_reads(new_reader, site_url):
    """Assert a palette stored in Material's format by Material itself (an older visit) is applied."""
    page = open_page(new_reader, site_url, color_scheme="light")
    key = page.evaluate("Object.keys(localStorage).length ? null : __md_scope.pathname + '.__palette'")
    stored = {"index": 1, "color": {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
                                    "primary": "indigo", "accent": "amber"}}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, json.dumps(stored)])
    page.reload()
    assert page.evaluate("window.__bgTheme.atContent") == "slate"
    assert state(page)["labels"] == ["Switch to light mode"]
