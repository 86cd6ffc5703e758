"""The build runs every ```python run example (guide/examples.py) and fails loudly when one breaks.

* Every page in docs/ is converted with the site's own Markdown configuration (the guide's
  extension included), so
  every example and explorer in the guide executes here in CPython; a page whose example raises
  (without ``raises=``) fails this test with the page, line and traceback.
* Small throw-away MkDocs projects check that ``mkdocs build --strict`` itself stops on a broken
  example, with a clear message, and accepts one that raises what it declares.
"""

from __future__ import annotations

import html as htmlmod
import json
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MKDOCS = [sys.executable, "-m", "mkdocs"]


from guide import examples as hook  # noqa: E402 - tests/conftest.py puts the checkout on the path


@pytest.fixture(scope="module")
def site_markdown():
    """A factory of Markdown converters configured exactly like mkdocs.yml (the extension too)."""
    from markdown import Markdown
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))

    def convert(path: Path) -> str:
        page = {"src": path.relative_to(DOCS).as_posix()}
        md = Markdown(extensions=config["markdown_extensions"],
                      extension_configs={**config["mdx_configs"], "guide": page})
        return md.convert(path.read_text(encoding="utf-8"))

    return convert


PAGES = sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("path", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_every_example_and_explorer_in_the_docs_builds(site_markdown, path):
    """Assert each page converts: every example ran without an unexpected error, every
    ```python run fence became an example, and explorers were rendered."""
    source = path.read_text(encoding="utf-8")
    html = site_markdown(path)
    fences = len(hook.FENCE_RE.findall(source))
    assert html.count("data-example=") == fences, "a ```python run fence was not rendered as an example"
    assert "```python run" not in html
    explorers = len(hook.EXPLORER_RE.findall(source))
    assert html.count('class="bg-explorer"') == explorers
    assert '<script type="application/json"' not in html  # Material's instant navigation would run it
    for m in re.finditer(r'data-figure-spec="([^"]*)"', html):
        spec = json.loads(htmlmod.unescape(m.group(1)))
        assert spec["series"] and spec["table"]["columns"]
        # Plot draws cells and bars on band scales only (else "scale incompatible with channel")
        marks = {srs["mark"] for srs in spec["series"]}
        if "cell" in marks:
            assert spec["x"]["type"] == spec["y"]["type"] == "band", spec["title"]
        if any(srs["mark"] == "bar" and srs["x"] and isinstance(srs["x"][0], str) for srs in spec["series"]):
            assert spec["x"]["type"] == "band", spec["title"]


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def render(markdown_text: str, src: str = "page.md") -> str:
    from markdown import Markdown

    md = Markdown(extensions=["pymdownx.superfences", "pymdownx.highlight", "md_in_html", "guide"],
                  extension_configs={"pymdownx.superfences": {"custom_fences": [hook.FENCE]},
                                     "guide": {"src": src}})
    return md.convert(markdown_text)


def test_example_html_follows_the_contract():
    """Assert the root has data-example and data-state=static, a Run <button>, the source in a
    textarea, the pre-rendered stdout/result, and a [data-chart] holding the spec and its table."""
    html = render(textwrap.dedent("""\
        Intro.

        ```python run title="Demo"
        from biasgrad.web.figures import figure, line, show
        print("a < b")
        show(figure(line([0, 1], [2, 3], name="s"), title="T", x_label="x"))
        6 * 7
        ```
        """))
    tags = Tags()
    tags.feed(html)
    roots = [a for t, a in tags.tags if "data-example" in a]
    assert roots == [{"class": "bg-example", "id": "page-ex1", "data-example": "page-ex1", "data-state": "static",
                      "data-title": "Demo"}]
    assert ("button", {"type": "button", "class": "md-button md-button--primary bg-example__run",
                       "data-action": "run"}) in tags.tags
    assert any(t == "textarea" and "data-source" in a for t, a in tags.tags)
    assert 'print(&quot;a &lt; b&quot;)' in html  # source escaped in the textarea
    assert '<pre id="page-ex1-stdout" data-stream="stdout"><code>a &lt; b</code></pre>' in html
    assert '<pre id="page-ex1-result" data-stream="result"><code>42</code></pre>' in html
    assert any("data-chart" in a for t, a in tags.tags)
    spec = json.loads(htmlmod.unescape(re.search(r'data-figure-spec="([^"]*)"', html).group(1)))
    assert spec["title"] == "T" and spec["series"][0]["y"] == [2, 3]
    assert "<th scope=\"col\">x</th>" in html and "<td>3</td>" in html


def test_plain_python_fences_are_left_alone():
    """Assert a ```python fence without run is highlighted code, not executed."""
    html = render("```python\nraise SystemExit\n```\n")
    assert "data-example" not in html and "highlight" in html


def test_session_examples_share_state_in_order():
    """Assert session="s" examples see the names defined by earlier ones, and get data-session."""
    html = render(textwrap.dedent("""\
        ```python run session="s"
        k = 20
        ```

        ```python run
        k = 1000
        ```

        ```python run session="s"
        k + 22
        ```
        """))
    assert '<pre id="page-ex3-result" data-stream="result"><code>42</code></pre>' in html
    assert html.count('data-session="s"') == 2


def test_a_session_example_says_which_example_it_continues_from():
    """Assert each later example of a session links to the one before it in that session, by title,
    and the first one (and examples outside the session) carry no such line."""
    html = render(textwrap.dedent("""\
        ```python run session="s" title="Set k"
        k = 20
        ```

        ```python run title="Unrelated"
        k = 1000
        ```

        ```python run session="s" title="Use k"
        k + 1
        ```

        ```python run session="s" title="Use k again"
        k + 22
        ```
        """))
    chains = re.findall(r'<div class="bg-example" id="([^"]+)".*?(?=<div class="bg-example" id=|\Z)', html, re.S)
    assert chains == ["page-ex1", "page-ex2", "page-ex3", "page-ex4"]
    found = re.findall(r'data-continues="([^"]+)">Continues from: <a href="#([^"]+)">([^<]+)</a>', html)
    assert found == [("page-ex1", "page-ex1", "Set k"), ("page-ex3", "page-ex3", "Use k")]
    first = html.split('id="page-ex2"')[0]
    assert "Continues from" not in first


def test_a_later_example_names_the_broken_earlier_one_in_the_build_error():
    """Assert that when an earlier session example breaks, the later one's build error names it
    (its title and the failing line), not a bare NameError."""
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError) as info:
        render(textwrap.dedent("""\
            ```python run session="s" title="Forward pass"
            z = w * 2
            ```

            ```python run session="s" title="Backward"
            z + 1
            ```
            """))
    text = str(info.value)
    assert "example 1 raised NameError" in text
    assert 'example 2 raised NameError' in text
    assert 'This example continues from "Forward pass", which now fails' in text
    assert "z = w * 2" in text.split("example 2")[1]


