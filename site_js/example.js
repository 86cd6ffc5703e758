// Runnable examples: mountExample(root) turns the build-time rendering of a ```python run fence
// (hooks/examples.py) into an editor whose code runs in the shared Python worker.
//
// root: [data-example][data-state=static|running|ready|error]
//   [data-code]      the build-time highlighted code (hidden once the editor is up)
//   [data-source]    <textarea> holding the original code; becomes the editor
//   [data-bar]       button[data-action=run], button[data-action=reset], [data-status]
//   [data-output]    output, pre-rendered at build time, replaced after each run
//
// Keys in the editor: Tab / Shift+Tab indent and dedent, Enter keeps the indentation,
// Ctrl/Cmd+Enter runs, Esc then Tab leaves the editor (in the page's order); the editor says so
// while focused.

import { call, memoryBytes, onProgress, restart, runtime, status as runtimeStatus } from "./runtime.js";
import { highlight } from "./highlight.js";
import { megabytes } from "./number_format.js";
import { foldTables } from "./figure_tables.js";
import { nextTask } from "./next_task.js";
import { stageName } from "./stages.js";

const MEMORY_LIMIT = 512 * 2 ** 20; // above this, offer "Restart Python" (wasm memory never shrinks)
const STOP_AFTER_MS = 4000; // a run this long gets a Stop button (it restarts the worker)

const INDENT = "    ";
const MOD_KEY = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? "⌘" : "Ctrl";
let editorCount = 0;

// ---- editing ---------------------------------------------------------------------------------

