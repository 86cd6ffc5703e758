// mountTraining(root): the training widget of the guide's training page.
//
// The build writes the form, a summary and every chart of the default run (hooks/training.py).
// Here the charts are drawn from their specs, and "Train" sends the form's values to the worker:
// call("train_iris", params) -> {ok, config, summary, convention, figures} | {ok: false, errors}.
//
// root[data-state]: static (as built) -> loading (Python starting) -> ready -> running -> ready | error

import { call, runtime, onProgress } from "./runtime.js";
import { forgetFigures, renderFigure } from "./chart.js";
import { drawFigures } from "./example.js";
import { stageLabel } from "./stages.js";

function chartContainer(spec, widgetId) {
  const div = document.createElement("div");
  div.className = "bg-chart";
  div.dataset.chart = `${widgetId}-${spec.id}`;
  return div;
}

function readForm(form) {
  const params = {};
  for (const field of form.elements) {
    if (field.name) params[field.name] = field.value;
  }
  return params;
}

function setSummary(root, items) {
  const dl = document.createElement("dl");
  dl.className = "bg-readout";
  for (const [key, label, text] of items) {
    const item = document.createElement("div");
    item.className = "bg-readout__item";
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.dataset.output = key;
    dd.textContent = text;
    item.append(dt, dd);
    dl.append(item);
  }
  root.querySelector("[data-summary]").replaceChildren(dl);
}

function showErrors(root, errors) {
  for (const span of root.querySelectorAll("[data-error-for]")) span.textContent = "";
  for (const field of root.querySelectorAll("[data-controls] [name]")) field.removeAttribute("aria-invalid");
  for (const { field, message } of errors || []) {
    const span = root.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (span) span.textContent = message;
    const input = root.querySelector(`[data-controls] [name="${CSS.escape(field)}"]`);
    if (input) input.setAttribute("aria-invalid", "true");
  }
}

export function mountTraining(root) {
  const form = root.querySelector("[data-controls]");
  const status = root.querySelector("[data-status]");
  const trainButton = root.querySelector('[data-action="train"]');
  const resetButton = root.querySelector('[data-action="reset"]');
  const defaults = JSON.parse(root.dataset.defaults || "{}");
  const setStatus = (text) => { status.textContent = text; };

  // the build-time charts of the default run (example.js: tables folded first, one task each)
  const staticCharts = root.querySelector("[data-charts]");
  if (staticCharts) drawFigures(staticCharts).catch((error) => console.warn("training charts:", error.message));

  root.dataset.state = "loading";
  const unsubscribe = onProgress((p) => {
    if (root.dataset.state !== "loading") return;
    if (p.stage !== "idle" && p.stage !== "ready" && p.stage !== "error") setStatus(`${stageLabel(p.stage)}… The charts show the default run, computed when this page was built.`);
  });

  async function train() {
    const params = readForm(form);
    root.dataset.state = "running";
    trainButton.disabled = true;
    setStatus("Training in your browser…");
    const started = performance.now();
    let result;
    try {
      result = await call("train_iris", params);
    } catch (error) {
      root.dataset.state = "error";
      trainButton.disabled = false;
      setStatus(`Python failed: ${error.message}`);
      return;
    }
    const wall = performance.now() - started;
    trainButton.disabled = false;
    if (!result.ok) {
      showErrors(root, result.errors);
      root.dataset.state = "ready";
      setStatus("Fix the highlighted setting, then train again. The charts still show the previous run.");
      return;
    }
    showErrors(root, []);
    setSummary(root, result.summary_items);
    root.querySelector("[data-convention]").textContent = result.convention;
    const host = root.querySelector("[data-charts]");
    const containers = result.figures.map((spec) => chartContainer(spec, root.id));
    host.replaceChildren(...containers);
    await Promise.all(result.figures.map((spec, i) => renderFigure(containers[i], spec)));
    root.dataset.elapsedMs = String(Math.round(wall));
    root.dataset.state = "ready";
    setStatus(`Trained in your browser: ${result.summary.epochs} epochs in ${Math.round(result.summary.elapsed_ms)} ms of Python ` +
              `(${Math.round(wall)} ms including the round trip to the worker).`);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (root.dataset.state === "ready" || root.dataset.state === "error") train();
  });
  resetButton.addEventListener("click", () => {
    for (const [name, value] of Object.entries(defaults)) {
      const field = form.elements.namedItem(name);
      if (field) field.value = value;
    }
    showErrors(root, []);
  });

  runtime().then(() => {
    unsubscribe();
    for (const field of form.elements) field.disabled = false;
    root.dataset.state = "ready";
    setStatus("Ready. Change a setting and press Train; the charts below show the default run, computed when this page was built.");
  }).catch((error) => {
    unsubscribe();
    root.dataset.state = "error";
    setStatus(`Python could not start (${error.message}). The charts show the default run, computed when this page was built.`);
  });

  return () => { // boot.js: the page was swapped
    unsubscribe();
    forgetFigures(root);
  };
}
