// The Python runtime, in a Web Worker: Pyodide 0.27.7 + NumPy + the biasgrad wheel, all served
// by this site (assets/pyodide/). Started once per browsing session by runtime.js.
//
// Protocol (ARCHITECTURE.md): in {id, fn, args}; out {type: "progress", stage, loaded, total},
// {type: "result", id, ok, value | error}, {type: "fatal", message}.

import { lookupSnapshot, report, restorePython, scheduleSnapshot } from "./snapshot.js";

const INDEX_URL = new URL("../pyodide/", import.meta.url).href;
const MANIFEST_URL = INDEX_URL + "manifest.json";

let manifest = null;
let stage = "download";
let total = 0;
const received = new Map(); // file name -> bytes counted so far
let failed = false;
let lastPost = 0;
const timings = { start: performance.now() }; // ms since the worker started, per stage
const prefetched = new Map(); // absolute URL -> Promise<Response>, started early, used once

function loaded() {
  let sum = 0;
  for (const value of received.values()) sum += value;
  return total ? Math.min(sum, total) : sum;
}

function progress(force = false) {
  const now = performance.now();
  if (!force && now - lastPost < 50) return; // at most 20 updates a second
  lastPost = now;
  postMessage({ type: "progress", stage, loaded: loaded(), total });
}

function setStage(next) {
  stage = next;
  timings[next] = Math.round(performance.now() - timings.start);
  if (next === "ready") {
    timings.readyEpoch = performance.timeOrigin + performance.now();
    postMessage({ type: "progress", stage, loaded: loaded(), total, timings });
    return;
  }
  progress(true);
}

function fatal(message) {
  if (failed) return;
  failed = true;
  postMessage({ type: "fatal", message });
}

function fileName(url) {
  try {
    return new URL(url, INDEX_URL).pathname.split("/").pop();
  } catch {
    return String(url);
  }
}

function isOurs(url) {
  return typeof url === "string" && url.startsWith(INDEX_URL);
}

// Count bytes as they arrive: read a clone's body, hand the untouched original to Pyodide so
// WebAssembly.instantiateStreaming (and Chrome's wasm code cache) still work.
async function count(name, response) {
  try {
    const reader = response.body.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      received.set(name, bytes);
      progress();
    }
    progress(true);
  } catch {
    /* the original response reports its own errors */
  }
}

const realFetch = self.fetch.bind(self);
self.fetch = async function fetchWithProgress(input, init) {
  const url = typeof input === "string" ? new URL(input, INDEX_URL).href : input instanceof URL ? input.href : input.url;
  const early = prefetched.get(url);
  if (early) {
    prefetched.delete(url);
    return early; // already checked and counted
  }
  let response;
  try {
    response = await realFetch(input, init);
  } catch (error) {
    if (isOurs(url)) fatal(`Could not download ${fileName(url)}: the network request failed.`);
    throw error;
  }
  if (isOurs(url)) {
    if (!response.ok) {
      fatal(`Could not download ${fileName(url)} (HTTP ${response.status}).`);
    } else if (response.body && fileName(url) !== "manifest.json") {
      count(fileName(url), response.clone());
    }
  }
  return response;
};

// pyodide.asm.js arrives through importScripts/import(), not fetch: take its size from the
// resource timing entry once it is in.
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const name = fileName(entry.name);
      if (name === "pyodide.asm.js") {
        received.set(name, entry.encodedBodySize || entry.decodedBodySize || 0);
        progress(true);
      }
    }
  }).observe({ type: "resource", buffered: true });
} catch {
  /* progress just skips that file */
}

let snapshotLookup = null; // what snapshot.js found in Cache Storage at start
let api = null; // name -> PyProxy of the exported function, held for the worker's lifetime
let pyodide = null;

function plain(value) {
  if (value && typeof value.toJs === "function") {
    const js = value.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    value.destroy();
    return js;
  }
  return value;
}

