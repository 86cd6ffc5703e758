// The ONE runtime client. It starts the Python worker once per browsing session (this module is
// evaluated once per document, and Material's instant navigation keeps the document), and lets
// every widget call exported Python functions by name.
//
//   runtime()             -> Promise that resolves when Python is ready (memoised)
//   call(fn, ...args)     -> Promise of the function's plain-data result
//   onProgress(listener)  -> unsubscribe; listener({stage, loaded, total, message?}) is called
//                            at once with the current state, then on every change
//   restart()             -> terminate the worker and start a fresh one (the retry button)
//   memoryBytes()         -> the worker's wasm memory after the last call (Restart Python offer)
//
// Loading fails on a stall, never on the total time: a slow but healthy download (100 KB/s) or a
// slow engine (WebKit takes 20–100 s) keeps going as long as bytes, stages or the worker's
// heartbeats (every 5 s outside downloads) keep coming. The limit is generous; tests may lower it
// with globalThis.__biasgradStallMs before this module loads.

import { megabytes } from "./number_format.js";
import { amount, stageName } from "./stages.js";

const WORKER_URL = new URL("./worker.js", import.meta.url);
const STALL_MS = Number(globalThis.__biasgradStallMs) || 120_000;

let worker = null;
let readyPromise = null;
let resolveReady = null;
let rejectReady = null;
let timer = null;
let nextId = 1;
const pending = new Map();
const listeners = new Set();
let state = { stage: "idle", loaded: 0, total: 0 };
let files = []; // the worker's files still in flight (for the stall message)
let memory = 0; // bytes of the worker's wasm memory after the last call
let lastCallMs = 0; // time the last call spent in Python (worker side), for benchmarks
let workerCreated = 0; // performance.now() when the worker was created (page clock)

// "biasgrad:runtime-settled", once per page: the first visit's own work is done, so background
// work may start (offline.js registers the service worker then). Ready with the saved Python
// restored; or the saved Python made or declined after the first call; or ready with no call for
// SETTLE_MS; or failed.
const SETTLE_MS = 15_000;
let settleTimer = null;
function settle(why) {
  clearTimeout(settleTimer);
  if (globalThis.__biasgradSettled) return;
  globalThis.__biasgradSettled = why;
  globalThis.dispatchEvent?.(new CustomEvent("biasgrad:runtime-settled", { detail: { why } }));
}

function emit(next) {
  state = { ...state, ...next };
  for (const listener of listeners) {
    try {
      listener(state);
    } catch (error) {
      console.error(error);
    }
  }
}

function fail(message) {
  if (state.stage === "error") return;
  clearTimeout(timer);
  emit({ stage: "error", message });
  settle("failed");
  for (const { reject } of pending.values()) reject(new Error(message));
  pending.clear();
  if (rejectReady) rejectReady(new Error(message));
}

