"""a − y is exact where it cancels: y within a few ulps of a, an inexact w·x + b, subnormal z.

Reference: mpmath at 80+ digits evaluated at the exact z = w·x + b (no rounding of z).
"""

import json
import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from biasgrad import ACTIVATIONS, BiasgradError, neuron_report
from biasgrad.cli import main

SMOOTH = ["sigmoid", "tanh", "softplus"]


def mp_f(name, z):
    return {"sigmoid": 1 / (1 + mp.exp(-z)), "tanh": mp.tanh(z), "softplus": mp.log(1 + mp.exp(z)),
            "linear": z, "relu": max(z, 0), "leaky_relu": z if z > 0 else mp.mpf(0.01) * z}[name]


def mp_fprime(name, z):
    s = 1 / (1 + mp.exp(-z))
    return {"sigmoid": s * (1 - s), "tanh": 1 - mp.tanh(z) ** 2, "softplus": s, "linear": mp.mpf(1),
            "relu": mp.mpf(1 if z > 0 else 0), "leaky_relu": mp.mpf(1 if z > 0 else 0.01)}[name]


def mp_dL_dz(act, loss, z, y):
    a, d = mp_f(act, z), mp_fprime(act, z)
    if loss == "mse_half":
        return (a - y) * d
    if loss == "mse":
        return 2 * (a - y) * d
    return (a - y) / (a * (1 - a)) * d  # bce


def rel(got, ref):
    return float(abs(mp.mpf(got) - ref) / abs(ref)) if ref != 0 else abs(got)


def ulps(v, k):
    for _ in range(abs(k)):
        v = math.nextafter(v, math.inf if k > 0 else -math.inf)
    return v


def cli_json(*args):
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*args, "--json"]) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize("loss,expected", [("bce", 2.5e-18), ("mse_half", 6.25e-19)])
def test_sigmoid_at_y_one_half_near_z_zero(loss, expected):
    # σ(1e-17) − ½ = 1e-17/4 − O(1e-51): float64 rounds σ to ½ exactly, the residual to 0
    got = cli_json("--x", "1", "--w", "1e-17", "--b", "0", "--y", "0.5", "--activation", "sigmoid", "--loss", loss)
    with mp.workdps(80):
        z = mp.mpf(1e-17)
        ref = mp_dL_dz("sigmoid", "mse_half", z, mp.mpf(0.5)) if loss == "mse_half" else 1 / (1 + mp.exp(-z)) - 0.5
        assert rel(got["dL_db"], ref) < 1e-15
    assert got["dL_db"] == expected


@pytest.mark.parametrize("act", SMOOTH)
@pytest.mark.parametrize("loss", ["mse_half", "mse", "bce"])
@pytest.mark.parametrize("k", [-3, -1, 0, 1, 3], ids=lambda k: f"{k:+d}ulp")
def test_y_within_ulps_of_a(act, loss, k):
    rng = np.random.default_rng(11)
    for z in rng.uniform(-6, 6, size=6):
        z = float(z)
        y = ulps(float(ACTIVATIONS[act].value(z)), k)
        if loss == "bce" and not (0 <= y <= 1 and 0 < ACTIVATIONS[act].value(z) < 1):
            continue
        r = neuron_report(1.0, z, 0.0, y, act, loss, 0.1)
        with mp.workdps(80):
            ref = mp_dL_dz(act, loss, mp.mpf(z), mp.mpf(y))
            assert rel(r.dL_db, ref) < 1e-12, (z, y, r.dL_db, ref)


@pytest.mark.parametrize("act", SMOOTH + ["leaky_relu", "linear"])
@pytest.mark.parametrize("loss", ["mse_half", "bce"])
def test_inexact_z_is_used_exactly(act, loss):
    # z = w·x + b is not a float: w·x rounds, and b is far below its last bit
    rng = np.random.default_rng(5)
    for _ in range(5):
        x, w, b = 3.0, float(rng.uniform(0.05, 0.2)), 2.0 ** -62
        with mp.workdps(100):
            zq = mp.mpf(w) * mp.mpf(x) + mp.mpf(b)
            y = float(mp_f(act, zq))
            r = neuron_report(x, w, b, y, act, loss, 0.1)
            ref = mp_dL_dz(act, loss, zq, mp.mpf(y))
            assert rel(r.dL_db, ref) < 1e-12, (w, y, r.dL_db, ref)


@pytest.mark.parametrize("loss", ["mse_half", "mse", "bce"])
@pytest.mark.parametrize("db", [2.0 ** -60, -(2.0 ** -58), 3e-17, -(2.0 ** -55), -1.9e-17], ids=str)
def test_softplus_near_a_equals_one_with_an_inexact_z(loss, db):
    # ln(e − 1) = z0 − 1.81e-17 with z0 = 0.5413248546129181: softplus(z0 + db) − 1 ≈ 0.632·(db + 1.81e-17)
    z0 = 0.5413248546129181
    with mp.workdps(100):
        zq = mp.mpf(z0) + mp.mpf(db)
        a = mp_f("softplus", zq)
        if loss == "bce" and a > 1:  # above 1 by ~1e-17: outside BCE's domain, and said so
            with pytest.raises(BiasgradError, match="above 1"):
                neuron_report(1.0, z0, db, 1.0, "softplus", loss, 0.1)
            return
        r = neuron_report(1.0, z0, db, 1.0, "softplus", loss, 0.1)
        assert rel(r.dL_db, mp_dL_dz("softplus", loss, zq, mp.mpf(1))) < 1e-12
        ref_L = {"mse_half": (a - 1) ** 2 / 2, "mse": (a - 1) ** 2, "bce": -mp.log(a)}[loss]
        assert rel(r.loss, ref_L) < 1e-12


@pytest.mark.parametrize("act", ["linear", "relu", "leaky_relu", "tanh"])
def test_subnormal_bce_inputs_are_answered(act):
    # a = f(5e-324) is subnormal; 1/a overflows, but dL/dz = (1/(1 − a))·f'(z) ≈ 1
    got = cli_json("--x", "1", "--w", "5e-324", "--b", "0", "--y", "0", "--activation", act, "--loss", "bce")
    assert got["dL_db"] == 1.0 and got["dL_da"] == 1.0 and got["loss"] == 5e-324


@settings(max_examples=150, deadline=None)
@given(z=st.floats(-40, 40), k=st.integers(-4, 4), act=st.sampled_from(SMOOTH))
def test_a_minus_y_is_exact_to_1e_12_for_y_near_a(z, k, act):
    f = ACTIVATIONS[act]
    y = ulps(float(f.value(z)), k)
    with mp.workdps(80 + 3 * max(0, -int(math.log10(abs(z) or 1e-320)))):  # tanh z − z ≈ −z³/3: 3|log10 z| digits
        ref = mp_f(act, mp.mpf(z)) - mp.mpf(y)
        got = f.a_minus_y(np.array([z, z]), np.array([y, y]))  # the vectorised path
        for g in got:
            assert abs(mp.mpf(g) - ref) <= 1e-12 * abs(ref) + mp.mpf("1e-322")