async function boot() {
  const manifestPromise = realFetch(MANIFEST_URL, { cache: "no-cache" }).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.json();
  });
  const [{ loadPyodide }, saved] = await Promise.all([import(INDEX_URL + "pyodide.mjs"), lookupSnapshot()]);
  snapshotLookup = saved; // snapshot.js: a saved runtime is restored below, else Python starts normally
  const normalStart = () => loadPyodide({ indexURL: INDEX_URL, fullStdLib: false });
  let pyodidePromise = saved.meta ? null : normalStart();
  if (!saved.meta) report(timings, { restored: false, reason: saved.reason, level: saved.level });
  try {
    manifest = await manifestPromise;
  } catch (error) {
    fatal(`Could not download the runtime manifest (${error.message}).`);
    return;
  }
  total = manifest.total;
  progress(true);
  // Download the two wheels while Python compiles and starts; Pyodide's own fetches of these URLs
  // are answered from here (same integrity check as Pyodide would ask for).
  for (const file of manifest.files) {
    if (file.stage === "load-numpy" || file.stage === "load-module") {
      const href = INDEX_URL + file.path;
      const request = realFetch(href, { integrity: file.integrity }).then((response) => {
        if (!response.ok) fatal(`Could not download ${file.name} (HTTP ${response.status}).`);
        else if (response.body) count(file.name, response.clone());
        return response;
      }, (error) => {
        fatal(`Could not download ${file.name}: the network request failed.`);
        throw error;
      });
      request.catch(() => {});
      prefetched.set(href, request);
    }
  }
  // The interpreter needs the wasm and the standard library before it can start.
  const watch = setInterval(() => {
    if (stage === "download" && pyodidePromise && received.get("pyodide.asm.wasm") >= sizeOf("pyodide.asm.wasm")
        && received.get("python_stdlib.zip") >= sizeOf("python_stdlib.zip")) {
      setStage("start-python");
    }
  }, 25);
  if (saved.meta) {
    pyodide = await restorePython(saved, { loadPyodide, indexURL: INDEX_URL, manifest, fetchFile: self.fetch, setStage, timings });
    if (pyodide) report(timings, { restored: true, reason: "restored from the browser's Cache Storage" });
    else {
      setStage("start-python");
      pyodidePromise = normalStart();
    }
  }
  try {
    if (!pyodide) pyodide = await pyodidePromise;
  } finally {
    clearInterval(watch);
  }
  if (failed) return;
  if (!timings.snapshot.restored) {
    setStage("load-numpy");
    const wheelURL = INDEX_URL + manifest.wheel;
    await pyodide.loadPackage(["numpy", wheelURL], { messageCallback: () => {}, errorCallback: (m) => console.warn(m) });
  }
  setStage("load-module");
  const module = pyodide.pyimport("biasgrad.web.api");
  const exports = module.EXPORTS;
  api = new Map();
  for (const name of exports.keys()) api.set(name, exports.get(name));
  exports.destroy();
  module.destroy();
  for (const [name, entry] of received) if (!entry) received.set(name, sizeOf(name));
  for (const file of manifest.files) if (!received.has(file.name)) received.set(file.name, file.size);
  setStage("ready");
}

function sizeOf(name) {
  const file = manifest && manifest.files.find((f) => f.name === name);
  return file ? file.size : Infinity;
}

const ready = boot().catch((error) => {
  fatal(`Python could not start: ${error && error.message ? error.message : error}`);
});

self.onmessage = async (event) => {
  const { id, fn, args = [] } = event.data || {};
  await ready;
  if (failed || !api) {
    postMessage({ type: "result", id, ok: false, error: { kind: "RuntimeUnavailable", message: "Python is not running." } });
    return;
  }
  const proxy = api.get(fn);
  if (!proxy) {
    postMessage({ type: "result", id, ok: false, error: { kind: "UnknownFunction", message: `No exported function named ${fn}.` } });
    return;
  }
  const pyArgs = args.map((arg) => (arg !== null && typeof arg === "object" ? pyodide.toPy(arg) : arg));
  try {
    const t0 = performance.now();
    const value = plain(proxy(...pyArgs));
    postMessage({ type: "result", id, ok: true, value, ms: performance.now() - t0 });
    if (!timings.snapshot.restored) {
      scheduleSnapshot({ lookup: snapshotLookup, onDone: (outcome) => postMessage({ type: "snapshot", ...outcome }) });
    }
  } catch (error) {
    const kind = error && error.type ? error.type : "Error";
    postMessage({ type: "result", id, ok: false, error: { kind, message: String(error && error.message ? error.message : error) } });
  } finally {
    for (const arg of pyArgs) if (arg && typeof arg.destroy === "function") arg.destroy();
  }
};
