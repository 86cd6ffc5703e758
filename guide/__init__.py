"""The guide's page content, as Python-Markdown extensions (``markdown_extensions:`` in mkdocs.yml).

Everything a page of the guide gets beyond plain Markdown is made here, by the converter of the
page, so any generator that runs Python-Markdown extensions builds it (MkDocs today; Zensical,
Material's successor, runs extensions but no MkDocs hooks):

==================  ==============================================================================
``extension``       the extension: its steps, in order, on every page
``calculator``      ``<div data-widget="calculator">`` -> the calculator
``examples``        ```` ```python run ```` fences (a pymdownx.superfences custom fence) and
                    ``<div data-widget="explorer">`` -> runnable examples and explorers
``training``        ``<div data-widget="training">`` -> the training widget
``diagnose``        ``<div data-widget="diagnose">`` / ``"practice"`` -> the code checker, practice
``reflinks``        inline code naming a public function -> its API reference entry
``katex``           every formula typeset with KaTeX (Node), last, so the widgets' math too
``render``          the one renderer: Jinja2 templates (``templates/``, autoescaped), the escape
``page``            which page a conversion is for (ids, messages, the path to the site root)
==================  ==============================================================================

Site-level work that writes files or touches whole templates stays in ``hooks/`` (MkDocs hooks).
This package is not part of the ``biasgrad`` wheel (``py/biasgrad``), which must not depend on
Markdown or Jinja2; it imports ``biasgrad`` from this checkout's ``py/``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def use_checkout_biasgrad() -> None:
    """Import ``biasgrad`` from this checkout's ``py/`` (the code the pages document)."""
    if str(ROOT / "py") not in sys.path:
        sys.path.insert(0, str(ROOT / "py"))


use_checkout_biasgrad()


def makeExtension(**kwargs: Any) -> Any:  # noqa: N802 - the name Python-Markdown looks for
    from .extension import GuideExtension

    return GuideExtension(**kwargs)
