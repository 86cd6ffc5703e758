"""Link inline code that names a public function or class to its API reference entry.

On every page outside ``reference/``, an inline ``<code>`` whose text is a public name of the
modules documented in ``docs/reference/`` (``neuron_report``, ``Dense``, ``Dense.backward``,
``central_difference(...)``, ``biasgrad.neuron.neuron_report``) becomes an mkdocs-autorefs
reference; autorefs turns it into a link to the entry once every page is rendered. Names the
reference does not document stay plain code. Code blocks, links and headings are left alone.

In the reference pages themselves, Sphinx roles the docstrings use (``:class:`Dense```,
``:func:`neuron_report```), which Markdown renders as ``:class:<code>Dense</code>``, become the
same cross-references, so the reference links to itself too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = "reference/"
_DIRECTIVE = re.compile(r"^:::\s+(biasgrad(?:\.\w+)*)\s*$", re.M)
_SKIP = re.compile(r"<(pre|a|h[1-6]|textarea|script|style)\b[^>]*>.*?</\1>", re.S | re.I)
_CODE = re.compile(r"<code>([A-Za-z_][\w.]*)(\(\.{0,3}\))?</code>")
_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):<code>~?([A-Za-z_][\w.]*)</code>")

_index: dict[str, dict[str, str]] = {}


def _module_names(module: str) -> dict[str, str]:
    """Public names of one module (its ``__all__``, and the methods of its public classes)."""
    path = ROOT / "py" / Path(*module.split(".")).with_suffix(".py")
    if not path.exists():
        path = ROOT / "py" / Path(*module.split(".")) / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    public: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            public = list(ast.literal_eval(node.value))
    out: dict[str, str] = {name: f"{module}.{name}" for name in public}  # re-exports too
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in public:
            out[node.name] = f"{module}.{node.name}"
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                        out[f"{node.name}.{item.name}"] = f"{module}.{node.name}.{item.name}"
    return out


def build_index(docs_dir: Path) -> dict[str, str]:
    """Short name and full dotted name -> identifier, for every module a reference page documents."""
    index: dict[str, str] = {}
    for page in sorted((docs_dir / REFERENCE_DIR).glob("*.md")):
        for module in _DIRECTIVE.findall(page.read_text(encoding="utf-8")):
            for short, full in _module_names(module).items():
                index.setdefault(short, full)
                index[full] = full
                index.setdefault(f"biasgrad.{short}", full)
    return index


def link_code(html: str, index: dict[str, str]) -> str:
    """Wrap each inline ``<code>`` naming an indexed object in an autorefs reference."""
    def code(m: re.Match[str]) -> str:
        ident = index.get(m.group(1))
        return f'<autoref identifier="{ident}" optional>{m.group(0)}</autoref>' if ident else m.group(0)

    out, pos = [], 0
    for skip in _SKIP.finditer(html):
        out.append(_CODE.sub(code, html[pos:skip.start()]))
        out.append(skip.group(0))
        pos = skip.end()
    out.append(_CODE.sub(code, html[pos:]))
    return "".join(out)


def link_roles(html: str, index: dict[str, str]) -> str:
    def role(m: re.Match[str]) -> str:
        name = m.group(1)
        ident = index.get(name) or index.get(name.rsplit(".", 1)[-1])
        shown = f"<code>{name.rsplit('.', 1)[-1]}</code>"
        return f'<autoref identifier="{ident}" optional>{shown}</autoref>' if ident else shown
    return _ROLE.sub(role, html)


def index_for(docs_dir: Path) -> dict[str, str]:
    """The index of docs_dir's reference, read again whenever a page or module it reads changed
    (the extension runs once a page; ``mkdocs serve`` rebuilds in the same process)."""
    read = [*sorted((docs_dir / REFERENCE_DIR).glob("*.md")), *sorted((ROOT / "py").rglob("*.py"))]
    key = repr([str(docs_dir)] + [(str(p), p.stat().st_mtime_ns) for p in read])
    if key not in _index:
        _index.clear()
        _index[key] = build_index(docs_dir)
    return _index[key]


def link_page(html: str, src: str, docs_dir: Path) -> str:
    """The reference pages link their docstrings' roles; every other page its inline code."""
    index = index_for(docs_dir)
    if src.startswith(REFERENCE_DIR):
        return link_roles(html, index)
    return link_code(html, index)
