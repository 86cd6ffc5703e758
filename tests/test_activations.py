"""Activations: hand values, 4th-order finite differences, and mpmath at the extremes."""

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from biasgrad.activations import ACTIVATIONS, LeakyReLU, sigmoid
from biasgrad.gradcheck import central_difference, relative_error

NAMES = list(ACTIVATIONS)
SMOOTH = ["sigmoid", "tanh", "softplus"]
EXTREME_Z = [-1e4, -745.5, -740.0, -710.0, -700.0, -30.0, -1.0, -1e-8, 0.0, 1e-8,
             0.5413248546129181, 1.0, 19.5, 30.0, 372.0, 700.0, 710.0, 1e4]


def mp_value(name, z):
    z = mp.mpf(z)
    return {"linear": z, "sigmoid": 1 / (1 + mp.exp(-z)), "tanh": mp.tanh(z),
            "relu": max(z, 0), "leaky_relu": z if z > 0 else mp.mpf(0.01) * z,
            "softplus": mp.log(1 + mp.exp(z))}[name]


def mp_derivative(name, z):
    z = mp.mpf(z)
    s = 1 / (1 + mp.exp(-z))
    return {"linear": mp.mpf(1), "sigmoid": s * (1 - s), "tanh": 1 / mp.cosh(z) ** 2,
            "relu": mp.mpf(1 if z > 0 else 0), "leaky_relu": mp.mpf(1 if z > 0 else 0.01),
            "softplus": s}[name]


def agrees(got, ref, rtol=1e-12):
    """got (float) equals the exact value ref to rtol, or to a few subnormal ulps below 1e-307."""
    return abs(mp.mpf(got) - ref) <= rtol * abs(ref) + mp.mpf("1e-322")


def dps_for(z):
    # enough digits that the naive formula 1 − a keeps 40 significant digits at this z
    return 60 + int(abs(z) / 2)


# ---- values worked out by hand ------------------------------------------------------------

@pytest.mark.parametrize("name,z,value,slope", [
    ("linear", -2.5, -2.5, 1.0),
    ("sigmoid", 0.0, 0.5, 0.25),                   # σ(0) = 1/(1+1); σ' = ½·½
    ("sigmoid", math.log(3), 0.75, 0.1875),        # e^−ln3 = 1/3: σ = 1/(4/3) = 3/4; σ' = 3/4·1/4
    ("tanh", 0.0, 0.0, 1.0),                       # 1 − 0²
    ("tanh", math.log(2), 0.6, 0.64),              # (e^{2z} − 1)/(e^{2z} + 1) = 3/5; 1 − 9/25
    ("relu", 3.0, 3.0, 1.0),
    ("relu", -3.0, 0.0, 0.0),
    ("relu", 0.0, 0.0, 0.0),                       # convention relu'(0) = 0
    ("leaky_relu", -2.0, -0.02, 0.01),             # 0.01·(−2)
    ("leaky_relu", 0.0, 0.0, 0.01),                # convention leaky'(0) = slope
    ("softplus", 0.0, math.log(2), 0.5),           # ln(1 + 1); σ(0)
    ("softplus", math.log(3), math.log(4), 0.75),  # ln(1 + 3); σ(ln 3) = 3/4
], ids=lambda v: str(v) if isinstance(v, str) else None)
def test_hand_values(name, z, value, slope):
    act = ACTIVATIONS[name]
    assert act.value(z) == pytest.approx(value, rel=1e-15, abs=1e-300)
    assert act.derivative(z) == pytest.approx(slope, rel=1e-15)


def test_leaky_slope_is_configurable():
    act = LeakyReLU(0.2)
    assert act.value(-3.0) == pytest.approx(-0.6)  # 0.2·(−3)
    assert act.derivative(0.0) == 0.2
    assert act.name == "leaky_relu"


# ---- derivative against a 4th-order central difference ------------------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("z", [-3.0, -0.7, 0.4, 2.5])
def test_derivative_matches_central_difference(name, z):
    act = ACTIVATIONS[name]
    numeric = central_difference(act.value, z, eps=1e-3, order=4)
    assert relative_error(numeric, act.derivative(z)) < 1e-9


# ---- mpmath at 50+ digits, including saturation and subnormals --------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("z", EXTREME_Z, ids=str)
def test_value_and_derivative_against_mpmath(name, z):
    act = ACTIVATIONS[name]
    with mp.workdps(dps_for(z)):
        assert agrees(act.value(z), mp_value(name, z))
        if name not in ("relu", "leaky_relu") or z != 0:
            assert agrees(act.derivative(z), mp_derivative(name, z))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("z", EXTREME_Z, ids=str)
def test_one_minus_against_mpmath(name, z):
    act = ACTIVATIONS[name]
    with mp.workdps(dps_for(z)):
        assert agrees(act.one_minus(z), 1 - mp_value(name, z))