function insert(textarea, text) {
  // execCommand keeps the browser's undo stack; setRangeText is the fallback.
  if (!document.execCommand || !document.execCommand("insertText", false, text)) {
    const { selectionStart: s, selectionEnd: e } = textarea;
    textarea.setRangeText(text, s, e, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

function indentLines(textarea, dedent) {
  const value = textarea.value;
  let { selectionStart: s, selectionEnd: e } = textarea;
  const lineStart = value.lastIndexOf("\n", s - 1) + 1;
  if (!dedent && s === e) {
    insert(textarea, INDENT.slice((s - lineStart) % INDENT.length));
    return;
  }
  if (e > s && value[e - 1] === "\n") e -= 1;
  const block = value.slice(lineStart, e);
  const lines = block.split("\n");
  const changed = lines.map((line) => (dedent ? line.replace(/^( {1,4}|\t)/, "") : INDENT + line)).join("\n");
  textarea.setSelectionRange(lineStart, e);
  insert(textarea, changed);
  textarea.setSelectionRange(lineStart, lineStart + changed.length);
}

function newline(textarea) {
  const { value, selectionStart: s } = textarea;
  const lineStart = value.lastIndexOf("\n", s - 1) + 1;
  const line = value.slice(lineStart, s);
  let indent = line.match(/^[ \t]*/)[0];
  if (/:\s*(#.*)?$/.test(line)) indent += INDENT;
  insert(textarea, "\n" + indent);
}

// The editor: the textarea over a highlighted copy of its text (same font, same box). Also used
// by the diagnose widget (diagnose.js). Returns {refresh} (re-highlight after a programmatic change).
export function mountEditor(source, { run } = {}) {
  const editor = document.createElement("div");
  editor.className = "bg-editor highlight";
  const pre = document.createElement("pre");
  pre.className = "bg-editor__hl";
  pre.setAttribute("aria-hidden", "true");
  const code = document.createElement("code");
  pre.append(code);
  const frame = document.createElement("div"); // the editor and, over its corner, its keys
  frame.className = "bg-editor-frame";
  source.replaceWith(frame);
  frame.append(editor);
  editor.append(pre, source);
  source.classList.add("bg-editor__input");
  source.setAttribute("wrap", "off");
  source.hidden = false;
  // Tab indents here, so a keyboard reader needs to be told how to leave: the keys are written
  // in the editor's corner while it has focus, and read out with it (aria-describedby).
  const keys = document.createElement("span");
  keys.className = "bg-editor__keys";
  keys.id = `${source.id || `bg-editor-${++editorCount}`}-keys`;
  // On a phone the middle part is dropped (examples.css), so the line fits in one row.
  for (const [text, part] of [[`${MOD_KEY}+Enter runs`, ""], [" · Tab indents", "tab"], [" · Esc, then Tab, leaves the editor", ""]]) {
    const span = document.createElement("span");
    span.textContent = text;
    if (part) span.className = `bg-editor__keys-${part}`;
    keys.append(span);
  }
  frame.append(keys);
  source.setAttribute("aria-describedby", [source.getAttribute("aria-describedby"), keys.id].filter(Boolean).join(" "));
  const refresh = () => highlight(source.value, code);
  refresh();
  source.addEventListener("input", refresh);
  // Esc hands Tab back to the page for one key: Esc, then Tab (or Shift+Tab), moves focus on in
  // the page's own order, so no control after the editor is skipped.
  let tabLeaves = false;
  source.addEventListener("blur", () => { tabLeaves = false; });
  source.addEventListener("keydown", (event) => {
    const leaving = tabLeaves;
    tabLeaves = false;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      if (run) run();
    } else if (event.key === "Tab" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      if (leaving) return; // the browser moves focus
      event.preventDefault();
      indentLines(source, event.shiftKey);
    } else if (event.key === "Escape") {
      event.preventDefault();
      tabLeaves = true;
    } else if (event.key === "Shift") {
      tabLeaves = leaving; // Shift on its way to Shift+Tab
    } else if (event.key === "Enter" && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      newline(source);
    }
  });
  return { refresh };
}

// ---- output ----------------------------------------------------------------------------------

function block(kind, label, text) {
  const wrap = document.createElement("div");
  wrap.className = `bg-exout bg-exout--${kind}`;
  const tag = document.createElement("span");
  tag.className = "bg-exout__label";
  tag.textContent = label;
  const pre = document.createElement("pre");
  pre.dataset.stream = kind === "expected" ? "error" : kind;
  const code = document.createElement("code");
  code.textContent = text;
  pre.append(code);
  wrap.append(tag, pre);
  return wrap;
}

let chartModule = null;
function chart() {
  if (!chartModule) chartModule = import(new URL("./chart.js", import.meta.url).href);
  return chartModule;
}

// Draw every figure container in `scope` from the spec embedded next to it (figure_tables.js: their
// tables fold first, and open again where a chart cannot be drawn).
export async function drawFigures(scope) {
  const containers = [...scope.querySelectorAll("[data-chart]")];
  if (!containers.length) return;
  const unfold = foldTables(scope);
  try {
    const { renderFigure } = await chart();
    for (const container of containers) {
      // Build-time charts carry the spec in data-figure-spec (an attribute survives Material's
      // instant navigation; a <script> does not); charts made here carry a script[data-figure].
      const script = container.querySelector("script[data-figure]");
      const text = container.dataset.figureSpec ?? (script && script.textContent);
      if (!text) continue;
      const spec = JSON.parse(text);
      await nextTask(); // each figure its own task (no long task at page load)
      await renderFigure(container, spec);
    }
  } catch (error) {
    unfold();
    throw error;
  }
}

// Stop chart.js redrawing the figures inside scope (a widget's cleanup; see boot.js).
export function releaseFigures(scope) {
  if (chartModule) chartModule.then(({ forgetFigures }) => forgetFigures(scope));
}

export function figureContainer(spec, id) {
  const div = document.createElement("div");
  div.className = "bg-chart";
  div.dataset.chart = id;
  const script = document.createElement("script");
  script.type = "application/json";
  script.dataset.figure = "";
  script.textContent = JSON.stringify(spec);
  div.append(script);
  return div;
}

export function renderOutput(output, result, exampleId) {
  const parts = [];
  if (result.stdout) parts.push(block("stdout", "Printed", result.stdout.replace(/\s+$/, "")));
  if (result.result !== null && result.result !== undefined) parts.push(block("result", "Value of the last line", result.result));
  if (result.error) {
    if (result.ok) parts.push(block("expected", `Raises ${result.error.type}, as intended`, result.error.traceback));
    else parts.push(block("error", "Error", result.error.traceback));
  }
  (result.figures || []).forEach((spec, i) => parts.push(figureContainer(spec, `${exampleId}-fig${i + 1}`)));
  if (!parts.length) {
    const p = document.createElement("p");
    p.className = "bg-exout bg-exout--empty";
    p.textContent = "(no output)";
    parts.push(p);
  }
  output.replaceChildren(...parts);
  return drawFigures(output);
}

// ---- the widget ------------------------------------------------------------------------------

// What the runner's output limits left out, in words (the texts themselves say where).
function cutNote(cut) {
  if (!cut) return "";
  const parts = [];
  if (cut.stdout) parts.push("printed output");
  if (cut.frames) parts.push("traceback");
  if (cut.message) parts.push("error message");
  return parts.length ? ` Long ${parts.join(", ")} cut (see the note in the output).` : "";
}

// Once Python's memory passes MEMORY_LIMIT, offer a fresh worker next to the Run button.
function offerRestart(root, after, status) {
  const old = root.querySelector('[data-action="restart"]');
  const bytes = memoryBytes();
  if (bytes <= MEMORY_LIMIT) {
    if (old) old.remove();
    return;
  }
  const note = ` Python now holds ${Math.round(bytes / 2 ** 20)} MB of memory, which the browser never gives back.`;
  status.textContent += note;
  if (old) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "md-button bg-example__restart";
  button.dataset.action = "restart";
  button.textContent = "Restart Python";
  button.addEventListener("click", () => {
    button.remove();
    status.textContent = "Restarting Python…";
    restart().then(() => { status.textContent = "Python restarted with fresh memory."; },
      (error) => { status.textContent = `Could not restart Python: ${error.message}`; });
  });
  after.after(button);
}

export function stageText(s) {
  if (s.stage === "error") return s.message || "Python could not start.";
  const name = stageName(s.stage);
  const file = s.file ? ` (${s.file})` : "";
  if (s.total) return `${name}${file}: ${megabytes(s.loaded || 0)} of ${megabytes(s.total)} MB`;
  if (s.loaded) return `${name}${file}: ${megabytes(s.loaded)} MB`;
  return `${name}${file}`;
}

export function progressText(s, queued = false) {
  if (s.stage === "error") return stageText(s);
  if (s.stage === "ready") return "Running…";
  const text = stageText(s);
  return queued ? `Queued: runs once Python is ready. Now ${text}…` : `${text[0].toUpperCase()}${text.slice(1)}…`;
}

// The earlier examples of this one's session, in page order: the runner's prelude items. An
// earlier example that fails makes this one's error name it (py/biasgrad/web/runner.py).
export function sessionPrelude(root) {
  const session = root.dataset.session;
  if (!session) return [];
  const scope = root.closest("article") || document;
  const items = [];
  for (const other of scope.querySelectorAll("[data-example][data-session]")) {
    if (other === root) break;
    if (other.dataset.session !== session) continue;
    items.push({
      code: other.querySelector("[data-source]").value,
      title: other.dataset.title || other.dataset.example,
      raises: other.dataset.raises || null,
    });
  }
  return items;
}

// Exactly what a run sends to run_example (the browser tests call this too).
export function runOptions(root) {
  const options = { prelude: sessionPrelude(root) };
  if (root.dataset.raises) options.raises = root.dataset.raises;
  return options;
}

function errorStatus(error) {
  if (error.depends_on) return `Did not run: "${error.depends_on}", which this example continues from, raises ${error.type}.`;
  return `${error.type} on line ${error.line ?? "?"}.`;
}

export function mountExample(root) {
  const source = root.querySelector("[data-source]");
  const codeView = root.querySelector("[data-code]");
  const bar = root.querySelector("[data-bar]");
  const output = root.querySelector("[data-output]");
  const runButton = root.querySelector('[data-action="run"]');
  const resetButton = root.querySelector('[data-action="reset"]');
  const status = root.querySelector("[data-status]");
  const original = source.defaultValue;
  const id = root.dataset.example;

  const editor = mountEditor(source, { run: () => run() });
  codeView.hidden = true;
  bar.hidden = false;
  resetButton.disabled = true;
  const refresh = () => {
    editor.refresh();
    const modified = source.value !== original;
    resetButton.disabled = !modified;
    root.toggleAttribute("data-modified", modified);
  };
  refresh();
  source.addEventListener("input", refresh);

  let running = false;
  let stopProgress = () => {};
  async function run() {
    if (running) return;
    running = true;
    root.dataset.state = "running";
    runButton.disabled = true;
    runButton.setAttribute("aria-busy", "true");
    const queued = runtimeStatus().stage !== "ready";
    if (queued) root.dataset.queued = "true";
    const stop = onProgress((s) => {
      status.textContent = progressText(s, queued);
    });
    stopProgress = stop;
    let t0 = performance.now();
    // A snippet cannot be interrupted inside the worker (that needs cross-origin isolation), so
    // a long run offers Stop, which replaces the worker with a fresh one.
    let stopButton = null;
    let stopTimer = null;
    const offerStop = () => {
      stopButton = document.createElement("button");
      stopButton.type = "button";
      stopButton.className = "md-button bg-example__stop";
      stopButton.dataset.action = "stop";
      stopButton.textContent = "Stop";
      stopButton.addEventListener("click", () => {
        status.textContent = "Stopping: restarting Python…";
        restart().catch(() => {});
      });
      resetButton.after(stopButton);
    };
    try {
      const options = runOptions(root);
      await runtime(); // loading Python is not "running too long"
      delete root.dataset.queued;
      t0 = performance.now();
      stopTimer = setTimeout(offerStop, STOP_AFTER_MS);
      const result = await call("run_example", source.value, options);
      stop();
      const ms = Math.round(performance.now() - t0);
      await renderOutput(output, result, id);
      root.dataset.state = result.ok ? "ready" : "error";
      status.textContent = result.ok
        ? (result.error ? `Raised ${result.error.type}, as intended.` : `Ran in the browser (${ms} ms).`)
        : errorStatus(result.error);
      status.textContent += cutNote(result.cut);
      offerRestart(root, resetButton, status);
    } catch (error) {
      stop();
      root.dataset.state = "error";
      status.textContent = error.message === "The runtime was restarted."
        ? "Stopped. Python was restarted; run again when ready."
        : `Could not run: ${error.message}`;
    } finally {
      clearTimeout(stopTimer);
      if (stopButton) stopButton.remove();
      root.dataset.runs = String(Number(root.dataset.runs || 0) + 1);
      running = false;
      runButton.disabled = false;
      runButton.removeAttribute("aria-busy");
    }
  }

  runButton.addEventListener("click", run);
  resetButton.addEventListener("click", () => {
    source.value = original;
    refresh();
    source.focus();
    status.textContent = "Code reset to the original.";
  });

  drawFigures(output).catch((error) => console.warn("Chart could not be drawn:", error.message));

  // boot.js calls this when Material swaps the page (mount contract).
  return () => {
    stopProgress();
    releaseFigures(root);
  };
}
