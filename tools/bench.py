"""Benchmark the guide's live runtime against a bare Pyodide + NumPy page. Prints one JSON object.

    .venv/bin/python tools/bench.py [--runs 5] [--changes 100] [--site DIR]

It builds the site (unless --site is given), adds a bare page (a worker that loads the same
Pyodide + NumPy files and prints one NumPy result), serves both on 127.0.0.1 and measures in
headless Chromium (Debian's /usr/bin/chromium):

* cold: navigation → first live calculator result, fresh on-disk browser profile (empty cache), vs the
  bare page's navigation → first NumPy result, measured in the same run; medians of --runs.
* warm: the same with the HTTP cache (and Chrome's compiled-wasm cache) filled by a first visit.
* input → chart: --changes successive edits of b; time from the input event to the redrawn chart
  (the calculator's ``biasgrad:update`` event); p50 and p95.
* bytes and requests up to the first live result (page and worker), vs the bare page.
* the longest main-thread task while loading (PerformanceObserver "longtask").
* whether KaTeX / Plot load on a page that has no math and no chart.

Targets: cold ≤ 1.15 × bare; warm < cold / 2; p95 input→chart < 16 ms; no main-thread task over
50 ms from the runtime; bytes ≤ 1.1 × bare.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from serve import build, built_port, free_port, serve_in_thread  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic"]

BARE_HTML = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>bare Pyodide + NumPy</title>
<pre id="out">loading…</pre>
<script>
  const worker = new Worker("bare-worker.js", { type: "module" });
  worker.onmessage = (event) => {
    document.getElementById("out").textContent = event.data;
    window.__firstResult = performance.now();
  };
</script>
</html>
"""
BARE_WORKER = """import { loadPyodide } from "../assets/pyodide/pyodide.mjs";
const pyodide = await loadPyodide({ indexURL: new URL("../assets/pyodide/", import.meta.url).href });
await pyodide.loadPackage("numpy");
postMessage(String(pyodide.runPython("import numpy as np; float(np.linspace(0.0, 1.0, 11).sum())")));
"""

# Installed before any page script: records long tasks and the moment the first calculator goes live.
INIT = """
(() => {
  window.__longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration,
        name: e.name, attribution: (e.attribution || []).map((a) => a.containerSrc || a.name).join(" ") });
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}
  const watch = () => {
    const root = document.querySelector('[data-widget="calculator"]');
    if (root && root.dataset.state === "ready" && window.__firstLive === undefined) window.__firstLive = performance.now();
  };
  new MutationObserver(watch).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
})();
"""

INPUT_LOOP = """
async ([changes]) => {
  const root = document.querySelector('[data-widget="calculator"]');
  const input = root.querySelector('[name="b"]');
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const times = [];
  for (let i = 0; i < changes; i++) {
    await frame();
    const done = new Promise((resolve) => root.addEventListener("biasgrad:update", resolve, { once: true }));
    const t0 = performance.now();
    input.value = String((-2 + 4 * (i / changes)).toFixed(3));
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const event = await done;
    times.push([performance.now() - t0, event.detail.pythonMs || 0]);
  }
  return times;
}
"""


def median(values):
    return round(statistics.median(values), 1)


def percentile(values, q):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[k], 2)


class Visit:
    """One page load in a context: time to the first result, requests and bytes until then."""

    def __init__(self, context, url: str, marker: str):
        self.context, self.url, self.marker = context, url, marker
        self.requests = []
        self.listener = lambda request: self.requests.append(request)
        context.on("requestfinished", self.listener)

    def run(self, timeout_ms: float = 120_000):
        page = self.context.new_page()
        page.goto(self.url)
        page.wait_for_function(f"() => window.{self.marker} !== undefined", timeout=timeout_ms)
        first = page.evaluate(f"window.{self.marker}")
        done = list(self.requests)
        self.context.remove_listener("requestfinished", self.listener)
        total = 0
        for request in done:
            try:
                sizes = request.sizes()
                total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            except Exception:  # noqa: BLE001 - a request that vanished counts as 0 bytes
                pass
        longtasks = page.evaluate("window.__longtasks || []")
        timings = page.evaluate("window.__biasgradTimings || null")
        before = [t for t in longtasks if t["start"] < first]
        return page, {"ms": first, "requests": len(done), "bytes": total,
                      "longest_task_ms": max((t["duration"] for t in before), default=0.0),
                      "longtasks": before, "timings": timings}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--site", type=Path, help="a built site to use instead of building one")
    parser.add_argument("--plain-page", default="404.html",
                        help="a page without math or charts, to check lazy loading")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="biasgrad-bench-") as tmp:
        if args.site:
            site, port = args.site, built_port(args.site) or free_port()
        else:
            site, port = Path(tmp) / "site", free_port()
            build(site, port)
        bench_dir = site / "__bench"
        bench_dir.mkdir(exist_ok=True)
        (bench_dir / "bare.html").write_text(BARE_HTML)
        (bench_dir / "bare-worker.js").write_text(BARE_WORKER)
        server, base = serve_in_thread(site, port)
        try:
            result = measure(sync_playwright, base, args)
        finally:
            server.shutdown()
    print(json.dumps(result, indent=1))
    return 0


