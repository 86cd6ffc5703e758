"""The command line, run as a reader would: python -m biasgrad in a subprocess."""

import json
import math
import os
import pathlib
import subprocess
import sys

import pytest

from biasgrad import neuron_report
from biasgrad.neuron import REPORT_KEYS

PY_DIR = str(pathlib.Path(__file__).resolve().parents[1] / "py")


def run(*args):
    env = dict(os.environ, PYTHONPATH=PY_DIR)
    return subprocess.run([sys.executable, "-m", "biasgrad", *args], capture_output=True, text=True, env=env, timeout=60)


def test_text_report_shows_every_part():
    p = run("--x", "1.5", "--w", "0.8", "--b", "0.1", "--y", "1", "--activation", "sigmoid", "--loss", "bce")
    assert p.returncode == 0 and p.stderr == ""
    for text in ("forward pass", "chain rule", "dL/da", "da/dz", "dz/db", "dL/db", "σ(z) − y",
                 "b − lr·dL/db", "b_next", "numeric", "warnings: none"):
        assert text in p.stdout, text
    # b_next = 0.1 − 0.1·(σ(1.3) − 1) = 0.1214165017 (see test_neuron's hand computation)
    assert "0.121416501696" in p.stdout


def test_text_report_lists_warnings():
    p = run("--x", "1", "--w", "0", "--b", "0", "--y", "1", "--activation", "relu", "--loss", "mse_half")
    assert p.returncode == 0 and "[dead_relu]" in p.stdout


def test_json_has_exactly_the_keys_and_full_precision():
    p = run("--x", "1.5", "--w", "0.8", "--b", "0.1", "--y", "1", "--loss", "bce_logits", "--lr", "0.1", "--json")
    assert p.returncode == 0
    assert len(p.stdout.strip().splitlines()) == 1
    d = json.loads(p.stdout)
    assert tuple(d) == REPORT_KEYS
    assert d["dL_da"] is None and d["warnings"] == []
    expected = neuron_report(1.5, 0.8, 0.1, 1.0, "sigmoid", "bce_logits", 0.1).as_dict()
    assert d == expected  # repr round-trips floats exactly


@pytest.mark.parametrize("args,x", [(["--x", "-1.5"], -1.5), (["--x=-1e4"], -1e4), (["--x", "-1e4"], -1e4),
                                    (["--x", "−2"], -2.0), (["--x", " 3 "], 3.0)],
                         ids=["space-negative", "equals-exponent", "space-exponent", "unicode-minus", "padded"])
def test_negative_and_odd_numbers(args, x):
    p = run(*args, "--loss", "mse_half", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["z"] == neuron_report(x, 0.8, 0.1, 1.0, "sigmoid", "mse_half").z


def test_the_famous_saturated_case():
    d = json.loads(run("--x", "1", "--w", "700", "--b", "0", "--y", "0", "--json").stdout)
    assert d["loss"] == 700.0 and d["dL_db"] == 1.0 and math.isfinite(d["dL_da"])


@pytest.mark.parametrize("args,needle", [
    (["--x", "abc"], "x must be a finite number, got 'abc'"),
    (["--w", "nan"], "w is NaN"),
    (["--b", "inf"], "b is +infinity"),
    (["--y", "-inf"], "y is -infinity"),
    (["--x", ""], "x is empty"),
    (["--x", "1e999"], "too large"),
    (["--activation", "swish"], "unknown activation 'swish'; choose one of: linear, sigmoid"),
    (["--loss", "hinge"], "unknown loss 'hinge'; choose one of: mse_half"),
    (["--lr", "-0.1"], "lr must be >= 0"),
    (["--activation", "tanh", "--x", "-1"], "undefined"),
    (["--y", "1.5"], "y must be in [0, 1]"),
    (["--activation", "relu", "--loss", "bce_logits"], "must be sigmoid"),
    (["--frobnicate"], "unrecognized arguments"),
    (["--x"], "expected one argument"),
    (["--act", "relu"], "unrecognized arguments"),  # allow_abbrev=False
], ids=["text", "nan", "inf", "minus-inf", "empty", "overflow", "activation", "loss", "negative-lr",
        "bce-undefined", "y-range", "logits-sigmoid", "unknown-flag", "missing-value", "no-abbreviations"])
def test_bad_input_is_one_line_on_stderr_and_exit_2(args, needle):
    p = run(*args)
    assert p.returncode == 2
    assert p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in p.stderr
    assert needle in lines[0]


def test_help_works():
    p = run("--help")
    assert p.returncode == 0 and "--activation" in p.stdout


def test_a_reader_that_closes_the_pipe_early_gets_no_traceback():
    """Assert `biasgrad --json | head -c 5` exits 0 with an empty stderr."""
    env = dict(os.environ, PYTHONPATH=PY_DIR)
    args = [sys.executable, "-m", "biasgrad", "--x", "1", "--w", "1", "--b", "0", "--y", "1", "--json"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader leaves before the report is written
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in stderr and stderr == ""
