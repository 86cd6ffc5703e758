"""No module outside the math decides a convention by comparing an activation's or a loss's name.

The math modules (activations, losses, link, inputs: the registries and their parsers) own the
conventions; everything else asks the objects (``uses_link``, ``probability_target``,
``output_range``, ...). This reads every other module's source for a registry name compared with
``==``, ``!=``, ``in (...)`` or ``startswith`` — the pattern of the eight by-name branches the
one-loss-path redesign removed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from biasgrad.activations import ACTIVATIONS
from biasgrad.losses import NETWORK_LOSSES

ROOT = Path(__file__).resolve().parents[1]
MATH = {"activations.py", "losses.py", "link.py", "inputs.py"}
NAMES = set(ACTIVATIONS) | set(NETWORK_LOSSES)
SOURCES = [p for p in sorted((ROOT / "py/biasgrad").rglob("*.py")) if p.name not in MATH or p.parent.name != "biasgrad"]
SOURCES += sorted((ROOT / "hooks").glob("*.py")) + sorted((ROOT / "guide").glob("*.py"))
# What the other side of the comparison must look like to be a convention (not, say, an axis's
# scale kind "linear"): an activation, a loss, or a name of one.
SUBJECT = re.compile(r"\b(act|activation|lo|loss|a)\b|name\b|activation|loss")


def _names_in(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value} & NAMES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(_names_in(e) for e in node.elts)) if node.elts else set()
    return set()


def name_decisions(source: str) -> list[tuple[int, str]]:
    """(line, registry names) of each comparison or startswith against a registry name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn))
                                                 for op in node.ops):
            sides = [node.left, *node.comparators]
            hit = set().union(*(_names_in(n) for n in sides))
            subject = any(SUBJECT.search(ast.unparse(n)) for n in sides if not _names_in(n))
            if hit and subject:
                found.append((node.lineno, ", ".join(sorted(hit))))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "startswith" and node.args and SUBJECT.search(ast.unparse(node.func.value))):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and any(
                    n.startswith(arg.value) for n in NAMES):
                found.append((node.lineno, f"startswith({arg.value!r})"))
    return found


def test_the_check_finds_the_patterns_it_forbids():
    src = ('if lo.name == "bce": pass\nif "sigmoid" != act: pass\nif a in ("relu", "softplus"): pass\n'
           'if lo.startswith("bce"): pass\nif r.loss_name in ("mse",): pass\nif y.kind == "linear": pass\n'
           'if text.startswith("mse"): pass\n')
    assert [line for line, _ in name_decisions(src)] == [1, 2, 3, 4, 5]


def test_no_module_outside_the_math_compares_names():
    offenders = [f"{p.relative_to(ROOT)}:{line} ({names})"
                 for p in SOURCES for line, names in name_decisions(p.read_text(encoding="utf-8"))]
    assert not offenders, "decided by name (ask the activation or loss object instead):\n" + "\n".join(offenders)
