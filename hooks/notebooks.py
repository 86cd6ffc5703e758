"""MkDocs hook: every guide page with runnable examples as a Jupyter notebook, built with nbformat.

For each page under ``guide/``, the notebook holds the page's prose as markdown cells and its
```` ```python run ```` examples as code cells, in page order. It is written next to the page
(``guide/core-idea/core-idea.ipynb``) and the page gets a "Download as notebook" link.

The hook reads what ``guide/examples.py`` already wrote into the page and changes none of it:

* the code of each example is its editor source, ``textarea[data-source]`` in the rendered page;
* the build-time output is the pre-rendered ``pre[data-stream=stdout|result|error]`` and the
  figure specs in ``data-figure-spec``; they become the cells' saved outputs (figures as the
  offline SVG of :mod:`biasgrad.web.svg`), and ``metadata.biasgrad`` keeps stdout and result as
  text, which ``tests/browser/test_notebooks.py`` compares with a fresh nbclient run;
* ``raises="…"`` examples are tagged ``raises-exception`` so "Run all" goes on past them;
* a notebook runs every cell in one namespace, the site runs each session apart: a page whose
  session example would print other output after an unrelated example rebound one of its names
  fails the build, naming the example and the names (:func:`namespace_clashes`).

The prose is the page's Markdown with the site-only syntax turned into plain Markdown: links to
other pages become absolute URLs on ``site_url``, admonitions become block quotes, widgets a note.
"""

from __future__ import annotations

import ast
import html
import json
import posixpath
import re
import sys
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin

import nbformat
from mkdocs.exceptions import PluginError

_v4: Any = nbformat.v4          # nbformat has no type hints
_write: Any = nbformat.write
_validate: Any = nbformat.validate
ROOT = Path(__file__).resolve().parent.parent
SECTION = "guide/"
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})[ \t]*python[ \t]+run\b.*$")
_LINK = re.compile(r"(\]\()(?!https?:|#|mailto:)([^)\s]+?\.md)(#[^)\s]*)?(\))")
_ADMONITION = re.compile(r'^(?P<i>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>\w+)(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')
_WIDGET = re.compile(r'<div\s+data-widget="(?P<kind>[\w-]+)"[^>]*>\s*</div>', re.S)
_ATTR_LIST = re.compile(r"\{:?\s*[.#][^}]*\}")

_markdown: dict[str, str] = {}
_notebooks: dict[str, Any] = {}


def notebook_name(src_uri: str) -> str:
    """``guide/core-idea.md`` -> ``core-idea.ipynb`` (written in the page's own folder)."""
    return PurePosixPath(src_uri).with_suffix(".ipynb").name


def split_markdown(markdown: str) -> tuple[list[str], list[str]]:
    """The prose between runnable fences (len = fences + 1) and each fence's code."""
    prose: list[str] = []
    codes: list[str] = []
    buf: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            buf.append(lines[i])
            i += 1
            continue
        fence, indent = m.group("fence"), m.group("indent")
        close = re.compile(rf"^[ \t>]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        i += 1
        while i < len(lines) and not close.match(lines[i]):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        i += 1
        prose.append("\n".join(buf))
        codes.append("\n".join(body))
        buf = []
    prose.append("\n".join(buf))
    return prose, codes


def plain_markdown(text: str, src: str, page_url: str, site_url: str) -> str:
    """Site-only Markdown -> what Jupyter renders: absolute links, quotes for admonitions."""
    def link(m: re.Match[str]) -> str:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(src), m.group(2)))[: -len(".md")]
        path = "" if path == "index" else path.removesuffix("/index") + "/"
        return f"{m.group(1)}{urljoin(site_url, path)}{m.group(3) or ''}{m.group(4)}"

    out: list[str] = []
    quote_indent: str | None = None
    for line in text.splitlines():
        m = _ADMONITION.match(line)
        if m:
            quote_indent = m.group("i") + "    "
            title = m.group("title") or m.group("kind").capitalize()
            out.append(f"> **{title}**")
            out.append(">")
            continue
        if quote_indent is not None:
            if line.startswith(quote_indent) or not line.strip():
                out.append("> " + line[len(quote_indent):] if line.strip() else ">")
                continue
            quote_indent = None
        out.append(line)
    text = "\n".join(out)
    text = _WIDGET.sub(lambda m: f"*(The interactive {m.group('kind')} is on the page itself: {urljoin(site_url, page_url)})*", text)
    text = _ATTR_LIST.sub("", text)
    return _LINK.sub(link, text).strip()


