// The Python runtime, in a Web Worker: Pyodide 0.27.7 + NumPy + the biasgrad wheel, all served
// by this site (assets/pyodide/). Started once per browsing session by runtime.js.
//
// Protocol (ARCHITECTURE.md): in {id, fn, args}; out {type: "progress", stage, loaded, total},
// {type: "result", id, ok, value | error}, {type: "fatal", message}.

import { DownloadError, httpProblem, networkProblem, verify } from "./download.js";
import { RESEED, lookupSnapshot, report, restorePython, scheduleSnapshot } from "./snapshot.js";

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
const started = new Set(); // names of files whose bytes are being counted

function loaded() {
  let sum = 0;
  for (const value of received.values()) sum += value;
  return total ? Math.min(sum, total) : sum;
}

function progress(force = false) {
  const now = performance.now();
  if (!force && now - lastPost < 50) return; // at most 20 updates a second
  lastPost = now;
  postMessage({ type: "progress", stage, loaded: loaded(), total, files: inFlight() });
}

// Files whose download has started and not finished (named in a stall message).
function inFlight() {
  return [...started].filter((name) => (received.get(name) || 0) < sizeOf(name));
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

// Once the reader has the failure in words, Pyodide's own follow-up rejections (e.g. parsing a
// 404 page as pyodide-lock.json) are noise, not an unhandled error.
self.addEventListener("unhandledrejection", (event) => {
  if (failed) event.preventDefault();
});
self.addEventListener("error", (event) => {
  if (failed) event.preventDefault();
});

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

// Count and verify bytes as they arrive (download.js): read a clone's body, hand the untouched
// original to Pyodide so WebAssembly.instantiateStreaming (and Chrome's wasm code cache) still work.
const checks = []; // every verification started, so a late generic error can wait for a precise one
function check(name, response) {
  if (!response.body) return;
  started.add(name);
  const done = verify(name, response, entryFor(name), (bytes) => {
    received.set(name, bytes);
    progress();
  }).then(() => progress(true), (error) => fatal(error.message));
  checks.push(done);
}

const networkFetch = self.fetch.bind(self);
const SITE_CACHES = "biasgrad-site-"; // the service worker's precache (site_js/sw.js, PREFIX)

// This site's saved copy of url, from the service worker's precache, or null. The service worker
// leaves this worker's fetches of runtime files to the network (sw.js), so offline they come here.
async function savedCopy(url) {
  try {
    for (const name of await caches.keys()) {
      if (!name.startsWith(SITE_CACHES)) continue;
      const hit = await (await caches.open(name)).match(url, { ignoreSearch: true });
      if (hit) return hit;
    }
  } catch { /* no Cache Storage here: the network's error stands */ }
  return null;
}

// fetch, or the saved copy when the network fails (offline).
async function realFetch(input, init) {
  try {
    return await networkFetch(input, init);
  } catch (error) {
    const url = typeof input === "string" ? new URL(input, INDEX_URL).href : input instanceof URL ? input.href : input.url;
    const saved = typeof caches === "undefined" ? null : await savedCopy(url);
    if (saved) return saved;
    throw error;
  }
}
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
    if (isOurs(url)) fatal(networkProblem(fileName(url)).message);
    throw error;
  }
  if (isOurs(url)) {
    if (!response.ok) fatal(httpProblem(fileName(url), response).message);
    else if (fileName(url) !== "manifest.json") check(fileName(url), response.clone());
  }
  return response;
};

// Start a download of one of our files ahead of its user; the user's fetch gets this response.
// With keep = false (files that import() loads) the body is only read, to fill the HTTP cache.
function prefetch(file, keep = true) {
  const href = INDEX_URL + file.path;
  const request = realFetch(href).then((response) => {
    if (!response.ok) fatal(httpProblem(file.name, response).message);
    else check(file.name, response.clone());
    return response;
  }, (error) => {
    fatal(networkProblem(file.name).message);
    throw error;
  });
  request.catch(() => {});
  if (keep) {
    prefetched.set(href, request);
    return request;
  }
  return request.then((response) => response.arrayBuffer()).catch(() => {});
}

// A heartbeat while Python compiles or starts (no bytes move then): runtime.js counts a stall
// only when neither bytes, nor stages, nor (outside downloads) heartbeats arrive for a long while.
// A worker blocked in one long synchronous step sends none; the limit there is generous.
setInterval(() => { if (!failed && stage !== "ready") progress(true); }, 5000);

let snapshotLookup = null; // what snapshot.js found in Cache Storage at start
let api = null; // name -> PyProxy of the exported function, held for the worker's lifetime
// A restored runtime's generators are reseeded (snapshot.js RESEED) before the first call that may
// draw a random number, or right after the first answer: the calculator's first result does not
// wait for it (biasgrad.web.api.DRAWS_NO_RANDOM).
let reseedPending = false;
let drawsNoRandom = new Set();
function reseedIfPending() {
  if (!reseedPending) return;
  reseedPending = false;
  try {
    pyodide.runPython(RESEED);
  } catch (error) {
    console.warn(`biasgrad: reseeding the restored Python failed (${error && error.message ? error.message : error})`);
  }
}
let pyodide = null;

