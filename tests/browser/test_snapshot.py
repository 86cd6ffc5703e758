"""The saved Python (site_js/snapshot.js): made after the first result, restored on the next visit.

One on-disk Chromium profile (``launch_persistent_context``: Cache Storage must survive between
visits) makes the snapshot on a normal start; then

* the restored runtime gives bit-identical results to the fresh one for the calculator grid, every
  runnable example of the guide and the training widget's default run;
* a corrupt, truncated or mismatched snapshot, a table mismatch and an exception inside the restore
  each fall back to a normal start: the page works, no console error, the reason is in the timings;
* "Forget the saved Python" deletes the cache entry and no new one is made;
* a storage quota too small for the snapshot is honoured (nothing stored, the page works).

The real Pyodide runtime runs; nothing is mocked.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ARGS, CHROMIUM, READY_TIMEOUT_MS, Recorder, check_reader

from biasgrad.activations import ACTIVATIONS
from biasgrad.losses import LOSSES
from biasgrad.web.calculator import calculate

pytestmark = pytest.mark.browser

CACHE = "biasgrad-python-snapshot"
SAVE_TIMEOUT_MS = 240_000

CALL = """async ([fn, args]) => {
    const src = document.querySelector('script[src$="boot.js"]').src.replace('boot.js', 'runtime.js');
    const mod = await import(src);
    const out = [];
    for (const a of args) out.push(await mod.call(fn, ...a));
    return JSON.stringify(out);
}"""

# Every runnable example of the guide, with the options example.js would send (session preludes,
# raises=), read from the built pages by the browser's own HTML parser.
EXAMPLES = """async (paths) => {
    const all = [];
    for (const path of paths) {
        const doc = new DOMParser().parseFromString(await (await fetch(path)).text(), "text/html");
        const roots = [...doc.querySelectorAll("[data-example]")];
        roots.forEach((root, i) => {
            const prelude = roots.slice(0, i).filter((o) => root.dataset.session && o.dataset.session === root.dataset.session)
                .map((o) => o.querySelector("[data-source]").value);
            const options = { prelude };
            if (root.dataset.raises) options.raises = root.dataset.raises;
            all.push([path + "#" + root.dataset.example, root.querySelector("[data-source]").value, options]);
        });
    }
    return all;
}"""


def grid() -> list[dict[str, str]]:
    cases = []
    for activation in ACTIVATIONS:
        for loss in LOSSES:
            y = "1" if "bce" in loss else "0.25"
            for x, w, b in (("1.5", "0.8", "0.1"), ("-2", "0.3", "-0.7")):
                cases.append({"x": x, "w": w, "b": b, "y": y, "activation": activation, "loss": loss, "lr": "0.1"})
    return cases


class Profile:
    """A persistent Chromium profile on disk, with the same request and console checks as ``reader``."""

    def __init__(self, playwright: Any, base: str) -> None:
        self.dir = tempfile.mkdtemp(prefix="biasgrad-snapshot-profile-")
        self.base = base
        self.context = playwright.chromium.launch_persistent_context(
            self.dir, executable_path=CHROMIUM, args=ARGS, viewport={"width": 1280, "height": 900})
        self.recorder = Recorder(context=self.context)
        self.context.route("**/*", self.recorder._route)
        self.console: list[str] = []

    def visit(self, path: str = "") -> Any:
        page = self.context.new_page()
        page.set_default_timeout(READY_TIMEOUT_MS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.recorder.console_errors.append(f"pageerror: {error}"))
        page.goto(self.base + path)
        page.wait_for_function("() => document.querySelector('[data-widget=calculator]')?.dataset.state === 'ready'",
                               timeout=READY_TIMEOUT_MS * 2)
        return page

    def _console(self, message: Any) -> None:
        self.console.append(f"{message.type}: {message.text}")
        self.recorder._console(message)

    def close(self) -> None:
        try:
            check_reader(self.recorder)
        finally:
            self.context.close()
            shutil.rmtree(self.dir, ignore_errors=True)


def timings(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("window.__biasgradTimings")
    return result


def wait_saved(page: Any) -> dict[str, Any]:
    page.wait_for_function("() => window.__biasgradSnapshot !== undefined", timeout=SAVE_TIMEOUT_MS)
    result: dict[str, Any] = page.evaluate("window.__biasgradSnapshot")
    return result


def without_clock(value: Any) -> Any:
    """The payload minus the training widget's wall-clock time (its one non-deterministic field)."""
    if isinstance(value, dict):
        return {k: without_clock(v) for k, v in value.items() if k != "elapsed_ms"}
    if isinstance(value, list):
        return [without_clock(v) for v in value if not (isinstance(v, list) and v[:1] == ["elapsed_ms"])]
    return value


def without_wall_clock_text(example: dict[str, Any]) -> dict[str, Any]:
    """An example's result minus the durations it prints ("150 epochs in 811 ms")."""
    return {**example, "stdout": re.sub(r"\b\d+(?:\.\d+)? ms\b", "<ms>", example.get("stdout") or "")}


