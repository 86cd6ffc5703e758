"""One neuron: every activation × loss against an independent 50-digit mpmath reference.

The reference evaluates the textbook formulas naively, but with enough digits that nothing
cancels (60 + |z|/2 digits, so 1 − σ(z) keeps 40 digits even at z = 1e4). The package must
match it to ~1e-12 relative using float64 and stable formulas alone.
"""

import math

import mpmath as mp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biasgrad import ACTIVATIONS, LOSSES, BiasgradError, NeuronReport, neuron_report
from biasgrad.activations import LeakyReLU
from biasgrad.neuron import REPORT_KEYS

LR = 0.1


# ---- the independent reference --------------------------------------------------------------

def mp_act(name, z):
    s = 1 / (1 + mp.exp(-z))
    return {
        "linear": (z, mp.mpf(1)),
        "sigmoid": (s, s * (1 - s)),
        "tanh": (mp.tanh(z), 1 / mp.cosh(z) ** 2),
        "relu": (z, mp.mpf(1)) if z > 0 else (mp.mpf(0), mp.mpf(0)),
        "leaky_relu": (z, mp.mpf(1)) if z > 0 else (mp.mpf(0.01) * z, mp.mpf(0.01)),
        "softplus": (mp.log(1 + mp.exp(z)), s),
    }[name]


def mp_loss(loss, act, z, y):
    """(a, L, dL/da or None, da/dz, dL/dz) at the exact z, or 'undefined' / 'clip'."""
    a, da = mp_act(act, z)
    if loss == "mse_half":
        return a, (a - y) ** 2 / 2, a - y, da, (a - y) * da
    if loss == "mse":
        return a, (a - y) ** 2, 2 * (a - y), da, 2 * (a - y) * da
    if loss == "bce_logits" and act != "sigmoid":
        return "undefined"
    if a < 0 or a > 1:
        return "undefined"
    if (a == 0 and y > 0) or (a == 1 and y < 1):
        return "clip"
    L = -((y * mp.log(a) if y != 0 else 0) + ((1 - y) * mp.log(1 - a) if y != 1 else 0))
    if a == 0 or a == 1:  # y equals a: −y/a + (1−y)/(1−a) with the zero term dropped
        dL_da = 1 / (1 - a) if y == 0 else -1 / a
    else:
        dL_da = (a - y) / (a * (1 - a))
    return a, L, (None if loss == "bce_logits" else dL_da), da, dL_da * da


def reference(x, w, b, y, act, loss, lr=LR):
    X, W, B, Y = mp.mpf(x), mp.mpf(w), mp.mpf(b), mp.mpf(y)
    z = W * X + B
    out = mp_loss(loss, act, z, Y)
    if isinstance(out, str):
        return out
    a, L, dL_da, da_dz, dL_dz = out
    return {"z": z, "a": a, "loss": L, "dL_da": dL_da, "da_dz": da_dz, "dz_db": mp.mpf(1),
            "dL_dz": dL_dz, "dL_db": dL_dz, "dL_dw": dL_dz * X,
            "b_next": B - lr * dL_dz, "w_next": W - lr * dL_dz * X}


def agrees(got, ref, rtol=1e-12):
    return abs(mp.mpf(got) - ref) <= rtol * abs(ref) + mp.mpf("1e-322")


def digits_for(*values):
    # tanh(z) = 1 − 2e^{−2z}: 1 − a needs 0.87·|z| digits before the 40 that are compared
    return 60 + int(max(abs(v) for v in values))


