// The one entry point hooks/assets.py bundles (esbuild, ES module, minified) into
// assets/vendor/plot.mjs: only the Observable Plot marks that site_js/chart.js draws, and the
// parts of d3 they need. Add a mark here when chart.js starts using it.
export { areaY, arrow, barY, cell, dot, line, plot, ruleX, ruleY, text } from "@observablehq/plot";
