// The "Check your own code" page: mountDiagnose(root) and mountPractice(root).
//
// The build wrote both widgets (hooks/diagnose.py) with the verdict of the starter code and the
// default practice problem. Here the editor comes alive (example.js's mountEditor), Check sends
// the code to the worker, call("diagnose_code", source, activation, loss, reduction), and the
// verdict (plain data from biasgrad.web.diagnose) is written into the same elements:
//
//   [data-verdict-title]   the mistake's title and code
//   [data-verdict]         the message; data-result = ok | mistake | error;
//                          data-mistake = the code, "none" when right (absent for bad input)
//   [data-link]            where the guide explains the mistake (data-root + verdict.link)
//   [data-compare]         expected against got, with shapes, for the first failing trial
//   [data-charts]          the per-neuron chart (a figure spec, drawn by chart.js)
//
// Reader code runs in the shared worker. A check that runs longer than 4 s gets a Stop button,
// which restarts the worker (the only way to interrupt it), as the guide's examples do.
//
// Practice: call("practice_problem", seed) and call("check_practice", seed, answer); the seed is
// in the URL (?problem=SEED), so a link names one exact problem.

import { call, onProgress, restart, runtime } from "./runtime.js";
import { mountEditor, progressText } from "./example.js";
import { forgetFigures, renderFigure } from "./chart.js";
import { pageAddress } from "./page_address.js";

