// Build-time KaTeX: reads one JSON request per line {tex, display} on stdin, writes one JSON
// line {html} or {error} per request on stdout. Started once per build by hooks/katex.py.
const katex = require(process.argv[2] || "katex");
const readline = require("readline");
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  let out;
  try {
    const { tex, display } = JSON.parse(line);
    out = { html: katex.renderToString(tex, { displayMode: !!display, throwOnError: true, output: "htmlAndMathml" }) };
  } catch (error) {
    out = { error: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
