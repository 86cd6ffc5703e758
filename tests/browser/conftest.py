"""Browser fixtures: build the site once, serve it on 127.0.0.1, drive Debian's chromium.

Reusable by every browser test (calculator, examples, explorers, training)::

    @pytest.mark.browser
    def test_something(reader_page, site_url):
        reader_page.goto(site_url + "guide/dense-layer/")
        root = reader_page.locator("[data-example]").first
        wait_ready(root)

* ``site_dir``      the built site (``mkdocs build --strict`` once per session into a temp dir;
                     set ``BIASGRAD_SITE_DIR`` to reuse a site you built yourself).
* ``site_url``      ``http://127.0.0.1:PORT/`` served by ``tools/serve.py``.
* ``browser``       headless chromium (``/usr/bin/chromium``), one per session.
* ``reader``        a fresh context + page (empty cache) with a :class:`Recorder`: every request
                     is recorded; any request to a host other than 127.0.0.1 is aborted and fails
                     the test; console errors and page errors fail the test unless the test calls
                     ``reader.allow_console(substring)``.
* ``reader_page``   ``reader.page``.
* ``new_reader``    factory for extra readers, e.g. ``new_reader(java_script_enabled=False)``.
* helpers: ``wait_ready(root)``, ``wait_state(root, state)``, ``ARGS`` (chromium flags).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CHROMIUM = os.environ.get("BIASGRAD_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1"}
READY_TIMEOUT_MS = 90_000
CSP_REPORTER = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}:${e.lineNumber}`));"""


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site_port() -> int:
    from serve import free_port

    return free_port()


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory, site_port) -> Path:
    prebuilt = os.environ.get("BIASGRAD_SITE_DIR")
    if prebuilt:
        path = Path(prebuilt)
        assert (path / "index.html").is_file(), f"BIASGRAD_SITE_DIR={prebuilt} has no index.html"
        return path
    from serve import build

    path = tmp_path_factory.mktemp("site")
    build(path, site_port)
    return path


@pytest.fixture(scope="session")
def site_url(site_dir, site_port):
    """Serve the site on the port it was built for (instant navigation needs the match)."""
    from serve import built_port, serve_in_thread

    server, url = serve_in_thread(site_dir, built_port(site_dir) or site_port)
    yield url
    server.shutdown()


@pytest.fixture
def faulty(site_dir):
    """A server of the built site that can fail, stall or corrupt files on demand (faults.py)."""
    from faults import serve_faulty

    server, url = serve_faulty(site_dir)
    yield server, url
    server.release.set()
    server.shutdown()


@pytest.fixture(scope="session")
def playwright_instance():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@dataclass
class Recorder:
    """What a page did: requests, requests that tried to leave 127.0.0.1, console errors."""

    context: object = None
    page: object = None
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow_console(self, substring: str) -> None:
        """Let console errors that contain ``substring`` pass (e.g. an expected 404)."""
        self.allowed.append(substring)

    def unexpected_console_errors(self) -> list[str]:
        return [e for e in self.console_errors if not any(a in e for a in self.allowed)]

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)


# Readers in these tests have declined the saved Python (site_js/snapshot.js), as a reader can with
# "Forget the saved Python": otherwise every page would make a 49 MB snapshot in a background worker
# two seconds after its first result, several seconds of CPU per test. test_snapshot.py uses its
# own on-disk profiles without this.
DECLINE_SAVED_PYTHON = """
(() => { try { caches.open("biasgrad-python-snapshot").then((c) => c.put("/biasgrad-python-snapshot/declined",
    new Response("browser tests"))); } catch (e) {} })();
"""


def open_reader(browser, **context_options) -> Recorder:
    recorder = Recorder()
    context = browser.new_context(**context_options)
    context.add_init_script(DECLINE_SAVED_PYTHON)
    context.route("**/*", recorder._route)
    # Every page is served with its Content-Security-Policy (tools/serve.py): any violation fails.
    context.add_init_script(CSP_REPORTER)
    page = context.new_page()
    page.on("console", recorder._console)
    page.on("pageerror", lambda error: recorder.console_errors.append(f"pageerror: {error}"))
    page.set_default_timeout(READY_TIMEOUT_MS)
    recorder.context, recorder.page = context, page
    return recorder


def check_reader(recorder: Recorder) -> None:
    assert not recorder.foreign, f"requests left 127.0.0.1: {recorder.foreign}"
    errors = recorder.unexpected_console_errors()
    assert not errors, f"console errors: {errors}"


@pytest.fixture
def new_reader(browser):
    """Factory: ``new_reader(**context_options)``; each is checked and closed after the test."""
    made: list[Recorder] = []

    def make(**context_options) -> Recorder:
        recorder = open_reader(browser, **context_options)
        made.append(recorder)
        return recorder

    yield make
    try:
        for recorder in made:
            check_reader(recorder)
    finally:
        for recorder in made:
            recorder.context.close()


@pytest.fixture
def reader(new_reader) -> Recorder:
    return new_reader(viewport={"width": 1280, "height": 900})


@pytest.fixture
def reader_page(reader):
    return reader.page


from helpers import wait_ready, wait_state  # noqa: E402,F401 - re-exported for tests
