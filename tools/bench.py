"""Benchmark the guide's live runtime against a bare Pyodide + NumPy page. Prints one JSON object.

    .venv/bin/python tools/bench.py [--runs 5] [--changes 100] [--page-runs 3] [--site DIR]

It builds the site (unless --site is given), adds a bare page (a worker that loads the same
Pyodide + NumPy files and prints one NumPy result), serves both on 127.0.0.1 and measures in
headless Chromium (Debian's /usr/bin/chromium), all flows interleaved in the same run:

* cold: navigation → first live calculator result, fresh on-disk browser profile (empty cache), vs the
  bare page's navigation → first NumPy result; medians of --runs.
* warm with the snapshot: the same profile's second visit, after the first visit saved the NumPy
  memory snapshot (site_js/snapshot.js) in idle time; the restore's stages are reported.
* warm without the snapshot: a third visit after "Forget the saved Python" (HTTP and compiled-wasm
  caches filled, Python started normally), vs the bare page's second visit.
* input → chart: --changes successive edits of b on the first visit, after the snapshot was made;
  time from the input event to the redrawn chart (the calculator's ``biasgrad:update`` event) and
  to the next frame after it; p50 and p95, with Python's own share.
* bytes and requests up to the first live result (page and worker), vs the bare page.
* the longest main-thread task (PerformanceObserver "longtask") until 3 s after load on every guide
  page (median of --page-runs per page), with the page's HTML size, and on a page without widgets.
* whether KaTeX / Plot / Pyodide load on a page that has no math and no chart.

Targets: cold ≤ 1.10 × bare; warm with the snapshot ≤ 0.35 × cold; p95 input→chart < 16 ms;
longest main-thread task < 200 ms on the guide pages; bytes ≤ 1.1 × bare. The machine's load
average is printed with the results: on a shared machine, read the ratios, not the milliseconds.
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
from typing import Any

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
<script src="bare.js"></script>
</html>
"""
# In a file, not inline: the server sends the site's strict Content-Security-Policy (no inline scripts).
BARE_JS = """const worker = new Worker("bare-worker.js", { type: "module" });
worker.onmessage = (event) => {
  document.getElementById("out").textContent = event.data;
  window.__firstResult = performance.now();
};
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
    const updated = performance.now() - t0;
    // the next frame after the update: style, layout and paint of the new chart included
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    times.push([updated, event.detail.pythonMs || 0, performance.now() - t0]);
  }
  return times;
}
"""

FORGET = """async () => {
  const { CACHE_NAME, DECLINED_URL } = await import(new URL("assets/biasgrad/snapshot.js", document.baseURI).href);
  await caches.delete(CACHE_NAME);
  await (await caches.open(CACHE_NAME)).put(DECLINED_URL, new Response("bench"));
}"""

# How often the harness looks for a page's marks. Never Playwright's default, "raf": its
# requestAnimationFrame loop makes the page render 60 frames a second while it loads, which costs
# a large page (style, paint, intersection and accessibility updates per frame) far more than the
# bare one, and no reader's browser does it. The marks carry the page's own timestamps, so how
# often they are read does not change the times measured.
POLL_MS = 100


def median(values: "list[float] | list[int]") -> float:
    return round(statistics.median(values), 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[k], 2)


class Visit:
    """One page load in a context: time to the first result, requests and bytes until then."""

    def __init__(self, context: Any, url: str, marker: str) -> None:
        self.context, self.url, self.marker = context, url, marker
        self.requests: list[Any] = []
        self.listener = lambda request: self.requests.append(request)
        context.on("requestfinished", self.listener)

    def run(self, timeout_ms: float = 120_000) -> tuple[Any, dict[str, Any]]:
        page = self.context.new_page()
        page.goto(self.url)
        page.wait_for_function(f"() => window.{self.marker} !== undefined", timeout=timeout_ms, polling=POLL_MS)
        first = page.evaluate(f"window.{self.marker}")
        done = list(self.requests)
        self.context.remove_listener("requestfinished", self.listener)
        total = 0
        request: Any
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--page-runs", type=int, default=3, help="loads of every guide page for long tasks")
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
        (bench_dir / "bare.js").write_text(BARE_JS)
        (bench_dir / "bare-worker.js").write_text(BARE_WORKER)
        server, base = serve_in_thread(site, port)
        try:
            result = measure(sync_playwright, base, args, Path(site))
        finally:
            server.shutdown()
            shutil.rmtree(bench_dir, ignore_errors=True)  # a --site given is left as it was
    print(json.dumps(result, indent=1))
    return 0


