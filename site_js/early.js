// Pages with live widgets start the Python worker while the rest of the page is still
// downloading and parsing (overrides/main.html loads this file, async, before the stylesheets).
// runtime.js adopts this worker later; it never starts a second one. A classic script in a file,
// not inline, so the site runs under a strict Content-Security-Policy.
(function () {
  if (window.__biasgradRuntimeStarts || window.__biasgradEarly || typeof Worker !== "function" || typeof WebAssembly !== "object") return;
  try {
    var url = new URL("worker.js", document.currentScript.src);
    var worker = new Worker(url, { type: "module", name: "biasgrad" });
    var queue = [];
    worker.onmessage = function (event) { queue.push(event.data); };
    worker.onerror = function (event) {
      event.preventDefault();
      queue.push({ type: "fatal", message: "The Python worker could not start: a runtime file is missing or broken." });
    };
    window.__biasgradEarly = { worker: worker, queue: queue, created: performance.now() };
    window.__biasgradRuntimeStarts = (window.__biasgradRuntimeStarts || 0) + 1;
  } catch (error) { /* runtime.js reports the failure when a widget mounts */ }
})();
