"""The guide's Python-Markdown extension: the steps that turn a page's Markdown into the guide's page.

``markdown_extensions: [guide, ...]`` in mkdocs.yml loads it; the runnable-example fence is
registered with pymdownx.superfences there too (``custom_fences``, ``guide.examples``). For each
page, a preprocessor notes the page and its Markdown (before any other preprocessor, so the
line numbers in error messages are the author's), then, on the finished HTML (after the raw
HTML is back in place), these postprocessors run in this order:

1. calculators (``calculator``)
2. examples' failures stop the build; explorers are rendered (``examples``)
3. training widgets (``training``), code checkers and practice problems (``diagnose``)
4. inline code links to the API reference (``reflinks``)
5. every formula is typeset (``katex``), the ones the widgets wrote included

In mkdocstrings' inner converter (one docstring) the postprocessors do nothing: the page's own
conversion runs them once on the whole page.
"""

from __future__ import annotations

from typing import Any, Callable

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from . import calculator, diagnose, examples, katex, reflinks, training, use_checkout_biasgrad
from .page import Page, is_nested, page_of

Step = Callable[[str, Page, Markdown], str]


def _examples(html: str, page: Page, md: Markdown) -> str:
    state = examples.state_of(md)
    examples.check_failures(state)
    return examples.replace_explorers(html, state)


STEPS: tuple[tuple[str, Step], ...] = (
    ("calculator", lambda html, page, md: calculator.replace_widgets(html, page)),
    ("examples", _examples),
    ("training", lambda html, page, md: training.replace_widgets(html, page)),
    ("diagnose", lambda html, page, md: diagnose.replace_widgets(html, page)),
    ("reflinks", lambda html, page, md: reflinks.link_page(html, page.src, page.docs_dir)),
    ("katex", lambda html, page, md: katex.typeset(html)),
)


class _PageStart(Preprocessor):
    """Note the page and its Markdown, as the author wrote it (before snippets and the rest)."""

    def __init__(self, md: Markdown, default: Page) -> None:
        super().__init__(md)
        self.default = default

    def run(self, lines: list[str]) -> list[str]:
        use_checkout_biasgrad()
        page = page_of(self.md, self.default)
        self.md.biasgrad_page = page  # type: ignore[attr-defined]
        self.md.biasgrad_examples = examples.PageState(page, "\n".join(lines))  # type: ignore[attr-defined]
        return lines


class _StepProcessor(Postprocessor):
    def __init__(self, md: Markdown, step: Step) -> None:
        super().__init__(md)
        self.step = step

    def run(self, text: str) -> str:
        if is_nested(self.md):
            return text
        page = getattr(self.md, "biasgrad_page", None) or page_of(self.md, Page())
        return self.step(text, page, self.md)


class GuideExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "src": ["", "the page's Markdown file, relative to docs/, where MkDocs does not say"],
            "url": ["", "the page's URL, relative to the site root, where MkDocs does not say"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.registerExtension(self)
        default = Page(self.getConfig("src") or Page.src, self.getConfig("url"))
        # Above snippets (32) and normalize_whitespace (30): the author's lines, as MkDocs passes them.
        md.preprocessors.register(_PageStart(md, default), "guide_page", 100)
        # Below raw_html (30), footnote (25) and amp_substitute (20): the finished HTML.
        for k, (name, step) in enumerate(STEPS):
            md.postprocessors.register(_StepProcessor(md, step), f"guide_{name}", 10 - k)
