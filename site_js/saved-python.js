// The one line that tells the reader about the Python saved in their browser (snapshot.js), with
// the way to remove it. Mounted once per page view (boot.js), right after the first widget's status
// line.
//
//   saved:     "Python is saved in this browser (49.1 MB) …"            [Forget the saved Python]
//   not yet:   "After the first result, this guide saves about 49 MB …" [Forget the saved Python]
//   forgotten: "Python is not saved in this browser: you chose to forget it." [Save it again]
//
// "Forget" deletes the cache entry and leaves a marker so the worker does not save it again;
// "Save it again" removes the marker (the next visit saves it after the first result).

import { megabytes } from "./number_format.js";
import { CACHE_NAME, DECLINED_URL, META_URL } from "./snapshot.js";

const ABOUT_MB = 49; // the heap (36 MB) and site-packages (13 MB) as measured; tested against the saved size

async function savedState() {
  if (typeof caches === "undefined") return null;
  if (!(await caches.has(CACHE_NAME))) return { kind: "not-yet" };
  const cache = await caches.open(CACHE_NAME);
  if (await cache.match(DECLINED_URL)) return { kind: "forgotten" };
  const meta = await cache.match(META_URL);
  if (!meta) return { kind: "not-yet" };
  const { bytes, files } = await meta.json(); // the heap and site-packages (snapshot.js)
  return { kind: "saved", bytes: bytes + (files ? files.bytes : 0) };
}

async function forget() {
  await caches.delete(CACHE_NAME);
  const cache = await caches.open(CACHE_NAME);
  await cache.put(DECLINED_URL, new Response("the reader chose to forget the saved Python"));
}

async function saveAgain() {
  await caches.delete(CACHE_NAME);
}

function render(note, state) {
  const text = note.querySelector("span");
  const button = note.querySelector("button");
  note.dataset.saved = state.kind;
  if (state.kind === "saved") {
    text.textContent = `Python is saved in this browser (${megabytes(state.bytes)} MB), so your next visit starts in about a second.`;
    button.textContent = "Forget the saved Python";
  } else if (state.kind === "forgotten") {
    text.textContent = "Python is not saved in this browser: you chose to forget it.";
    button.textContent = "Save it again";
  } else {
    text.textContent = `After the first result, this guide saves about ${ABOUT_MB} MB of Python in your browser, so your next visit starts faster.`;
    button.textContent = "Forget the saved Python";
  }
}

export async function mountSavedPythonNote(content) {
  const status = content.querySelector("[data-status]");
  if (!status || content.querySelector("[data-saved-python]")) return;
  const state = await savedState().catch(() => null);
  if (!state) return; // no Cache Storage: nothing is ever saved, so nothing to say
  const note = document.createElement("p");
  note.className = "bg-saved-python";
  note.dataset.savedPython = "";
  note.append(document.createElement("span"), " ");
  const button = document.createElement("button");
  button.type = "button";
  note.append(button);
  render(note, state);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await (note.dataset.saved === "forgotten" ? saveAgain() : forget());
      render(note, await savedState());
    } catch (error) {
      console.warn("biasgrad: could not change the saved Python:", error.message);
    } finally {
      button.disabled = false;
    }
  });
  const update = () => savedState().then((next) => next && note.isConnected && render(note, next), () => {});
  globalThis.addEventListener?.("biasgrad:snapshot", update);
  // after the status line (outside its aria-live region, so it is not announced on every change)
  (status.closest("[data-bar]") || status).insertAdjacentElement("afterend", note);
  // boot.js mount contract: the page-wide listener goes when Material swaps the page
  return () => globalThis.removeEventListener?.("biasgrad:snapshot", update);
}
