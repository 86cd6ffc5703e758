// Makes the NumPy + biasgrad memory snapshot that snapshot.js restores. Runs as a nested worker,
// started by the runtime worker in idle time after the first live result, so the live runtime keeps
// answering while this works (about 6 s of background CPU), and its state never leaks in.
//
// 1. Start a bare interpreter and snapshot it, then restore that snapshot: a restore begins with the
//    same function table as the reader's later restore, so NumPy's table bases match.
// 2. Load NumPy and the biasgrad wheel with the loader hook recording each shared library's name,
//    size, memory base and the table's length (pyodide.asm.js carries the pinned patch for it).
// 3. Import every widget's Python (api.preload), run the self-check call, collect garbage, disable
//    the collector, snapshot; pack site-packages, which the heap does not hold (site_packages.js).
// 4. Store the heap, site-packages and the metadata in Cache Storage (quota checked).
//    Posts {saved, reason, ...}.

import { packSitePackages } from "./site_packages.js";
import { CHECK_CALL, FORMAT, callPlain, sha256Hex, snapshotKey, storeSnapshot, unsupported } from "./snapshot.js";

const INDEX_URL = new URL("../pyodide/", import.meta.url).href;

async function make() {
  const t0 = performance.now();
  const manifest = await (await fetch(INDEX_URL + "manifest.json", { cache: "no-cache" })).json();
  const problem = unsupported(manifest);
  if (problem) return { saved: false, reason: problem };
  const { loadPyodide } = await import(INDEX_URL + "pyodide.mjs");
  const bare = await loadPyodide({ indexURL: INDEX_URL, fullStdLib: false, _makeSnapshot: true });
  const bareSnapshot = bare.makeMemorySnapshot();
  const pyodide = await loadPyodide({ indexURL: INDEX_URL, fullStdLib: false, _loadSnapshot: bareSnapshot, _makeSnapshot: true });
  const M = pyodide._module;
  M.runtimeKeepalivePush();
  const tableBefore = M.wasmTable.length;
  const libraries = [];
  M.getMemoryPatched = (name, size) => {
    const base = M.getMemory(size);
    libraries.push({ name, size, base, tableLength: M.wasmTable.length });
    return base;
  };
  await pyodide.loadPackage(["numpy", INDEX_URL + manifest.wheel], { messageCallback: () => {}, errorCallback: () => {} });
  M.getMemoryPatched = undefined;
  if (!libraries.length) return { saved: false, reason: "the loader patch is not active (no library was recorded)" };
  // every widget's Python in the snapshot, not only the calculator's (api.preload)
  pyodide.runPython("import biasgrad.web.api as _api; _api.preload(); del _api");
  const check = JSON.stringify(callPlain(pyodide, ...CHECK_CALL));
  pyodide.runPython("import gc; gc.collect(); gc.disable()");
  const handles = [];
  for (const [handle, dso] of Object.entries(M.LDSO.loadedLibsByHandle)) if (Number(handle)) handles.push([Number(handle), dso.name]);
  const snap = pyodide.makeMemorySnapshot();
  const site = packSitePackages(pyodide.FS, pyodide._api.sitepackages);
  const meta = {
    format: FORMAT,
    key: snapshotKey(manifest),
    bytes: snap.byteLength,
    sha256: await sha256Hex(snap),
    libraries,
    handles,
    tableBefore,
    tableAfter: M.wasmTable.length,
    sitepackages: pyodide._api.sitepackages,
    files: { bytes: site.bytes.byteLength, sha256: await sha256Hex(site.bytes), index: site.index },
    check,
    made: new Date().toISOString(),
  };
  const stored = await storeSnapshot(snap, site.bytes, meta);
  return { ...stored, ms: Math.round(performance.now() - t0), libraries: libraries.length };
}

make().then(
  (result) => postMessage(result),
  (error) => postMessage({ saved: false, reason: `making the snapshot raised ${error && error.message ? error.message : error}` }),
);