def test_explorer_placeholder_is_rendered_with_controls_and_figure():
    """Assert an explorer div becomes controls (disabled until JS), readout and chart."""
    html = render('<div data-widget="explorer" data-explorer="activation" '
                  "data-params='{\"activation\": \"relu\", \"z\": -1}'></div>\n")
    assert 'data-explorer="activation"' in html and 'data-state="static"' in html
    assert '<option value="relu" selected>' in html
    assert 'name="z"' in html and 'value="-1.0"' in html
    assert 'data-output="da_dz">0</dd>' in html
    assert "Dead ReLU" in html


def test_unknown_explorer_fails_with_the_page_name():
    """Assert a misspelt explorer stops the build and names the page."""
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match=r"page\.md: explorer 'nope' failed"):
        render('<div data-widget="explorer" data-explorer="nope"></div>\n')


# ---- mkdocs build --strict on throw-away projects ----------------------------------------------

def make_project(tmp_path: Path, page: str) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent(f"""\
        site_name: t
        markdown_extensions:
          - pymdownx.highlight
          - pymdownx.superfences:
              custom_fences:
                - name: python
                  class: bg-example
                  format: !!python/name:guide.examples.fence_format
                  validator: !!python/name:guide.examples.fence_validator
          - guide
        """), encoding="utf-8")
    return tmp_path


def build(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}  # guide/, the extension
    return subprocess.run([*MKDOCS, "build", "--strict", "-d", str(project / "site")], cwd=project,
                          capture_output=True, text=True, env=env, timeout=120)


BROKEN = """\
# Page

Some text.

```python run
x = [1, 2, 3]
x[10]
```
"""


def test_a_raising_example_fails_the_build_with_page_line_and_traceback(tmp_path):
    """Assert mkdocs build --strict stops, naming the page, the fence's line and the snippet's error."""
    result = build(make_project(tmp_path, BROKEN))
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "Runnable examples failed at build time" in log
    assert "index.md:5: example 1 raised IndexError" in log
    assert "line 2" in log and "x[10]" in log and "IndexError: list index out of range" in log


def test_an_example_marked_raises_builds_and_shows_the_error(tmp_path):
    """Assert raises="IndexError" lets the build pass and the page shows the error as intended."""
    project = make_project(tmp_path, BROKEN.replace("```python run", '```python run raises="IndexError"'))
    result = build(project)
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Raises IndexError, as intended" in html and 'data-raises="IndexError"' in html


def test_an_example_marked_raises_that_does_not_raise_fails_the_build(tmp_path):
    """Assert raises= is a promise: an example that runs cleanly breaks the build."""
    project = make_project(tmp_path, '```python run raises="BiasgradError"\n1 + 1\n```\n')
    result = build(project)
    assert result.returncode != 0
    assert "index.md:1: example 1 was expected to raise BiasgradError but did not" in result.stdout + result.stderr


def test_an_unknown_fence_option_fails_the_build(tmp_path):
    """Assert a typo in a fence option is an error, not a silently ignored attribute."""
    project = make_project(tmp_path, '```python run sesion="a"\n1\n```\n')
    result = build(project)
    assert result.returncode != 0
    assert "unknown option sesion=" in result.stdout + result.stderr


def sections(html: str) -> list[tuple[str, str, str]]:
    """(heading text, heading tag attributes, section HTML) for every <h2> section of a page."""
    parts = re.split(r"(<h2[^>]*>.*?</h2>)", html, flags=re.S)
    out = []
    for head, body in zip(parts[1::2], parts[2::2]):
        attrs = re.match(r"<h2([^>]*)>", head).group(1)
        text = htmlmod.unescape(re.sub(r"<[^>]+>|&para;|¶", "", head)).strip()
        out.append((text, attrs, body))
    return out


@pytest.mark.parametrize("path", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_every_section_that_explains_something_has_its_own_chart(site_markdown, path):
    """Assert each <h2> section has a chart made in it: a figure from an example under it, an
    explorer, or a widget. Sections that only list sources or measurements say so with
    ``{ .bg-reference }`` on the heading (and then must not hold an example)."""
    html = site_markdown(path)
    missing = []
    for text, attrs, body in sections(html):
        if "bg-reference" in attrs:
            assert "data-example=" not in body, f"{text!r} is marked reference but has an example"
            continue
        has_chart = bool(re.search(r'data-example=.*?data-chart=', body, re.S)) or 'data-widget=' in body
        if not has_chart:
            missing.append(text)
    assert not missing, f"sections without their own chart: {missing}"
