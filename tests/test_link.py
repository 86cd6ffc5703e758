"""The one loss path: L and dL/dz for every (activation, loss), against hand values, finite
differences and the plain chain rule; masks instead of NaN where the loss is undefined."""

import math

import numpy as np
import pytest

from biasgrad import ACTIVATIONS, LOSSES, BiasgradError
from biasgrad.gradcheck import central_difference, relative_error
from biasgrad.link import chain_terms, loss_and_dL_dz, loss_and_dL_dz_where_defined

PAIRS = [(a, l) for a in ACTIVATIONS for l in LOSSES if not (l == "bce_logits" and a != "sigmoid")]


@pytest.mark.parametrize("act,loss,z,y,L,g", [
    ("sigmoid", "bce", 0.0, 1.0, math.log(2), -0.5),             # −ln ½ ; σ(0) − 1
    ("sigmoid", "bce_logits", math.log(3), 1.0, math.log(4 / 3), -0.25),  # −ln ¾ ; ¾ − 1
    ("linear", "mse_half", 3.0, 1.0, 2.0, 2.0),                  # ½·2² ; (3 − 1)·1
    ("linear", "mse", 3.0, 1.0, 4.0, 4.0),                       # 2² ; 2·2·1
    ("tanh", "mse_half", 0.0, 0.5, 0.125, -0.5),                 # ½·(−½)² ; −½·(1 − 0)
    ("relu", "mse_half", -2.0, 1.0, 0.5, 0.0),                   # a = 0: ½·1 ; slope 0
    ("linear", "bce", 0.25, 0.0, -math.log(0.75), 4 / 3),        # −ln(1 − ¼) ; ¼/(¼·¾)·1
], ids=lambda v: v if isinstance(v, str) else None)
def test_hand_values(act, loss, z, y, L, g):
    got_L, got_g = loss_and_dL_dz(act, loss, z, y)
    assert got_L == pytest.approx(L, rel=1e-15) and got_g == pytest.approx(g, rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("act,loss", PAIRS, ids=lambda v: v)
@pytest.mark.parametrize("z,y", [(-1.3, 0.2), (0.4, 0.9), (2.2, 0.0)], ids=str)
def test_dL_dz_matches_a_central_difference(act, loss, z, y):
    if act != "sigmoid" and loss == "bce":
        z = 0.3  # keep a = f(z) in (0, 1), BCE's domain, for the other activations
    L, g = loss_and_dL_dz(act, loss, z, y)
    numeric = central_difference(lambda t: loss_and_dL_dz(act, loss, t, y)[0], z, eps=1e-4, order=4)
    assert abs(numeric - g) <= 1e-8 * max(1.0, abs(g))


@pytest.mark.parametrize("act,loss", PAIRS, ids=lambda v: v)
def test_vectorised_equals_elementwise(act, loss):
    rng = np.random.default_rng(7)
    z = rng.uniform(0.05, 0.5, size=(4, 3)) if loss == "bce" else rng.normal(0, 3, size=(4, 3))
    y = rng.uniform(0, 1, size=(4, 3))
    L, g = loss_and_dL_dz(act, loss, z, y)
    assert L.shape == g.shape == (4, 3)
    for i in np.ndindex(z.shape):
        Li, gi = loss_and_dL_dz(act, loss, float(z[i]), float(y[i]))
        assert (L[i], g[i]) == (Li, gi)


def test_the_link_and_the_plain_chain_rule_agree_where_both_are_accurate():
    z = np.linspace(-5, 5, 11)
    L, g = loss_and_dL_dz("sigmoid", "bce", z, 0.3)
    a = 1 / (1 + np.exp(-z))
    plain = ((a - 0.3) / (a * (1 - a))) * a * (1 - a)  # dL/da · da/dz
    assert np.allclose(g, plain, rtol=1e-12, atol=1e-15)
    assert np.allclose(L, -(0.3 * np.log(a) + 0.7 * np.log(1 - a)), rtol=1e-12)


def test_undefined_bce_raises_naming_the_loss():
    with pytest.raises(BiasgradError, match="above 1") as e:
        loss_and_dL_dz("linear", "bce", [0.5, 1.5], 1.0)
    assert e.value.field == "loss"


def test_where_defined_masks_instead_of_nan():
    z = np.array([-0.5, 0.0, 0.5, 1.0, 1.5])
    L, g, ok = loss_and_dL_dz_where_defined("linear", "bce", z, 1.0)
    assert ok.tolist() == [False, True, True, True, False]
    assert np.all(np.isfinite(L)) and np.all(np.isfinite(g))
    assert L[~ok].tolist() == [0.0, 0.0] and g[~ok].tolist() == [0.0, 0.0]
    assert L[2] == pytest.approx(math.log(2)) and g[2] == pytest.approx(-2.0)  # −ln ½ ; −1/½
    L0, g0, ok0 = loss_and_dL_dz_where_defined("linear", "bce", 2.0, 1.0)
    assert (L0, g0, ok0) == (0.0, 0.0, False)


def test_overflow_is_masked_not_inf():
    L, g, ok = loss_and_dL_dz_where_defined("linear", "mse", [1e200, 1.0], 0.0)
    assert ok.tolist() == [False, True] and np.all(np.isfinite(L))
    with pytest.raises(BiasgradError, match="not finite"):
        loss_and_dL_dz("linear", "mse", 1e200, 0.0)


@pytest.mark.parametrize("act,loss,field", [
    ("tanh", "bce_logits", "activation"), ("swish", "mse", "activation"), ("linear", "hinge", "loss"),
], ids=lambda v: v)
def test_bad_pairings_name_their_field(act, loss, field):
    with pytest.raises(BiasgradError) as e:
        loss_and_dL_dz(act, loss, 0.0, 0.5)
    assert e.value.field == field


@pytest.mark.parametrize("z,y,field", [
    (float("nan"), 0.5, "z"), (0.0, float("inf"), "y"), ("1", 0.5, "z"), ([None], 0.5, "z"), (0.0, 1.5, "y"),
], ids=["nan-z", "inf-y", "text-z", "none-z", "y-outside-bce"])
def test_bad_values_name_their_field(z, y, field):
    with pytest.raises(BiasgradError) as e:
        loss_and_dL_dz("sigmoid", "bce", z, y)
    assert e.value.field == field


def test_softmax_cross_entropy_is_one_loss_per_row():
    Z = np.zeros((2, 3))
    Y = np.eye(3)[[0, 2]]
    L, g = loss_and_dL_dz("linear", "softmax_cross_entropy", Z, Y)
    assert L.shape == (2,) and np.allclose(L, math.log(3)) and np.allclose(g, 1 / 3 - Y)
    with pytest.raises(BiasgradError, match="linear") as e:
        loss_and_dL_dz("tanh", "softmax_cross_entropy", Z, Y)
    assert e.value.field == "activation"


def test_chain_terms_report_dL_da_only_where_it_exists():
    t = chain_terms("sigmoid", "bce_logits", 0.0, 1.0)
    assert not t.has_dL_da and float(t.dL_dz) == -0.5
    t = chain_terms("sigmoid", "bce", 0.0, 1.0)
    assert t.has_dL_da and float(t.dL_da) == -2.0 and relative_error(float(t.dL_da * t.da_dz), -0.5) == 0
