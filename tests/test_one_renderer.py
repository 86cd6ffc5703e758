"""The guide's page content has one home: the ``guide`` Markdown extension and its one renderer.

Zensical, Material's successor, runs Python-Markdown extensions but no MkDocs hooks, so what a
page contains is made by ``guide/`` (``markdown_extensions:``), and ``hooks/`` keeps only
site-level work (files, whole templates). Inside ``guide/``, the HTML comes from the Jinja2
templates in ``guide/templates/`` through ``guide/render.py``, which holds the one escape; no
module is loaded by file path, and the figures' tables are the package's own
(``biasgrad.web.html_table``), not a copy.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GUIDE = sorted((ROOT / "guide").glob("*.py"))
HOOKS = sorted((ROOT / "hooks").glob("*.py"))
TEMPLATES = sorted((ROOT / "guide" / "templates").glob("*.html"))
SITE_HOOKS = ["hooks/early.py", "hooks/assets.py", "hooks/notebooks.py", "hooks/social.py", "hooks/csp.py", "hooks/offline.py",
              "hooks/reload.py"]
# The page events a hook may still handle: notebooks.py builds each page's notebook (and links
# it under the title), social.py reads the first paragraph for the description.
PAGE_EVENTS = {"on_page_markdown", "on_page_content", "on_page_context"}
ALLOWED = {"notebooks.py": {"on_page_markdown", "on_page_content"}, "social.py": {"on_page_content"}}


def _mkdocs_yml() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!ENV", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:",
                                 lambda loader, suffix, node: f"python/name:{suffix}")
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def _functions(path: Path) -> set[str]:
    return {n.name for n in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(n, ast.FunctionDef)}


def _strings(tree: ast.AST) -> list[ast.Constant]:
    """The string constants that are neither docstrings nor patterns (re.compile's argument)."""
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile":
            skip.update(id(n) for arg in node.args for n in ast.walk(arg))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip]


def test_mkdocs_lists_the_extension_and_only_site_level_hooks():
    config = _mkdocs_yml()
    assert config["hooks"] == SITE_HOOKS
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    assert names[-1] == "guide", "the guide's extension runs after every other extension"


def test_the_runnable_fence_in_mkdocs_yml_is_the_extensions():
    from guide import examples

    config = _mkdocs_yml()
    fences = [next(iter(e.values()))["custom_fences"] for e in config["markdown_extensions"]
              if isinstance(e, dict) and "pymdownx.superfences" in e][0]
    assert fences == [{"name": examples.FENCE["name"], "class": examples.FENCE["class"],
                       "format": "python/name:guide.examples.fence_format",
                       "validator": "python/name:guide.examples.fence_validator"}]


def test_no_hook_does_page_content_work():
    for path in HOOKS:
        events = _functions(path) & PAGE_EVENTS
        assert events <= ALLOWED.get(path.name, set()), f"{path.name} handles {events}: that is guide/'s work"


def test_a_rebuild_imports_the_edited_extension():
    """Assert hooks/reload.py makes the next build (mkdocs serve's rebuild) import guide/ again."""
    import runpy
    import sys

    import guide.examples

    before = guide.examples
    modules = {name: m for name, m in sys.modules.items() if name == "guide" or name.startswith("guide.")}
    runpy.run_path(str(ROOT / "hooks" / "reload.py"))["on_post_build"](config=None)
    try:
        assert "guide" not in sys.modules and "guide.examples" not in sys.modules
        import guide.examples as again

        assert again is not before
    finally:  # the other tests keep the modules they imported
        sys.modules.update(modules)


def test_the_page_comes_from_mkdocs_or_zensical_else_the_options():
    """Assert the page (ids, messages, root) is MkDocs' File, or Zensical's rendering context."""
    from types import SimpleNamespace

    from markdown import Markdown
    from markdown.preprocessors import Preprocessor

    from guide.page import Page, page_of

    md = Markdown()
    assert page_of(md, Page("x.md")) == Page("x.md")
    context = Preprocessor(md)
    context.page = SimpleNamespace(path="guide/one-neuron.md", url="guide/one-neuron/")  # type: ignore[attr-defined]
    md.preprocessors.register(context, "rendering_context", 0)
    page = page_of(md, Page())
    assert (page.src, page.slug, page.root) == ("guide/one-neuron.md", "guide-one-neuron", "../../")


def test_nothing_is_loaded_by_file_path():
    for path in GUIDE + HOOKS:
        text = path.read_text(encoding="utf-8")
        assert "spec_from_file_location" not in text and "importlib" not in text, path.name


def test_one_escape_and_no_widget_markup_outside_the_templates():
    """guide/render.py alone escapes; the widgets' modules hold no markup (katex.py and
    reflinks.py rewrite elements of the finished page, so they name those)."""
    for path in GUIDE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.name != "render.py":
            escapes = [n.lineno for n in ast.walk(tree)
                       if (isinstance(n, ast.Attribute) and n.attr == "escape")
                       or (isinstance(n, ast.ImportFrom) and any(a.name == "escape" for a in n.names))
                       or (isinstance(n, ast.FunctionDef) and n.name in {"_esc", "escape", "_attr"})]
            assert not escapes, f"{path.name} escapes by itself at lines {escapes}: use guide.render"
        if path.name in {"katex.py", "reflinks.py", "render.py"}:
            continue
        markup = [n.lineno for n in _strings(tree)
                  if re.search(r"<(div|p|span|table|td|th|tr|figure|select|option|input|button)\b", n.value)]
        assert not markup, f"{path.name} writes markup at lines {markup}: it belongs in guide/templates/"


def test_the_tables_are_the_packages():
    for path in GUIDE + HOOKS:
        assert "def _cell" not in path.read_text(encoding="utf-8"), path.name
    assert "table_html" in (ROOT / "guide" / "render.py").read_text(encoding="utf-8")


def test_every_template_is_used():
    code = "".join(p.read_text(encoding="utf-8") for p in GUIDE + TEMPLATES)
    for template in TEMPLATES:
        assert f'"{template.name}"' in code, f"{template.name} is rendered by nobody"


def test_autoescape_writes_what_html_escape_writes():
    import html

    from markupsafe import Markup

    from guide.render import ENV

    text = """<a href="x">'b' & c</a>"""
    out = ENV.from_string("{{ t }}|{{ m }}|{{ n }}").render(t=text, m=Markup("<b>"), n=None)
    assert out == f"{html.escape(text, quote=True)}|<b>|None"


def test_the_wheel_does_not_depend_on_the_guide():
    for path in (ROOT / "py" / "biasgrad").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(guide|jinja2|markdown|markupsafe|mkdocs)\b", text, re.M), path


def test_both_chart_renderers_draw_exactly_the_marks_figures_accepts():
    """The chart contract: figures.MARKS is what site_js/chart.js and web/svg.py each draw, no
    more (a mark no figure can carry) and no less (a figure the page or the notebook drops).
    (Here, not in test_figures.py: the sdist's math tests have no site_js/.)"""
    from biasgrad.web import figures

    chart = (ROOT / "site_js" / "chart.js").read_text(encoding="utf-8")
    svg = (ROOT / "py" / "biasgrad" / "web" / "svg.py").read_text(encoding="utf-8")
    assert set(re.findall(r'case "([a-z-]+)":', chart)) == set(figures.MARKS)
    assert set(re.findall(r'mark == "([a-z-]+)"', svg)) == set(figures.MARKS)
