"""Which page a Markdown conversion is for (the ids, the error messages, the links to the root).

Python-Markdown does not know the page. Under MkDocs the converter carries its ``relpath``
tree processor, which holds the page's ``File`` (under Zensical, its ``rendering_context``
preprocessor holds the page); a converter without either (a test, another generator) converts the page the extension's ``src`` and ``url`` options name, by default an
anonymous one, ``<markdown>`` at the site root, with this checkout's docs/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Page:
    src: str = "<markdown>"     # the Markdown file, relative to docs/ (src_uri)
    url: str = ""               # the page's URL, relative to the site root
    docs_dir: Path = ROOT / "docs"

    @property
    def slug(self) -> str:
        """The page's name in element ids: ``guide/one-neuron.md`` -> ``guide-one-neuron``."""
        return re.sub(r"[^a-z0-9]+", "-", Path(self.src).with_suffix("").as_posix().lower()).strip("-") or "page"

    @property
    def root(self) -> str:
        """The relative path from the page to the site root (``../../`` for ``guide/x/``)."""
        url = self.url.strip("/")
        return "../" * (url.count("/") + 1) if url else ""


def page_of(md: Any, default: Page) -> Page:
    """The page ``md`` is converting, else default. MkDocs' relpath tree processor holds its File;
    Zensical's ``rendering_context`` preprocessor its page (``path`` is the src_uri)."""
    try:
        relpath = md.treeprocessors["relpath"]
        return Page(relpath.file.src_uri, relpath.file.url, Path(relpath.config["docs_dir"]))
    except (KeyError, AttributeError, TypeError):
        pass
    try:
        context = md.preprocessors["rendering_context"].page
        return Page(str(context.path), str(context.url))
    except (KeyError, AttributeError, TypeError):
        return default


def is_nested(md: Any) -> bool:
    """True in mkdocstrings' inner converter (a docstring): the page's own pass does the work."""
    return any(type(ext).__name__ == "MkdocstringsInnerExtension" for ext in md.registeredExtensions)
