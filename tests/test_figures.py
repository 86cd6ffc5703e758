"""biasgrad.web.figures: figure specs in the ARCHITECTURE.md format, JSON-safe, with a data table."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from biasgrad.web import figures as fg


def test_figure_has_the_documented_keys():
    """Assert the spec carries id, title, caption, axes, series and table."""
    f = fg.figure(fg.line([0, 1], [2, 3], name="L"), title="T", caption="C", x_label="b",
                  y_label="L", id="x")
    assert set(f) == {"id", "title", "caption", "x", "y", "series", "table"}
    assert f["x"] == {"label": "b", "type": "linear"}
    assert f["series"] == [{"name": "L", "mark": "line", "x": [0, 1], "y": [2, 3]}]
    assert f["table"] == {"columns": ["b", "L"], "rows": [[0, 2], [1, 3]]}


@pytest.mark.parametrize("make, columns", [
    (lambda: fg.line([1], [2]), {"x", "y"}),
    (lambda: fg.dot([1], [2], text=["a"]), {"x", "y", "text"}),
    (lambda: fg.area([1], [2]), {"x", "y"}),
    (lambda: fg.bar(["a"], [2]), {"x", "y"}),
    (lambda: fg.rule_x([1]), {"x"}),
    (lambda: fg.rule_y([1]), {"y"}),
    (lambda: fg.arrow([0], [0], [1], [1]), {"x", "y", "x2", "y2"}),
    (lambda: fg.cell(["a"], ["b"], [0.5]), {"x", "y", "fill"}),
], ids=["line", "dot", "area", "bar", "rule-x", "rule-y", "arrow", "cell"])
def test_mark_columns(make, columns):
    """Assert each mark has exactly the columns chart.js reads."""
    s = make()
    assert s["mark"] in fg.MARKS
    assert {k for k, v in s.items() if isinstance(v, list)} == columns


def test_numpy_values_and_non_finite_numbers():
    """Assert NumPy arrays become lists of Python floats; NaN and ±inf become None."""
    s = fg.line(np.array([0.0, 1.0, 2.0]), np.array([np.nan, np.inf, np.float64(0.5)]))
    assert s["x"] == [0.0, 1.0, 2.0] and s["y"] == [None, None, 0.5]
    assert all(type(v) is float for v in s["x"])
    json.dumps(fg.figure(s), allow_nan=False)


def test_columns_must_match():
    """Assert a series with columns of different lengths is refused, naming the series."""
    with pytest.raises(ValueError, match="'tanh'.*different lengths"):
        fg.line([1, 2], [1], name="tanh")


def test_two_dimensional_columns_are_refused():
    """Assert a 2-D array is refused with a hint (flatten it)."""
    with pytest.raises(ValueError, match="one-dimensional"):
        fg.line(np.zeros((2, 2)), np.zeros((2, 2)))


def test_unknown_mark_is_refused():
    """Assert figure() rejects a series with an unknown mark."""
    with pytest.raises(ValueError, match="unknown mark"):
        fg.figure({"name": "", "mark": "pie", "x": [], "y": []})


def test_long_lines_get_a_short_table_with_both_ends():
    """Assert the automatic table keeps at most 12 rows, including the first and last point."""
    x = np.linspace(-8, 8, 321)
    f = fg.figure(fg.line(x, np.tanh(x), name="tanh"), fg.line(x, 1 - np.tanh(x) ** 2, name="d"),
                  x_label="z")
    rows = f["table"]["rows"]
    assert f["table"]["columns"] == ["z", "tanh", "d"]
    assert len(rows) == 12 and rows[0][0] == -8.0 and rows[-1][0] == 8.0
    assert math.isclose(rows[-1][1], math.tanh(8.0), rel_tol=1e-5)


def test_series_with_different_x_get_a_long_table():
    """Assert series that do not share x are listed as (series, x, y) rows."""
    f = fg.figure(fg.line([0, 1], [0, 1], name="a"), fg.dot([5], [6], name="b"), x_label="b",
                  y_label="L")
    assert f["table"]["columns"] == ["series", "b", "L"]
    assert f["table"]["rows"] == [["a", 0, 0], ["a", 1, 1], ["b", 5, 6]]


def test_cell_table_lists_every_cell():
    """Assert a heat map's table has one row per cell."""
    f = fg.figure(fg.cell(["n1", "n2"], ["e1", "e1"], [0.25, -1.0], name="dZ"), x_label="neuron",
                  y_label="example")
    assert f["table"] == {"columns": ["neuron", "example", "dZ"],
                          "rows": [["n1", "e1", 0.25], ["n2", "e1", -1.0]]}


def test_explicit_table_and_extras_pass_through():
    """Assert an explicit table wins and extras such as y_domain are kept."""
    table = {"columns": ["k"], "rows": [[1]]}
    f = fg.figure(fg.line([0], [0]), table=table, y_domain=(0, np.float64(2)), height=200)
    assert f["table"] == table and f["y_domain"] == [0, 2.0] and f["height"] == 200


def test_show_outside_the_runner_prints_a_summary(capsys):
    """Assert show() in plain Python (no runner) prints one line instead of failing."""
    fg.show(fg.figure(fg.line([0], [0]), title="T"))
    assert capsys.readouterr().out == "[figure 'T': 1 series]\n"


def test_show_needs_a_figure():
    """Assert show() refuses something that is not a figure spec."""
    with pytest.raises(TypeError, match="figure"):
        fg.show([1, 2, 3])


def test_collect_records_plain_copies():
    """Assert figures shown inside collect() are recorded as plain dicts, in order."""
    with fg.collect() as figs:
        fg.show(fg.figure(fg.line([0], [1]), title="a"))
        fg.show(fg.figure(fg.line([0], [1]), title="b"))
    assert [f["title"] for f in figs] == ["a", "b"]
    assert all(type(f) is dict for f in figs)


def test_figure_repr_is_short():
    """Assert a figure left as a REPL value prints briefly, not as a huge dict."""
    assert repr(fg.figure(fg.line([0], [1]), title="T")) == "<Figure 'T': 1 series>"

