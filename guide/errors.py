"""The error that stops the build when a page's widget, example or explorer cannot be rendered."""

from __future__ import annotations

try:  # under MkDocs, a PluginError: the build stops with the message, not a traceback
    from mkdocs.exceptions import PluginError as _Base
except ImportError:  # pragma: no cover - another generator
    _Base = Exception  # type: ignore[misc,assignment]


class GuideError(_Base):  # type: ignore[misc,valid-type]
    """A page of the guide cannot be rendered (the message names the page)."""