class _ExampleParser(HTMLParser):
    """Collects each ``div.bg-example``: its attributes, editor source, streams and figure specs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.examples: list[dict[str, Any]] = []
        self.depth = 0          # div depth inside the current example (0: outside)
        self.capture: str | None = None
        self.buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "div" and self.depth == 0 and "bg-example" in a.get("class", "").split():
            self.examples.append({"id": a.get("data-example", ""), "session": a.get("data-session"),
                                  "raises": a.get("data-raises"), "source": "", "stdout": None,
                                  "result": None, "error": None, "figures": []})
            self.depth = 1
            return
        if self.depth == 0:
            return
        ex = self.examples[-1]
        if tag == "div":
            self.depth += 1
            if "data-figure-spec" in a:
                ex["figures"].append(json.loads(a["data-figure-spec"]))
        elif tag == "textarea" and "data-source" in a:
            self.capture, self.buf = "source", []
        elif tag == "pre" and a.get("data-stream") in ("stdout", "result", "error"):
            self.capture, self.buf = a["data-stream"], []

    def handle_endtag(self, tag: str) -> None:
        if self.depth == 0:
            return
        if tag in ("textarea", "pre") and self.capture:
            text = "".join(self.buf)
            self.examples[-1][self.capture] = text.removeprefix("\n") if self.capture == "source" else text
            self.capture = None
        elif tag == "div":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.capture:
            self.buf.append(data)


def examples_in(page_html: str) -> list[dict[str, Any]]:
    """What guide/examples.py wrote for each example: attributes, source, outputs, figure specs."""
    parser = _ExampleParser()
    parser.feed(page_html)
    parser.close()
    return parser.examples


def _checkout_py_on_path() -> None:
    """Import biasgrad from this checkout's py/ (the same code the examples ran with)."""
    if str(ROOT / "py") not in sys.path:
        sys.path.insert(0, str(ROOT / "py"))


