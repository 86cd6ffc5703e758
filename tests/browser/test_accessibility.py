"""Accessible to every reader (issue 7): axe-core 4.14 (npm, from package-lock.json) finds no
serious or critical violation on any built page, light or dark, after the widgets mount.

No rule is disabled: the theme's own markup is fixed through overrides/ and site_js/theme.css."""

from __future__ import annotations

import pytest
from axe import violations
from pages import built_pages, visit

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_axe_violation_on_any_page(new_reader, site_url, site_dir, scheme):
    """Assert axe-core reports 0 serious/critical violations on every page in this palette."""
    page = new_reader(viewport={"width": 1280, "height": 900}, color_scheme=scheme).page
    found = {}
    for path in built_pages(site_dir):
        visit(page, site_url + path)
        for v in violations(page):
            found.setdefault(path or "/", []).append(
                f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']}; e.g. {v['nodes'][0]['target']}: "
                f"{v['nodes'][0]['summary'].splitlines()[-1].strip()}")
    total = sum(len(v) for v in found.values())
    assert not found, f"{scheme}: {total} kinds of violation:\n" + "\n".join(f"{p}: {v}" for p, vs in found.items() for v in vs)
