// Material's search fetches its index as soon as its bundle starts, and its search worker builds
// the index from it at once: 300-400 ms of CPU in the first seconds, when a page with Python is
// compiling the runtime on a machine that may have two cores (tools/bench.py's cold start).
// This holds that one request (Material's XMLHttpRequest) back until the reader reaches for search (a click or focus in the
// search box, or one of its keys), or the page's Python has settled (runtime.js), or the page
// loaded without starting Python. Material shows "Initializing search" meanwhile, as it would on
// a slow network. Inlined in the <head> (overrides/main.html, hooks/early.py), before the bundle.
(function () {
  var Request = window.XMLHttpRequest;
  if (typeof Request !== "function") return;
  var open = Request.prototype.open;
  var send = Request.prototype.send;
  var released = false;
  var held = [];
  function release() {
    if (released) return;
    released = true;
    held.splice(0).forEach(function (go) { go(); });
  }
  function isIndex(url) {
    try {
      var parsed = new URL(String(url), location.href);
      return parsed.origin === location.origin && /\/search\/search_index\.json$/.test(parsed.pathname);
    } catch (error) {
      return false;
    }
  }
  // Material's request(): new XMLHttpRequest(), open("GET", url), then send().
  Request.prototype.open = function (method, url) {
    this.__bgSearchIndex = isIndex(url);
    return open.apply(this, arguments);
  };
  Request.prototype.send = function () {
    if (released || !this.__bgSearchIndex) return send.apply(this, arguments);
    var request = this;
    var args = arguments;
    held.push(function () { send.apply(request, args); });
  };
  function inSearch(target) {
    return !!(target && target.closest && target.closest(".md-search, [for='__search'], #__search"));
  }
  document.addEventListener("focusin", function (event) { if (inSearch(event.target)) release(); }, true);
  document.addEventListener("pointerdown", function (event) { if (inSearch(event.target)) release(); }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" || event.key === "s" || event.key === "f" || event.key === "S" || event.key === "F") release();
  }, true);
  window.addEventListener("biasgrad:runtime-settled", release);
  window.addEventListener("load", function () { if (!window.__biasgradRuntimeStarts) release(); });
})();