def load() -> float:
    """The 1-minute load average: how busy the shared machine was."""
    return round(os.getloadavg()[0], 2)


def new_profile(p: Any) -> tuple[str, Any]:
    """A fresh on-disk profile, as a reader's browser has: Playwright's default contexts are
    off-the-record, where Chrome keeps no compiled-wasm cache."""
    profile = tempfile.mkdtemp(prefix="biasgrad-profile-")
    context = p.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=ARGS, viewport={"width": 1280, "height": 900})
    context.add_init_script(INIT)
    return profile, context


def guide_flow(p: Any, guide: str, run: int, args: argparse.Namespace, out: dict[str, Any]) -> None:
    """Cold visit (snapshot made after it, input latency on run 0), warm restored, warm after Forget."""
    profile, context = new_profile(p)
    try:
        out["load"].append(load())
        page, first = Visit(context, guide, "__firstLive").run()
        out["cold"].append(first)
        page.wait_for_function("() => window.__biasgradSnapshot !== undefined", timeout=300_000, polling=POLL_MS)
        out["made"].append(page.evaluate("window.__biasgradSnapshot"))
        # offline.js registers the service worker now (the first visit has settled); its precache
        # is first-visit background work, so it finishes before the input latency is measured.
        t0 = time.monotonic()
        page.wait_for_function("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)", timeout=300_000,
                               polling=POLL_MS)
        out["precache_s"].append(round(time.monotonic() - t0, 1))
        if run == 0:
            page.wait_for_timeout(500)
            out["latencies"] = page.evaluate(INPUT_LOOP, [args.changes])
        page.close()
        page, second = Visit(context, guide, "__firstLive").run()
        out["warm_snapshot"].append(second)
        page.evaluate(FORGET)
        page.close()
        page, third = Visit(context, guide, "__firstLive").run()
        out["warm_plain"].append(third)
        page.close()
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def bare_flow(p: Any, bare: str, out: dict[str, Any]) -> None:
    """The bare Pyodide + NumPy page, cold and warm, in its own fresh profile."""
    profile, context = new_profile(p)
    try:
        page, first = Visit(context, bare, "__firstResult").run()
        out["bare_cold"].append(first)
        page.wait_for_timeout(2500)  # let V8 tier up and write the wasm code cache
        page.close()
        page, second = Visit(context, bare, "__firstResult").run()
        out["bare_warm"].append(second)
        page.close()
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def page_tasks(browser: Any, base: str, path: str) -> dict[str, Any]:
    """Longest main-thread task from navigation until 3 s after the load event."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(INIT)
    page = context.new_page()
    page.goto(base + path, wait_until="load")
    page.wait_for_timeout(3000)
    tasks = page.evaluate("window.__longtasks || []")
    context.close()
    return {"ms": max((t["duration"] for t in tasks), default=0.0),
            "tasks": [(round(t["start"]), round(t["duration"])) for t in tasks]}


def measure(sync_playwright: Any, base: str, args: argparse.Namespace, site: Path) -> dict[str, Any]:
    guide, bare = base, base + "__bench/bare.html"
    out: dict[str, Any] = {k: [] for k in ("cold", "warm_snapshot", "warm_plain", "made", "bare_cold", "bare_warm", "load")}
    out["latencies"] = []
    out["precache_s"] = []
    pages = ["", *sorted(str(p.parent.relative_to(site)) + "/" for p in site.glob("guide/*/index.html"))]
    per_page: dict[str, list[dict[str, Any]]] = {path: [] for path in pages}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for run in range(args.runs):
            for flow in (("guide", "bare") if run % 2 == 0 else ("bare", "guide")):
                if flow == "guide":
                    guide_flow(p, guide, run, args, out)
                else:
                    bare_flow(p, bare, out)
        for _ in range(args.page_runs):
            for path in pages:
                per_page[path].append(page_tasks(browser, base, path))
        plain = browser.new_context()
        plain.add_init_script(INIT)
        loaded = []
        # the page's own requests (a service worker's precache, if it starts, is not the page's)
        plain.on("request", lambda r: loaded.append(r.url) if r.service_worker is None else None)
        page = plain.new_page()
        page.goto(base + args.plain_page)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        plain_longest = max((t["duration"] for t in page.evaluate("window.__longtasks || []")), default=0.0)
        plain_libs = sorted({u.rsplit("/", 1)[-1] for u in loaded
                             if any(k in u for k in ("katex", "plot.mjs", "pyodide"))})
        plain.close()
        browser.close()

    def ms(entries: list[dict[str, Any]]) -> float:
        return median([e["ms"] for e in entries])

    cold_guide, cold_bare = ms(out["cold"]), ms(out["bare_cold"])
    warm_snap, warm_plain, warm_bare = ms(out["warm_snapshot"]), ms(out["warm_plain"]), ms(out["bare_warm"])
    bytes_guide = median([e["bytes"] for e in out["cold"]])
    bytes_bare = median([e["bytes"] for e in out["bare_cold"]])
    restored = [bool(((e.get("timings") or {}).get("snapshot") or {}).get("restored")) for e in out["warm_snapshot"]]
    lat = out["latencies"]
    page_longest = {path or "/": {"median_ms": median([r["ms"] for r in runs]),
                                  "html_kb": round((site / path / "index.html").stat().st_size / 1024, 1),
                                  "tasks_first_run": runs[0]["tasks"]} for path, runs in per_page.items()}
    worst = max(v["median_ms"] for v in page_longest.values())
    return {
        "runs": args.runs,
        "load_average_1min": {"at_start_of_each_guide_flow": out["load"], "median": median(out["load"]),
                              "at_end": load(), "cores": os.cpu_count()},
        "cold_first_result_ms": {"guide": cold_guide, "bare": cold_bare,
                                 "ratio": round(cold_guide / cold_bare, 3), "target_ratio": 1.10,
                                 "all_guide": [round(e["ms"]) for e in out["cold"]],
                                 "all_bare": [round(e["ms"]) for e in out["bare_cold"]],
                                 "stages_first_run": out["cold"][0].get("timings")},
        "warm_with_snapshot_ms": {"guide": warm_snap, "ratio_to_cold": round(warm_snap / cold_guide, 3),
                                  "target_ratio_to_cold": 0.35, "restored": f"{sum(restored)} of {len(restored)}",
                                  "all": [round(e["ms"]) for e in out["warm_snapshot"]],
                                  "stages_first_run": out["warm_snapshot"][0].get("timings"),
                                  "made": [{k: m.get(k) for k in ("saved", "reason", "bytes", "ms")} for m in out["made"]]},
        "service_worker_after_snapshot_s": {"all": out["precache_s"],
                                            "what": "the saved Python made → the service worker controls the page (its precache done)"},
        "warm_without_snapshot_ms": {"guide": warm_plain, "bare": warm_bare,
                                     "ratio_to_cold": round(warm_plain / cold_guide, 3),
                                     "ratio_to_bare_warm": round(warm_plain / warm_bare, 3),
                                     "all": [round(e["ms"]) for e in out["warm_plain"]]},
        "input_to_chart_ms": {"changes": len(lat), "p50": percentile([t[0] for t in lat], 50),
                              "p95": percentile([t[0] for t in lat], 95),
                              "max": percentile([t[0] for t in lat], 100), "target_p95": 16,
                              "to_next_frame_p50": percentile([t[2] for t in lat], 50),
                              "to_next_frame_p95": percentile([t[2] for t in lat], 95),
                              "python_p50": percentile([t[1] for t in lat], 50),
                              "python_p95": percentile([t[1] for t in lat], 95)},
        "bytes_to_first_result": {"guide": int(bytes_guide), "bare": int(bytes_bare),
                                  "ratio": round(bytes_guide / bytes_bare, 3), "target_ratio": 1.1,
                                  "warm_with_snapshot": int(median([e["bytes"] for e in out["warm_snapshot"]]))},
        "requests_to_first_result": {"guide": median([e["requests"] for e in out["cold"]]),
                                     "bare": median([e["requests"] for e in out["bare_cold"]])},
        "longest_main_thread_task_ms": {"worst_page_median": worst, "target": 200,
                                        "home_cold_visit_median": median([e["longest_task_ms"] for e in out["cold"]]),
                                        "bare_runtime_page_median": median([e["longest_task_ms"] for e in out["bare_cold"]]),
                                        "plain_page_without_runtime": round(plain_longest, 1),
                                        "per_page": page_longest},
        "libs_on_plain_page": {"page": args.plain_page, "loaded": plain_libs},
    }


if __name__ == "__main__":
    raise SystemExit(main())
