"""MkDocs hook: the canonical site URL, Open Graph + Twitter meta tags, and the social-card image.

* **Canonical URL.** ``site_url`` comes from ``BIASGRAD_SITE_URL`` (mkdocs.yml). ``mkdocs build``
  (and ``gh-deploy``) without it stops with a message: a deploy with the local default would
  publish canonical links and a sitemap pointing at 127.0.0.1. ``mkdocs serve`` keeps the
  default ``http://127.0.0.1:8000/``; ``tools/serve.py`` and the tests set the variable.
* **Meta tags.** Every page gets ``og:title``, ``og:description``, ``og:url``, ``og:image``
  (+ size and alt), ``og:type``, ``og:site_name`` and the ``twitter:`` equivalents. The
  description is the page's ``description`` front matter, else its first paragraph, else the
  site's description.
* **The image** ``assets/social-card.png`` (1200×630) is drawn here with Pillow from the
  package's own numbers: the loss of one sigmoid/BCE neuron as a function of its bias, and the
  tangent whose slope is dL/db, from :func:`biasgrad.neuron_report`. No external service.
"""

from __future__ import annotations

import html
import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
ENV = "BIASGRAD_SITE_URL"
IMAGE = "assets/social-card.png"
SIZE = (1200, 630)
_state: dict[str, str] = {"command": "build"}


def on_startup(command: str, dirty: bool = False, **kwargs: Any) -> None:
    _state["command"] = command


def check_site_url(command: str, environ: dict[str, str]) -> None:
    """Refuse a build meant for deploying that has no real site URL."""
    if command == "serve":
        return
    url = environ.get(ENV, "").strip()
    if not url:
        raise PluginError(
            f"{ENV} is not set. A build is for deploying: set it to where the site will be served, "
            f"e.g. {ENV}=https://example.org/biasgrad/ mkdocs build (canonical links, the sitemap "
            f"and the social-card URLs use it). For local use run `bash tools/serve.sh` or "
            f"`mkdocs serve`, which default to http://127.0.0.1:8000/.")
    if not re.match(r"https?://[^/\s]+(/\S*)?$", url) or not url.endswith("/"):
        raise PluginError(f"{ENV}={url!r} must be an absolute http(s) URL ending in '/'.")


def on_config(config: Any, **kwargs: Any) -> Any:
    check_site_url(_state["command"], dict(os.environ))
    return config


_TEX = {r"\cdot": "·", r"\partial": "∂", r"\sigma": "σ", r"\times": "×", r"\to": "→",
        r"\Rightarrow": "⇒", r"\approx": "≈", r"\varepsilon": "ε", r"\epsilon": "ε", r"\ldots": "…", r"\dots": "…", r"\,": " "}


def plain_tex(tex: str) -> str:
    r"""Inline TeX as readable plain text for a description (``\partial L/\partial b`` -> ``∂L/∂b``)."""
    tex = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", tex)
    for k, v in _TEX.items():
        tex = re.sub(re.escape(k) + (r"\s*" if v in ("∂", "σ", "ε") else ""), v, tex)
    tex = re.sub(r"\\(?:mathrm|text|mathbf|operatorname)\{([^}]*)\}", r"\1", tex)
    tex = re.sub(r"\\[A-Za-z]+", "", tex)
    return tex.replace("{", "").replace("}", "").strip()


_KATEX = re.compile(r'<span class="arithmatex" data-rendered="katex">')
_TEX_SOURCE = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.S)
_SPAN = re.compile(r"<span\b|</span>")


def untypeset(page_html: str) -> str:
    """Inline math that guide/katex.py typeset, back as arithmatex's TeX (KaTeX keeps the TeX
    in its MathML's annotation), so a description reads ∂L/∂b, not KaTeX's two renderings."""
    out, pos = [], 0
    for start in _KATEX.finditer(page_html):
        if start.start() < pos:
            continue
        depth, end = 1, len(page_html)
        for tag in _SPAN.finditer(page_html, start.end()):
            depth += 1 if tag.group(0) == "<span" else -1
            if depth == 0:
                end = tag.end()
                break
        tex = _TEX_SOURCE.search(page_html, start.end(), end)
        out.append(page_html[pos:start.start()])
        out.append(f'<span class="arithmatex">\\({tex.group(1) if tex else ""}\\)</span>')
        pos = end
    out.append(page_html[pos:])
    return "".join(out)


