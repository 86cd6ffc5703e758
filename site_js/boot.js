// Loaded once per full page load (extra_javascript, type=module). Material's instant navigation
// swaps the page content and emits on document$; each emission mounts the widgets of the new view.
// The Python runtime lives in runtime.js's module scope, so it survives navigation.

import { loadKatex, loadKatexStyles, renderArithmatex, unrenderedMath } from "./vendor.js";

const HERE = import.meta.url;

async function mountView() {
  const content = document.querySelector("article") || document.body;
  const calculators = content.querySelectorAll('[data-widget="calculator"]');
  const examples = content.querySelectorAll("[data-example]");
  const explorers = content.querySelectorAll('[data-widget="explorer"]');
  const trainings = content.querySelectorAll('[data-widget="training"]');
  // hooks/katex.py typesets math at build time; KaTeX's script loads only if some is left.
  const hasMath = unrenderedMath(content).length > 0;
  if (content.querySelector(".katex")) loadKatexStyles();

  if (calculators.length || examples.length || explorers.length || trainings.length) {
    // Start Python first: it is the long pole; everything else overlaps with it.
    const { runtime } = await import(new URL("./runtime.js", HERE).href);
    runtime();
    import(new URL("./saved-python.js", HERE).href).then((m) => m.mountSavedPythonNote(content))
      .catch((error) => console.warn("saved-Python note:", error.message));
  }
  if (hasMath) {
    loadKatex().then((katex) => renderArithmatex(katex, content)).catch((error) => console.warn(error.message));
  }
  if (calculators.length) {
    const { mountCalculator } = await import(new URL("./calculator.js", HERE).href);
    for (const root of calculators) mountCalculator(root);
  }
  for (const [roots, module, mount, what] of [
    [examples, "./example.js", "mountExample", "Examples"],
    [explorers, "./explorer.js", "mountExplorer", "Explorers"],
    [trainings, "./training.js", "mountTraining", "The training widget"],
  ]) {
    if (!roots.length) continue;
    try {
      const mod = await import(new URL(module, HERE).href);
      for (const root of roots) mod[mount](root);
    } catch (error) {
      console.warn(`${what} could not start:`, error.message);
    }
  }
}

if (globalThis.document$ && typeof globalThis.document$.subscribe === "function") {
  globalThis.document$.subscribe(() => {
    mountView().catch((error) => console.error(error));
  });
} else {
  mountView().catch((error) => console.error(error));
}
