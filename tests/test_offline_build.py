"""The service worker's precache list (hooks/offline.py) against a real build.

Every listed file exists with the listed size and sha256; everything a page, a stylesheet or the
runtime's manifest refers to is listed; sw.js is not in its own list; the version changes when
any file changes; sw.js is served and declared ``no-cache``. Set ``BIASGRAD_SITE_DIR`` to reuse a
site built with tools/serve.py's ``build``.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "tools"))
import offline  # noqa: E402

BUILD_LINE = re.compile(r"^const BUILD = (\{.*\});$", re.M)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    prebuilt = os.environ.get("BIASGRAD_SITE_DIR")
    if prebuilt:
        return Path(prebuilt)
    from serve import build, free_port

    path = tmp_path_factory.mktemp("site")
    build(path, free_port())
    return path


@pytest.fixture(scope="module")
def record(site) -> dict:
    found = BUILD_LINE.search((site / "sw.js").read_text())
    assert found, "site/sw.js has no BUILD constant"
    return json.loads(found.group(1))


def file_of(site: Path, url: str) -> Path:
    return site / (url + "index.html" if url == "" or url.endswith("/") else url)


def test_every_listed_file_is_there_as_listed(site, record):
    assert record["files"], "nothing to precache"
    for item in record["files"]:
        path = file_of(site, item["url"])
        assert path.is_file(), item["url"]
        data = path.read_bytes()
        assert len(data) == item["size"], item["url"]
        assert hashlib.sha256(data).hexdigest() == item["sha256"], item["url"]
    assert record["bytes"] == sum(item["size"] for item in record["files"])
    assert record["version"] == offline.version_of(record["files"])


def test_the_worker_and_host_files_are_not_in_their_own_list(record):
    urls = {item["url"] for item in record["files"]}
    assert "sw.js" not in urls and "_headers" not in urls
    assert not any(url.endswith("/sw.js") for url in urls), "a copy of sw.js without BUILD is in the site"
    assert "" in urls and "guide/core-idea/" in urls and record["offline"] in urls


class Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is None:
                continue
            if tag == "a" and name == "href" and (attrs.get("download") is None and not value.endswith("/")
                                                   and not re.search(r"\.\w+$", urlsplit(value).path)):
                continue
            self.refs.append(value)


def test_everything_the_site_refers_to_is_listed(site, record):
    base = "http://site.test/"
    urls = {base + item["url"] for item in record["files"]}
    missing = set()
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        page_url = base + page.relative_to(site).as_posix()
        if page.name == "index.html":
            page_url = page_url[: -len("index.html")]
        parser = Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for ref in parser.refs:
            # pages carry absolute links to the built-for host (canonical, error pages' nav)
            ref = re.sub(r"^http://127\.0\.0\.1:\d+/", base, ref)
            target = urljoin(page_url, ref)
            parts = urlsplit(target)
            if parts.scheme + "://" + parts.netloc + "/" != base:
                continue
            clean = parts._replace(query="", fragment="").geturl()
            if clean.endswith("/index.html"):
                clean = clean[: -len("index.html")]
            if clean not in urls and not clean.endswith(".xml.gz"):
                missing.add((page.relative_to(site).as_posix(), ref))
    assert not missing, sorted(missing)[:20]

    # stylesheets' url(...) (KaTeX's fonts: the woff2 it lists first)
    for css in site.rglob("*.css"):
        rel = css.relative_to(site).as_posix()
        if not offline.wanted(rel):
            continue
        for ref in re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8", errors="replace")):
            ref = ref.strip("'\"")
            if ref.startswith("data:") or "#" in ref:
                continue
            target = urljoin(base + rel, ref).split("?")[0]
            if target.endswith(".woff2") or not target.endswith((".woff", ".ttf")):
                assert target in urls, f"{rel} needs {ref}"

    # the runtime the worker loads, and every site script it may import
    manifest = json.loads((site / "assets" / "pyodide" / "manifest.json").read_text())
    for item in manifest["files"]:
        assert base + "assets/pyodide/" + item["path"] in urls, item["path"]
    for script in (ROOT / "site_js").glob("*.js"):
        if script.name != "sw.js":
            assert base + "assets/biasgrad/" + script.name in urls, script.name


def test_the_version_changes_with_any_file(site, record, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    assert offline.build_record(copy)["version"] == record["version"], "the version is not reproducible"
    for rel in ("guide/core-idea/index.html", "assets/biasgrad/calculator.js", "assets/pyodide/manifest.json"):
        path = copy / rel
        original = path.read_bytes()
        flipped = bytearray(original)
        flipped[len(flipped) // 2] ^= 1  # same size, other bytes
        path.write_bytes(bytes(flipped))
        assert offline.build_record(copy)["version"] != record["version"], rel
        path.write_bytes(original + b"\n")  # another size
        assert offline.build_record(copy)["version"] != record["version"], rel
        path.write_bytes(original)
    (copy / "guide" / "new-page").mkdir()
    (copy / "guide" / "new-page" / "index.html").write_text("<p>new</p>")
    new = offline.write_service_worker(copy)
    assert new["version"] != record["version"]
    assert f'"version":"{new["version"]}"' in (copy / "sw.js").read_text()
    assert (copy / "_headers").read_text().count("/sw.js") == 1, "written twice"


def test_sw_js_is_revalidated_on_every_load(site):
    assert "/sw.js\n  Cache-Control: no-cache" in (site / "_headers").read_text()
    from serve import serve_in_thread

    server, _ = serve_in_thread(site)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        conn.request("GET", "/sw.js")
        response = conn.getresponse()
        body = response.read()
        conn.close()
    finally:
        server.shutdown()
        server.server_close()
    assert response.status == 200 and body.startswith(b"// Written by hooks/offline.py")
    assert response.getheader("Cache-Control") == "no-cache"
    assert response.getheader("Content-Type") == "text/javascript"


def test_each_worker_ships_as_one_file_with_its_imports(site):
    """Assert each Web Worker's module graph is one file in the site (hooks/assets.py, bundle_workers):
    no static import left, and the code of each module it imports is inside."""
    for name in ("worker.js", "snapshot-maker.js"):
        built = (site / "assets" / "biasgrad" / name).read_text()
        source = (ROOT / "site_js" / name).read_text()
        assert not re.search(r"^\s*import\s[^(]", built, re.M), f"{name} still imports a module statically"
        for module in re.findall(r'^import .* from "\./([\w-]+\.js)";', source, re.M):
            assert f"// site_js/{module}" in built, f"{name} does not carry {module}"
        assert "import(INDEX_URL" in built, f"{name} lost its dynamic import of the runtime"
