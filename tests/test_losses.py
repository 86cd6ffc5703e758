"""Losses: hand values, 4th-order finite differences, invariants, and the BCE edge cases."""

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from biasgrad.activations import sigmoid
from biasgrad.errors import BiasgradError
from biasgrad.gradcheck import central_difference, relative_error
from biasgrad.losses import (
    BCE_CLIP, LOSSES, BinaryCrossEntropy, BinaryCrossEntropyWithLogits, HalfSquaredError,
    SoftmaxCrossEntropy, SquaredError, bce_from_logits,
)

PROB_LOSSES = ["mse_half", "mse", "bce"]


def test_registry_names_and_classes():
    assert list(LOSSES) == ["mse_half", "mse", "bce", "bce_logits"]
    assert isinstance(LOSSES["mse_half"], HalfSquaredError)
    assert isinstance(LOSSES["mse"], SquaredError)
    assert isinstance(LOSSES["bce"], BinaryCrossEntropy)
    assert isinstance(LOSSES["bce_logits"], BinaryCrossEntropyWithLogits)
    for name, loss in LOSSES.items():
        assert loss.name == name and loss.formula and loss.derivative_formula


@pytest.mark.parametrize("name,a,y,value,grad", [
    ("mse_half", 0.8, 1.0, 0.02, -0.2),            # ½(−0.2)² = 0.02; a − y = −0.2
    ("mse", 0.8, 1.0, 0.04, -0.4),                 # (−0.2)² ; 2(−0.2)
    ("mse_half", 3.0, -1.0, 8.0, 4.0),             # ½·16 ; 4
    ("bce", 0.8, 1.0, -math.log(0.8), -1.25),      # −ln 0.8 ; (0.8 − 1)/(0.8·0.2) = −0.2/0.16
    ("bce", 0.25, 0.0, -math.log(0.75), 4 / 3),    # −ln(1 − ¼) ; ¼/(¼·¾) = 4/3
    ("bce", 0.5, 0.3, math.log(2), -0.8),          # −(0.3 + 0.7)·ln ½ ; (0.5 − 0.3)/(¼) = 0.8, sign −? see below
], ids=lambda v: str(v) if isinstance(v, str) else None)
def test_hand_values(name, a, y, value, grad):
    loss = LOSSES[name]
    if (name, a, y) == ("bce", 0.5, 0.3):
        grad = 0.8  # (a − y)/(a(1 − a)) = 0.2/0.25 = +0.8 (a above the target pushes down)
    assert loss.value(a, y) == pytest.approx(value, rel=1e-14)
    assert loss.dL_da(a, y) == pytest.approx(grad, rel=1e-14)


def test_bce_logits_hand_values():
    L = LOSSES["bce_logits"]
    assert L.value(0.0, 0.7) == pytest.approx(math.log(2), rel=1e-15)  # max(0,0) − 0 + ln(1 + 1)
    assert L.dL_dz(0.0, 0.7) == pytest.approx(-0.2, rel=1e-14)          # ½ − 0.7
    assert L.value(700.0, 0.0) == 700.0                                  # 700 − 0 + log1p(e^−700) = 700
    assert L.dL_dz(700.0, 0.0) == 1.0
    assert L.value(-700.0, 1.0) == 700.0                                 # 0 + 700 + log1p(e^−700)
    assert L.value(math.log(3), 1.0) == pytest.approx(math.log(4 / 3), rel=1e-15)  # −ln σ(ln 3) = −ln ¾


@pytest.mark.parametrize("name", PROB_LOSSES)
@pytest.mark.parametrize("a,y", [(0.2, 0.0), (0.6, 1.0), (0.35, 0.7), (0.9, 0.25)])
def test_dL_da_matches_central_difference(name, a, y):
    loss = LOSSES[name]
    numeric = central_difference(lambda t: loss.value(t, y), a, eps=1e-4, order=4)
    assert relative_error(numeric, loss.dL_da(a, y)) < 1e-8


@pytest.mark.parametrize("z,y", [(-4.0, 0.0), (-0.5, 1.0), (0.3, 0.4), (6.0, 0.9)])
def test_bce_logits_derivative_matches_central_difference(z, y):
    loss = LOSSES["bce_logits"]
    numeric = central_difference(lambda t: loss.value(t, y), z, eps=1e-3, order=4)
    assert relative_error(numeric, loss.dL_dz(z, y)) < 1e-9


