// renderFigure(container, spec): draw a figure spec (ARCHITECTURE.md) with Observable Plot as SVG,
// plus a data table, the accessible alternative. Generic on purpose: the calculator and the guide's
// examples both use it.
//
// spec = {id, title, caption, x: {label, type}, y: {label, type}, height?,
//         series: [{name, mark, x, y, ...columns}], table: {columns, rows}}
// marks: line, dot, bar, area, rule-x, rule-y, arrow, cell, text
//   line/dot/area/text  x, y            (area: optional y2 → band between y and y2; text: text)
//   bar                 x, y            (x is a band scale)
//   rule-x              x               (optional y1, y2)      rule-y  y  (optional x1, x2)
//   arrow               x1, y1, x2, y2  (or x, y, x2, y2)
//   cell                x, y, value     (colour = value, continuous)
// optional per series: stroke / fill (CSS colour), dash (true or "4,3"), r, opacity, curve.
// Axis type: "linear" | "log" | "band"; {domain: [lo, hi]} is passed through.
//
// The chart follows Material's light/dark switch: text and axes use currentColor, and every
// figure is redrawn when body[data-md-color-scheme] changes.

import { loadPlot } from "./vendor.js";

const drawn = new Set(); // containers with a live figure, redrawn on theme change
let Plot = null;

function columns(series) {
  const keys = Object.keys(series).filter((k) => Array.isArray(series[k]));
  const n = Math.max(0, ...keys.map((k) => series[k].length));
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = { series: series.name };
    for (const k of keys) row[k] = series[k][i];
    rows[i] = row;
  }
  return rows;
}

const finite = (v) => typeof v === "number" ? Number.isFinite(v) : v !== null && v !== undefined;

function dashOf(series) {
  if (!series.dash) return undefined;
  return series.dash === true ? "5,4" : String(series.dash);
}

// Log axes: plain numbers near 1, otherwise 1e-6 (Plot's default "1µ", "100a" SI prefixes
// read badly for relative errors and losses).
const logTick = (d) => (d >= 1e-3 && d < 1e4 ? String(+d.toPrecision(6)) : d.toExponential().replace("e+", "e"));

function scaleOf(axis = {}) {
  const scale = { label: axis.label ?? null, type: axis.type === "band" ? "band" : axis.type === "log" ? "log" : "linear" };
  if (scale.type === "log") scale.tickFormat = logTick;
  if (axis.domain) scale.domain = axis.domain;
  if (axis.type !== "band") scale.nice = axis.nice ?? true;
  if (axis.grid !== undefined) scale.grid = axis.grid;
  else scale.grid = axis.type !== "band";
  if (axis.zero) scale.zero = true;
  return scale;
}