# Every file in site-packages (compiled caches aside) and its sha256, as one digest and a count:
# a restore writes back the files the snapshot maker saved (site_js/site_packages.js).
SITE_PACKAGES = """import hashlib, os, site
root = site.getsitepackages()[0]
rows = sorted((os.path.relpath(os.path.join(d, f), root), hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest())
              for d, _, names in os.walk(root) if "__pycache__" not in d for f in names)
(len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())"""


def results(page: Any, examples: list[list[Any]]) -> dict[str, Any]:
    """Everything the comparison covers, as the exact JSON text the worker sent (full float repr;
    parsing it back gives the same float64 bits)."""
    from biasgrad.web.training import DEFAULTS

    return {
        "grid": page.evaluate(CALL, ["calculate", [[case] for case in grid()]]),
        "examples": [without_wall_clock_text(r) for r in json.loads(
            page.evaluate(CALL, ["run_example", [[code, options] for _, code, options in examples]]))],
        "training": without_clock(json.loads(page.evaluate(CALL, ["train_iris", [[dict(DEFAULTS)]]]))),
        "site-packages": json.loads(page.evaluate(CALL, ["run_example", [[SITE_PACKAGES, {}]]]))[0]["result"],
    }


@pytest.fixture(scope="module")
def saved(playwright_instance: Any, site_url: str, site_dir: Path) -> Iterator[dict[str, Any]]:
    """A profile whose first visit (a normal start) made and stored the snapshot; its results."""
    profile = Profile(playwright_instance, site_url)
    try:
        page = profile.visit()
        first = timings(page)
        outcome = wait_saved(page)
        paths = sorted("/" + str(p.parent.relative_to(site_dir)) + "/" for p in site_dir.glob("guide/*/index.html"))
        examples = page.evaluate(EXAMPLES, paths)
        fresh = results(page, examples)
        page.evaluate("""async () => {  // keep a copy to rebuild broken entries from
            const c = await caches.open("biasgrad-python-snapshot"), b = await caches.open("test-backup");
            for (const k of ["heap.bin", "meta.json", "site-packages.bin"]) await b.put("/" + k, await c.match("/biasgrad-python-snapshot/" + k));
        }""")
        page.close()
        yield {"profile": profile, "first": first, "outcome": outcome, "fresh": fresh, "examples": examples}
    finally:
        profile.close()


def test_the_first_visit_starts_normally_and_saves_the_snapshot(saved: dict[str, Any]) -> None:
    assert saved["first"]["snapshot"]["restored"] is False
    assert saved["first"]["snapshot"]["reason"] == "no saved Python yet"
    outcome = saved["outcome"]
    assert outcome["saved"] is True, outcome
    assert 30e6 < outcome["bytes"] < 60e6 and outcome["libraries"] >= 10
    assert len(saved["examples"]) >= 30  # every runnable example of the guide is compared below
    info = [line for line in saved["profile"].console if "biasgrad: started Python normally" in line]
    assert info == ["info: biasgrad: started Python normally (no saved Python yet)."]


def test_a_restored_runtime_gives_bit_identical_results(saved: dict[str, Any]) -> None:
    page = saved["profile"].visit()
    try:
        t = timings(page)
        assert t["snapshot"]["restored"] is True, t["snapshot"]
        assert "restore-python" in t and "start-python" not in t  # the stages the reader saw
        restored = results(page, saved["examples"])
        for part in ("grid", "training", "site-packages"):
            assert restored[part] == saved["fresh"][part], f"{part} differs after the restore"
        for (where, _, _), got, want in zip(saved["examples"], restored["examples"], saved["fresh"]["examples"]):
            assert got == want, f"{where} differs after the restore"
            assert got["ok"] is True, where
        # and the fresh numbers are CPython's (so identical means right)
        grid_py = json.loads(restored["grid"])
        for case, got in zip(grid(), grid_py):
            want = calculate(case)
            assert got["ok"] is want["ok"], case
            if want["ok"]:
                assert got["values"]["dL_db"] == want["values"]["dL_db"], case
        # generators were reseeded: unseeded draws differ between two restored visits
        draw = page.evaluate(CALL, ["run_example", [["import random, numpy as np\n(random.random(), np.random.random())", {}]]])
    finally:
        page.close()
    page = saved["profile"].visit()
    try:
        again = page.evaluate(CALL, ["run_example", [["import random, numpy as np\n(random.random(), np.random.random())", {}]]])
        assert timings(page)["snapshot"]["restored"] is True
    finally:
        page.close()
    assert json.loads(draw)[0]["result"] != json.loads(again)[0]["result"]