# points (x, w, b, y); z = w·x + b is worked out in the id
POINTS = {
    "z=0.45,y=0.3": (0.7, 0.5, 0.1, 0.3),       # 0.35 + 0.1
    "z=-0.83,y=1": (-1.2, 0.9, 0.25, 1.0),      # −1.08 + 0.25
    "z=2.1,y=0": (1.5, 1.2, 0.3, 0.0),          # 1.8 + 0.3
    "z=0.2,y=0.9": (2.0, 0.05, 0.1, 0.9),       # 0.1 + 0.1
    "z=30,y=1": (1.0, 30.0, 0.0, 1.0),
    "z=-30,y=0": (1.0, -30.0, 0.0, 0.0),
    "z=700,y=0": (1.0, 700.0, 0.0, 0.0),
    "z=-700,y=1": (1.0, -700.0, 0.0, 1.0),
    "z=710,y=0": (1.0, 710.0, 0.0, 0.0),
    "z=-710,y=1": (1.0, -710.0, 0.0, 1.0),
    "z=1e4,y=0.25": (1.0, 1e4, 0.0, 0.25),
    "z=-1e4,y=1": (2.0, -5e3, 0.0, 1.0),
}


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("act", list(ACTIVATIONS))
@pytest.mark.parametrize("point", list(POINTS))
def test_every_activation_and_loss_against_mpmath(point, act, loss):
    x, w, b, y = POINTS[point]
    with mp.workdps(digits_for(w * x + b)):
        ref = reference(x, w, b, y, act, loss)
        if ref == "undefined":
            with pytest.raises(BiasgradError):
                neuron_report(x, w, b, y, act, loss, LR)
            return
        r = neuron_report(x, w, b, y, act, loss, LR)
        if ref == "clip":
            assert "bce_clip" in [g.code for g in r.warnings]
            return
        got = r.as_dict()
        for key, value in ref.items():
            if value is None or got[key] is None:
                # None only for bce_logits, or where |dL/da| exceeds float64 (and then a warning says so)
                assert loss == "bce_logits" or (abs(value) > 1.7e308 and "dL_da_overflow" in
                                                 [g.code for g in r.warnings]), key
                continue
            assert agrees(got[key], value), (key, got[key], value)
        # loss after the step, at the reported (rounded) parameters
        nxt = mp_loss(loss, act, mp.mpf(r.w_next) * mp.mpf(x) + mp.mpf(r.b_next), mp.mpf(y))
        if nxt == "undefined":  # the step overshot out of BCE's domain
            assert r.loss_next is None and "loss_next_undefined" in [g.code for g in r.warnings]
        elif nxt != "clip":
            assert agrees(r.loss_next, nxt[1])
        # the numeric estimate is an estimate: 2nd order, h ≈ 6e-6·max(1, |z|)
        assert abs(mp.mpf(r.numeric_dL_db) - ref["dL_db"]) <= 1e-5 * abs(ref["dL_db"]) + 1e-9


# ---- values worked out by hand ------------------------------------------------------------

def test_hand_worked_sigmoid_bce():
    # z = 0.8·1.5 + 0.1 = 1.3; a = 1/(1 + e^−1.3) = 1/1.2725317930 = 0.7858349830
    # dL/db = a − y = −0.2141650170; dL/dw = 1.5·(−0.2141650170) = −0.3212475254
    # b_next = 0.1 + 0.1·0.2141650170 = 0.1214165017
    r = neuron_report(1.5, 0.8, 0.1, 1.0, "sigmoid", "bce", 0.1)
    assert r.z == pytest.approx(1.3, rel=1e-15)
    assert r.a == pytest.approx(0.7858349830, abs=1e-10)
    assert r.loss == pytest.approx(-math.log(0.7858349830), abs=1e-9)
    assert r.dL_db == pytest.approx(-0.2141650170, abs=1e-10)
    assert r.dL_dw == pytest.approx(-0.3212475254, abs=1e-10)
    assert r.b_next == pytest.approx(0.1214165017, abs=1e-10)
    assert r.dz_db == 1.0 and r.dL_db == r.dL_dz


