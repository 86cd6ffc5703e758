// The service worker: the whole guide, its assets and the Python runtime, readable and runnable
// offline after the first visit. hooks/offline.py prepends BUILD = {version, files, offline, bytes}
// (every precached file's URL relative to the site root, its size and sha256) and writes site/sw.js.
//
// install   fetch every listed file, check size and sha256, put it into cache biasgrad-site-VERSION
//           (a file whose sha256 an older biasgrad-site-* cache already holds is copied from there,
//           so a deploy that changes one page downloads one page, not the 17 MB runtime again);
//           any failure fails the install (the old worker, if any, keeps serving). skipWaiting().
// activate  delete the OTHER biasgrad-site-* caches only. The saved Python (biasgrad-python-snapshot,
//           site_js/snapshot.js) and every other cache are never touched. clients.claim().
// fetch     same-origin GET only. The Python worker's own fetch() of a runtime file
//           (assets/pyodide/, request.destination "") is left to the network and the HTTP cache,
//           where Chrome keeps the compiled wasm, so a returning reader's Python starts as fast
//           as without this worker; when the network fails, worker.js reads that file from this
//           cache itself. A listed URL (a page as guide/x/ or guide/x/index.html, any query
//           ignored) is answered from this version's cache, falling back to the network; anything
//           else goes to the network untouched (never stored). A navigation the network cannot
//           answer gets the offline page (BUILD.offline) with status 503.
//
// Nothing but an OK, verified response is ever stored, so a server error is never replayed.

const PREFIX = "biasgrad-site-";
const CACHE = PREFIX + BUILD.version;
const SCOPE = new URL("./", self.location.href).href; // the site root (sw.js sits there)
const SHA_HEADER = "X-Biasgrad-Sha256";
const PARALLEL = 4;
const RUNTIME = new URL("assets/pyodide/", SCOPE).href;

const byUrl = new Map(BUILD.files.map((f) => [new URL(f.url, SCOPE).href, f]));

// The precache key of a request URL, or null: the query is dropped, guide/x/index.html -> guide/x/.
function keyOf(href) {
  const url = new URL(href);
  url.search = "";
  url.hash = "";
  let key = url.href;
  if (key.endsWith("/index.html")) key = key.slice(0, -"index.html".length);
  return byUrl.has(key) ? key : null;
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function verified(response, file) {
  if (!response || !response.ok || response.type === "opaque") return null;
  const bytes = await response.arrayBuffer();
  if (bytes.byteLength !== file.size) return null;
  if (hex(await crypto.subtle.digest("SHA-256", bytes)) !== file.sha256) return null;
  const headers = new Headers();
  const type = response.headers.get("Content-Type");
  if (type) headers.set("Content-Type", type);
  headers.set("Content-Length", String(file.size));
  headers.set(SHA_HEADER, file.sha256);
  return new Response(bytes, { status: 200, statusText: "OK", headers });
}

// Entries of older biasgrad-site-* caches, by sha256, to reuse on an update.
async function olderCopies() {
  const found = new Map();
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const sha = response && response.headers.get(SHA_HEADER);
      if (sha && !found.has(sha)) found.set(sha, response);
    }
  }
  return found;
}

async function precacheOne(cache, file, older) {
  const href = new URL(file.url, SCOPE).href;
  const copy = older.get(file.sha256);
  let response = copy ? await verified(copy.clone(), file) : null;
  // the HTTP cache first (the first visit just loaded most of these), then the server itself
  if (!response) response = await verified(await fetch(href, { credentials: "same-origin" }), file);
  if (!response) response = await verified(await fetch(href, { cache: "reload", credentials: "same-origin" }), file);
  if (!response) throw new Error(`${file.url} does not match this build (size or sha256)`);
  await cache.put(href, response);
}

async function precache() {
  const t0 = Date.now();
  const cache = await caches.open(CACHE);
  const older = await olderCopies();
  const queue = [...BUILD.files];
  const workers = Array.from({ length: PARALLEL }, async () => {
    while (queue.length) await precacheOne(cache, queue.shift(), older);
  });
  try {
    await Promise.all(workers);
  } catch (error) {
    queue.length = 0;
    await caches.delete(CACHE); // never leave a half-filled version behind
    throw error;
  }
  self.__precacheMs = Date.now() - t0;
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function offlinePage() {
  const cached = await caches.match(new URL(BUILD.offline, SCOPE).href, { cacheName: CACHE });
  const body = cached ? await cached.text()
    : "<!doctype html><title>Offline</title><p>This page is not saved in this browser and the network cannot be reached. <a href=\"" + SCOPE + "\">The guide's home page</a> works offline.</p>";
  return new Response(body, { status: 503, statusText: "Service Unavailable",
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

async function answer(request, key) {
  if (key) {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(key);
    if (hit) return hit;
  }
  try {
    return await fetch(request);
  } catch (error) {
    if (request.mode === "navigate") return offlinePage();
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  if (request.headers.has("range")) return;
  if (request.destination === "" && request.url.startsWith(RUNTIME)) return; // worker.js: savedCopy()
  const key = keyOf(request.url);
  // neither precached nor a page: the browser's own network path, untouched
  if (!key && request.mode !== "navigate") return;
  event.respondWith(answer(request, key));
});

self.addEventListener("message", (event) => {
  if (event.data === "version" && event.source) {
    event.source.postMessage({ type: "biasgrad-sw", version: BUILD.version, precacheMs: self.__precacheMs ?? null });
  }
});