BREAK = """async (how) => {
    const c = await caches.open("biasgrad-python-snapshot"), b = await caches.open("test-backup");
    const meta = await (await b.match("/meta.json")).json();
    let heap = await (await b.match("/heap.bin")).arrayBuffer();
    if (how === "corrupt") { heap = heap.slice(0); new Uint8Array(heap)[heap.byteLength - 4096] ^= 0xff; }
    if (how === "key") meta.key = meta.key.replace("numpy", "numpy-other");
    if (how === "table") meta.tableBefore -= 7;
    if (how === "raise") meta.sitepackages = "/tmp/elsewhere";
    await c.put("/biasgrad-python-snapshot/meta.json", new Response(JSON.stringify(meta)));
    if (how === "truncated") await c.put("/biasgrad-python-snapshot/heap.bin", new Response(heap.slice(0, 1 << 20)));
    else await c.put("/biasgrad-python-snapshot/heap.bin", new Response(heap));
    let files = await (await b.match("/site-packages.bin")).arrayBuffer();
    if (how === "files") { files = files.slice(0); new Uint8Array(files)[files.byteLength >> 1] ^= 0xff; }
    if (how === "files-gone") await c.delete("/biasgrad-python-snapshot/site-packages.bin");
    else await c.put("/biasgrad-python-snapshot/site-packages.bin", new Response(files));
}"""


@pytest.mark.parametrize("how, reason", [
    ("corrupt", "corrupt (sha256 mismatch)"),
    ("truncated", "missing or truncated"),
    ("files", "site-packages are corrupt (sha256 mismatch)"),
    ("files-gone", "site-packages are missing or truncated"),
    ("key", "another build of the site (hash mismatch)"),
    ("table", "function table mismatch"),
    ("raise", "restore raised"),
])
def test_a_broken_snapshot_falls_back_to_a_normal_start(saved: dict[str, Any], how: str, reason: str) -> None:
    profile = saved["profile"]
    page = profile.context.new_page()
    page.goto(profile.base + "404.html")
    page.evaluate(BREAK, how)
    page.close()
    before = len(profile.console)
    page = profile.visit()
    try:
        t = timings(page)["snapshot"]
        assert t["restored"] is False and reason in t["reason"], t
        root = page.locator('[data-widget="calculator"]')
        got = json.loads(page.evaluate(CALL, ["calculate", [[case] for case in grid()[:3]]]))
        assert got == json.loads(saved["fresh"]["grid"])[:3]
        notes = [line for line in profile.console[before:] if "started Python normally" in line]
        assert len(notes) == 1 and notes[0].startswith("warning:") and reason in notes[0], notes
        status = root.locator("[data-status-text]").inner_text()
        assert "could not" not in status.lower()
    finally:
        page.close()


def test_forget_the_saved_python_deletes_it_and_it_is_not_made_again(saved: dict[str, Any]) -> None:
    profile = saved["profile"]
    page = profile.context.new_page()
    page.goto(profile.base + "404.html")
    page.evaluate(BREAK, "intact")
    page.close()
    page = profile.visit()
    try:
        assert timings(page)["snapshot"]["restored"] is True
        note = page.locator("[data-saved-python]")
        note.wait_for()
        assert note.get_attribute("data-saved") == "saved"
        shown = re.search(r"Python is saved in this browser \((\d+\.\d) MB\)", note.inner_text())
        assert shown and float(shown.group(1)) == round(saved["outcome"]["bytes"] / 1e6, 1), note.inner_text()
        note.get_by_role("button", name="Forget the saved Python").click()
        page.wait_for_function("() => document.querySelector('[data-saved-python]').dataset.saved === 'forgotten'")
        left = page.evaluate("""async () => {
            const c = await caches.open("biasgrad-python-snapshot");
            return [!!(await c.match("/biasgrad-python-snapshot/heap.bin")), !!(await c.match("/biasgrad-python-snapshot/meta.json"))];
        }""")
        assert left == [False, False]
    finally:
        page.close()
    page = profile.visit()
    try:
        t = timings(page)["snapshot"]
        assert t["restored"] is False and t["reason"] == "the reader chose to forget the saved Python"
        assert wait_saved(page) == {"type": "snapshot", "saved": False, "reason": "the reader chose to forget the saved Python"}
        note = page.locator("[data-saved-python]")
        assert "you chose to forget it" in note.inner_text()
        note.get_by_role("button", name="Save it again").click()
        page.wait_for_function("() => document.querySelector('[data-saved-python]').dataset.saved === 'not-yet'")
        about = re.search(r"saves about (\d+) MB of Python in your browser", note.inner_text())
        assert about, note.inner_text()
        assert abs(int(about.group(1)) * 1e6 - saved["outcome"]["bytes"]) <= 0.1 * saved["outcome"]["bytes"], (
            about.group(0), saved["outcome"])
    finally:
        page.close()


def test_a_storage_quota_too_small_is_honoured(playwright_instance: Any, site_url: str) -> None:
    profile = Profile(playwright_instance, site_url)
    try:
        page = profile.context.new_page()
        cdp = profile.context.new_cdp_session(page)
        cdp.send("Storage.overrideQuotaForOrigin", {"origin": site_url.rstrip("/"), "quotaSize": 20_000_000})
        page.goto(site_url)
        page.wait_for_function("() => document.querySelector('[data-widget=calculator]')?.dataset.state === 'ready'",
                               timeout=READY_TIMEOUT_MS * 2)
        outcome = wait_saved(page)
        assert outcome["saved"] is False and "quota" in outcome["reason"], outcome
        stored = page.evaluate("async () => !!(await (await caches.open('biasgrad-python-snapshot')).match('/biasgrad-python-snapshot/meta.json'))")
        assert stored is False
        page.close()
    finally:
        profile.close()

