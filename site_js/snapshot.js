// A memory snapshot of Python with NumPy and biasgrad imported, kept in the reader's Cache Storage,
// so a returning reader's runtime restores in about a second instead of restarting CPython and
// re-importing NumPy. Imported by worker.js; the snapshot itself is made by snapshot-maker.js in a
// nested worker, in idle time after the first live result.
//
// Why this works on Pyodide 0.27.7: Pyodide's private `_loadSnapshot` restores the heap only, not
// NumPy's shared libraries. The maker records each library's load order, size, memory base and the
// function table's length (through the loader hook `Module.getMemoryPatched`, added to
// pyodide.asm.js by hooks/assets.py's pinned patch), and the restore reloads every library at its
// recorded base, then puts the snapshot's bytes back over the re-applied data segments.
//
// Every failure (nothing saved, another build, a corrupt entry, a table mismatch, an exception)
// makes restorePython() return null with a reason; the worker then starts Python the normal way.
// The reason goes into the timings and once onto the console (info or warn, never error).

import { unpackSitePackages } from "./site_packages.js";

export const CACHE_NAME = "biasgrad-python-snapshot";
export const SNAPSHOT_URL = "/biasgrad-python-snapshot/heap.bin";
export const META_URL = "/biasgrad-python-snapshot/meta.json";
export const FILES_URL = "/biasgrad-python-snapshot/site-packages.bin"; // site_packages.js
export const DECLINED_URL = "/biasgrad-python-snapshot/declined"; // the reader chose "Forget"
export const FORMAT = 2; // 2: site-packages saved beside the heap, no wheels at restore
// The call the maker runs before the snapshot and the restore runs after it: same result or no restore.
export const CHECK_CALL = ["calculate_many", [{ x: "1.5", w: "0.8", b: "0.1", y: "1", activation: "sigmoid", loss: "bce", lr: "0.1" }]];

const KEY_FILES = ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"];

// What a snapshot depends on: the Pyodide build, the patched loader, NumPy's and biasgrad's wheels.
// A new build of the site changes at least one of these, so a stale snapshot is never restored.
export function snapshotKey(manifest) {
  const sha = (name) => (manifest.files.find((f) => f.name === name || f.path === name) || {}).sha256 || null;
  const patch = manifest.loader_patch || {};
  return JSON.stringify({
    format: FORMAT,
    pyodide: manifest.pyodide,
    files: Object.fromEntries(KEY_FILES.map((name) => [name, sha(name)])),
    loaderPatch: patch.patched_sha256 || null,
    numpy: sha(manifest.numpy),
    biasgrad: sha(manifest.wheel),
  });
}

// null if the site can make and restore snapshots, else why not.
export function unsupported(manifest) {
  if (typeof caches === "undefined") return "Cache Storage is not available";
  const patch = manifest.loader_patch;
  const asm = manifest.files.find((f) => f.name === "pyodide.asm.js");
  if (!patch || !asm || patch.patched_sha256 !== asm.sha256) return "the loader patch is not in this build";
  return null;
}

export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- the report: timings + one console line ------------------------------------------------------

let reported = false;
export function report(timings, outcome) {
  timings.snapshot = { ...(timings.snapshot || {}), ...outcome };
  if (reported || !outcome.reason) return;
  reported = true;
  const text = `biasgrad: ${outcome.restored ? "restored the saved Python" : "started Python normally"} (${outcome.reason}).`;
  if (outcome.level === "warn") console.warn(text);
  else console.info(text);
}

// ---- restore ------------------------------------------------------------------------------------

// Quick and cheap, so the cold path does not wait: the saved metadata and a promise of the bytes,
// or {reason} when there is nothing to restore.
export async function lookupSnapshot() {
  try {
    if (typeof caches === "undefined") return { reason: "Cache Storage is not available" };
    if (!(await caches.has(CACHE_NAME))) return { reason: "no saved Python yet" };
    const cache = await caches.open(CACHE_NAME);
    const metaResponse = await cache.match(META_URL);
    if (!metaResponse) {
      const declined = await cache.match(DECLINED_URL);
      return { reason: declined ? "the reader chose to forget the saved Python" : "no saved Python yet", declined: !!declined };
    }
    const meta = await metaResponse.json();
    const read = (url) => {
      const body = cache.match(url).then((r) => (r ? r.arrayBuffer() : null));
      body.catch(() => {});
      return body;
    };
    return { meta, bytes: read(SNAPSHOT_URL), files: read(FILES_URL) };
  } catch (error) {
    return { reason: `reading the saved Python failed: ${error && error.message ? error.message : error}`, level: "warn" };
  }
}

