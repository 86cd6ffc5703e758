// renderFigure(container, spec): draw a figure spec (ARCHITECTURE.md) with Observable Plot as SVG,
// plus a data table, the accessible alternative. Generic on purpose: the calculator and the guide's
// examples both use it.
//
// spec = {id, title, caption, x: {label, type}, y: {label, type}, height?,
//         series: [{name, mark, x, y, ...columns}], table: {columns, rows}}
// marks: line, dot, bar, area, rule-x, rule-y, arrow, cell (py/biasgrad/web/figures.py MARKS)
//   line/dot/area       x, y            (area: optional y2 → band between y and y2)
//   bar                 x, y            (x is a band scale)
//   rule-x              x               (optional y1, y2)      rule-y  y  (optional x1, x2)
//   arrow               x1, y1, x2, y2  (or x, y, x2, y2)
//   cell                x, y, value     (colour = value, continuous)
// optional per series: stroke / fill (CSS colour), dash (true or "4,3"), r, opacity, curve,
//   emphasis (thicker line; a bar in the accent colour), text (labels on dots and bars).
//
// What the reader sees, by construction: every data mark is clipped to the plot frame (the frame
// is recorded on the svg as data-frame="left top right bottom"); dashed guides are drawn under
// solid lines, so where they coincide the solid line's legend colour shows, never a mix; a
// label that would overlap another is moved below its point, or hidden (the table has it).
// Axis type: "linear" | "log" | "band"; {domain: [lo, hi]} is passed through.
//
// The chart follows Material's light/dark switch: text and axes use currentColor, and every
// figure is redrawn when body[data-md-color-scheme] changes.

import { loadPlot } from "./vendor.js";
import { formatCell, formatLogTick } from "./number_format.js";
import { hoistPlotStyles } from "./plot_styles.js";

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

function scaleOf(axis = {}) {
  const scale = { label: axis.label ?? null, type: axis.type === "band" ? "band" : axis.type === "log" ? "log" : "linear" };
  if (scale.type === "log") scale.tickFormat = formatLogTick;
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
  const common = { opacity: series.opacity, title: series.name ? () => series.name : undefined, clip: true };
  const pick = (a, b) => (series[a] !== undefined ? a : b);
  switch (series.mark) {
    case "line":
      return [Plot.line(data.filter((d) => finite(d.x) && finite(d.y)),
        { x: "x", y: "y", stroke: channel, strokeWidth: series.width ?? (series.emphasis ? 3 : 2), strokeDasharray: dashOf(series), curve: series.curve || "linear", ...common })];
    case "dot": {
      const points = data.filter((d) => finite(d.x) && finite(d.y));
      const marks = [Plot.dot(points,
        { x: "x", y: "y", fill: channel, stroke: "var(--md-default-bg-color)", r: series.r ?? (series.emphasis ? 6 : 5), ...common })];
      if (series.text) marks.push(Plot.text(points, { x: "x", y: "y", text: "text", fill: "currentColor", dy: -12, fontSize: 12, fontWeight: 600, clip: true, className: "bg-label" }));
      return marks;
    }
    case "bar": {
      const bars = data.filter((d) => finite(d.y));
      const fill = series.emphasis && !colour ? "var(--md-accent-fg-color)" : channel;
      const marks = [Plot.barY(bars, { x: "x", y: "y", fill, ...common, className: series.emphasis ? "bg-key-bar" : undefined }),
        Plot.ruleY([0])];
      if (series.text) {
        // the value on each bar: above a positive bar, below a negative one
        for (const [sign, dy, anchor] of [[1, -7, "bottom"], [-1, 7, "top"]]) {
          marks.push(Plot.text(bars.filter((d) => Math.sign(d.y) === sign || (sign === 1 && d.y === 0)), {
            x: "x", y: "y", text: "text", dy, lineAnchor: anchor, fill: "currentColor", fontSize: 11,
            fontWeight: series.emphasis ? 700 : 400, clip: true, className: "bg-label" }));
        }
      }
      return marks;
    }
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
      return [Plot.cell(data, { x: "x", y: "y", fill: pick("value", "fill"), inset: 0.5, clip: true })];
    default:
      console.warn(`chart.js: unknown mark ${series.mark}`);
      return [];
  }
}

// Dashed guides first, then the rest in the spec's order: a solid line covers a guide it meets.
const underneath = (s) => (s.mark === "line" && s.dash ? 0 : 1);

const MARGIN = { top: 20, right: 20, bottom: 40, left: 56 };

