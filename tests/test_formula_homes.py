"""Each formula the calculator shows has one home: its activation's or loss's class.

The calculator fills the class templates with the reader's numbers; no template is written a
second time in the web layer, the guide's extension or the hooks, and every template fills without error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from biasgrad.activations import ACTIVATIONS
from biasgrad.losses import LOSSES
from biasgrad.web.calculator import ACTIVATION_LABELS, LOSS_LABELS

ROOT = Path(__file__).resolve().parents[1]
NUMBERS = {"z": "-1.5", "zp": "(-1.5)", "a": "0.25", "ap": "0.25", "y": "1", "yp": "1", "alpha": "0.01"}
RENDERING = sorted((ROOT / "py/biasgrad/web").glob("*.py")) + sorted((ROOT / "hooks").glob("*.py"))
RENDERING += sorted((ROOT / "guide").rglob("*.py")) + sorted((ROOT / "guide").rglob("*.html"))


def templates() -> list[tuple[str, str, str]]:
    out = []
    for name in ACTIVATION_LABELS:
        act = ACTIVATIONS[name]
        out += [(name, "with_numbers", t) for t in act.with_numbers]
        out += [(name, "derivative_with_numbers", t) for t in act.derivative_with_numbers]
    for name in LOSS_LABELS:
        loss = LOSSES[name]
        out += [(name, "with_numbers", t) for t in loss.with_numbers]
        for y in (0.0, 0.5, 1.0):
            out += [(name, f"derivative_with_numbers_at({y})", t) for t in loss.derivative_with_numbers_at(y)]
    return out


def test_the_menus_name_every_choice_from_its_class():
    assert ACTIVATION_LABELS == {n: ACTIVATIONS[n].menu_label for n in ACTIVATION_LABELS}
    assert LOSS_LABELS == {n: LOSSES[n].menu_label for n in LOSS_LABELS}
    assert all(ACTIVATION_LABELS.values()) and all(LOSS_LABELS.values())


@pytest.mark.parametrize(("name", "attr", "template"), templates())
def test_every_template_fills_with_the_numbers(name, attr, template):
    assert template, f"{name}.{attr} is empty"
    filled = template.format(**NUMBERS)
    assert filled.count("{") == filled.count("}"), f"{name}.{attr}: unbalanced TeX braces in {filled!r}"


@pytest.mark.parametrize(("name", "attr", "template"), [t for t in templates() if len(t[2]) > 12])
def test_no_template_is_written_twice(name, attr, template):
    again = [p.relative_to(ROOT).as_posix() for p in RENDERING if template in p.read_text(encoding="utf-8")]
    assert not again, f"{name}.{attr} is copied into {again}: read it from the class"


def test_bce_at_a_hard_label_shows_the_exact_form_the_module_evaluates():
    bce = LOSSES["bce"]
    assert bce.derivative_with_numbers_at(0.0)[1].startswith("1/(1 − a)")
    assert bce.derivative_with_numbers_at(1.0)[1].startswith("−1/a")
    assert bce.derivative_with_numbers_at(0.3) == bce.derivative_with_numbers
    # the forms agree with the module's dL/da at a hard label
    a = 0.25
    assert bce.dL_da(a, 0.0) == pytest.approx(1 / (1 - a), rel=1e-15)
    assert bce.dL_da(a, 1.0) == pytest.approx(-1 / a, rel=1e-15)