// The size of Python's WebAssembly memory: it grows and is never given back.
function wasmBytes() {
  const heap = pyodide && pyodide._module && pyodide._module.HEAP8;
  return heap ? heap.buffer.byteLength : 0;
}

function plain(value) {
  if (value && typeof value.toJs === "function") {
    const js = value.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    value.destroy();
    return js;
  }
  return value;
}

const manifestPromise = realFetch(MANIFEST_URL, { cache: "no-cache" }).then(async (response) => {
  if (!response.ok) throw httpProblem("manifest.json", response);
  try {
    return await response.json();
  } catch {
    throw new DownloadError("manifest.json is not valid JSON: the server sent a different file.");
  }
}, () => {
  throw networkProblem("manifest.json");
});
manifestPromise.catch((error) => fatal(error.message));

function entryFor(name) {
  return manifestPromise.then((m) => m.files.find((f) => f.name === name) || null);
}

async function boot() {
  // pyodide.mjs and pyodide.asm.js arrive through import(), which cannot be checked: fetch them
  // first (verified, counted); import() then reads the browser's HTTP cache.
  const mjs = prefetch({ name: "pyodide.mjs", path: "pyodide.mjs" }, false);
  prefetch({ name: "pyodide.asm.js", path: "pyodide.asm.js" }, false);
  // Pyodide reads the lock file in a promise nobody awaits if it fails: check its status first.
  const lock = await prefetch({ name: "pyodide-lock.json", path: "pyodide-lock.json" }).catch(() => null);
  await mjs;
  if (failed || !lock || !lock.ok) return;
  const [{ loadPyodide }, saved] = await Promise.all([import(INDEX_URL + "pyodide.mjs"), lookupSnapshot()]);
  snapshotLookup = saved; // snapshot.js: a saved runtime is restored below, else Python starts normally
  const normalStart = () => {
    const started = loadPyodide({ indexURL: INDEX_URL, fullStdLib: false });
    started.catch(() => {}); // awaited below; a manifest failure must not leave it unhandled
    return started;
  };
  let pyodidePromise = saved.meta ? null : normalStart();
  if (!saved.meta) report(timings, { restored: false, reason: saved.reason, level: saved.level });
  manifest = await manifestPromise; // a failure is already reported in words (fatal)
  total = manifest.total;
  progress(true);
  // Download the two wheels while Python compiles and starts; Pyodide's own fetches of these URLs
  // are answered from here. A restore needs no wheel (snapshot.js saves site-packages itself).
  const prefetchWheels = () => {
    for (const file of manifest.files) {
      if (file.stage === "load-numpy" || file.stage === "load-module") prefetch(file);
    }
  };
  if (!saved.meta) prefetchWheels();
  // The interpreter needs the wasm and the standard library before it can start.
  const watch = setInterval(() => {
    if (stage === "download" && pyodidePromise && received.get("pyodide.asm.wasm") >= sizeOf("pyodide.asm.wasm")
        && received.get("python_stdlib.zip") >= sizeOf("python_stdlib.zip")) {
      setStage("start-python");
    }
  }, 25);
  if (saved.meta) {
    pyodide = await restorePython(saved, { loadPyodide, indexURL: INDEX_URL, manifest, setStage, timings });
    if (pyodide) {
      reseedPending = true;
      report(timings, { restored: true, reason: "restored from the browser's Cache Storage" });
    }
    else {
      setStage("start-python");
      prefetchWheels();
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
  const seedFree = module.DRAWS_NO_RANDOM;
  drawsNoRandom = new Set(seedFree.toJs());
  seedFree.destroy();
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

const ready = boot().catch(async (error) => {
  // A download's own check names the file precisely; give it a moment to report first.
  await Promise.race([Promise.allSettled(checks), new Promise((r) => setTimeout(r, 3000))]);
  if (error instanceof DownloadError) fatal(error.message);
  else fatal(`Python could not start: ${error && error.message ? error.message : error}`);
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
  if (!drawsNoRandom.has(fn)) reseedIfPending();
  const pyArgs = args.map((arg) => (arg !== null && typeof arg === "object" ? pyodide.toPy(arg) : arg));
  try {
    const t0 = performance.now();
    const value = plain(proxy(...pyArgs));
    postMessage({ type: "result", id, ok: true, value, ms: performance.now() - t0, memory: wasmBytes() });
    if (!timings.snapshot.restored) {
      scheduleSnapshot({ lookup: snapshotLookup, onDone: (outcome) => postMessage({ type: "snapshot", ...outcome }) });
    }
  } catch (error) {
    const kind = error && error.type ? error.type : "Error";
    postMessage({ type: "result", id, ok: false, error: { kind, message: String(error && error.message ? error.message : error) } });
  } finally {
    for (const arg of pyArgs) if (arg && typeof arg.destroy === "function") arg.destroy();
    reseedIfPending(); // after the answer has gone
  }
};
