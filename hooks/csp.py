"""MkDocs hook: a strict Content-Security-Policy in every page, as a ``<meta http-equiv>``.

The site's own markup has no inline script and no inline handler (the early worker is
``site_js/early.js``; forms are kept from submitting by ``site_js/boot.js``). What remains inline
is the theme's: ``__md_scope``/``__md_get`` (its page-depth differs per page), the palette and the
anchor-target scripts. This hook hashes each remaining inline script of a page and allows exactly
those hashes. JSON data blocks (``type="application/json"``) are not scripts and need none.

The policy (``policy(hashes)``)::

    default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-…'…; worker-src 'self';
    style-src 'self' 'unsafe-inline'; img-src 'self' data:

``img-src data:`` is for the theme's SVG icons, which its stylesheet embeds as ``data:`` URLs;
an image cannot run script. ``tools/serve.py`` sends the page's policy as a header too, and the
README's "Hosting" section says what a host must send.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

BASE = ("default-src 'self'", "worker-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:")
SCRIPT_SRC = "script-src 'self' 'wasm-unsafe-eval'"
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
META_NAME = 'http-equiv="Content-Security-Policy"'


def inline_scripts(html: str) -> list[str]:
    """The bodies of the executable inline scripts in html (no src, not a JSON data block)."""
    bodies = []
    for match in INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs") or ""
        if re.search(r"\ssrc\s*=", attrs) or re.search(r'type\s*=\s*"application/(ld\+)?json"', attrs):
            continue
        bodies.append(match.group("body"))
    return bodies


def script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def policy(hashes: list[str]) -> str:
    script = " ".join([SCRIPT_SRC, *sorted(set(hashes))])
    return "; ".join([BASE[0], script, *BASE[1:]])


def add_policy(html: str) -> str:
    """html with the policy meta right after <head> (before any script it must cover)."""
    if META_NAME in html:
        raise ValueError("the page already has a Content-Security-Policy meta")
    content = policy([script_hash(body) for body in inline_scripts(html)])
    meta = f'<meta {META_NAME} content="{content}">'
    head = re.search(r"<head[^>]*>", html, re.I)
    if head is None:
        return html
    return html[: head.end()] + "\n  " + meta + html[head.end():]


def on_post_page(output: str, **kwargs: Any) -> str:
    return add_policy(output)


def on_post_template(output_content: str, template_name: str, **kwargs: Any) -> str:
    """Static templates (404.html) get their policy too; sitemap.xml and others are not HTML."""
    return add_policy(output_content) if template_name.endswith(".html") else output_content
