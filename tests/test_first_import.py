"""What the browser imports before its first result, and what the package still offers.

The worker imports ``biasgrad.web.api`` once and then calls ``calculate``; everything else is
imported on first use, so the first result waits only for the calculator's Python. The package's
public names are imported lazily (PEP 562) and behave as ordinary attributes.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import biasgrad
from biasgrad.web import api

PY = Path(api.__file__).resolve().parents[2]
# Not needed for the calculator's result: each is imported by the export that uses it.
LATER = ("biasgrad.diagnose", "biasgrad.dense", "biasgrad.network", "biasgrad.datasets",
         "biasgrad.web.runner", "biasgrad.web.explorers", "biasgrad.web.training", "biasgrad.web.diagnose")


def imported_after(code: str) -> set[str]:
    """The biasgrad modules a fresh interpreter holds after running ``code``."""
    probe = code + "\nimport sys; print(' '.join(m for m in sys.modules if m.startswith('biasgrad')))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True,
                         env={"PYTHONPATH": str(PY)}, cwd=PY)
    return set(out.stdout.split())


def test_the_first_result_imports_only_the_calculators_python():
    first = imported_after("import biasgrad.web.api as a\n"
                           "assert a.calculate({'x': '1', 'w': '1', 'b': '0', 'y': '1', 'activation': 'sigmoid',"
                           " 'loss': 'bce', 'lr': '0.1'})['ok']")
    assert "biasgrad.web.calculator" in first
    assert not first & set(LATER), sorted(first & set(LATER))


def test_preload_imports_every_module_an_export_imports_on_first_use():
    """ON_FIRST_USE is exactly the modules api.py's functions import, and preload() imports them
    all (the snapshot maker calls it, so a restored runtime has every widget's Python)."""
    tree = ast.parse(Path(api.__file__).read_text(encoding="utf-8"))
    used = {alias.name for fn in tree.body if isinstance(fn, ast.FunctionDef) and fn.name != "preload"
            for node in ast.walk(fn) if isinstance(node, ast.ImportFrom) and node.level == 1
            for alias in node.names}
    assert used == set(api.ON_FIRST_USE)
    after = imported_after("import biasgrad.web.api as a; a.preload()")
    assert {f"biasgrad.web.{name}" for name in api.ON_FIRST_USE} <= after


def test_every_public_name_is_reachable_and_is_the_defining_modules_object():
    from biasgrad.dense import Dense
    from biasgrad.diagnose import diagnose_layer

    assert set(biasgrad.__all__) == set(biasgrad._HOMES)
    assert biasgrad.Dense is Dense
    assert biasgrad.diagnose_layer is diagnose_layer
    for name in biasgrad.__all__:
        assert getattr(biasgrad, name) is not None, name
        assert name in dir(biasgrad)
    namespace: dict[str, object] = {}
    exec("from biasgrad import *", namespace)  # noqa: S102 - the star import a notebook may use
    assert set(biasgrad.__all__) <= set(namespace)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Dens'"):
        biasgrad.Dens  # noqa: B018
