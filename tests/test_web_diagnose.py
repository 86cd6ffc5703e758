"""biasgrad.web.diagnose: the page's plain-data verdicts (what the worker returns to diagnose.js)."""

from __future__ import annotations

import json

import pytest

from biasgrad.web.api import EXPORTS
from biasgrad.web.diagnose import LINKS, STARTER, check_practice, diagnose_code, practice_problem
from biasgrad.diagnose import MISTAKES
from biasgrad.diagnose.answer import candidates
from biasgrad.diagnose.trials import check_pair
from biasgrad.neuron import neuron_report


def test_exports():
    for name in ("diagnose_code", "practice_problem", "check_practice"):
        assert name in EXPORTS


def test_starter_is_right():
    v = diagnose_code(STARTER, "sigmoid", "bce", "mean")
    assert v["status"] == "ok" and v["mistake"] is None and v["figure"] is None
    json.dumps(v, allow_nan=False)


def test_mistake_verdict_has_arrays_shapes_chart_and_link():
    v = diagnose_code(STARTER.replace("/ len(X)", ""), "sigmoid", "bce", "mean")
    assert v["status"] == "mistake" and v["mistake"] == "sum_for_mean"
    assert v["expected_shape"] == [4] and v["got_shape"] == [4]
    assert len(v["expected"]) == 4 and v["got"][0] == pytest.approx(5 * v["expected"][0])
    assert v["link"].startswith("guide/typical-errors/#")
    fig = v["figure"]
    assert [s["mark"] for s in fig["series"]] == ["bar", "dot"]
    assert fig["series"][0]["y"] == v["expected"] and fig["table"]["columns"] == ["neuron", "expected", "got"]
    json.dumps(v, allow_nan=False)


def test_unreduced_rows_are_drawn_per_neuron():
    v = diagnose_code(STARTER.replace("return dZ.sum(axis=0) / len(X)", "return dZ"), "sigmoid", "bce", "sum")
    assert v["mistake"] == "no_reduction" and v["got_shape"] == [5, 4]
    assert len(v["figure"]["series"][1]["y"]) == 20


@pytest.mark.parametrize("source,exc,line", [
    ("def bias_gradient(X, W, b, Y):\n    return X[10**6]\n", "IndexError", 2),
    ("import numpy as np\n\ndef bias_gradient(X, W, b, Y):\n    return np.zeros(10**13)\n", "MemoryError", 4),
    ("def bias_gradient(X, W, b, Y)\n    return 0\n", "SyntaxError", 1),
    ("raise RuntimeError('at import')\n", "RuntimeError", 1),
])
def test_reader_exceptions_are_raises_with_line(source, exc, line):
    v = diagnose_code(source, "sigmoid", "bce", "mean")
    assert v["status"] == "mistake" and v["mistake"] == "raises"
    assert v["exception"].startswith(exc) and v["line"] == line
    assert f"line {line}" in v["message"]


@pytest.mark.parametrize("source,args,field", [
    ("x = 1\n", ("sigmoid", "bce", "mean"), "bias_gradient"),
    (STARTER, ("relu", "bce", "mean"), "activation"),
    (STARTER, ("sigmoid", "bce", "median"), "reduction"),
])
def test_bad_input_is_an_error_not_a_diagnosis(source, args, field):
    v = diagnose_code(source, *args)
    assert v["status"] == "error" and v["mistake"] is None and v["field"] == field


def test_links_point_at_codes_of_the_catalogue():
    assert set(LINKS) <= set(MISTAKES)


def test_practice_is_seeded_and_unambiguous():
    assert practice_problem(7) == practice_problem("7")
    kinds = set()
    for seed in range(60):
        p = practice_problem(seed)
        assert p["status"] == "ok"
        kinds.add((p["activation"], p["loss"]))
        args = {k: p[k] for k in ("x", "w", "b", "y", "activation", "loss", "lr")}
        r = neuron_report(**args)
        vals = list(candidates(r, *check_pair(p["activation"], p["loss"])).values())
        assert all(abs(a - b) > 0.02 * max(abs(a), abs(b)) for i, a in enumerate(vals) for b in vals[i + 1:])
        right = check_practice(seed, f"{r.dL_db:.4g}")
        assert right["status"] == "ok" and right["mistake"] == "correct"
        wrong = check_practice(seed, f"{-r.dL_db:.4g}")
        assert wrong["mistake"] == "sign"
    assert len(kinds) >= 8


@pytest.mark.parametrize("seed,answer,field", [(1, "abc", "answer"), ("x", "1", "seed"), (-1, "1", "seed"),
                                               (2**32, "1", "seed")])
def test_practice_bad_input(seed, answer, field):
    v = check_practice(seed, answer)
    assert v["status"] == "error" and v["field"] == field