class RestoreFailure extends Error {}

function must(condition, reason) {
  if (!condition) throw new RestoreFailure(reason);
}

// Restore the saved runtime. Returns the Pyodide instance (NumPy and biasgrad imported, site-packages
// written back, self-check passed; the worker reseeds its generators, RESEED) or null; the outcome
// is in timings.snapshot.
export async function restorePython(saved, { loadPyodide, indexURL, manifest, setStage, timings }) {
  const t0 = performance.now();
  const mark = (name) => { timings.snapshot[name] = Math.round(performance.now() - t0); };
  timings.snapshot = { tried: true };
  try {
    const { meta } = saved;
    must(meta && meta.format === FORMAT, "the saved Python has an older format");
    const problem = unsupported(manifest);
    must(!problem, problem);
    must(meta.key === snapshotKey(manifest), "the saved Python belongs to another build of the site (hash mismatch)");
    // The heap and site-packages (NumPy's and biasgrad's files, which the heap does not hold).
    const [buffer, files] = await Promise.all([saved.bytes, saved.files]);
    must(buffer && buffer.byteLength === meta.bytes, "the saved Python is missing or truncated");
    must(files && meta.files && files.byteLength === meta.files.bytes, "the saved site-packages are missing or truncated");
    const snap = new Uint8Array(buffer), packed = new Uint8Array(files);
    mark("read");
    setStage("restore-python");
    // Both are hashed off the thread while the runtime is restored; nothing is used unchecked.
    const digests = Promise.all([sha256Hex(snap), sha256Hex(packed)]);
    digests.catch(() => {});
    const intact = async () => {
      const [heap, site] = await digests;
      must(heap === meta.sha256, "the saved Python is corrupt (sha256 mismatch)");
      must(site === meta.files.sha256, "the saved site-packages are corrupt (sha256 mismatch)");
    };
    let pyodide;
    try {
      pyodide = await loadPyodide({ indexURL, fullStdLib: false, _loadSnapshot: snap });
    } catch (error) {
      await intact(); // a corrupt entry is named as such, not by what it broke
      throw error;
    }
    mark("restore");
    await intact();
    mark("verify");
    const M = pyodide._module;
    M.runtimeKeepalivePush();
    must(M.wasmTable.length <= meta.tableBefore,
      `function table mismatch (${M.wasmTable.length} entries at restore, ${meta.tableBefore} recorded)`);
    setStage("load-numpy");
    unpackSitePackages(pyodide.FS, meta.sitepackages, packed, meta.files.index);
    mark("unpack");
    await reloadLibraries(pyodide, snap, meta);
    mark("dynlibs");
    pyodide.runPython("import gc; gc.enable()"); // RESEED: the worker runs it (worker.js)
    const check = callPlain(pyodide, ...CHECK_CALL);
    must(JSON.stringify(check) === meta.check, "the restored runtime's self-check differs from the saved one");
    mark("checked");
    return pyodide;
  } catch (error) {
    const reason = error instanceof RestoreFailure ? error.message : `restore raised ${error && error.message ? error.message : error}`;
    report(timings, { restored: false, reason, level: "warn" });
    return null;
  }
}

// Load each shared library at the base the maker recorded and put the snapshot's bytes back
// (instantiation re-applies the data segments, which Python had changed since).
async function reloadLibraries(pyodide, snap, meta) {
  const M = pyodide._module;
  const byName = new Map(meta.libraries.map((lib) => [lib.name, lib]));
  const placed = new Set();
  M.getMemoryPatched = (name, size) => {
    const lib = byName.get(name);
    if (!lib || lib.size !== size) throw new RestoreFailure(`no recorded base for ${name} (${size} bytes)`);
    if (M.wasmTable.length < lib.tableLength) M.wasmTable.grow(lib.tableLength - M.wasmTable.length);
    if (M.wasmTable.length !== lib.tableLength) {
      throw new RestoreFailure(`function table mismatch at ${name} (${M.wasmTable.length}, recorded ${lib.tableLength})`);
    }
    placed.add(name);
    return lib.base;
  };
  try {
    for (const lib of meta.libraries) await pyodide._api.loadDynlib(lib.name, false, []);
  } finally {
    M.getMemoryPatched = undefined;
  }
  must(placed.size === meta.libraries.length, "the loader patch is not active (libraries were not placed)");
  must(M.wasmTable.length === meta.tableAfter, `function table mismatch (${M.wasmTable.length}, recorded ${meta.tableAfter})`);
  const offset = new Uint32Array(snap.buffer, snap.byteOffset, 4)[1]; // the heap starts here
  const heap = M.HEAPU8;
  for (const lib of meta.libraries) heap.set(snap.subarray(offset + lib.base, offset + lib.base + lib.size), lib.base);
  for (const [handle, name] of meta.handles) {
    const dso = M.LDSO.loadedLibsByName[name];
    must(dso, `library ${name} did not load`);
    M.LDSO.loadedLibsByHandle[handle] = dso;
  }
}

