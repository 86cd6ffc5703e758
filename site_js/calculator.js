// mountCalculator(root): bring a pre-rendered calculator (hooks/widgets.py) to life.
//
// The HTML already holds every number, computed at build time by the same Python module. This
// script starts (or joins) the one Python runtime, then sends the form's raw strings to
// biasgrad.web.calculator.calculate on every change and writes the answer back: outputs
// (data-value = repr of the float, text = a readable rounding), formulas (KaTeX), warnings, the
// NumPy code, the chart and the shareable URL. Text always goes in with textContent.

import { call, lastCallDuration, onProgress, restart, runtime } from "./runtime.js";
import { forgetFigures, renderFigure, renderFigureNow } from "./chart.js";
import { highlight } from "./highlight.js";
import { pageAddress } from "./page_address.js";
import { amount, stageLabel } from "./stages.js";
import { loadKatex, renderTex } from "./vendor.js";

const FIELDS = ["x", "w", "b", "y", "activation", "loss", "lr"];
const DETAILS_DELAY_MS = 90;
const READY = "Python is running in your browser: every change is computed live by the biasgrad module.";

let katex = null;
const katexReady = () => (katex ? Promise.resolve(katex) : loadKatex().then((k) => (katex = k)));

function parseNumber(text) {
  const value = Number(String(text).trim().replace("\u2212", "-"));
  return String(text).trim() !== "" && Number.isFinite(value) ? value : null;
}

function roundTo(value, step) {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(digits));
}

