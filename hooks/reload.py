"""MkDocs hook: ``mkdocs serve`` picks up an edit to ``guide/`` on its next rebuild.

MkDocs loads this file afresh for every build, but the ``guide`` Markdown extension is an
imported package, which Python would keep. After each build this stops the extension's Node
process (KaTeX) and forgets the package, so the next build imports the edited code.
"""

from __future__ import annotations

import sys
from typing import Any


def on_post_build(config: Any, **kwargs: Any) -> None:
    katex = sys.modules.get("guide.katex")
    if katex is not None:
        katex.close()
    for name in [m for m in sys.modules if m == "guide" or m.startswith("guide.")]:
        del sys.modules[name]