@pytest.mark.parametrize("name", SMOOTH)
@pytest.mark.parametrize("z", EXTREME_Z, ids=str)
@pytest.mark.parametrize("y", [0.0, 1.0, 0.3, 0.999, -1.0, -0.75])
def test_a_minus_y_against_mpmath(name, z, y):
    act = ACTIVATIONS[name]
    with mp.workdps(dps_for(z)):
        ref = mp_value(name, z) - mp.mpf(y)
        got = act.a_minus_y(z, y)
        # y in {0, ±1}: exact by design; general y: limited by the rounding of a (documented)
        bound = 1e-12 if y in (0.0, 1.0, -1.0) else 1e-12 + 2.3e-16 * float(abs(mp_value(name, z)) / abs(ref))
        assert agrees(got, ref, rtol=bound)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("z", [z for z in EXTREME_Z if z > 0], ids=str)
def test_logs_and_bce_factor_against_mpmath(name, z):
    act = ACTIVATIONS[name]
    with mp.workdps(dps_for(z)):
        a = mp_value(name, z)
        if a > 1:  # softplus above 1 (z ≥ ln(e − 1)): not a probability
            return
        assert agrees(act.log_value(z), mp.log(a))
        if a < 1:
            assert agrees(act.log_one_minus(z), mp.log(1 - a))
            assert agrees(act.bce_factor(z), mp_derivative(name, z) / (a * (1 - a)))


@pytest.mark.parametrize("z", [-1e4, -745.5, -740.0, -709.4, -700.0, -30.0, -1.0, 0.3])
def test_softplus_small_outputs_against_mpmath(z):
    sp = ACTIVATIONS["softplus"]
    with mp.workdps(dps_for(z)):
        a = mp_value("softplus", z)
        assert agrees(sp.log_value(z), mp.log(a))       # ln a = z − … even where a underflows
        assert agrees(sp.ratio(z), (1 / (1 + mp.exp(-z))) / a)  # σ(z)/a → 1
        assert agrees(sp.bce_factor(z), mp_derivative("softplus", z) / (a * (1 - a)))


def test_naive_forms_would_fail_where_ours_do_not():
    # the traps, shown: a(1 − a) is exactly 0 at z = 37, σ(z)σ(−z) is not
    a = 1.0 / (1.0 + math.exp(-37.0))
    assert a * (1 - a) == 0.0
    assert ACTIVATIONS["sigmoid"].derivative(37.0) > 0
    assert 1 - math.tanh(20.0) ** 2 == 0.0
    assert ACTIVATIONS["tanh"].derivative(20.0) > 0


def test_vectorised_shapes():
    z = np.linspace(-800, 800, 12).reshape(3, 4)
    for act in ACTIVATIONS.values():
        for method in (act.value, act.derivative, act.one_minus):
            out = method(z)
            assert out.shape == (3, 4) and np.all(np.isfinite(out))


def test_every_activation_has_its_formulas():
    for name, act in ACTIVATIONS.items():
        assert act.name == name and act.formula and act.derivative_formula


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_sigmoid_is_finite_and_symmetric(z):
    s, t = sigmoid(z), sigmoid(-z)
    assert 0.0 <= s <= 1.0
    assert s + t == pytest.approx(1.0, rel=1e-15)
    for act in ACTIVATIONS.values():
        for v in (act.one_minus(z), act.derivative(z)):
            assert not math.isnan(v)


# ---- inverse: the z a target asks for ---------------------------------------------------------

@pytest.mark.parametrize("name, a, z", [
    ("linear", -2.5, -2.5), ("sigmoid", 0.8, math.log(4.0)), ("sigmoid", 0.5, 0.0),
    ("tanh", 0.0, 0.0), ("softplus", math.log(2.0), 0.0), ("relu", 3.0, 3.0), ("leaky_relu", -0.02, -2.0),
])
def test_inverse_hand_values(name, a, z):
    assert ACTIVATIONS[name].inverse(a) == pytest.approx(z, rel=1e-15, abs=1e-15)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NAMES), st.floats(-30, 30))
def test_inverse_undoes_the_activation(name, z):
    act = ACTIVATIONS[name]
    a = float(act.value(z))
    lo, hi = act.output_range
    if not lo < a < hi or (name in SMOOTH and act.derivative(z) < 1e-6):
        return  # a saturated output no longer determines z in float64
    back = act.inverse(a)
    # the round trip is as exact as a is: |Δz| ≲ ε·|a| / f′(z)
    assert back == pytest.approx(z, abs=1e-12 + 8 * np.finfo(float).eps * abs(a) / float(act.derivative(z)))


@pytest.mark.parametrize("name, a", [("sigmoid", 1.0), ("sigmoid", 0.0), ("tanh", -1.0), ("relu", 0.0),
                                     ("softplus", -0.5)])
def test_inverse_refuses_an_output_the_activation_never_gives(name, a):
    from biasgrad.errors import BiasgradError
    with pytest.raises(BiasgradError, match=f"{name} never outputs") as e:
        ACTIVATIONS[name].inverse(a)
    assert e.value.field == "y"