def measure(sync_playwright, base: str, args) -> dict:
    guide, bare = base, base + "__bench/bare.html"
    cold = {"guide": [], "bare": []}
    warm = {"guide": [], "bare": []}
    latencies: list[float] = []
    longest: list[dict] = []
    bare_longest: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for run in range(args.runs):
            order = (("guide", guide, "__firstLive"), ("bare", bare, "__firstResult"))
            for name, url, marker in (order if run % 2 == 0 else order[::-1]):
                # A fresh on-disk profile per visit pair, as a reader's browser has: Playwright's
                # default contexts are off-the-record, where Chrome keeps no compiled-wasm cache.
                profile = tempfile.mkdtemp(prefix="biasgrad-profile-")
                context = p.chromium.launch_persistent_context(
                    profile, executable_path=CHROMIUM, args=ARGS, viewport={"width": 1280, "height": 900})
                context.add_init_script(INIT)
                page, first = Visit(context, url, marker).run()
                cold[name].append(first)
                if name == "bare":
                    bare_longest.append(first["longest_task_ms"])
                if name == "guide":
                    longest.append({"ms": round(first["longest_task_ms"], 1),
                                    "tasks": [(round(t["start"]), round(t["duration"]), t["attribution"])
                                              for t in first["longtasks"]]})
                    if run == 0:
                        page.wait_for_timeout(1000)  # let KaTeX and Plot finish their first render
                        latencies = page.evaluate(INPUT_LOOP, [args.changes])
                page.wait_for_timeout(2500)  # let V8 tier up and write the wasm code cache
                page.close()
                page, second = Visit(context, url, marker).run()
                warm[name].append(second)
                context.close()
                shutil.rmtree(profile, ignore_errors=True)
        plain = browser.new_context()
        plain.add_init_script(INIT)
        loaded = []
        plain.on("request", lambda r: loaded.append(r.url))
        page = plain.new_page()
        page.goto(base + args.plain_page)
        page.wait_for_load_state("networkidle")
        plain_longest = max((t["duration"] for t in page.evaluate("window.__longtasks || []")), default=0.0)
        plain_libs = sorted({u.rsplit("/", 1)[-1] for u in loaded
                             if any(k in u for k in ("katex", "plot.umd", "d3.min", "pyodide"))})
        plain.close()
        browser.close()

    def ms(entries):
        return median([e["ms"] for e in entries])

    cold_guide, cold_bare = ms(cold["guide"]), ms(cold["bare"])
    warm_guide, warm_bare = ms(warm["guide"]), ms(warm["bare"])
    bytes_guide = median([e["bytes"] for e in cold["guide"]])
    bytes_bare = median([e["bytes"] for e in cold["bare"]])
    return {
        "runs": args.runs,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "stage_ms_first_cold_run": cold["guide"][0].get("timings"),
        "cold_first_result_ms": {"guide": cold_guide, "bare": cold_bare,
                                 "ratio": round(cold_guide / cold_bare, 3), "target_ratio": 1.15,
                                 "all_guide": [round(e["ms"]) for e in cold["guide"]],
                                 "all_bare": [round(e["ms"]) for e in cold["bare"]]},
        "warm_first_result_ms": {"guide": warm_guide, "bare": warm_bare,
                                 "ratio_to_cold": round(warm_guide / cold_guide, 3), "target_ratio_to_cold": 0.5},
        "input_to_chart_ms": {"changes": len(latencies), "p50": percentile([t for t, _ in latencies], 50),
                              "p95": percentile([t for t, _ in latencies], 95),
                              "max": percentile([t for t, _ in latencies], 100), "target_p95": 16,
                              "python_p50": percentile([p for _, p in latencies], 50),
                              "python_p95": percentile([p for _, p in latencies], 95)},
        "bytes_to_first_result": {"guide": int(bytes_guide), "bare": int(bytes_bare),
                                  "ratio": round(bytes_guide / bytes_bare, 3), "target_ratio": 1.1},
        "requests_to_first_result": {"guide": median([e["requests"] for e in cold["guide"]]),
                                     "bare": median([e["requests"] for e in cold["bare"]])},
        "longest_main_thread_task_ms": {"median": median([l["ms"] for l in longest]),
                                        "max": max(l["ms"] for l in longest), "target": 50,
                                        "first_run_tasks_start_ms_duration_ms": longest[0]["tasks"],
                                        # attribution: the runtime alone (bare page, no Material)
                                        # against Material alone (a page with no runtime)
                                        "bare_runtime_page_median": median(bare_longest),
                                        "plain_page_without_runtime": round(plain_longest, 1)},
        "libs_on_plain_page": {"page": args.plain_page, "loaded": plain_libs},
    }


if __name__ == "__main__":
    raise SystemExit(main())
