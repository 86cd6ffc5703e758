"""biasgrad.web.runner: a guide example runs like a REPL cell, the same in CPython and Pyodide."""

from __future__ import annotations

import json

import pytest

from biasgrad.web.runner import run_example


def test_last_expression_is_shown_like_a_repl():
    """Assert statements run, print() goes to stdout, and the final expression's repr is the result."""
    r = run_example("x = 20\nprint('x is', x)\nx + 22")
    assert r == {"ok": True, "stdout": "x is 20\n", "result": "42", "error": None,
                 "figures": [], "expected": None}


@pytest.mark.parametrize("code", ["x = 1", "print(1)", "None", "def f():\n    return 1", ""],
                         ids=["assignment", "call-returning-none", "none", "def", "empty"])
def test_no_result_without_a_final_value(code):
    """Assert a final statement, or an expression that is None, gives result None."""
    assert run_example(code)["result"] is None


def test_numpy_repr():
    """Assert the result is repr(), as a REPL shows it."""
    r = run_example("import numpy as np\nnp.array([1.0, 2.5])")
    assert r["result"] == "array([1. , 2.5])"


def test_traceback_has_only_the_snippet_frames_with_its_line_numbers():
    """Assert the error names the snippet's lines (1-based, as in the page) and no runner frames."""
    code = "def f(a):\n    return 1 / a\n\nf(0)"
    r = run_example(code)
    assert r["ok"] is False and r["result"] is None
    err = r["error"]
    assert err["type"] == "ZeroDivisionError" and err["line"] == 2
    assert err["traceback"] == ("Traceback (most recent call last):\n"
                                "  line 4\n    f(0)\n"
                                "  line 2, in f\n    return 1 / a\n"
                                "ZeroDivisionError: division by zero")
    assert "runner.py" not in err["traceback"] and "File" not in err["traceback"]


def test_error_inside_the_module_points_at_the_callers_line():
    """Assert a BiasgradError raised deep in biasgrad is reported at the snippet line that called it."""
    r = run_example("from biasgrad import neuron_report\n\nneuron_report(x=1, w=1, b=0, y=2, loss='bce')")
    assert r["error"]["type"] == "BiasgradError"
    assert r["error"]["line"] == 3
    assert "neuron_report(x=1" in r["error"]["traceback"]
    assert "neuron.py" not in r["error"]["traceback"]


def test_output_before_the_error_is_kept():
    """Assert stdout printed before an exception is still returned."""
    r = run_example("print('before')\nraise ValueError('boom')")
    assert r["stdout"] == "before\n" and r["error"]["message"] == "boom"


def test_syntax_error_has_line_and_caret():
    """Assert a SyntaxError shows the offending snippet line and a caret."""
    r = run_example("x = 1\ny = (2,\n")
    err = r["error"]
    assert err["type"] == "SyntaxError" and err["line"] == 2
    assert "y = (2," in err["traceback"] and "^" in err["traceback"]


@pytest.mark.parametrize("name", ["ValueError", "BiasgradError"], ids=["base-class", "exact-class"])
def test_expected_exception_is_ok(name):
    """Assert raises= accepts the class or a base class, and the error is still reported."""
    r = run_example("from biasgrad import neuron_report\nneuron_report(x='a', w=1, b=0, y=0)",
                    {"raises": name})
    assert r["ok"] is True and r["expected"] == name
    assert r["error"]["type"] == "BiasgradError"


def test_expected_exception_that_does_not_happen_is_a_failure():
    """Assert an example marked raises= that runs cleanly is not ok, with a clear message."""
    r = run_example("1 + 1", {"raises": "BiasgradError"})
    assert r["ok"] is False
    assert r["error"]["type"] == "NoError"
    assert "expected the example to raise BiasgradError" in r["error"]["message"]


def test_a_different_exception_than_expected_is_a_failure():
    """Assert raises=BiasgradError does not excuse a ZeroDivisionError."""
    assert run_example("1 / 0", {"raises": "BiasgradError"})["ok"] is False


def test_prelude_shares_state_and_is_silent():
    """Assert prelude code runs first in the same namespace, and its output and figures are dropped."""
    prelude = ["from biasgrad.web.figures import figure, line, show\nprint('hidden')\n"
               "show(figure(line([0, 1], [0, 1])))\nk = 21"]
    r = run_example("k * 2", {"prelude": prelude})
    assert r["result"] == "42" and r["stdout"] == "" and r["figures"] == []


