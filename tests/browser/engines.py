"""The two other engines a reader uses, driven the same way from Python.

* ``Firefox``: Debian's ``firefox-esr`` through npm ``puppeteer-core`` over WebDriver BiDi
  (``engines/firefox_bridge.mjs``, a JSON-lines bridge; no geckodriver).
* ``WebKit``: Debian's ``webkit2gtk-driver`` (``WebKitWebDriver`` + ``MiniBrowser --automation``)
  with Selenium's ``webdriver.WebKitGTK``, on a virtual X display (``Xvfb``, what ``xvfb-run``
  starts). JavaScriptCore loads Pyodide slowly, so its optimizing JIT tier is off
  (``JSC_useOMGJIT=false`` roughly halves the load here).

Both offer ``goto(url)``, ``js(function_source, *args)`` (a JavaScript function, called in the
page with JSON arguments; a returned promise is awaited) and ``wait_for(...)``, which fails on a
stall (no visible progress for ``stall_s``), not on the total time: a busy 2-core machine may
take minutes, and that is no defect while the page keeps moving.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIREFOX = os.environ.get("BIASGRAD_FIREFOX", "/usr/bin/firefox-esr")
WEBKIT_DRIVER = os.environ.get("BIASGRAD_WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = os.environ.get("BIASGRAD_MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
STALL_S = float(os.environ.get("BIASGRAD_STALL_S", "180"))
CAP_S = 1800.0  # a safety net only: the wait fails on a stall long before this on a live page
LOST_REPLY = "Could not parse script result"  # WebKitWebDriver's answer when a reply went missing
LOST_REPLY_RETRIES = 3


class Stalled(AssertionError):
    pass


def missing(engine: str) -> str | None:
    """Why ``engine`` cannot run here (None if it can)."""
    if engine == "firefox":
        if not Path(FIREFOX).exists():
            return f"{FIREFOX} not found (apt-get install firefox-esr)"
        if shutil.which("node") is None or not (ROOT / "node_modules" / "puppeteer-core").is_dir():
            return "node or node_modules/puppeteer-core missing (npm ci)"
        return None
    for path in (WEBKIT_DRIVER, MINIBROWSER):
        if not Path(path).exists():
            return f"{path} not found (apt-get install webkit2gtk-driver)"
    if shutil.which("Xvfb") is None:
        return "Xvfb not found (apt-get install xvfb)"
    return None


class Engine:
    name = ""

    def goto(self, url: str) -> None:
        raise NotImplementedError

    def _evaluate(self, expression: str):
        raise NotImplementedError

    def js(self, function: str, *args):
        """Call the JavaScript function (source text) with JSON ``args`` in the page."""
        return self._evaluate(f"Promise.resolve(({function})(...{json.dumps(list(args))}))"
                              ".then((v) => JSON.stringify(v === undefined ? null : v))")

    def console_errors(self) -> list[str]:
        return []

    def wait_for(self, done: str, progress: str, what: str, *args, stall_s: float = STALL_S) -> object:
        """Poll the JS function ``done(*args)`` until truthy (returns its value). ``progress(*args)``
        describes what the reader sees moving (a stage, a byte count, a status text); if it stays
        the same for ``stall_s`` seconds, fail with it, naming the stage that stalled."""
        start = last_change = time.monotonic()
        last = None
        while True:
            value = self.js(done, *args)
            if value:
                return value
            now = time.monotonic()
            seen = self.js(progress, *args)
            if seen != last:
                last, last_change = seen, now
            elif now - last_change > stall_s:
                raise Stalled(f"{self.name}: {what}: no progress for {stall_s:.0f} s "
                              f"(after {now - start:.0f} s), stuck at: {last}")
            if now - start > CAP_S:
                raise Stalled(f"{self.name}: {what}: still moving after {CAP_S:.0f} s, at: {last}")
            time.sleep(0.25)

    def close(self) -> None:
        raise NotImplementedError


class Firefox(Engine):
    name = "firefox"

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(HERE / "engines" / "firefox_bridge.mjs"), FIREFOX], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
        hello = self.process.stdout.readline()
        if not hello:
            raise RuntimeError(f"firefox bridge exited with {self.process.wait()}")
        self.version = json.loads(hello)["version"]
        self.next_id = 0

    def _request(self, op: str, arg=None):
        self.next_id += 1
        self.process.stdin.write(json.dumps({"id": self.next_id, "op": op, "arg": arg}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert answer["id"] == self.next_id, answer
        if not answer["ok"]:
            raise RuntimeError(f"firefox: {op}: {answer['error']}")
        return answer["value"]

    def goto(self, url: str) -> None:
        self._request("goto", url)

    def _evaluate(self, expression: str):
        return json.loads(self._request("evaluate", expression))

    def console_errors(self) -> list[str]:
        return self._request("errors")

    def close(self) -> None:
        try:
            self._request("close")
        finally:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


class WebKit(Engine):
    name = "webkit"

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        # A private X display, as xvfb-run would start it; -displayfd picks a free number.
        read, write = os.pipe()
        self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                                     pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as pipe:
            display = pipe.readline().strip()
        if not display:
            raise RuntimeError("Xvfb did not start")
        env = {**os.environ, "DISPLAY": f":{display}", "JSC_useOMGJIT": "false"}
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        try:
            self.driver = webdriver.WebKitGTK(options=options, service=Service(WEBKIT_DRIVER, env=env))
        except Exception:
            self.xvfb.terminate()
            raise
        self.driver.set_script_timeout(600)
        self.driver.set_page_load_timeout(600)
        self.version = self.driver.capabilities.get("browserVersion", "?")
        self.lost_replies = 0

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def _evaluate(self, expression: str):
        from selenium.common.exceptions import WebDriverException

        script = f"const done = arguments[arguments.length - 1]; ({expression}).then(done, (e) => done(JSON.stringify({{__error: String(e)}})));"
        for attempt in range(LOST_REPLY_RETRIES + 1):
            try:
                text = self.driver.execute_async_script(script)
                break
            except WebDriverException as error:
                if LOST_REPLY not in str(error) or attempt == LOST_REPLY_RETRIES:
                    raise
                self.lost_replies += 1
                warnings.warn(f"webkit: WebKitWebDriver lost a script's reply ({LOST_REPLY!r}); "
                              f"sending it again (attempt {attempt + 2}), {self.lost_replies} lost so far")
                time.sleep(1.0)
        value = json.loads(text)
        if isinstance(value, dict) and "__error" in value:
            raise RuntimeError(f"webkit: {value['__error']}")
        return value

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            self.xvfb.terminate()
            try:
                self.xvfb.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.xvfb.kill()


def launch(engine: str) -> Engine:
    return Firefox() if engine == "firefox" else WebKit()
