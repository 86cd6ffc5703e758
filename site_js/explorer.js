// Explorers: mountExplorer(root) wires the controls that hooks/examples.py rendered at build time
// to biasgrad.web.explorers.explore(name, params) in the Python worker, and redraws.
//
// root: [data-widget="explorer"][data-explorer=NAME][data-state=static|loading|ready|error]
//   [data-controls]   form: select / input[type=range] / stepper (hidden input + buttons[data-step])
//   [data-readout]    <dl> with dd[data-output=KEY]
//   .bg-explorer__chart  one div.bg-figure[data-chart] per figure
//   [data-note], [data-status]

import { call } from "./runtime.js";
import { drawFigures, figureContainer, releaseFigures } from "./example.js";

function params(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    const n = Number(el.value);
    out[el.name] = el.type === "range" || el.type === "hidden" ? n : el.value;
  }
  return out;
}

function renderReadout(readout, items) {
  const dl = document.createElement("dl");
  dl.className = "bg-readout";
  for (const item of items) {
    const row = document.createElement("div");
    row.className = "bg-readout__item";
    const dt = document.createElement("dt");
    dt.textContent = item.label;
    const dd = document.createElement("dd");
    dd.dataset.output = item.key;
    dd.dataset.value = item.value === null ? "" : String(item.value);
    dd.textContent = item.text;
    row.append(dt, dd);
    dl.append(row);
  }
  readout.replaceChildren(dl);
}

export function mountExplorer(root) {
  const name = root.dataset.explorer;
  const form = root.querySelector("[data-controls]");
  const readout = root.querySelector("[data-readout]");
  const chartBox = root.querySelector(".bg-explorer__chart");
  const note = root.querySelector("[data-note]");
  const status = root.querySelector("[data-status]");
  const id = root.id || name;

  for (const el of form.querySelectorAll("select, input, button")) el.disabled = false;

  let inFlight = false;
  let queued = false;
  let edits = 0; // the reader's changes so far; a view answers the edits made before it was asked

  function syncSteppers() {
    for (const group of form.querySelectorAll(".bg-control--stepper")) {
      const input = group.querySelector("input");
      const v = Number(input.value);
      group.querySelector('[data-step="-1"]').disabled = v <= Number(input.dataset.min);
      group.querySelector('[data-step="1"]').disabled = v >= Number(input.dataset.max);
      group.querySelector('[data-step="reset"]').disabled = v <= Number(input.dataset.min);
    }
  }

  function apply(view) {
    for (const control of view.controls) {
      const out = form.querySelector(`output[data-value-of="${control.name}"]`);
      if (out && control.text !== undefined) out.textContent = control.text;
      const el = form.elements.namedItem(control.name);
      if (el && String(el.value) !== String(control.value) && document.activeElement !== el) el.value = control.value;
    }
    renderReadout(readout, view.readout || []);
    note.textContent = view.note || "";
    chartBox.replaceChildren(...(view.figures || []).map((spec, i) => figureContainer(spec, `${id}-chart${i ? i + 1 : ""}`)));
    syncSteppers();
    return drawFigures(chartBox);
  }

  async function update() {
    if (inFlight) {
      queued = true;
      return;
    }
    inFlight = true;
    root.dataset.state = "loading";
    status.textContent = "Computing in Python…";
    try {
      const asked = edits;
      const view = await call("explore", name, params(form));
      // The reader changed a control while this view was computed (or while Python loaded):
      // never write the older view's values over theirs; the newer request follows at once.
      if (edits !== asked) {
        queued = true;
        return;
      }
      await apply(view);
      root.dataset.params = JSON.stringify(view.params);
      root.dataset.updates = String(Number(root.dataset.updates || 0) + 1);
      root.dataset.state = "ready";
      status.textContent = "";
    } catch (error) {
      root.dataset.state = "error";
      status.textContent = `Could not update: ${error.message}`;
    } finally {
      inFlight = false;
      if (queued) {
        queued = false;
        update();
      }
    }
  }

  form.addEventListener("input", (event) => {
    edits += 1;
    const el = event.target;
    const out = form.querySelector(`output[data-value-of="${el.name}"]`);
    if (out && el.type === "range") out.textContent = el.value;
    update();
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-step]");
    if (!button) return;
    edits += 1;
    const input = button.parentElement.querySelector("input");
    const min = Number(input.dataset.min);
    const max = Number(input.dataset.max);
    const step = Number(input.dataset.increment || 1);
    let v = Number(input.value);
    if (button.dataset.step === "reset") v = min;
    else v = Math.min(max, Math.max(min, v + Number(button.dataset.step) * step));
    input.value = String(v);
    const out = button.parentElement.querySelector("output");
    if (out) out.textContent = String(v);
    syncSteppers();
    update();
  });
  syncSteppers();
  // "ready" means the reader sees the build-time figure drawn and the controls answer.
  drawFigures(chartBox)
    .catch((error) => console.warn("Chart could not be drawn:", error.message))
    .finally(() => {
      if (root.dataset.state === "static") root.dataset.state = "ready";
    });
  return () => releaseFigures(root); // boot.js: the page was swapped
}