// A snapshot freezes every generator's state: give the ones examples and the training widget could
// reach fresh entropy, as a fresh start would. (The guide's own examples seed their generators,
// np.random.default_rng(seed), so their numbers do not depend on this.) The worker runs it after
// a restore, before the first call that may draw a random number or right after the first
// answer, whichever comes first (its first run takes 50-200 ms: NumPy's generator code is compiled then).
export const RESEED = "import random as _r, numpy as _np; _r.seed(); _np.random.seed(); del _r, _np";

export function callPlain(pyodide, fn, arg) {
  const module = pyodide.pyimport("biasgrad.web.api");
  const exports = module.EXPORTS;
  const proxy = exports.get(fn);
  const pyArg = pyodide.toPy(arg);
  try {
    const result = proxy(pyArg);
    const js = result.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    result.destroy();
    return js;
  } finally {
    pyArg.destroy();
    proxy.destroy();
    exports.destroy();
    module.destroy();
  }
}

// ---- make (in idle time, in a nested worker) ---------------------------------------------------

const IDLE_MS = 2000;
let makeTimer = null;
let making = false;

// Call after every answered call; the snapshot is made once the worker has been idle for IDLE_MS.
export function scheduleSnapshot({ lookup, onDone }) {
  if (making || makeTimer === false) return;
  if (makeTimer) clearTimeout(makeTimer);
  makeTimer = setTimeout(() => {
    makeTimer = false; // once per worker
    making = true;
    startMaker(lookup, onDone);
  }, IDLE_MS);
}

async function declined() {
  try {
    return !!(await caches.match(DECLINED_URL, { cacheName: CACHE_NAME }));
  } catch {
    return false;
  }
}

async function startMaker(lookup, onDone) {
  // asked again now: the reader may have pressed "Forget" since this worker started
  if ((lookup && lookup.declined) || (await declined())) {
    return onDone({ saved: false, reason: "the reader chose to forget the saved Python" });
  }
  if (typeof Worker !== "function") return onDone({ saved: false, reason: "this browser has no nested workers" });
  let maker;
  try {
    maker = new Worker(new URL("./snapshot-maker.js", import.meta.url), { type: "module", name: "biasgrad-snapshot" });
  } catch (error) {
    return onDone({ saved: false, reason: `the snapshot worker could not start (${error.message})` });
  }
  maker.onmessage = (event) => {
    maker.terminate();
    onDone(event.data);
  };
  maker.onerror = (event) => {
    event.preventDefault?.();
    maker.terminate();
    onDone({ saved: false, reason: `the snapshot worker failed (${event.message || "error"})` });
  };
}

// Store the snapshot; false + reason if the browser's quota does not allow it.
export async function storeSnapshot(snap, files, meta) {
  if (typeof navigator !== "undefined" && navigator.storage && navigator.storage.estimate) {
    const { usage = 0, quota = Infinity } = await navigator.storage.estimate();
    if (quota - usage < (snap.byteLength + files.byteLength) * 1.2) {
      return { saved: false, reason: `not enough storage quota (${Math.round((quota - usage) / 1e6)} MB free)` };
    }
  }
  const cache = await caches.open(CACHE_NAME);
  try {
    if (await cache.match(DECLINED_URL)) return { saved: false, reason: "the reader chose to forget the saved Python" };
    await cache.delete(META_URL); // a half-written pair can never restore: the meta goes in last
    await cache.put(SNAPSHOT_URL, new Response(snap, { headers: { "Content-Type": "application/octet-stream" } }));
    await cache.put(FILES_URL, new Response(files, { headers: { "Content-Type": "application/octet-stream" } }));
    await cache.put(META_URL, new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } }));
  } catch (error) {
    await caches.delete(CACHE_NAME).catch(() => {});
    const quota = error && (error.name === "QuotaExceededError" || /quota/i.test(String(error.message)));
    return { saved: false, reason: quota ? "the browser's storage quota was exceeded" : `storing failed (${error.message})` };
  }
  return { saved: true, bytes: snap.byteLength + files.byteLength };
}