const STOP_AFTER_MS = 4000;
const RESTARTED = "The runtime was restarted.";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function shapeText(shape) {
  if (!shape) return "";
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function showVerdict(root, v) {
  const box = root.querySelector("[data-verdict-box]");
  const title = box.querySelector("[data-verdict-title]");
  const verdict = box.querySelector("[data-verdict]");
  const code = v.mistake || "none";
  title.replaceChildren();
  if (v.status === "ok") title.textContent = "Right";
  else if (v.status === "pending") title.textContent = "";
  else if (v.status === "error") title.textContent = "Not checked";
  else {
    title.append(`${v.title || ""} `, el("code", "", code));
  }
  verdict.textContent = v.message || "";
  verdict.dataset.result = v.status;
  if (v.status === "error" || v.status === "pending") delete verdict.dataset.mistake;
  else verdict.dataset.mistake = code;
  const linkBox = box.querySelector("[data-link-box]");
  const link = box.querySelector("[data-link]");
  linkBox.hidden = !v.link;
  if (v.link) link.href = (root.dataset.root || "") + v.link;
}

function showCompare(root, v) {
  const box = root.querySelector("[data-compare]");
  if (v.status !== "mistake" || (v.expected === null && v.got === null)) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const parts = [];
  if (v.shapes && Object.keys(v.shapes).length) {
    const shapes = Object.entries(v.shapes).map(([k, s]) => `${k} ${shapeText(s)}`).join(", ");
    parts.push(el("p", "bg-diagnose__trial", `First failing trial (${(v.trial ?? 0) + 1}): ${shapes}.`));
  }
  for (const [key, label, text, shape] of [["expected", "Expected db", v.expected_text, v.expected_shape],
                                            ["got", "Your db", v.got_text, v.got_shape]]) {
    const row = el("div", "bg-diagnose__array");
    row.dataset.array = key;
    const head = el("span", "bg-diagnose__array-label", shape ? `${label}, shape ${shapeText(shape)}` : label);
    const pre = el("pre");
    pre.append(el("code", "", text ?? "—"));
    row.append(head, pre);
    parts.push(row);
  }
  box.replaceChildren(...parts);
  box.hidden = false;
}

async function showChart(root, v) {
  const host = root.querySelector("[data-charts]");
  if (!v.figure) {
    host.replaceChildren();
    return;
  }
  const container = el("div", "bg-chart");
  container.dataset.chart = `${root.id}-chart`;
  host.replaceChildren(container);
  await renderFigure(container, v.figure);
}

function showStdout(root, text) {
  const box = root.querySelector("[data-stdout]");
  box.hidden = !text;
  box.querySelector("code").textContent = text || "";
}

// A long call gets a Stop button that restarts the worker; returns a function that removes it.
function offerStop(after, setStatus) {
  let button = null;
  const timer = setTimeout(() => {
    button = el("button", "md-button bg-diagnose__stop", "Stop");
    button.type = "button";
    button.dataset.action = "stop";
    button.addEventListener("click", () => {
      setStatus("Stopping: restarting Python…");
      restart().catch(() => {});
    });
    after.after(button);
  }, STOP_AFTER_MS);
  return () => {
    clearTimeout(timer);
    if (button) button.remove();
  };
}

// After a worker that failed (crashed, ran out of memory), the next call starts a fresh one.
let needsRestart = false;
async function callSafely(fn, ...args) {
  if (needsRestart) {
    needsRestart = false;
    await restart();
  }
  try {
    return await call(fn, ...args);
  } catch (error) {
    if (error.message !== RESTARTED) needsRestart = true;
    throw error;
  }
}

function whenReady(root, controls, setStatus, readyText) {
  root.dataset.state = "loading";
  const unsubscribe = onProgress((s) => {
    if (root.dataset.state === "loading" && s.stage !== "idle" && s.stage !== "ready") setStatus(progressText(s));
  });
  runtime().then(() => {
    unsubscribe();
    if (!root.isConnected) return;
    for (const c of controls) c.disabled = false;
    root.dataset.state = "ready";
    setStatus(readyText);
  }).catch((error) => {
    unsubscribe();
    for (const c of controls) c.disabled = false;
    root.dataset.state = "error";
    setStatus(`Python could not start (${error.message}). Check tries again.`);
    needsRestart = true;
  });
  return unsubscribe;
}

export function mountDiagnose(root) {
  const form = root.querySelector("[data-controls]");
  const source = root.querySelector("[data-source]");
  const checkButton = root.querySelector('[data-action="check"]');
  const resetButton = root.querySelector('[data-action="reset"]');
  const status = root.querySelector("[data-status]");
  const original = source.defaultValue;
  const setStatus = (text) => { status.textContent = text; };

  root.querySelector("[data-code]").hidden = true;
  const editor = mountEditor(source, { run: () => form.requestSubmit() });
  source.addEventListener("input", () => { resetButton.disabled = source.value === original; });
  resetButton.addEventListener("click", () => {
    source.value = original;
    editor.refresh();
    resetButton.disabled = true;
    source.focus();
    setStatus("Code reset to the starting example.");
  });

  let running = false;
  async function check() {
    if (running) return;
    running = true;
    root.dataset.state = "running";
    checkButton.disabled = true;
    checkButton.setAttribute("aria-busy", "true");
    const params = ["activation", "loss", "reduction"].map((n) => form.elements.namedItem(n).value);
    let removeStop = () => {};
    // The previous verdict must never pass for this check's: clear it first.
    showVerdict(root, { status: "pending", mistake: null, message: "Checking…" });
    delete root.querySelector("[data-verdict]").dataset.mistake;
    try {
      await runtime().catch(() => {});
      setStatus("Checking your code in the browser…");
      removeStop = offerStop(resetButton, setStatus);
      const t0 = performance.now();
      const v = await callSafely("diagnose_code", source.value, ...params);
      const ms = Math.round(performance.now() - t0);
      removeStop();
      showVerdict(root, v);
      showCompare(root, v);
      showStdout(root, v.stdout);
      await showChart(root, v);
      root.dataset.state = v.status === "error" ? "error" : "ready";
      setStatus(v.status === "error" ? "Not checked: see the message below."
        : `Checked in your browser on 4 seeded batches (${ms} ms).`);
    } catch (error) {
      removeStop();
      root.dataset.state = "error";
      const text = error.message === RESTARTED ? "Stopped. Python was restarted; fix the code and check again."
        : `Could not check: ${error.message}. Press Check to try again with a fresh Python.`;
      setStatus(text);
      showVerdict(root, { status: "error", mistake: null, message: text });
      showCompare(root, { status: "error" });
      await showChart(root, {});
    } finally {
      root.dataset.checks = String(Number(root.dataset.checks || 0) + 1);
      running = false;
      checkButton.disabled = false;
      checkButton.removeAttribute("aria-busy");
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    check();
  });
  const stopProgress = whenReady(root, [...form.querySelectorAll("select"), checkButton], setStatus,
    "Ready: paste your own bias_gradient over the example, pick the activation, loss and reduction, and press Check.");

  // boot.js calls this when Material swaps the page (mount contract).
  return () => {
    stopProgress();
    forgetFigures(root);
  };
}

// ---- practice ---------------------------------------------------------------------------------

function randomSeed() {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0];
}

