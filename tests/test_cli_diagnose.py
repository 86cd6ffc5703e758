"""python -m biasgrad diagnose FILE.py: exit 0 right, 1 mistake found, 2 bad input (one stderr line)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RIGHT = """import numpy as np

def bias_gradient(X, W, b, Y):
    A = np.tanh(X @ W + b)
    return ((A - Y) * (1 - A ** 2)).sum(axis=0)
"""
WRONG = RIGHT.replace("* (1 - A ** 2)", "")
RAISES = RIGHT.replace("return", "return 1 / 0 +")


def run(*args, cwd=None):
    env = {"PYTHONPATH": str(ROOT / "py"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "biasgrad", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120)


@pytest.fixture
def files(tmp_path):
    for name, text in (("right.py", RIGHT), ("wrong.py", WRONG), ("raises.py", RAISES), ("none.py", "x = 1\n")):
        (tmp_path / name).write_text(text)
    return tmp_path


def test_right_exits_0(files):
    p = run("diagnose", str(files / "right.py"), "--activation", "tanh", "--loss", "mse_half", "--reduction", "sum")
    assert p.returncode == 0, p.stderr
    assert "verdict: right" in p.stdout and p.stderr == ""


def test_mistake_exits_1_with_expected_and_got(files):
    p = run("diagnose", str(files / "wrong.py"), "--activation", "tanh", "--loss", "mse_half", "--reduction", "sum")
    assert p.returncode == 1
    assert "verdict: missing_activation_derivative" in p.stdout
    assert "expected shape (4,)" in p.stdout and "got      shape (4,)" in p.stdout


def test_wrong_reduction_is_the_mistake(files):
    p = run("diagnose", str(files / "right.py"), "--activation", "tanh", "--loss", "mse_half")
    assert p.returncode == 1 and "verdict: sum_for_mean" in p.stdout


def test_raises_names_the_line_of_the_file(files):
    p = run("diagnose", str(files / "raises.py"), "--activation", "tanh", "--loss", "mse_half")
    assert p.returncode == 1
    assert "verdict: raises" in p.stdout and "ZeroDivisionError" in p.stdout and "line 5" in p.stdout


def test_json(files):
    p = run("diagnose", str(files / "wrong.py"), "--activation", "tanh", "--loss", "mse_half", "--reduction", "sum",
            "--json")
    d = json.loads(p.stdout)
    assert p.returncode == 1 and d["mistake"] == "missing_activation_derivative" and d["got_shape"] == [4]


@pytest.mark.parametrize("args,needle", [
    (["missing.py", "--activation", "tanh", "--loss", "mse"], "cannot read"),
    (["none.py", "--activation", "tanh", "--loss", "mse"], "bias_gradient"),
    (["right.py", "--activation", "tanh", "--loss", "bce"], "undefined"),
    (["right.py", "--activation", "swish", "--loss", "mse"], "unknown activation"),
    (["right.py", "--loss", "mse"], "--activation"),
    (["right.py", "--activation", "tanh", "--loss", "mse", "--reduction", "avg"], "reduction"),
])
def test_bad_input_exits_2_with_one_line(files, args, needle):
    p = run("diagnose", *args, cwd=files)
    assert p.returncode == 2
    assert p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("biasgrad: error: ") and needle in lines[0]


def test_flag_form_still_works():
    p = run("--x", "1.5", "--w", "0.8", "--b", "0.1", "--y", "1", "--json")
    assert p.returncode == 0
    assert json.loads(p.stdout)["dL_db"] == pytest.approx(-0.214165016957, rel=1e-11)
