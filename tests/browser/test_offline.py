"""Offline reading (site_js/sw.js, hooks/offline.py) in Chromium, against a real server that stops.

* after a first visit, with the server stopped and the context offline, the guide's pages open by
  clicking links (instant navigation) and by full loads, and a runnable example runs;
* an address the site does not have, offline, gets the offline page (503) with a link home;
* a new build in the same folder on the same port replaces the worker: the page reloads once into
  the new content, the old ``biasgrad-site-*`` cache is gone, the saved-Python cache survives.

The module builds its own site for its own port (the server is stopped and restarted on that port,
which the session's shared server must not hold).
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path

import pytest
from helpers import wait_ready

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "hooks"))
from offline import write_service_worker  # noqa: E402

pytestmark = pytest.mark.browser

SNAPSHOT_CACHE = "biasgrad-python-snapshot"


class Host:
    """The built site served on a fixed port by tools/serve.py's handler; stop() and start() again."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory, self.port, self.server = directory, port, None
        self.url = f"http://127.0.0.1:{port}/"

    def start(self) -> None:
        from serve import serve_in_thread

        if self.server is None:
            self.server, _ = serve_in_thread(self.directory, self.port)

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from serve import build, free_port

    port = free_port()
    path = tmp_path_factory.mktemp("offline-site")
    build(path, port)
    return path, port


@pytest.fixture
def host(built, tmp_path):
    source, port = built
    served = tmp_path / "served"
    shutil.copytree(source, served)
    host = Host(served, port)
    host.start()
    yield host
    host.stop()


def wait_controlled(page, timeout: float = 300_000) -> str:
    """Wait until a service worker controls the page and its cache is complete; return the cache name.
    offline.js registers it only once the first visit has settled (its Python ready and saved)."""
    page.wait_for_function("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)", timeout=timeout)
    return page.evaluate("""async () => {
        const names = (await caches.keys()).filter((n) => n.startsWith("biasgrad-site-"));
        return names.join(",");
    }""")


def go_offline(reader, host) -> None:
    host.stop()
    reader.context.set_offline(True)


def heading(page) -> str:
    return page.locator("article h1").first.inner_text()


def test_the_first_visit_registers_the_worker_only_once_its_python_has_settled(new_reader, host):
    """The precache (~22 MB) never competes with the first visit: with the calculator live and the
    saved Python not yet made, no service worker is registered; it is, once Python has settled."""
    reader = new_reader(viewport={"width": 1280, "height": 900})
    page = reader.page
    page.goto(host.url)
    wait_ready(page.locator('[data-widget="calculator"]').first)
    assert page.evaluate("globalThis.__biasgradSettled || null") is None
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    wait_controlled(page)
    assert page.evaluate("globalThis.__biasgradSettled") in ("saved", "not saved", "ready"), \
        page.evaluate("globalThis.__biasgradSettled")


def test_pages_open_offline_by_links_and_full_loads(new_reader, host):
    reader = new_reader(viewport={"width": 1280, "height": 900})
    page = reader.page
    t0 = time.monotonic()
    page.goto(host.url)
    cache = wait_controlled(page)
    installed_s = time.monotonic() - t0
    assert re.fullmatch(r"biasgrad-site-[0-9a-f]{16}", cache), cache
    print(f"first visit to controlled with a full cache: {installed_s:.1f} s")
    go_offline(reader, host)

    # instant navigation: the same document, the content swapped
    page.evaluate("window.__sameDocument = true")
    for slug in ("core-idea", "one-neuron", "activations"):  # the footer's "Next" link, three times
        link = page.locator("a.md-footer__link--next")
        assert link.get_attribute("href").rstrip("/").endswith(slug)
        link.click()
        page.wait_for_function("(slug) => location.pathname.endsWith(`/guide/${slug}/`) && "
                               "!!document.querySelector('article h1')", arg=slug)
        assert page.evaluate("window.__sameDocument === true"), f"{slug}: not an instant navigation"
        assert heading(page).strip()
    page.locator('nav.md-nav a.md-nav__link[href$="dense-layer/"]:visible').first.click()  # the sidebar
    page.wait_for_url("**/guide/dense-layer/")
    page.wait_for_function("() => /dense/i.test(document.querySelector('article h1').textContent)")
    assert page.evaluate("window.__sameDocument === true"), "the sidebar link was not an instant navigation"
    dense = heading(page)

    # full loads, from the service worker's cache
    for path in ("guide/gradient-check/", "reference/neuron/", "guide/dense-layer/index.html", ""):
        response = page.goto(host.url + path)
        assert response is not None and response.status == 200, path
        assert page.evaluate("window.__sameDocument") is None
        assert heading(page).strip(), path
    page.goto(host.url + "guide/dense-layer/")
    assert heading(page) == dense
    page.reload()
    assert heading(page) == dense


