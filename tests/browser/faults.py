"""A real HTTP server (tools/serve.py's handler) that can break chosen files, then recover.

    server, url = serve_faulty(site_dir, port)
    server.faults["pyodide.asm.wasm"] = Fault("status", 404)   # the next requests get a 404
    server.faults.clear()                                     # the server is fixed

Faults, keyed by a file's name (the last path segment):

* ``Fault("status", 500)``     answer with that HTTP status (through the real ``send_error``,
                               so the real caching headers apply);
* ``Fault("truncate", n)``     a complete 200 response holding only the first n bytes;
* ``Fault("corrupt", i)``      the whole file with byte i flipped;
* ``Fault("cut", n)``          announce the full Content-Length, send n bytes, close the socket;
* ``Fault("stall", n)``        announce the full length, send n bytes, then send nothing until
                               ``server.release`` is set (or 120 s pass);
* ``Fault("throttle", rate)``  the whole file at ``rate`` bytes per second, in 10 chunks a second.

Every request path is appended to ``server.log``. This is what ``route.fulfill`` cannot do:
the browser's own HTTP cache sees the real responses.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from serve import TYPES, Handler, Server, serve_in_thread


@dataclass(frozen=True)
class Fault:
    kind: str
    arg: int


class FaultHandler(Handler):
    server: Server

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self.path.split("?", 1)[0]
        self.server.log.append(path)  # type: ignore[attr-defined]
        fault = self.server.faults.get(path.rsplit("/", 1)[-1])  # type: ignore[attr-defined]
        if fault is None:
            super().do_GET()
            return
        if fault.kind == "status":
            self.send_error(fault.arg)
            return
        data = Path(self.translate_path(self.path)).read_bytes()
        length = len(data)
        if fault.kind == "truncate":
            data = data[: fault.arg]
            length = len(data)
        elif fault.kind == "corrupt":
            flipped = bytearray(data)
            flipped[fault.arg] ^= 0xFF
            data = bytes(flipped)
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(Path(path).suffix, TYPES[""]))
        self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            if fault.kind in ("cut", "stall"):
                self.wfile.write(data[: fault.arg])
                self.wfile.flush()
                if fault.kind == "stall":
                    self.server.release.wait(120)  # type: ignore[attr-defined]
                self.close_connection = True
                return
            if fault.kind == "throttle":
                chunk = max(1, fault.arg // 10)
                for start in range(0, len(data), chunk):
                    self.wfile.write(data[start:start + chunk])
                    self.wfile.flush()
                    time.sleep(0.1)
                return
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def serve_faulty(directory: Path, port: int = 0) -> tuple[Server, str]:
    server, url = serve_in_thread(directory, port, handler_class=FaultHandler)
    server.faults = {}  # type: ignore[attr-defined]
    server.log = []  # type: ignore[attr-defined]
    server.release = threading.Event()  # type: ignore[attr-defined]
    return server, url
