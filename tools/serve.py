"""Serve the built guide on 127.0.0.1 with the right MIME types and cache headers.

    python tools/serve.py --build          # mkdocs build, then serve site/ on 127.0.0.1:8000
    python tools/serve.py --dir site --port 0

* ``.wasm`` is served as ``application/wasm`` (needed for streaming compilation), ``.mjs``
  as JavaScript, ``.whl``/``.zip`` as binary.
* The runtime and vendor libraries (``assets/pyodide/``, ``assets/vendor/``) are cacheable for
  a week, so a second visit reuses them and Chrome's compiled-wasm cache; HTML, the site's own
  scripts and the manifest are revalidated on every load (``no-cache`` + Last-Modified → 304).
  So is ``sw.js``, the service worker (hooks/offline.py): a deploy must be seen on the next load.
* Every success carries a Content-Security-Policy header: a page's own (the meta hooks/csp.py
  wrote, with its inline scripts' hashes), else the site-wide ``BASE_CSP``.
* Only a success (2xx, 304) is ever cacheable: an error (404, 500, …) is sent with
  ``Cache-Control: no-store``, so a file that was missing once is fetched again on Retry, on
  reload and in a new tab as soon as the server has it.

Used by the README's serve command, the browser tests and ``tools/bench.py``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".whl": "application/octet-stream",
    ".zip": "application/zip",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
    "": "application/octet-stream",
}
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"')
# The site-wide policy for everything but pages (pages carry their own, with their inline
# scripts' hashes, in a meta written by hooks/csp.py; served here as the header too).
BASE_CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:")
LONG_CACHE = ("/assets/pyodide/", "/assets/vendor/", "/assets/javascripts/", "/assets/stylesheets/")


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = TYPES
    protocol_version = "HTTP/1.1"

    status = 200

    def send_response(self, code: int, message: str | None = None) -> None:
        self.status = code
        super().send_response(code, message)

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        if not (200 <= self.status < 300 or self.status == 304):
            self.send_header("Cache-Control", "no-store")
        elif path.startswith(LONG_CACHE) and not path.endswith("manifest.json"):  # never /sw.js
            self.send_header("Cache-Control", "public, max-age=604800")
        else:
            self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        if 200 <= self.status < 300 or self.status == 304:
            self.send_header("Content-Security-Policy", self.page_policy() or BASE_CSP)
        super().end_headers()

    def page_policy(self) -> str | None:
        """The policy in the served page's own CSP meta (None for anything but a page)."""
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html"
        if target.suffix != ".html" or not target.is_file():
            return None
        with target.open(encoding="utf-8", errors="replace") as handle:
            found = CSP_META.search(handle.read(4096))
        return found.group(1).replace("&#x27;", "'") if found else None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    verbose = False
    daemon_threads = True
    allow_reuse_address = True


def build(site_dir: Path, port: int = 8000, config: Path = ROOT / "mkdocs.yml") -> None:
    """Run ``mkdocs build --strict`` into site_dir for http://127.0.0.1:PORT/ (raises on failure).

    The port matters only for Material's instant navigation, which matches links against the
    sitemap's URLs including their port.
    """
    # The checkout's root first on the path: mkdocs.yml's `guide` Markdown extension is this
    # checkout's guide/ (the venv's .pth from tools/bootstrap.sh may name another checkout).
    path = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env = {**os.environ, "BIASGRAD_SITE_URL": f"http://127.0.0.1:{port}/", "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": path}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                    "-f", str(config), "-d", str(site_dir)], check=True, cwd=ROOT, env=env)


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def built_port(site_dir: Path) -> int | None:
    """The port a built site expects (from its canonical link), or None."""
    index = (Path(site_dir) / "index.html").read_text(errors="replace")
    found = re.search(r'rel="canonical" href="http://127\.0\.0\.1:(\d+)/', index)
    return int(found.group(1)) if found else None


def make_server(directory: Path, port: int = 0, verbose: bool = False,
                handler_class: type[Handler] = Handler) -> Server:
    handler = functools.partial(handler_class, directory=str(directory))
    server = Server(("127.0.0.1", port), handler)
    server.verbose = verbose
    return server


def serve_in_thread(directory: Path, port: int = 0,
                    handler_class: type[Handler] = Handler) -> tuple[Server, str]:
    """Start a server in a daemon thread; return it and its base URL (for tests and benchmarks)."""
    server = make_server(directory, port, handler_class=handler_class)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="run mkdocs build --strict first")
    parser.add_argument("--dir", type=Path, default=ROOT / "site", help="folder to serve (default: site/)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    if args.build:
        build(args.dir, args.port)
    if not (args.dir / "index.html").is_file():
        parser.error(f"{args.dir}/index.html not found; run with --build")
    server = make_server(args.dir, args.port, verbose=not args.quiet)
    print(f"Serving {args.dir} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
