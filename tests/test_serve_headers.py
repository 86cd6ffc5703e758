"""tools/serve.py: only a success is cacheable; an error is never stored."""

from __future__ import annotations

import http.client
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from serve import serve_in_thread  # noqa: E402


@pytest.fixture
def served(tmp_path):
    (tmp_path / "assets" / "pyodide").mkdir(parents=True)
    (tmp_path / "assets" / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0asm" + bytes(60))
    (tmp_path / "index.html").write_text(
        '<head><meta http-equiv="Content-Security-Policy" content="default-src \'self\'; script-src \'self\' \'sha256-AAA=\'"></head><p>hi</p>')
    server, url = serve_in_thread(tmp_path)
    yield server.server_address[1]
    server.shutdown()


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_success_is_cached_long(served):
    response = get(served, "/assets/pyodide/pyodide.asm.wasm")
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=604800"
    assert response.getheader("Content-Type") == "application/wasm"
    again = get(served, "/assets/pyodide/pyodide.asm.wasm",
                {"If-Modified-Since": response.getheader("Last-Modified")})
    assert again.status == 304
    assert again.getheader("Cache-Control") == "public, max-age=604800"


@pytest.mark.parametrize("path", ["/assets/pyodide/missing.whl", "/assets/vendor/nope.js", "/nowhere/"])
def test_an_error_is_never_stored(served, path):
    response = get(served, path)
    assert response.status == 404
    assert response.getheader("Cache-Control") == "no-store"


def test_pages_are_revalidated(served):
    response = get(served, "/")
    assert response.status == 200
    assert response.getheader("Cache-Control") == "no-cache"


def test_a_page_gets_its_own_policy_as_a_header_other_files_the_base(served):
    from serve import BASE_CSP

    assert get(served, "/").getheader("Content-Security-Policy") == "default-src 'self'; script-src 'self' 'sha256-AAA='"
    assert get(served, "/assets/pyodide/pyodide.asm.wasm").getheader("Content-Security-Policy") == BASE_CSP
    assert "wasm-unsafe-eval" in BASE_CSP and "'unsafe-inline'" not in BASE_CSP.split("script-src")[1].split(";")[0]
