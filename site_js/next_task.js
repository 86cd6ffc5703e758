// nextTask(): resolve in a new task, so the browser may paint and answer input in between.
// A page mounts many widgets and draws many figures at load; awaiting this between them keeps
// each piece its own task instead of one long chain of microtasks (tools/bench.py's long tasks).
export function nextTask() {
  if (globalThis.scheduler && typeof globalThis.scheduler.yield === "function") return globalThis.scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