class _TopLevelNames(ast.NodeVisitor):
    """The names a cell binds in its module namespace, and the names it reads anywhere."""

    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.read: set[str] = set()
        self.local = 0              # > 0 inside a function, lambda or comprehension body

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.read.add(node.id)
        elif not self.local:
            self.bound.add(node.id)

    def _scope(self, node: ast.AST, name: str | None = None) -> None:
        if name and not self.local:
            self.bound.add(name)
        self.local += 1
        self.generic_visit(node)
        self.local -= 1

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scope(node, node.name)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._scope(node, node.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._scope(node, node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._scope(node)

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._scope(node)

    visit_SetComp = visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._scope(node)

    def visit_Import(self, node: ast.Import) -> None:
        """Imports rebind a name to the same module or object: no clash, so not counted."""

    visit_ImportFrom = visit_Import  # type: ignore[assignment]


def _names(source: str) -> _TopLevelNames:
    names = _TopLevelNames()
    try:
        names.visit(ast.parse(source))
    except SyntaxError:
        pass
    return names


def rebound_names(examples: list[dict[str, Any]]) -> dict[int, tuple[list[str], str]]:
    """Session examples that read a name their session bound, rebound in between by another example.

    {index: (names, the id of the example that rebound the last of them)}. Static and cheap;
    whether the value really differs is for :func:`namespace_clashes` to run and see.
    """
    last: dict[str, dict[str, Any]] = {}            # name -> the example that bound it last
    by_session: dict[str, set[str]] = {}            # session -> names its examples bound
    found: dict[int, tuple[list[str], str]] = {}
    for i, ex in enumerate(examples):
        names = _names(ex["source"])
        session = ex["session"]
        if session:
            hit = [n for n in sorted(names.read - names.bound) if n in by_session.get(session, set())
                   and n in last and last[n]["session"] != session]
            if hit:
                found[i] = (hit, last[hit[-1]]["id"])
            by_session.setdefault(session, set()).update(names.bound)
        for name in names.bound:
            last[name] = ex
    return found


def namespace_clashes(examples: list[dict[str, Any]]) -> list[str]:
    """Examples that would print other output in a notebook than on the site, each named.

    On the site an example of a ``session`` runs after its own session's examples only, and any
    other example in a fresh namespace. A notebook runs every cell in one namespace, top to
    bottom, so an unrelated example that rebinds ``a`` changes what a later session example sees.
    Each candidate from :func:`rebound_names` is run the notebook's way (every earlier example
    as its prelude) and its stdout and result compared with the site's.
    """
    _checkout_py_on_path()
    from biasgrad.web.runner import run_example

    clashes = []
    for i, (names, other) in rebound_names(examples).items():
        ex = examples[i]
        prelude = [{"code": e["source"], "title": e["id"], "raises": e["raises"]} for e in examples[:i]]
        as_notebook = run_example(ex["source"], {"prelude": prelude, "raises": ex["raises"]})
        site = (ex["stdout"] or "").rstrip().splitlines() + [ex["result"] or ""]
        notebook = (as_notebook["stdout"] or "").rstrip().splitlines() + [as_notebook["result"] or ""]
        if not as_notebook["ok"] and not ex["raises"]:
            notebook.append((as_notebook["error"] or {}).get("message", "an error"))
        if site != notebook:
            first = next((f"site {x!r}, notebook {y!r}" for x, y in zip(site, notebook) if x != y),
                         "a different number of lines")
            clashes.append(f"example {ex['id']} (session {ex['session']!r}) reads {', '.join(names)}, "
                           f"rebound in between by another example (last: {other}), and would print "
                           f"other output in one notebook namespace ({first}); rename them there")
    return clashes


def _outputs(ex: dict[str, Any]) -> list[Any]:
    _checkout_py_on_path()
    from biasgrad.web.figures import Figure

    outs: list[Any] = []
    if ex["stdout"]:
        outs.append(_v4.new_output("stream", name="stdout", text=ex["stdout"] + "\n"))
    for spec in ex["figures"]:
        fig = Figure(spec)
        outs.append(_v4.new_output("display_data", data={
            "text/plain": repr(fig), "image/svg+xml": fig._repr_svg_()}))
    if ex["result"] is not None:
        outs.append(_v4.new_output("execute_result", data={"text/plain": ex["result"]}, execution_count=None))
    if ex["error"]:
        last = ex["error"].strip().splitlines()[-1]
        ename, _, evalue = last.partition(": ")
        outs.append(_v4.new_output("error", ename=ename, evalue=evalue, traceback=ex["error"].splitlines()))
    return outs


def build_notebook(title: str, page_url: str, site_url: str, markdown: str, page_html: str, src: str) -> Any:
    prose, codes = split_markdown(markdown)
    examples = examples_in(page_html)
    if len(examples) != len(codes):
        raise PluginError(f"{src}: notebook: {len(codes)} ```python run fences in the Markdown but "
                          f"{len(examples)} examples in the page")
    clashes = namespace_clashes(examples)
    if clashes:
        raise PluginError(f"{src}: notebook: its examples would run differently in one Jupyter "
                          "namespace: " + "; ".join(clashes))
    url = urljoin(site_url, page_url)
    cells = [_v4.new_markdown_cell(
        f"*This notebook is the page “{title}” of the biasgrad guide ({url}). "
        "It needs `pip install biasgrad`; run the cells from the top.*")]
    cells.append(_v4.new_code_cell("import biasgrad\nprint('biasgrad', biasgrad.__version__)"))
    cells[-1].metadata["biasgrad"] = {"setup": True}
    for k, ex in enumerate(examples):
        text = plain_markdown(prose[k], src, page_url, site_url)
        if text:
            cells.append(_v4.new_markdown_cell(text))
        cell = _v4.new_code_cell(ex["source"].rstrip("\n"), outputs=_outputs(ex))
        cell.metadata["biasgrad"] = {"example": ex["id"], "stdout": ex["stdout"], "result": ex["result"],
                                     "figures": len(ex["figures"]), "raises": ex["raises"]}
        if ex["raises"]:
            cell.metadata["tags"] = ["raises-exception"]
        cells.append(cell)
    tail = plain_markdown(prose[-1], src, page_url, site_url)
    if tail:
        cells.append(_v4.new_markdown_cell(tail))
    nb = _v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "biasgrad": {"page": src, "url": url},
    })
    _validate(nb)
    return nb


def download_link(name: str) -> str:
    return (f'<p class="bg-notebook-link"><a class="md-button" href="{html.escape(name)}" download '
            f'data-notebook>Download as notebook</a> <span>Jupyter, with this page\'s examples; '
            f'needs <code>pip install biasgrad</code></span></p>')


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **kwargs: Any) -> str:
    if page.file.src_uri.startswith(SECTION):
        _markdown[page.file.src_uri] = markdown
    return markdown


def on_page_content(page_html: str, page: Any, config: Any, files: Any, **kwargs: Any) -> str:
    src = page.file.src_uri
    markdown = _markdown.pop(src, None)
    if markdown is None or not split_markdown(markdown)[1]:
        return page_html
    nb = build_notebook(page.title or src, page.url, config["site_url"] or "/", markdown, page_html, src)
    _notebooks[src] = (page.file.dest_path, nb)
    link = download_link(notebook_name(src))
    head = re.search(r"</h1>", page_html)
    return page_html[:head.end()] + link + page_html[head.end():] if head else link + page_html


def on_post_build(config: Any, **kwargs: Any) -> None:
    site = Path(config["site_dir"])
    for src, (dest_path, nb) in sorted(_notebooks.items()):
        out = site / Path(dest_path).parent / notebook_name(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        _write(nb, str(out))
    _notebooks.clear()