def test_hand_worked_linear_half_squared_error():
    # z = 3·2 + 1 = 7 = a; L = ½(7 − 4)² = 4.5; dL/db = 3; dL/dw = 3·2 = 6
    # b_next = 1 − 0.1·3 = 0.7; w_next = 3 − 0.1·6 = 2.4
    # loss_next: z = 2.4·2 + 0.7 = 5.5, L = ½·1.5² = 1.125
    r = neuron_report(2.0, 3.0, 1.0, 4.0, "linear", "mse_half", 0.1)
    assert (r.z, r.a, r.loss, r.dL_da, r.da_dz, r.dL_db, r.dL_dw) == (7.0, 7.0, 4.5, 3.0, 1.0, 3.0, 6.0)
    assert r.b_next == pytest.approx(0.7, rel=1e-15) and r.w_next == pytest.approx(2.4, rel=1e-15)
    assert r.loss_next == pytest.approx(1.125, rel=1e-14)
    # plain squared error doubles the gradient: dL/da = 2(a − y) = 6
    assert neuron_report(2.0, 3.0, 1.0, 4.0, "linear", "mse", 0.1).dL_db == 6.0


def test_hand_worked_tanh_half_squared_error():
    # z = ln 2 ⇒ tanh z = 3/5, 1 − tanh² = 16/25; y = 0: dL/db = 0.6·0.64 = 0.384
    r = neuron_report(1.0, math.log(2), 0.0, 0.0, "tanh", "mse_half", 0.1)
    assert r.dL_db == pytest.approx(0.384, rel=1e-14)


# ---- the famous extremes -------------------------------------------------------------------

@pytest.mark.parametrize("loss", ["bce", "bce_logits"])
def test_sigmoid_bce_at_z_700(loss):
    r = neuron_report(1.0, 700.0, 0.0, 0.0, "sigmoid", loss, 0.1)
    assert r.loss == 700.0 and r.dL_db == 1.0  # PyTorch's composed sigmoid→BCE gives 100 and 0
    assert r.a == 1.0


def test_softplus_tiny_probability():
    z = math.log(4.5e-309)  # softplus(z) = log1p(e^z) ≈ e^z = 4.5e-309, a subnormal
    r = neuron_report(1.0, z, 0.0, 1.0, "softplus", "bce", 0.1)
    assert r.a == pytest.approx(4.5e-309, rel=1e-6)
    assert r.dL_db == pytest.approx(-1.0, rel=1e-12)  # −σ(z)/a → −1
    assert r.loss == pytest.approx(-z, rel=1e-12)        # −ln a
    assert r.dL_da is None and "dL_da_overflow" in [g.code for g in r.warnings]  # −1/a > 1.8e308


def test_linear_cancellation_uses_the_exact_z():
    # 0.1·3 in exact arithmetic is 0.3000000000000000166…, y = 0.3 is 0.2999999999999999888…:
    # a − y = 2.775…e-17 exactly, while float(0.1*3) − 0.3 = 5.55e-17 (twice too big)
    r = neuron_report(0.1, 3.0, 0.0, 0.3, "linear", "mse_half", 0.1)
    with mp.workdps(50):
        exact = mp.mpf(0.1) * 3 - mp.mpf(0.3)
        assert agrees(r.dL_db, exact)


@pytest.mark.parametrize("z", [5.0, 20.0, 30.0, 300.0])
def test_tanh_near_plus_one_target(z):
    r = neuron_report(1.0, z, 0.0, 1.0, "tanh", "mse_half", 0.1)
    with mp.workdps(digits_for(z)):
        t = mp.tanh(z)
        assert agrees(r.dL_db, (t - 1) * (1 - t * t))


# ---- warnings ------------------------------------------------------------------------------

def codes(r: NeuronReport):
    return [g.code for g in r.warnings]


def test_relu_at_exactly_zero_is_dead():
    r = neuron_report(1.0, 0.5, -0.5, 1.0, "relu", "mse_half", 0.1)  # z = 0.5 − 0.5 = 0
    assert r.z == 0.0 and r.da_dz == 0.0 and r.dL_db == 0.0  # convention relu'(0) = 0
    assert "dead_relu" in codes(r) and "kink" in codes(r)


