// highlight(code, target): a small Python highlighter for the browser. It emits Pygments' class
// names (k, n, mf, c1, ...), so Material's code colours apply exactly as to the build-time
// highlighting. Used by the examples' editor and the calculator's code views.

const KEYWORDS = new Set(("and as assert async await break class continue def del elif else except finally for " +
  "global if in is lambda nonlocal not or pass raise return try while with yield match case").split(" "));
const CONSTANTS = new Set(["True", "False", "None"]);
const BUILTINS = new Set(("abs all any bool dict enumerate float format int isinstance len list map max min " +
  "print range repr round set sorted str sum tuple type zip super open iter next getattr hasattr").split(" "));
const TOKEN = new RegExp([
  String.raw`(?<comment>#[^\n]*)`,
  String.raw`(?<string>[rRbBfFuU]{0,2}(?:"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?))`,
  String.raw`(?<number>\b(?:0[xob][\da-fA-F_]+|\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?j?|\.\d[\d_]*(?:[eE][+-]?\d+)?j?))`,
  String.raw`(?<name>[A-Za-z_][A-Za-z0-9_]*)`,
  String.raw`(?<op>[-+*/%@=<>!&|^~:.,;()[\]{}])`,
].join("|"), "g");

function span(cls, text) {
  const el = document.createElement("span");
  el.className = cls;
  el.textContent = text;
  return el;
}

export function highlight(code, target) {
  const frag = document.createDocumentFragment();
  let last = 0;
  let prev = "";
  for (const m of code.matchAll(TOKEN)) {
    if (m.index > last) frag.append(code.slice(last, m.index));
    const g = m.groups;
    const text = m[0];
    let cls = "";
    if (g.comment) cls = "c1";
    else if (g.string) cls = "s2";
    else if (g.number) cls = "mf";
    else if (g.name) {
      if (prev === "def") cls = "nf";
      else if (prev === "class") cls = "nc";
      else if (text === "import" || text === "from") cls = "kn";
      else if (CONSTANTS.has(text)) cls = "kc";
      else if (KEYWORDS.has(text)) cls = "k";
      else if (BUILTINS.has(text)) cls = "nb";
      else if (text === "self") cls = "bp";
      else cls = "n";
    } else cls = /[()[\]{},:;.]/.test(text) ? "p" : "o";
    frag.append(span(cls, text));
    if (!/^\s+$/.test(text)) prev = text;
    last = m.index + text.length;
  }
  frag.append(code.slice(last) + "\n");
  target.replaceChildren(frag);
}