function seedFromUrl() {
  const text = new URLSearchParams(location.search).get("problem");
  return text !== null && /^\d{1,10}$/.test(text) ? text : null;
}

function setUrlSeed(address, seed) {
  const query = new URLSearchParams(location.search);
  query.set("problem", String(seed));
  address.setQuery(`?${query}`);
}

export function mountPractice(root) {
  const address = pageAddress(); // the seed is written only while this page is the address
  const form = root.querySelector("[data-answer-form]");
  const answer = form.elements.namedItem("answer");
  const checkButton = root.querySelector('[data-action="check"]');
  const newButton = root.querySelector('[data-action="new"]');
  const verdict = root.querySelector("[data-verdict]");
  const setStatus = (text) => { verdict.textContent = text; };

  function showProblem(p) {
    root.dataset.seed = String(p.seed);
    root.querySelector("[data-prompt]").textContent = p.prompt;
    const dl = root.querySelector("[data-problem]");
    dl.replaceChildren(...p.items.map(([key, label, text]) => {
      const item = el("div", "bg-readout__item");
      const dd = el("dd", "", text);
      dd.dataset.output = key;
      item.append(el("dt", "", label), dd);
      return item;
    }));
    root.querySelector("[data-seed-text]").textContent = String(p.seed);
    root.querySelector("[data-share]").href = `?problem=${p.seed}`;
    answer.value = "";
    root.querySelector("[data-verdict-title]").textContent = "";
    delete verdict.dataset.mistake;
    delete verdict.dataset.result;
    root.querySelector("[data-link-box]").hidden = true;
    setStatus("Work out ∂L/∂b on paper, type it and press Check.");
  }

  async function load(seed) {
    const p = await callSafely("practice_problem", seed);
    if (p.status !== "ok") throw new Error(p.message);
    showProblem(p);
    return p;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    checkButton.disabled = true;
    try {
      const v = await callSafely("check_practice", Number(root.dataset.seed), answer.value);
      showVerdict(root, v);
      answer.setAttribute("aria-invalid", v.status === "error" ? "true" : "false");
    } catch (error) {
      setStatus(`Could not check: ${error.message}`);
    } finally {
      checkButton.disabled = false;
    }
  });
  newButton.addEventListener("click", async () => {
    newButton.disabled = true;
    try {
      const p = await load(randomSeed());
      setUrlSeed(address, p.seed);
      answer.focus();
    } catch (error) {
      setStatus(`Could not draw a problem: ${error.message}`);
    } finally {
      newButton.disabled = false;
    }
  });

  const wanted = seedFromUrl();
  const controls = [answer, checkButton, newButton];
  root.dataset.state = "loading";
  if (wanted !== null && wanted !== root.dataset.seed) setStatus(`Loading problem ${wanted}…`);
  runtime().then(async () => {
    if (wanted !== null && wanted !== root.dataset.seed) await load(Number(wanted));
    for (const c of controls) c.disabled = false;
    root.dataset.state = "ready";
  }).catch((error) => {
    for (const c of controls) c.disabled = false;
    root.dataset.state = "error";
    needsRestart = true;
    setStatus(`Python could not start (${error.message}).`);
  });
}