def test_saturation_warning_only_where_the_gradient_vanishes():
    assert "saturated" in codes(neuron_report(1.0, 30.0, 0.0, 0.0, "sigmoid", "mse_half"))
    assert "saturated" not in codes(neuron_report(1.0, 30.0, 0.0, 0.0, "sigmoid", "bce"))
    assert "saturated" not in codes(neuron_report(1.0, 0.3, 0.0, 0.0, "sigmoid", "mse_half"))


@pytest.mark.parametrize("act,w,y", [("relu", 0.0, 1.0), ("linear", 1.0, 0.0), ("tanh", 0.0, 0.5)],
                         ids=["relu-a=0", "linear-a=1", "tanh-a=0"])
def test_bce_clip_is_reported(act, w, y):
    r = neuron_report(1.0, w, 0.0, y, act, "bce", 0.1)
    assert "bce_clip" in codes(r) and "bce_non_sigmoid" in codes(r)
    assert math.isfinite(r.loss) and math.isfinite(r.dL_db)


def test_no_clip_when_y_matches_the_exact_end():
    r = neuron_report(1.0, 0.0, 0.0, 0.0, "tanh", "bce", 0.1)  # a = 0 = y: L = 0, dL/da = 1
    assert "bce_clip" not in codes(r)
    assert (r.loss, r.dL_da, r.dL_db) == (0.0, 1.0, 1.0)


# ---- errors --------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,field", [
    (dict(x=float("nan")), "x"), (dict(w=float("inf")), "w"), (dict(b=-float("inf")), "b"),
    (dict(lr=-0.1), "lr"), (dict(lr=float("nan")), "lr"), (dict(y=1.5), "y"), (dict(y=-0.1), "y"),
    (dict(activation="swish"), "activation"), (dict(loss="hinge"), "loss"),
    (dict(activation="tanh", loss="bce_logits"), "activation"),
    (dict(x=[1.0, 2.0], w=[1.0]), "w"),
], ids=["x-nan", "w-inf", "b-minus-inf", "lr-negative", "lr-nan", "y-above-1", "y-below-0",
        "unknown-activation", "unknown-loss", "logits-need-sigmoid", "length-mismatch"])
def test_bad_inputs_name_their_field(kwargs, field):
    args = dict(x=1.0, w=0.5, b=0.0, y=1.0, activation="sigmoid", loss="bce", lr=0.1) | kwargs
    with pytest.raises(BiasgradError) as e:
        neuron_report(**args)
    assert e.value.field == field
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize("act,w", [("tanh", -1.0), ("linear", 2.0), ("relu", 1.5), ("leaky_relu", -1.0),
                                   ("softplus", 0.55)], ids=["tanh<0", "linear>1", "relu>1", "leaky<0", "softplus>1"])
def test_bce_on_output_outside_unit_interval_is_undefined(act, w):
    with pytest.raises(BiasgradError, match="undefined"):
        neuron_report(1.0, w, 0.0, 1.0, act, "bce", 0.1)


def test_overflow_raises_instead_of_inf():
    with pytest.raises(BiasgradError, match="overflow"):
        neuron_report(1e200, 1e200, 0.0, 0.0, "linear", "mse_half")  # z = 1e400
    with pytest.raises(BiasgradError, match="not finite"):
        neuron_report(1.0, 1e200, 0.0, 0.0, "linear", "mse_half")   # L = ½·1e400


# ---- report shape, vectors, invariants -------------------------------------------------------