export function mountCalculator(root) {
  const form = root.querySelector("form");
  const controls = Object.fromEntries(FIELDS.map((name) => [name, form.elements.namedItem(name)]));
  const sliders = Object.fromEntries([...root.querySelectorAll("[data-slider-for]")].map((s) => [s.dataset.sliderFor, s]));
  const messages = Object.fromEntries([...root.querySelectorAll("[data-error-for]")].map((m) => [m.dataset.errorFor, m]));
  const statusText = root.querySelector("[data-status-text]");
  const progressBar = root.querySelector("[data-progress]");
  const retryButton = root.querySelector('[data-action="retry"]');
  const staleNote = root.querySelector("[data-stale-note]");
  const charts = [...root.querySelectorAll("[data-chart]")]; // payload.figures, in order
  const share = root.querySelector("[data-share]");
  const syncUrl = root.dataset.syncUrl === "true";
  const address = pageAddress(); // the page this calculator is on, for its late URL writes
  const staleDefault = staleNote.textContent;
  let live = false; // a live result has been applied
  let inflight = false;
  let queued = false;
  let generation = 0;
  let detailsTimer = null;

  // --- the form starts from the URL (first calculator on the page only) ---------------------
  // A menu cannot show text that is none of its options ("ReLU", "BCE", a typo): that text is
  // sent to Python as the reader wrote it, and the menu follows the name Python resolved.
  const typedChoice = {};
  if (syncUrl) {
    const query = new URLSearchParams(location.search);
    let fromUrl = false;
    for (const name of FIELDS) {
      if (query.has(name) && controls[name]) {
        const text = query.get(name);
        const control = controls[name];
        if (control.tagName === "SELECT" && ![...control.options].some((o) => o.value === text)) typedChoice[name] = text;
        else control.value = text;
        fromUrl = true;
      }
    }
    if (fromUrl) {
      syncSliders();
      markStale("The numbers below are the page's example; your link's values are computed once Python has loaded.");
    }
  }

  // --- the chart and formulas: drawn once Python is up (or has failed, or after a while), so
  // that Plot and KaTeX do not compete with the runtime's download and compile for the CPU.
  let decorated = false;
  const decorate = () => {
    if (decorated || !root.isConnected) return;
    decorated = true;
    for (const chart of charts) {
      if (!chart.dataset.figureSpec || chart.__bgSpec) continue;
      try {
        renderFigure(chart, JSON.parse(chart.dataset.figureSpec)).catch((error) => console.warn(error.message));
      } catch (error) {
        console.warn("calculator: bad figure spec", error);
      }
    }
    katexReady().then(renderAllTex).catch((error) => console.warn(error.message));
  };
  const decorateTimer = setTimeout(decorate, 8000);

  // --- runtime state -------------------------------------------------------------------------
  const unsubscribe = onProgress((state) => {
    if (!root.isConnected) {
      queueMicrotask(() => unsubscribe());
      return;
    }
    showProgress(state);
  });
  retryButton.addEventListener("click", () => {
    retryButton.hidden = true;
    restart().then(compute, () => {});
  });
  runtime().then(compute, decorate);

  // --- inputs ----------------------------------------------------------------------------------
  form.addEventListener("input", (event) => {
    const target = event.target;
    if (target.dataset && target.dataset.sliderFor) {
      const name = target.dataset.sliderFor;
      controls[name].value = target.value;
    } else if (target.name && sliders[target.name]) {
      const value = parseNumber(target.value);
      if (value !== null) sliders[target.name].value = String(value);
    }
    changed();
  });
  form.addEventListener("change", (event) => {
    if (event.target.tagName !== "SELECT") return;
    delete typedChoice[event.target.name];
    changed();
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-step]");
    if (!button) return;
    const name = button.dataset.for;
    const step = Number(button.dataset.step);
    const value = parseNumber(controls[name].value);
    if (value === null) {
      controls[name].focus();
      return;
    }
    const next = roundTo(value + step, Math.abs(step));
    controls[name].value = String(next);
    if (sliders[name]) sliders[name].value = String(next);
    changed();
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  function changed() {
    if (!live) markStale("Python is still loading; the numbers below are the page's example until it is ready.");
    compute();
  }

  function raw() {
    return Object.fromEntries(FIELDS.map((name) => [name,
      name in typedChoice ? typedChoice[name] : controls[name] ? String(controls[name].value) : ""]));
  }

  function compute() {
    if (inflight) {
      queued = true; // only the newest input matters; send it when the current call returns
      return;
    }
    inflight = true;
    const mine = ++generation;
    const started = performance.now();
    // Once live, an input asks only for what follows it at once (the numbers and the L(b)
    // chart); the formulas, code and second chart are asked for when the input pauses.
    call(live ? "calculate_chart" : "calculate", raw())
      .then((payload) => {
        if (mine === generation && root.isConnected) apply(payload, started);
      })
      .catch((error) => {
        if (!error || !error.kind || mine !== generation || !root.isConnected) return;
        // calculate() answers every input with ok or a field error; this is a bug, said in one line.
        const last = String(error.message || "").trim().split("\n").pop();
        markStale(`Python could not compute this (${error.kind}: ${last}). The numbers below are for the last valid input.`);
        root.dataset.state = "ready";
      })
      .finally(() => {
        inflight = false;
        if (queued) {
          queued = false;
          compute();
        }
      });
  }

  // --- writing results -------------------------------------------------------------------------
  function apply(payload, started) {
    for (const [name, value] of Object.entries(payload.choices || {})) {
      if (!(name in typedChoice) || !controls[name]) continue;
      controls[name].value = value;
      delete typedChoice[name];
    }
    if (!payload.ok) {
      showErrors(payload.errors || []);
      return;
    }
    showErrors([]);
    for (const output of root.querySelectorAll("[data-output]")) {
      const key = output.dataset.output;
      if (!(key in payload.values)) continue;
      output.dataset.value = payload.repr[key];
      output.textContent = payload.text[key];
    }
    for (const item of root.querySelectorAll("[data-summary]")) {
      const key = item.dataset.summary;
      if (key in payload.text) item.textContent = payload.text[key];
    }
    drawSpark(payload.figures && payload.figures[0]);
    const pythonMs = lastCallDuration();
    // The main chart (L against b) follows every input; the others follow with the formulas.
    const figures = payload.figures || [];
    const chartDone = charts[0] && figures[0] ? renderFigureNow(charts[0], figures[0]) : Promise.resolve();
    chartDone.then(() => {
      root.dataset.updates = String((Number(root.dataset.updates) || 0) + 1);
      root.dispatchEvent(new CustomEvent("biasgrad:update", { detail: { ms: performance.now() - started, pythonMs } }));
    });
    // Formulas (KaTeX), warnings, code and the URL follow a moment later, once the input pauses:
    // a slider drag keeps the numbers and the chart at frame rate.
    clearTimeout(detailsTimer);
    if (payload.substituted) {
      detailsTimer = setTimeout(() => details(payload), live ? DETAILS_DELAY_MS : 0);
    } else {
      // a chart-only answer: ask for the full one once the input pauses; a newer input drops it
      const asked = generation;
      detailsTimer = setTimeout(() => call("calculate", raw()).then((full) => {
        if (asked === generation && root.isConnected && full.ok) details(full);
      }, (error) => console.warn("calculator: the details call failed", error)), DETAILS_DELAY_MS);
    }
    clearStale();
    root.dataset.state = "ready";
  }

  function details(payload) {
    if (!root.isConnected) return;
    const figures = payload.figures || [];
    charts.slice(1).forEach((chart, i) => {
      if (figures[i + 1]) renderFigureNow(chart, figures[i + 1]).catch((error) => console.warn(error.message));
    });
    for (const formula of root.querySelectorAll("[data-formula]")) {
      const key = formula.dataset.formula;
      const tex = payload.substituted[key];
      if (tex === undefined || formula.dataset.tex === tex) continue;
      formula.dataset.tex = tex;
      formula.dataset.text = payload.substituted_text[key];
      if (katex) renderTex(katex, formula, tex);
      else {
        formula.textContent = payload.substituted_text[key];
        formula.dataset.pending = "true";
      }
    }
    showWarnings(payload.warnings || []);
    for (const code of root.querySelectorAll("[data-code]")) {
      const text = payload.code[code.dataset.code];
      if (text !== undefined && code.dataset.source !== text) {
        highlight(text.replace(/\n$/, ""), code);
        code.dataset.source = text;
      }
    }
    if (share && payload.url) share.setAttribute("href", payload.url + location.hash);
    if (syncUrl && payload.url && (live || location.search)) address.setQuery(payload.url);
    live = true;
    decorate();
  }

  // The phone summary's small chart: the L(b) curve with b and b′ (the full chart is below).
  const spark = root.querySelector("[data-spark]");
  if (charts[0] && charts[0].dataset.figureSpec) {
    try {
      drawSpark(JSON.parse(charts[0].dataset.figureSpec)); // the build's numbers until Python answers
    } catch (error) {
      console.warn("calculator: bad figure spec", error);
    }
  }
  function drawSpark(spec) {
    if (!spark || !spec) return;
    const curve = spec.series[0];
    const dots = spec.series.filter((s) => s.mark === "dot");
    const ok = Number.isFinite;
    const xs = curve.x, ys = curve.y;
    const shown = dots.filter((s) => ok(s.x[0]) && ok(s.y[0]));
    const finiteY = ys.filter(ok).concat(shown.map((s) => s.y[0]));
    if (!finiteY.length || !ok(xs[0]) || !ok(xs[xs.length - 1])) return spark.replaceChildren();
    const [x0, x1] = [xs[0], xs[xs.length - 1]];
    const top = spec.y_domain ? spec.y_domain[1] : Math.max(...finiteY); // the chart's own cap
    const [y0, y1] = [Math.min(...finiteY), top];
    const sx = (x) => 2 + ((x - x0) / (x1 - x0 || 1)) * 116;
    const sy = (y) => Math.max(1, 33 - ((y - y0) / (y1 - y0 || 1)) * 30);
    let d = "";
    let pen = false;
    xs.forEach((x, i) => {
      if (!ok(ys[i]) || !ok(x)) { pen = false; return; }
      d += `${pen ? "L" : "M"}${sx(x).toFixed(1)},${sy(ys[i]).toFixed(1)}`;
      pen = true;
    });
    const ns = "http://www.w3.org/2000/svg";
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    path.setAttribute("class", "bg-calc__spark-line");
    const marks = shown.map((s, i) => {
      const c = document.createElementNS(ns, "circle");
      c.setAttribute("cx", sx(s.x[0]).toFixed(1));
      c.setAttribute("cy", sy(s.y[0]).toFixed(1));
      c.setAttribute("r", "3");
      c.setAttribute("class", i === 0 ? "bg-calc__spark-now" : "bg-calc__spark-next");
      return c;
    });
    spark.replaceChildren(path, ...marks);
  }

  function showErrors(errors) {
    const byField = new Map();
    const general = [];
    for (const error of errors) {
      if (error.field && messages[error.field]) byField.set(error.field, error.message);
      else general.push(error.message);
    }
    for (const name of FIELDS) {
      const control = controls[name];
      const message = messages[name];
      if (!control || !message) continue;
      if (byField.has(name)) {
        control.setAttribute("aria-invalid", "true");
        message.textContent = byField.get(name);
        message.hidden = false;
      } else {
        control.removeAttribute("aria-invalid");
        message.textContent = "";
        message.hidden = true;
      }
    }
    if (errors.length) {
      markStale(general.length ? `${general.join(" ")} The numbers below are for the last valid input.` : staleDefault);
      root.dataset.state = "ready";
    }
  }

  function showWarnings(warnings) {
    const box = root.querySelector("[data-warnings-box]");
    const list = root.querySelector("[data-warnings]");
    if (!box || !list) return;
    list.replaceChildren(...warnings.map((warning) => {
      const item = document.createElement("li");
      item.dataset.warning = warning.code;
      item.textContent = warning.message;
      return item;
    }));
    box.hidden = warnings.length === 0;
  }

  function markStale(text) {
    root.dataset.stale = "true";
    staleNote.textContent = text;
    staleNote.hidden = false;
  }

  function clearStale() {
    delete root.dataset.stale;
    staleNote.hidden = true;
    staleNote.textContent = staleDefault;
  }

  function syncSliders() {
    for (const [name, slider] of Object.entries(sliders)) {
      const value = parseNumber(controls[name].value);
      if (value !== null) slider.value = String(value);
    }
  }

  // Render what the build could not (no Node) and what changed before KaTeX had loaded.
  function renderAllTex(k) {
    for (const element of root.querySelectorAll(".bg-sym[data-tex], [data-formula][data-tex]")) {
      if (element.querySelector(".katex") && !element.dataset.pending) continue;
      if (element.dataset.tex) renderTex(k, element, element.dataset.tex);
      delete element.dataset.pending;
    }
  }

  function showProgress(state) {
    const { stage } = state;
    if (stage === "error") {
      root.dataset.state = "error";
      statusText.textContent = `Python could not be loaded, so the calculator cannot update: ${state.message} `
        + "The numbers shown were computed when the page was built.";
      progressBar.hidden = true;
      retryButton.hidden = false;
      return;
    }
    retryButton.hidden = true;
    if (stage === "ready") {
      statusText.textContent = READY;
      progressBar.hidden = true;
      return;
    }
    if (root.dataset.state !== "ready") root.dataset.state = "loading";
    const label = stageLabel(stage);
    if (state.total) {
      statusText.textContent = `${label} ${amount(state)}… `
        + "The numbers below were computed when the page was built.";
      progressBar.hidden = false;
      progressBar.max = state.total;
      progressBar.value = state.loaded;
    } else {
      statusText.textContent = `${label}… The numbers below were computed when the page was built.`;
    }
  }

  // boot.js calls this when Material swaps the page: nothing outside the page keeps it alive.
  return () => {
    unsubscribe();
    clearTimeout(decorateTimer);
    clearTimeout(detailsTimer);
    forgetFigures(root);
  };
}