function handle(data) {
  if (!data || typeof data !== "object") return;
  if (data.type === "progress") {
    if (state.stage === "error") return;
    const moved = data.stage !== state.stage || data.loaded !== state.loaded || data.stage !== "download";
    if (moved) armStall();
    files = data.files || files;
    emit({ stage: data.stage, loaded: data.loaded, total: data.total });
    if (data.stage === "ready") {
      globalThis.__biasgradTimings = { ...data.timings, workerCreated: Math.round(workerCreated),
        readyInPage: data.timings && data.timings.readyEpoch ? Math.round(data.timings.readyEpoch - performance.timeOrigin) : null,
        page: Math.round(performance.now()) };
      clearTimeout(timer);
      resolveReady();
      if (data.timings && data.timings.snapshot && data.timings.snapshot.restored) settle("restored");
      else settleTimer = setTimeout(() => settle("ready"), SETTLE_MS);
    }
  } else if (data.type === "result") {
    const entry = pending.get(data.id);
    if (!entry) return;
    pending.delete(data.id);
    lastCallMs = data.ms;
    clearTimeout(settleTimer); // a call was answered: the worker makes the saved Python next
    if (data.memory) memory = data.memory;
    const t = globalThis.__biasgradTimings;
    if (t && t.firstCallMs === undefined) t.firstCallMs = Math.round(data.ms);
    if (data.ok) entry.resolve(data.value);
    else {
      const error = new Error(data.error ? data.error.message : "Python call failed");
      error.kind = data.error ? data.error.kind : "Error";
      entry.reject(error);
    }
  } else if (data.type === "snapshot") {
    // snapshot.js made (or declined to make) the saved Python; saved-python.js shows it.
    globalThis.__biasgradSnapshot = data;
    console.info(`biasgrad: ${data.saved ? `saved Python in this browser (${megabytes(data.bytes)} MB)` : `did not save Python (${data.reason})`}.`);
    globalThis.dispatchEvent?.(new CustomEvent("biasgrad:snapshot", { detail: data }));
    settle(data.saved ? "saved" : "not saved");
  } else if (data.type === "fatal") {
    fail(data.message);
  }
}

function stalled() {
  const seconds = Math.round(STALL_MS / 1000);
  let what = stageName(state.stage);
  if (state.stage === "download") {
    const names = files.length ? ` ${files.join(", ")}` : "";
    const size = amount(state);
    what = `downloading${names}${size ? ` ${size}` : ""}`;
  }
  fail(`Loading Python stalled while ${what}: nothing moved for ${seconds} s. Check the connection and retry.`);
}

function armStall() {
  clearTimeout(timer);
  timer = setTimeout(stalled, STALL_MS);
}

function supported() {
  if (typeof Worker !== "function") return "This browser cannot run Web Workers.";
  if (typeof WebAssembly !== "object") return "This browser cannot run WebAssembly, which Python in the page needs.";
  return null;
}

function start() {
  readyPromise = new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  readyPromise.catch(() => {}); // observed through onProgress; avoid unhandled rejections
  emit({ stage: "download", loaded: 0, total: 0, message: undefined });
  const problem = supported();
  if (problem) {
    fail(problem);
    return;
  }
  const early = globalThis.__biasgradEarly;
  globalThis.__biasgradEarly = null;
  let queued = [];
  if (early && early.worker) {
    worker = early.worker;
    queued = early.queue || [];
    workerCreated = early.created || 0;
  } else {
    try {
      worker = new Worker(WORKER_URL, { type: "module", name: "biasgrad" });
      workerCreated = performance.now();
    } catch (error) {
      fail(`The Python worker could not start (${error.message}).`);
      return;
    }
    globalThis.__biasgradRuntimeStarts = (globalThis.__biasgradRuntimeStarts || 0) + 1;
  }
  worker.onmessage = (event) => handle(event.data);
  worker.onerror = (event) => {
    event.preventDefault?.();
    fail("The Python worker could not start: a runtime file is missing or broken.");
  };
  armStall();
  for (const data of queued) handle(data);
}

export function runtime() {
  if (!readyPromise) start();
  return readyPromise;
}

export function status() {
  return state;
}

export function lastCallDuration() {
  return lastCallMs;
}

// Bytes of WebAssembly memory the running Python holds (it never shrinks; restart() frees it).
export function memoryBytes() {
  return memory;
}

export function onProgress(listener) {
  listeners.add(listener);
  listener(state);
  return () => listeners.delete(listener);
}

export function call(fn, ...args) {
  return runtime().then(
    () =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, fn, args });
      }),
  );
}

export function restart() {
  clearTimeout(timer);
  if (worker) worker.terminate();
  worker = null;
  for (const { reject } of pending.values()) reject(new Error("The runtime was restarted."));
  pending.clear();
  readyPromise = null;
  state = { stage: "idle", loaded: 0, total: 0 };
  files = [];
  memory = 0;
  return runtime();
}
