"""MkDocs hook: the service worker that keeps the whole guide readable and runnable offline.

Runs last (after every other hook has written its files). On post-build it writes ``site/sw.js``:
a ``BUILD`` constant, then ``site_js/sw.js`` unchanged. ``BUILD`` is::

    {"version": "<16 hex>", "files": [{"url": "guide/one-neuron/", "size": 123, "sha256": "…"}, …],
     "offline": "503.html", "bytes": <sum of sizes>}

* ``files``: every file of the built site the reader's browser may ask for, relative to the
  site root: pages as their directory URL (``guide/x/``, the home page as ``""``), the theme's and
  the site's assets, the Pyodide runtime and both wheels (``assets/pyodide/``), the notebooks.
  The runtime (~17 MB) is in the list on purpose: the first visit's Python worker starts before
  the service worker exists, so none of its requests pass through it; precaching is the only way
  the runtime is there offline.
* left out (:func:`wanted`): ``sw.js`` itself, ``_headers``, ``sitemap.xml.gz``, source maps,
  Material's lunr language packs (the search is English; they are never loaded) and KaTeX's
  ``.woff``/``.ttf`` fonts (its stylesheet lists ``.woff2`` first, which every browser that runs
  the site takes).
* ``version``: the sha256 over the list (url, size, sha256 of every file), so any changed file
  gives a new ``sw.js``, which the browser installs as an update (``site_js/sw.js``).

``_headers`` gains ``/sw.js  Cache-Control: no-cache``: the browser must revalidate the worker
script to see a deploy (tools/serve.py sends the same).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "site_js" / "sw.js"
OFFLINE_PAGE = "503.html"
HEADERS = """/sw.js
  Cache-Control: no-cache
"""
SKIP_NAMES = {"sw.js", "_headers", "sitemap.xml.gz"}
SKIP_PREFIXES = ("assets/javascripts/lunr/",)
SKIP_SUFFIXES = (".map",)
KATEX_FONTS = "assets/vendor/katex/fonts/"


def wanted(rel: str) -> bool:
    """Whether the site file at ``rel`` (posix, relative to the site root) is precached."""
    if rel in SKIP_NAMES or rel.startswith(SKIP_PREFIXES) or rel.endswith(SKIP_SUFFIXES):
        return False
    if rel.startswith(KATEX_FONTS) and not rel.endswith(".woff2"):
        return False
    return True


def url_of(rel: str) -> str:
    """The URL (relative to the site root) the site links to for the file ``rel``."""
    if rel == "index.html":
        return ""
    if rel.endswith("/index.html"):
        return rel[: -len("index.html")]
    return rel


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def precache_list(site: Path) -> list[dict]:
    files = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if wanted(rel):
            files.append({"url": url_of(rel), "size": path.stat().st_size, "sha256": _sha256(path)})
    return files


def version_of(files: list[dict]) -> str:
    digest = hashlib.sha256()
    for item in files:
        digest.update(f"{item['url']}\0{item['size']}\0{item['sha256']}\n".encode())
    return digest.hexdigest()[:16]


def build_record(site: Path) -> dict:
    files = precache_list(site)
    return {"version": version_of(files), "files": files, "offline": OFFLINE_PAGE,
            "bytes": sum(item["size"] for item in files)}


def write_service_worker(site: Path) -> dict:
    record = build_record(site)
    if not (site / OFFLINE_PAGE).is_file():
        raise FileNotFoundError(f"{OFFLINE_PAGE} is missing from the site (overrides/{OFFLINE_PAGE}, "
                                "theme.static_templates in mkdocs.yml)")
    head = ("// Written by hooks/offline.py: every file this build precaches, and its version.\n"
            f"const BUILD = {json.dumps(record, separators=(',', ':'))};\n\n")
    (site / "sw.js").write_text(head + SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    headers = site / "_headers"
    existing = headers.read_text() if headers.is_file() else ""
    if HEADERS not in existing:
        headers.write_text(existing + HEADERS)
    return record


def on_post_build(config, **kwargs):
    write_service_worker(Path(config["site_dir"]))