def test_an_example_runs_offline(new_reader, host):
    """Offline, with the browser's HTTP cache emptied: the runtime's files can come only from the
    service worker's precache (worker.js reads them there when the network fails)."""
    reader = new_reader(viewport={"width": 1280, "height": 900})
    page = reader.page
    page.goto(host.url)
    wait_controlled(page)
    reader.context.new_cdp_session(page).send("Network.clearBrowserCache")
    go_offline(reader, host)
    page.goto(host.url + "guide/core-idea/")  # a full load: the worker starts under the service worker
    example = page.locator("[data-example]").first
    example.wait_for()
    page.wait_for_selector("[data-example][data-mounted]")
    example.locator("textarea[data-source]").fill("import numpy as np\nprint(np.arange(4).sum() * 7)")
    before = int(example.get_attribute("data-runs") or 0)
    example.locator('[data-action="run"]').click()
    page.wait_for_function("([el, n]) => Number(el.dataset.runs || 0) > n", arg=[example.element_handle(), before],
                           timeout=120_000)
    assert example.locator('pre[data-stream="stdout"]').inner_text().strip() == "42"


def test_an_unknown_address_offline_shows_the_offline_page(new_reader, host):
    reader = new_reader(viewport={"width": 1280, "height": 900})
    reader.allow_console("503")  # the browser logs the navigation's status
    page = reader.page
    page.goto(host.url)
    wait_controlled(page)
    go_offline(reader, host)
    response = page.goto(host.url + "guide/no-such-page/")
    assert response is not None and response.status == 503
    assert "You are offline" in heading(page)
    home = page.locator("[data-offline-page] a")
    assert home.get_attribute("href") == host.url
    home.click()
    page.wait_for_url(host.url)
    page.locator('[data-widget="calculator"]').first.wait_for()


def test_a_new_build_takes_over_once(new_reader, host):
    reader = new_reader(viewport={"width": 1280, "height": 900})
    page = reader.page
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(host.url + "guide/core-idea/")
    old = wait_controlled(page)
    caches_before = page.evaluate("caches.keys()")
    assert SNAPSHOT_CACHE in caches_before, caches_before  # the readers' "declined" marker lives there
    old_heading = heading(page)

    # the next deploy: one page changed, the same folder and port, the same hook writes sw.js
    page_file = host.directory / "guide" / "core-idea" / "index.html"
    html = page_file.read_text()
    assert "</h1>" in html and "(new build)" not in old_heading
    page_file.write_text(html.replace("</h1>", " (new build)</h1>", 1))
    record = write_service_worker(host.directory)
    assert f"biasgrad-site-{record['version']}" != old

    loads.clear()
    page.reload()
    page.wait_for_function("() => !!document.querySelector('article h1') && "
                           "document.querySelector('article h1').textContent.includes('(new build)')", timeout=120_000)
    new = wait_controlled(page)
    assert new == f"biasgrad-site-{record['version']}"
    time.sleep(3)  # a reload loop would show here
    assert len(loads) <= 2, f"the page loaded {len(loads)} times: {loads}"
    names = page.evaluate("caches.keys()")
    assert old not in names and new in names, names
    assert SNAPSHOT_CACHE in names, names

    # and the new build is what is offline now
    go_offline(reader, host)
    page.goto(host.url + "guide/core-idea/")
    assert "(new build)" in heading(page)