def test_each_run_has_a_fresh_namespace():
    """Assert names do not leak from one run to the next."""
    run_example("leak = 1")
    assert run_example("leak")["error"]["type"] == "NameError"


def test_warnings_are_printed_with_the_snippet_line():
    """Assert a warning shows in stdout, tagged with the snippet's line."""
    r = run_example("import warnings\n\nwarnings.warn('careful')")
    assert r["ok"] is True
    assert r["stdout"] == "line 3: UserWarning: careful\n"


def test_numpy_floating_point_warnings_are_off_as_in_webassembly():
    """Assert NumPy's divide/invalid warnings are silenced (Pyodide cannot raise them), unless the
    snippet asks for them with its own errstate."""
    r = run_example("import numpy as np\nnp.log(np.array([-1.0, 1.0]))")
    assert r["stdout"] == "" and r["result"] == "array([nan,  0.])"
    r = run_example("import numpy as np\nwith np.errstate(invalid='raise'):\n    np.log(np.array([-1.0]))")
    assert r["error"]["type"] == "FloatingPointError"


def test_figures_come_back_in_order_as_plain_json():
    """Assert show() and a final figure expression both add a JSON-safe spec with stable ids."""
    code = ("import numpy as np\nfrom biasgrad.web.figures import figure, line, dot, show\n"
            "show(figure(line(np.arange(3.0), np.array([0.0, np.nan, 1.0])), title='first'))\n"
            "figure(dot([1], [2]), title='second')")
    r = run_example(code)
    assert r["result"] is None
    assert [f["title"] for f in r["figures"]] == ["first", "second"]
    assert [f["id"] for f in r["figures"]] == ["fig-1", "fig-2"]
    assert r["figures"][0]["series"][0]["y"] == [0.0, None, 1.0]
    json.dumps(r, allow_nan=False)
    assert run_example(code)["figures"] == r["figures"]  # same ids in every run


def test_options_may_be_missing_or_none():
    """Assert the worker may pass no options at all."""
    assert run_example("1")["ok"] and run_example("1", None)["ok"]


def test_long_repr_is_truncated():
    """Assert a huge repr is cut with a note, so the page stays usable."""
    r = run_example("'x' * 50000")
    assert len(r["result"]) < 20_100 and r["result"].endswith("more characters)")


def test_system_exit_is_reported_not_raised():
    """Assert exit() in a snippet ends the snippet, not the worker or the build."""
    r = run_example("import sys\nsys.exit(3)")
    assert r["ok"] is False and r["error"]["type"] == "SystemExit"


def test_a_failing_earlier_example_is_named_in_the_later_ones_error():
    """Assert an example whose earlier example (session prelude) raises does not run, and its
    error names that example, its line and its exception."""
    prelude = [{"code": "x = 1.5\nz = w * x", "title": "Forward pass", "raises": None}]
    r = run_example("print(z)", {"prelude": prelude})
    assert r["ok"] is False and r["stdout"] == ""
    assert r["error"]["type"] == "NameError" and r["error"]["depends_on"] == "Forward pass"
    assert r["error"]["message"] == "in \"Forward pass\": name 'w' is not defined"
    tb = r["error"]["traceback"]
    assert tb.startswith('This example continues from "Forward pass", which now fails')
    assert "earlier example, line 2" in tb and "z = w * x" in tb


def test_an_earlier_example_that_raises_as_declared_does_not_stop_the_next():
    """Assert a prelude entry with raises= that raises exactly that lets the later example run."""
    prelude = [{"code": "k = 21\nraise ValueError('meant')", "title": "Raises", "raises": "ValueError"}]
    assert run_example("k * 2", {"prelude": prelude})["result"] == "42"
    prelude[0]["raises"] = "KeyError"
    assert run_example("k * 2", {"prelude": prelude})["error"]["depends_on"] == "Raises"


def test_a_plain_string_prelude_that_fails_is_reported_too():
    """Assert the older prelude form (code strings) reports its failure instead of hiding it."""
    r = run_example("1", {"prelude": ["1 / 0"]})
    assert r["ok"] is False and r["error"]["type"] == "ZeroDivisionError"
    assert "an earlier example" in r["error"]["traceback"]