@pytest.mark.parametrize("z", [-12.0, -2.0, -0.1, 0.0, 0.7, 5.0, 15.0])
@pytest.mark.parametrize("y", [0.0, 0.3, 1.0])
def test_bce_equals_bce_logits_where_both_are_defined(z, y):
    a = sigmoid(z)
    assert LOSSES["bce"].value(a, y) == pytest.approx(LOSSES["bce_logits"].value(z, y), rel=1e-10)
    # chain rule: dL/da · σ'(z) = σ(z) − y
    chain = LOSSES["bce"].dL_da(a, y) * a * (1 - a)
    assert chain == pytest.approx(LOSSES["bce_logits"].dL_dz(z, y), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("y", [0.3, 0.5, 0.8])
def test_gradient_is_zero_at_the_optimum(name, y):
    loss = LOSSES[name]
    if loss.takes_logits:
        at = math.log(y / (1 - y))  # the logit: σ(at) = y up to rounding
        assert abs(loss.gradient(at, y)) < 1e-15
    else:
        assert loss.dL_da(y, y) == 0.0  # a − y = 0 in every form
        assert loss.value(y + 1e-3, y) > loss.value(y, y) < loss.value(y - 1e-3, y)


def test_soft_target_minimum_is_the_entropy():
    # H(0.3) = −0.3 ln 0.3 − 0.7 ln 0.7 = 0.3·1.2039728 + 0.7·0.3566749 = 0.6108643
    h = -0.3 * math.log(0.3) - 0.7 * math.log(0.7)
    assert LOSSES["bce"].value(0.3, 0.3) == pytest.approx(h, rel=1e-15)
    assert h == pytest.approx(0.6108643, abs=1e-7)
    assert LOSSES["bce"].value(0.31, 0.3) > h and LOSSES["bce"].value(0.29, 0.3) > h


def test_bce_clip_only_at_exactly_zero_or_one():
    bce = LOSSES["bce"]
    assert bce.value(0.0, 1.0) == pytest.approx(-math.log(BCE_CLIP))  # clipped: 27.631…
    assert bce.value(1e-300, 1.0) == pytest.approx(300 * math.log(10), rel=1e-14)  # not clipped: 690.78
    assert bce.value(0.0, 0.0) == 0.0  # 0·ln 0 = 0, no clip needed
    assert bce.value(1.0, 1.0) == 0.0
    assert bce.dL_da(0.0, 0.0) == 1.0  # −0/a + 1/(1 − 0)
    assert bce.dL_da(1.0, 1.0) == -1.0  # −1/1 + 0
    with pytest.raises(BiasgradError):
        bce.value(1.5, 1.0)


def test_bce_logits_against_mpmath_at_extremes():
    for z in (-1e4, -710.0, -700.0, -30.0, 30.0, 700.0, 710.0, 1e4):
        for y in (0.0, 1.0, 0.25):
            with mp.workdps(60 + int(abs(z))):
                zz, yy = mp.mpf(z), mp.mpf(y)
                s = 1 / (1 + mp.exp(-zz))
                ref = -(yy * mp.log(s) + (1 - yy) * mp.log(1 - s))
                assert abs(mp.mpf(bce_from_logits(z, y)) - ref) <= 1e-12 * abs(ref) + mp.mpf("1e-322")


def test_softmax_cross_entropy():
    sce = SoftmaxCrossEntropy()
    Z = np.zeros((2, 3))
    Y = np.eye(3)[[0, 2]]
    assert np.allclose(sce.value(Z, Y), math.log(3), rtol=1e-15)  # uniform: −ln ⅓
    assert np.allclose(sce.dL_dz(Z, Y), np.full((2, 3), 1 / 3) - Y)  # P − Y
    big = np.array([[1000.0, 0.0, -1000.0]])
    assert sce.value(big, np.eye(3)[[1]])[0] == pytest.approx(1000.0, rel=1e-15)  # no overflow
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(1, 3))
    Y = np.eye(3)[[1]]
    for k in range(3):
        def f(t, k=k):
            Zk = Z.copy(); Zk[0, k] = t
            return sce.value(Zk, Y)[0]
        assert relative_error(central_difference(f, Z[0, k], 1e-3, 4), sce.dL_dz(Z, Y)[0, k]) < 1e-9


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e300, 1e300), st.floats(0, 1))
def test_bce_logits_never_nan_and_nonnegative(z, y):
    v = bce_from_logits(z, y)
    assert math.isfinite(v) or v == math.inf
    assert v >= 0