def _first_paragraph(page_html: str) -> str:
    for m in re.finditer(r"<p>(.*?)</p>", untypeset(page_html), re.S):
        text = re.sub(r'<span class="arithmatex">\\\((.*?)\\\)</span>', lambda t: plain_tex(t.group(1)), m.group(1), flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
        text = re.sub(r"\s+", " ", text).strip()
        if len(text) >= 40:
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return ""


def meta_tags(title: str, description: str, url: str, image: str, site_name: str) -> str:
    def e(s: str) -> str:
        return html.escape(s, quote=True)

    alt = f"{site_name}: the loss of one neuron against its bias, with the tangent of slope dL/db"
    tags = [
        ("property", "og:type", "website"), ("property", "og:site_name", site_name),
        ("property", "og:title", title), ("property", "og:description", description),
        ("property", "og:url", url), ("property", "og:image", image),
        ("property", "og:image:type", "image/png"), ("property", "og:image:width", str(SIZE[0])),
        ("property", "og:image:height", str(SIZE[1])), ("property", "og:image:alt", alt),
        ("name", "twitter:card", "summary_large_image"), ("name", "twitter:title", title),
        ("name", "twitter:description", description), ("name", "twitter:image", image),
        ("name", "twitter:image:alt", alt),
    ]
    return "".join(f'<meta {k}="{e(n)}" content="{e(v)}">' for k, n, v in tags)


def on_page_content(page_html: str, page: Any, config: Any, files: Any, **kwargs: Any) -> str:
    page.meta.setdefault("social_description", (page.meta.get("description") or _first_paragraph(page_html)
                                                or config["site_description"] or ""))
    return page_html


def on_post_page(output: str, page: Any, config: Any, **kwargs: Any) -> str:
    site_url = config["site_url"] or "/"
    title = config["site_name"] if page.is_homepage else f"{page.title} – {config['site_name']}"
    tags = meta_tags(re.sub(r"<[^>]+>", "", str(title)), page.meta.get("social_description") or "",
                     page.canonical_url or urljoin(site_url, page.url), urljoin(site_url, IMAGE),
                     config["site_name"])
    return output.replace("</head>", tags + "</head>", 1)


# ---- the image -----------------------------------------------------------------------------

def card_curve() -> tuple[list[tuple[float, float]], tuple[float, float, float]]:
    """L(b) for x=1.5, w=0.8, y=1 (sigmoid, BCE) and the point + slope at b = −1.5, from biasgrad."""
    if str(ROOT / "py") not in sys.path:
        sys.path.insert(0, str(ROOT / "py"))
    from biasgrad import neuron_report

    def report(b: float) -> Any:
        return neuron_report(x=1.5, w=0.8, b=b, y=1.0, activation="sigmoid", loss="bce", lr=0.1)

    bs = [-4 + 8 * i / 160 for i in range(161)]
    here = report(-1.5)
    return [(b, report(b).loss) for b in bs], (-1.5, here.loss, here.dL_db)


def draw_card(path: Path, title: str, subtitle: str) -> None:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", SIZE, "#283593")
    d = ImageDraw.Draw(img)
    big, mid, small = (ImageFont.load_default(size=s) for s in (84, 34, 26))
    d.text((70, 60), title, font=big, fill="#ffffff")
    words, lines, line = subtitle.split(), [], ""
    for w in words:
        if d.textlength(f"{line} {w}".strip(), font=mid) > 560:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    for i, text in enumerate(lines[:5]):
        d.text((70, 190 + 46 * i), text, font=mid, fill="#e8eaf6")
    d.text((70, 520), "dz/db = 1, so dL/db = dL/dz", font=mid, fill="#ffd180")

    curve, (b0, l0, slope) = card_curve()
    box = (680, 90, 1140, 540)
    lo_b, hi_b = curve[0][0], curve[-1][0]
    hi_l = max(v for _, v in curve) * 1.05

    def px(b: float, v: float) -> tuple[float, float]:
        return (box[0] + (b - lo_b) / (hi_b - lo_b) * (box[2] - box[0]),
                box[3] - v / hi_l * (box[3] - box[1]))

    d.rounded_rectangle((box[0] - 30, box[1] - 40, box[2] + 30, box[3] + 50), radius=24, fill="#ffffff")
    d.line([px(box_b, 0) for box_b in (lo_b, hi_b)], fill="#9fa8da", width=2)
    d.line([px(b, v) for b, v in curve], fill="#3949ab", width=6, joint="curve")
    t0, t1 = b0 - 1.2, b0 + 1.2
    d.line([px(t0, l0 + slope * (t0 - b0)), px(t1, l0 + slope * (t1 - b0))], fill="#ff6e40", width=5)
    cx, cy = px(b0, l0)
    d.ellipse((cx - 11, cy - 11, cx + 11, cy + 11), fill="#ff6e40", outline="#ffffff", width=3)
    d.text((box[0], box[3] + 10), "L(b) and its tangent: the slope is dL/db", font=small, fill="#3949ab")
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG", optimize=True)


def on_post_build(config: Any, **kwargs: Any) -> None:
    draw_card(Path(config["site_dir"]) / IMAGE, config["site_name"], config["site_description"] or "")