function marksFor(series, named) {
  const data = columns(series);
  const colour = [series.stroke, series.fill, series.color].find((c) => typeof c === "string");
  const channel = colour ? colour : named ? () => series.name : "currentColor";
  const common = { opacity: series.opacity, title: series.name ? () => series.name : undefined };
  const pick = (a, b) => (series[a] !== undefined ? a : b);
  switch (series.mark) {
    case "line":
      return [Plot.line(data.filter((d) => finite(d.x) && finite(d.y)),
        { x: "x", y: "y", stroke: channel, strokeWidth: series.width ?? (series.emphasis ? 3 : 2), strokeDasharray: dashOf(series), curve: series.curve || "linear", ...common })];
    case "dot": {
      const points = data.filter((d) => finite(d.x) && finite(d.y));
      const marks = [Plot.dot(points,
        { x: "x", y: "y", fill: channel, stroke: "var(--md-default-bg-color)", r: series.r ?? (series.emphasis ? 6 : 5), ...common })];
      if (series.text) marks.push(Plot.text(points, { x: "x", y: "y", text: "text", fill: "currentColor", dy: -12, fontSize: 12, fontWeight: 600 }));
      return marks;
    }
    case "bar":
      return [Plot.barY(data.filter((d) => finite(d.y)), { x: "x", y: "y", fill: channel, ...common }), Plot.ruleY([0])];
    case "area":
      return [Plot.areaY(data.filter((d) => finite(d.x) && finite(d.y)),
        series.y2 ? { x: "x", y1: "y", y2: "y2", fill: channel, fillOpacity: series.opacity ?? 0.2 }
          : { x: "x", y: "y", fill: channel, fillOpacity: series.opacity ?? 0.2 })];
    case "rule-x":
      return [Plot.ruleX(data.filter((d) => finite(d.x)), {
        x: "x", y1: series.y1 ? "y1" : undefined, y2: series.y2 ? "y2" : undefined,
        stroke: channel, strokeDasharray: dashOf(series) ?? "4,3", strokeWidth: series.width ?? 1.5, ...common })];
    case "rule-y":
      return [Plot.ruleY(data.filter((d) => finite(d.y)), {
        y: "y", x1: series.x1 ? "x1" : undefined, x2: series.x2 ? "x2" : undefined,
        stroke: channel, strokeDasharray: dashOf(series) ?? "4,3", strokeWidth: series.width ?? 1.5, ...common })];
    case "arrow": {
      const x1 = pick("x1", "x"), y1 = pick("y1", "y");
      return [Plot.arrow(data.filter((d) => [d[x1], d[y1], d.x2, d.y2].every(finite)), {
        x1, y1, x2: "x2", y2: "y2", stroke: channel, strokeWidth: series.width ?? 2, headLength: 10, inset: 4, ...common })];
    }
    case "cell":
      return [Plot.cell(data, { x: "x", y: "y", fill: pick("value", "fill"), inset: 0.5 })];
    case "text":
      return [Plot.text(data.filter((d) => finite(d.x) && finite(d.y)),
        { x: "x", y: "y", text: "text", fill: colour || "currentColor", dy: series.dy ?? -10, fontSize: 12 })];
    default:
      console.warn(`chart.js: unknown mark ${series.mark}`);
      return [];
  }
}

function plotFor(spec, width) {
  const series = spec.series || [];
  const hasCells = series.some((s) => s.mark === "cell");
  const names = [...new Set(series.filter((s) => s.name && ![s.stroke, s.fill, s.color].some((c) => typeof c === "string") && s.mark !== "cell" && s.mark !== "text").map((s) => s.name))];
  const named = !hasCells && names.length > 0;
  const options = {
    width,
    height: spec.height || Math.round(Math.min(320, Math.max(220, width * 0.5))),
    marginLeft: 56,
    marginBottom: 40,
    style: { color: "var(--md-default-fg-color)", background: "transparent", fontSize: "12px", overflow: "visible" },
    x: scaleOf({ domain: spec.x_domain, ...spec.x }),
    y: scaleOf({ domain: spec.y_domain, ...spec.y }),
    marks: series.flatMap((s) => marksFor(s, named)),
  };
  if (hasCells) {
    const cells = series.find((s) => s.mark === "cell");
    options.color = { type: "linear", scheme: "RdBu", legend: true, pivot: 0, label: cells.name || null };
  }
  else if (named) options.color = { domain: names, legend: names.length > 1, scheme: "observable10" };
  return Plot.plot(options);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatCell(value) {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "—";
    if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
    const abs = Math.abs(value);
    return abs !== 0 && (abs < 1e-4 || abs >= 1e6) ? value.toExponential(4) : String(Number(value.toPrecision(6)));
  }
  return value === null || value === undefined ? "—" : String(value);
}

