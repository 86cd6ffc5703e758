// Loaded once per full page load (extra_javascript, type=module). Material's instant navigation
// swaps the page content and emits on document$; each emission mounts the widgets of the new view.
// The Python runtime lives in runtime.js's module scope, so it survives navigation.
//
// Mount contract: mount(root) may return a cleanup function. When Material swaps the page (the
// next document$ emission), every cleanup of the previous view runs before the new view mounts,
// so nothing that lives on (the runtime's listeners, chart.js's redraw set, timers) keeps the
// old page's DOM alive.

import { releaseSwappedPage } from "./theme_leaks.js";
import { mountScrollRegions } from "./scroll_regions.js";
import { followFragmentLinks } from "./fragment_link.js";
import { nextTask } from "./next_task.js";
import { mountNearOrLater } from "./mount_later.js";
import { loadKatex, loadKatexStyles, renderArithmatex, unrenderedMath } from "./vendor.js";

const HERE = import.meta.url;

let cleanups = [];
let view = 0; // one per page view; a mount that finishes after the next swap is released at once

function release(cleanup) {
  try {
    cleanup();
  } catch (error) {
    console.warn("A widget could not release its page:", error.message);
  }
}

function unmountView() {
  view += 1;
  const done = cleanups;
  cleanups = [];
  done.forEach(release);
  releaseSwappedPage();
}

// The one mount guard: each widget root is mounted once, and marked data-mounted as soon as its
// handlers are attached (tests and styles wait for that mark).
// A widget that mounts while the reader's focus is in its build-time form (a keyboard reader who
// tabbed to its code) keeps the focus: it moves to the editor that replaces that code.
function mountOnce(mount, root) {
  if (root.dataset.mounted) return undefined;
  const focused = document.activeElement;
  const inside = focused && focused !== document.body && root.contains(focused);
  const cleanup = mount(root);
  root.dataset.mounted = "true";
  if (inside && focused.closest("[hidden]")) {
    const shown = (el) => !el.closest("[hidden]") && !el.disabled;
    const next = [...root.querySelectorAll("[data-source]"), ...root.querySelectorAll("button")].find(shown);
    if (next) next.focus({ preventScroll: true });
  }
  return cleanup;
}

function keep(mine, cleanup) {
  if (typeof cleanup !== "function") return;
  if (mine === view) cleanups.push(cleanup);
  else release(cleanup);
}

async function mountView() {
  const mine = view;
  const content = document.querySelector("article") || document.body;
  const calculators = content.querySelectorAll('[data-widget="calculator"]');
  const examples = content.querySelectorAll("[data-example]");
  const explorers = content.querySelectorAll('[data-widget="explorer"]');
  const trainings = content.querySelectorAll('[data-widget="training"]');
  const checkers = content.querySelectorAll('[data-widget="diagnose"]');
  const practices = content.querySelectorAll('[data-widget="practice"]');
  // hooks/katex.py typesets math at build time; KaTeX's script loads only if some is left.
  const hasMath = unrenderedMath(content).length > 0;
  if (content.querySelector(".katex")) loadKatexStyles();

  let ready = Promise.resolve();
  if (calculators.length || examples.length || explorers.length || trainings.length || checkers.length || practices.length) {
    // Start Python first: it is the long pole; everything else overlaps with it.
    const { runtime } = await import(new URL("./runtime.js", HERE).href);
    ready = runtime();
    import(new URL("./saved-python.js", HERE).href).then((m) => m.mountSavedPythonNote(content))
      .then((cleanup) => keep(mine, cleanup))
      .catch((error) => console.warn("saved-Python note:", error.message));
  }
  keep(mine, mountScrollRegions(content));
  if (hasMath) {
    loadKatex().then((katex) => renderArithmatex(katex, content)).catch((error) => console.warn(error.message));
  }
  if (calculators.length) {
    const { mountCalculator } = await import(new URL("./calculator.js", HERE).href);
    for (const root of calculators) {
      keep(mine, mountOnce(mountCalculator, root));
      await nextTask();
    }
  }
  // The other widgets mount when the reader comes near them, or once Python is ready
  // (mount_later.js): one at a time, each in its own task.
  let queue = Promise.resolve();
  for (const [roots, module, mount, what] of [
    [examples, "./example.js", "mountExample", "Examples"],
    [explorers, "./explorer.js", "mountExplorer", "Explorers"],
    [trainings, "./training.js", "mountTraining", "The training widget"],
    [checkers, "./diagnose.js", "mountDiagnose", "The code checker"],
    [practices, "./diagnose.js", "mountPractice", "The practice widget"],
  ]) {
    if (!roots.length) continue;
    let warned = false;
    const mountOne = (root) => {
      queue = queue.then(async () => {
        if (mine !== view) return; // the page was swapped meanwhile: its successor mounts its own
        const mod = await import(new URL(module, HERE).href);
        keep(mine, mountOnce(mod[mount], root));
        await nextTask();
      }).catch((error) => {
        if (!warned) console.warn(`${what} could not start:`, error.message);
        warned = true;
      });
    };
    keep(mine, mountNearOrLater(roots, ready, mountOne));
  }
}

// A widget's form never submits (Enter in a field would reload the page). One listener for every
// view, instead of inline onsubmit handlers, which a strict Content-Security-Policy blocks.
document.addEventListener("submit", (event) => {
  if (event.target.closest && event.target.closest("[data-widget]")) event.preventDefault();
});

if (globalThis.document$ && typeof globalThis.document$.subscribe === "function") {
  followFragmentLinks(globalThis.document$);
  globalThis.document$.subscribe(() => {
    unmountView();
    mountView().catch((error) => console.error(error));
  });
} else {
  mountView().catch((error) => console.error(error));
}
