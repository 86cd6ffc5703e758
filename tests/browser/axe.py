"""axe-core (npm, package-lock.json) in a Playwright page: ``violations(page)`` -> serious and
critical violations of the current page, as plain dicts."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary,
                                                  html: n.html.slice(0, 160)}))}));
}"""


def violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # an evaluation, not a <script>: CSP-proof
    return page.evaluate(RUN)