function plotFor(spec, width) {
  const inOrder = spec.series || [];
  const series = [...inOrder].sort((a, b) => underneath(a) - underneath(b));
  const hasCells = series.some((s) => s.mark === "cell");
  // colours and legend follow the spec's order; an emphasised bar has its own (accent) colour
  const legendable = (s) => s.name && ![s.stroke, s.fill, s.color].some((c) => typeof c === "string")
    && s.mark !== "cell" && !(s.mark === "bar" && s.emphasis);
  const names = [...new Set(inOrder.filter(legendable).map((s) => s.name))];
  const named = !hasCells && names.length > 0;
  const options = {
    width,
    height: spec.height || Math.round(Math.min(320, Math.max(220, width * 0.5))),
    marginLeft: MARGIN.left,
    marginBottom: MARGIN.bottom,
    marginTop: MARGIN.top,
    marginRight: MARGIN.right,
    style: { color: "var(--md-default-fg-color)", background: "transparent", fontFamily: FONT, fontSize: "12px", overflow: "visible" },
    x: scaleOf({ domain: spec.x_domain, ...spec.x }),
    y: { ...scaleOf({ domain: spec.y_domain, ...spec.y }),
      // room inside the frame for the values written on bars
      ...(series.some((s) => s.mark === "bar" && s.text) ? { insetTop: 16, insetBottom: 16 } : {}) },
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

// An emphasised bar gets a light band of its colour the height of the frame: seen even when tiny.
function bandBehindKeyBars(svg, [, top, , bottom]) {
  for (const bar of svg.querySelectorAll("g.bg-key-bar rect")) {
    const band = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    for (const name of ["x", "width", "fill"]) band.setAttribute(name, bar.getAttribute(name) || bar.parentNode.getAttribute(name));
    band.setAttribute("y", String(top));
    band.setAttribute("height", String(bottom - top));
    band.setAttribute("fill-opacity", "0.14");
    band.setAttribute("class", "bg-key-band");
    const group = bar.parentNode;
    if (group.getAttribute("transform")) band.setAttribute("transform", group.getAttribute("transform"));
    group.parentNode.insertBefore(band, group.parentNode.firstChild.nextSibling);
  }
}

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

// A label's box, worked out from what Plot wrote (its group's and its own translate, its em
// offset, the svg's middle anchor) and the font's metrics: no layout is read, so a redraw on
// every input costs no forced layout. One px of slack on each side covers rounding.
const TRANSLATE = /translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)/g;
const ruler = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(1, 1).getContext("2d")
  : document.createElement("canvas").getContext("2d");
const FONT = "system-ui, sans-serif"; // the charts' text (Plot's own default, named so it can be measured)

function offsetOf(node) {
  let x = 0, y = 0;
  for (const [, dx, dy] of (node.getAttribute("transform") || "").matchAll(TRANSLATE)) {
    x += Number(dx);
    y += Number(dy);
  }
  return [x, y];
}

function labelBox(label, group) {
  const size = Number(group.getAttribute("font-size")) || 12;
  ruler.font = `${group.getAttribute("font-weight") || 400} ${size}px ${FONT}`;
  const m = ruler.measureText(label.textContent);
  const ascent = m.fontBoundingBoxAscent ?? 0.95 * size, descent = m.fontBoundingBoxDescent ?? 0.25 * size;
  const [gx, gy] = offsetOf(group), [tx, ty] = offsetOf(label);
  const em = parseFloat(label.getAttribute("y") || "0") * size;
  const anchor = label.getAttribute("text-anchor") || group.getAttribute("text-anchor") || "middle";
  const shift = anchor === "middle" ? m.width / 2 : anchor === "end" ? m.width : 0;
  const baseline = gy + ty + em;
  return { x: gx + tx - shift - 1, y: baseline - ascent - 1, width: m.width + 2, height: ascent + descent + 2 };
}

const moved = (box, dx, dy) => ({ ...box, x: box.x + dx, y: box.y + dy });

// Labels never cover each other: a label that meets an earlier one moves below its point (by
// twice its offset), and if it still meets one it is hidden. Worked out before the svg is shown.
function separateLabels(svg) {
  const placed = [];
  const right = Number(svg.getAttribute("width"));
  for (const group of svg.querySelectorAll("g.bg-label")) {
    for (const label of group.querySelectorAll("text")) {
      if (!label.textContent) continue;
      let box = labelBox(label, group);
      // a label near the left or right edge slides inward, so it stays inside the chart
      const end = box.x + box.width;
      const dx = end > right - 1 ? right - 1 - end : box.x < 1 ? 1 - box.x : 0;
      if (dx) {
        label.setAttribute("transform", `${label.getAttribute("transform") || ""} translate(${dx}, 0)`.trim());
        box = moved(box, dx, 0);
      }
      if (placed.some((p) => overlaps(p, box))) {
        const shift = box.height + 10; // from above its point to below it
        label.setAttribute("transform", `${label.getAttribute("transform") || ""} translate(0, ${shift})`.trim());
        box = moved(box, 0, shift);
        if (placed.some((p) => overlaps(p, box))) {
          label.setAttribute("visibility", "hidden");
          label.dataset.hiddenLabel = "overlap";
          continue;
        }
      }
      placed.push(box);
    }
  }
}

// Each plot's width, as a ResizeObserver last saw it (after a layout, never forcing one), so a
// redraw on every input reads no layout; a plot whose width changes is redrawn a moment later.
const widths = new WeakMap();
const resized = new Set();
let resizeTimer = null;
const firstReport = new WeakMap(); // plot → resolve, for widthReported
const sizes = new ResizeObserver((entries) => {
  for (const { target, contentRect } of entries) {
    const reported = firstReport.get(target);
    if (reported) reported();
    if (!contentRect.width) continue;
    widths.set(target, Math.floor(contentRect.width));
    // (a plot not drawn yet is drawn at this width by renderFigure, which waits for this report)
    if (target.__bgDrawnWidth !== undefined && target.__bgDrawnWidth !== chartWidth(target)) resized.add(target.__bgContainer);
  }
  if (!resized.size) return;
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const container of resized) if (container.isConnected && drawn.has(container)) draw(container);
    resized.clear();
  }, 150);
});

