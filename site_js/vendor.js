// Lazy, memoised loading of the heavy libraries, served by this site (assets/vendor/).
// A page that shows no formula never loads KaTeX; a page that draws no chart never loads Plot.

const VENDOR = new URL("../vendor/", import.meta.url);
const memo = new Map();

function script(path) {
  const href = new URL(path, VENDOR).href;
  if (!memo.has(href)) {
    memo.set(href, new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = href;
      tag.onload = resolve;
      tag.onerror = () => reject(new Error(`Could not load ${path}`));
      document.head.appendChild(tag);
    }));
  }
  return memo.get(href);
}

function stylesheet(path) {
  const href = new URL(path, VENDOR).href;
  if (!memo.has(href) && [...document.styleSheets].some((sheet) => sheet.href === href)) {
    memo.set(href, Promise.resolve()); // already in the page's <head> (overrides/main.html)
  }
  if (!memo.has(href)) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
    memo.set(href, Promise.resolve());
  }
  return memo.get(href);
}

export function loadKatexStyles() {
  return stylesheet("katex/katex.min.css");
}

export function loadKatex() {
  stylesheet("katex/katex.min.css");
  return script("katex/katex.min.js").then(() => globalThis.katex);
}

// plot.mjs: only the marks chart.js draws, bundled with the d3 they need (hooks/assets.py, esbuild).
export function loadPlot() {
  const href = new URL("plot.mjs", VENDOR).href;
  if (!memo.has(href)) memo.set(href, import(href));
  return memo.get(href);
}

// Render one TeX string into an element; on any failure keep the element's plain text.
export function renderTex(katex, element, tex, displayMode = false) {
  try {
    katex.render(tex, element, { displayMode, throwOnError: false, output: "htmlAndMathml" });
  } catch {
    element.textContent = tex;
  }
}

// Material + pymdownx.arithmatex (generic): <span class="arithmatex">\(...\)</span>,
// <div class="arithmatex">\[...\]</div>.
export function unrenderedMath(root) {
  return [...root.querySelectorAll(".arithmatex:not([data-rendered])")];
}

export function renderArithmatex(katex, root) {
  for (const element of unrenderedMath(root)) {
    const text = element.textContent.trim();
    const display = element.tagName === "DIV" || text.startsWith("\\[") || text.startsWith("$$");
    const tex = text.replace(/^\\[([]|^\$\$?/, "").replace(/\\[)\]]$|\$\$?$/, "");
    renderTex(katex, element, tex, display);
    element.dataset.rendered = "true";
  }
}
