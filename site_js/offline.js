// Registers the service worker (site/sw.js, written by hooks/offline.py from site_js/sw.js) that
// keeps the guide readable and runnable offline. Loaded once per full page load (extra_javascript,
// a module file: strict CSP); Material's instant navigation keeps the document, so this runs once.
//
// The worker sits at the site root, found from this file's own URL (assets/biasgrad/offline.js),
// so the site works under any base path. When a new build's worker takes over a page that an
// older one controlled (controllerchange), the page reloads once, so its HTML, scripts and the
// runtime all come from the same build. The first install does not reload (the page came from
// the network), and a reload is never repeated within RELOAD_GUARD_MS (no loop, whatever happens).
//
// When: the first install precaches ~22 MB (site/sw.js), so it never competes with the first
// visit's own work. A page with widgets registers once its Python has settled (runtime.js's
// "biasgrad:runtime-settled": ready and the saved Python made or restored, or failed), so the
// precache then reads the runtime from the HTTP cache instead of downloading it a second time;
// a page without widgets registers IDLE_MS after its load event; neither waits past LATEST_MS.
// A page a worker already controls registers at once (that is only the update check).

const ROOT = new URL("../../", import.meta.url);
const RELOAD_KEY = "biasgrad-sw-reloaded";
const RELOAD_GUARD_MS = 10_000;
const IDLE_MS = 2_000;
const LATEST_MS = 180_000;
const WIDGETS = "[data-widget], [data-example]"; // as boot.js mounts them

function recentlyReloaded() {
  try {
    return Date.now() - Number(sessionStorage.getItem(RELOAD_KEY) || 0) < RELOAD_GUARD_MS;
  } catch {
    return false;
  }
}

function loaded() {
  return document.readyState === "complete" ? Promise.resolve()
    : new Promise((resolve) => addEventListener("load", resolve, { once: true }));
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Resolves when the first visit's own work is done (see "When" above).
async function settled() {
  const python = new Promise((resolve) => addEventListener("biasgrad:runtime-settled", resolve, { once: true }));
  if (globalThis.__biasgradSettled) return; // runtime.js settled before this module ran
  await loaded();
  const latest = wait(LATEST_MS);
  if (document.querySelector(WIDGETS)) await Promise.race([python, latest]);
  else await Promise.race([wait(IDLE_MS), python]);
}

function register() {
  const sw = navigator.serviceWorker;
  let hadController = !!sw.controller;
  let reloading = false;
  sw.addEventListener("controllerchange", () => {
    if (!hadController) {
      hadController = true; // the first install claimed this page: nothing to reload
      return;
    }
    if (reloading || recentlyReloaded()) return;
    reloading = true;
    try {
      sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
    } catch { /* no storage: the module flag still stops a second reload of this page */ }
    location.reload();
  });
  (hadController ? Promise.resolve() : settled())
    .then(() => sw.register(new URL("sw.js", ROOT).href, { scope: ROOT.pathname, updateViaCache: "none" }))
    .catch((error) => console.warn("biasgrad: offline reading is not available:", error.message));
}

if (typeof navigator !== "undefined" && "serviceWorker" in navigator && globalThis.isSecureContext) {
  register();
}