function chartWidth(plot) {
  return Math.max(280, widths.get(plot) || 640);
}

// Before a plot's first draw: wait for the ResizeObserver's first report of its width, which comes
// with the next frame's layout. Reading clientWidth instead would force that layout, for the whole
// page, inside the widget's task (tools/bench.py's longest task). A plot with no box (hidden)
// gets no report: after that frame it is drawn at the default width, and redrawn once it has a box.
function widthReported(plot) {
  if (widths.has(plot)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      firstReport.delete(plot);
      resolve();
    };
    firstReport.set(plot, done);
    requestAnimationFrame(() => setTimeout(done, 0));
    setTimeout(done, 500); // no frames (a background tab): draw anyway
  });
}

function observe(plot, container) {
  if (plot.__bgContainer) return;
  plot.__bgContainer = container;
  sizes.observe(plot);
}

function draw(container) {
  const spec = container.__bgSpec;
  const { figure, plot } = ensureFrame(container, spec);
  observe(plot, container);
  const width = chartWidth(plot);
  const chart = plotFor(spec, width);
  hoistPlotStyles(chart);
  const svg = chart.tagName.toLowerCase() === "svg" ? chart : chart.querySelector(":scope > svg");
  if (svg) {
    const w = Number(svg.getAttribute("width")), h = Number(svg.getAttribute("height"));
    svg.dataset.frame = [MARGIN.left, MARGIN.top, w - MARGIN.right, h - MARGIN.bottom].join(" ");
    bandBehindKeyBars(svg, svg.dataset.frame.split(" ").map(Number));
    separateLabels(svg);
  }
  plot.replaceChildren(chart);
  plot.__bgDrawnWidth = width;
  plot.dataset.drawn = String((Number(plot.dataset.drawn) || 0) + 1);
  renderTable(figure, spec.table);
  container.dataset.chartState = "drawn";
}

// Draw (or redraw) spec into container. Returns a promise that resolves once drawn.
export async function renderFigure(container, spec) {
  container.__bgSpec = spec;
  const { plot } = ensureFrame(container, spec);
  observe(plot, container);
  if (!Plot) Plot = await loadPlot();
  await widthReported(plot);
  if (container.__bgSpec !== spec) return; // a newer spec arrived while Plot loaded or the width came
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

// A widget's cleanup (boot.js mount contract): stop redrawing the figures inside scope, so the
// redraw set does not keep a swapped-out page alive.
export function forgetFigures(scope) {
  for (const container of [...drawn]) {
    if (!container.isConnected || scope.contains(container)) {
      drawn.delete(container);
      const plot = container.querySelector("[data-figure-plot]");
      if (plot) sizes.unobserve(plot);
    }
  }
}

function redrawAll() {
  for (const container of [...drawn]) {
    if (!container.isConnected) drawn.delete(container);
    else if (container.__bgSpec) draw(container);
  }
}

new MutationObserver(redrawAll).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