// The table: fill the existing <table> (pre-rendered at build time) or create one.
export function renderTable(figure, table) {
  if (!table) return;
  let host = figure.querySelector("[data-figure-table]");
  if (!host) {
    host = el("details", "bg-figure__table");
    host.setAttribute("data-figure-table", "");
    host.appendChild(el("summary", null, "Data table"));
    figure.appendChild(host);
  }
  let tableEl = host.querySelector("table");
  if (!tableEl) {
    tableEl = el("table");
    host.appendChild(tableEl);
  }
  // A closed <details> is neither seen nor read aloud: fill it when it opens (saves a few ms on
  // every input change).
  if (host.tagName === "DETAILS" && !host.open && tableEl.rows.length) {
    host.__bgPendingTable = table;
    if (!host.__bgToggle) {
      host.__bgToggle = true;
      host.addEventListener("toggle", () => {
        if (host.open && host.__bgPendingTable) {
          const pending = host.__bgPendingTable;
          host.__bgPendingTable = null;
          renderTable(figure, pending);
        }
      });
    }
    return;
  }
  const thead = el("thead");
  const headRow = el("tr");
  for (const column of table.columns || []) {
    const th = el("th", null, String(column));
    th.scope = "col";
    headRow.appendChild(th);
  }
  thead.appendChild(headRow);
  const tbody = el("tbody");
  for (const row of table.rows || []) {
    const tr = el("tr");
    row.forEach((cell, i) => {
      const td = el(i === 0 ? "th" : "td", null, formatCell(cell));
      if (i === 0) td.scope = "row";
      if (typeof cell === "number") td.dataset.value = String(cell);
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  }
  tableEl.replaceChildren(thead, tbody);
}

function ensureFrame(container, spec) {
  let figure = container.matches("figure.bg-figure") ? container : container.querySelector(":scope > figure.bg-figure");
  if (!figure) {
    figure = el("figure", "bg-figure");
    container.appendChild(figure);
  }
  if (spec.id) figure.dataset.figure = spec.id;
  let title = figure.querySelector(".bg-figure__title");
  if (spec.title) {
    if (!title) {
      title = el("div", "bg-figure__title");
      figure.prepend(title);
    }
    title.textContent = spec.title;
  }
  let plot = figure.querySelector("[data-figure-plot]");
  if (!plot) {
    plot = el("div", "bg-figure__plot");
    plot.setAttribute("data-figure-plot", "");
    plot.setAttribute("aria-hidden", "true"); // the table below carries the same data
    title ? title.after(plot) : figure.prepend(plot);
  }
  let caption = figure.querySelector("figcaption");
  if (spec.caption) {
    if (!caption) {
      caption = el("figcaption");
      plot.after(caption);
    }
    caption.textContent = spec.caption;
  }
  return { figure, plot };
}

function draw(container) {
  const spec = container.__bgSpec;
  const { figure, plot } = ensureFrame(container, spec);
  const width = Math.max(280, Math.floor(plot.clientWidth || figure.clientWidth || container.clientWidth || 640));
  const svg = plotFor(spec, width);
  plot.replaceChildren(svg);
  plot.dataset.drawn = String((Number(plot.dataset.drawn) || 0) + 1);
  renderTable(figure, spec.table);
  container.dataset.chartState = "drawn";
}

// Draw (or redraw) spec into container. Returns a promise that resolves once drawn.
export async function renderFigure(container, spec) {
  container.__bgSpec = spec;
  if (!Plot) Plot = await loadPlot();
  if (container.__bgSpec !== spec) return; // a newer spec arrived while Plot was loading
  draw(container);
  drawn.add(container);
}

// Synchronous redraw for callers that already awaited renderFigure once (input → chart latency).
export function renderFigureNow(container, spec) {
  if (!Plot) return renderFigure(container, spec);
  container.__bgSpec = spec;
  draw(container);
  drawn.add(container);
  return Promise.resolve();
}

export function preloadPlot() {
  return loadPlot().then((p) => (Plot = p));
}

// A widget's cleanup (boot.js mount contract): stop redrawing the figures inside scope, so the
// redraw set does not keep a swapped-out page alive.
export function forgetFigures(scope) {
  for (const container of [...drawn]) {
    if (!container.isConnected || scope.contains(container)) drawn.delete(container);
  }
}

function redrawAll() {
  for (const container of [...drawn]) {
    if (!container.isConnected) drawn.delete(container);
    else if (container.__bgSpec) draw(container);
  }
}

new MutationObserver(redrawAll).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
let resizeTimer = null;
let lastWidth = window.innerWidth;
window.addEventListener("resize", () => {
  if (window.innerWidth === lastWidth) return;
  lastWidth = window.innerWidth;
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(redrawAll, 150);
});