def test_as_dict_has_exactly_the_cli_keys():
    d = neuron_report(1.5, 0.8, 0.1, 1.0, "sigmoid", "bce_logits").as_dict()
    assert tuple(d) == REPORT_KEYS
    assert d["dL_da"] is None
    assert all(type(d[k]) is float for k in REPORT_KEYS if k not in ("dL_da", "warnings"))
    w = neuron_report(1.0, 30.0, 0.0, 0.0, "sigmoid", "mse").as_dict()["warnings"]
    assert w and set(w[0]) == {"code", "message"}


def test_vector_inputs():
    # z = 1·0.5 + 2·(−0.25) + 0.2 = 0.2; linear, ½(a − 1)²: dL/dz = −0.8; dL/dw = −0.8·x
    r = neuron_report([1.0, 2.0], [0.5, -0.25], 0.2, 1.0, "linear", "mse_half", 0.5)
    assert r.z == pytest.approx(0.2, rel=1e-15)
    assert r.dL_dw == pytest.approx((-0.8, -1.6), rel=1e-15)
    assert r.w_next == pytest.approx((0.9, 0.55), rel=1e-15)  # w + 0.5·0.8·x
    assert r.as_dict()["dL_dw"] == list(r.dL_dw)


def test_leaky_relu_object_with_custom_slope():
    r = neuron_report(1.0, -2.0, 0.0, 0.0, LeakyReLU(0.2), "mse_half", 0.1)  # a = −0.4, a' = 0.2
    assert r.a == pytest.approx(-0.4) and r.dL_db == pytest.approx(-0.08)   # −0.4·0.2


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("act", list(ACTIVATIONS))
def test_a_small_step_lowers_the_loss(act, loss):
    if loss == "bce_logits" and act != "sigmoid":
        with pytest.raises(BiasgradError):
            neuron_report(0.7, 0.5, 0.1, 0.3, act, loss, 1e-3)
        return
    r = neuron_report(0.7, 0.5, 0.1, 0.3, act, loss, 1e-3)  # z = 0.45, all outputs in (0, 1)
    assert r.loss_next < r.loss
    assert r.numeric_rel_error < 1e-7


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=st.floats(-1e6, 1e6), w=st.floats(-1e6, 1e6), b=st.floats(-1e6, 1e6), y=st.floats(-2, 2),
       act=st.sampled_from(list(ACTIVATIONS)), loss=st.sampled_from(list(LOSSES)),
       lr=st.floats(0, 10))
def test_never_nan(x, w, b, y, act, loss, lr):
    try:
        d = neuron_report(x, w, b, y, act, loss, lr).as_dict()
    except BiasgradError as e:
        assert str(e)
        return
    for k, v in d.items():
        if isinstance(v, float):
            assert math.isfinite(v), k


@pytest.mark.parametrize("ulps", [-3, -1, 0, 2], ids=lambda k: f"z0{k:+d}ulp")
@pytest.mark.parametrize("y", [0.0, 1.0, 0.5])
def test_softplus_at_its_a_equals_one_boundary(ulps, y):
    # z0 = ln(e − 1) ≈ 0.5413248546129181 − 1.8e-17 is where softplus = 1; the float next
    # to it is just above, so a > 1 there (BCE undefined) while one ulp below a < 1
    z = 0.5413248546129181
    for _ in range(abs(ulps)):
        z = math.nextafter(z, -1.0 if ulps < 0 else 2.0)
    with mp.workdps(80):
        ref = reference(1.0, z, 0.0, y, "softplus", "bce")
        if ref == "undefined":
            assert ulps >= 0
            with pytest.raises(BiasgradError, match="above 1"):
                neuron_report(1.0, z, 0.0, y, "softplus", "bce")
            return
        assert ulps < 0
        r = neuron_report(1.0, z, 0.0, y, "softplus", "bce").as_dict()
        for key in ("loss", "dL_da", "dL_db"):
            assert agrees(r[key], ref[key]), key
        half = neuron_report(1.0, z, 0.0, y, "softplus", "mse_half")
        assert agrees(half.dL_db, reference(1.0, z, 0.0, y, "softplus", "mse_half")["dL_db"])
