"""Central differences and relative error, against results derived by hand."""

import math

import pytest

from biasgrad.gradcheck import central_difference, relative_error


def test_second_order_error_on_a_cubic_is_h_squared():
    # ((x+h)³ − (x−h)³)/2h = (6x²h + 2h³)/2h = 3x² + h²
    x, h = 2.0, 1e-2
    assert central_difference(lambda t: t**3, x, eps=h, order=2) == pytest.approx(12.0 + h * h, rel=1e-12)


def test_fourth_order_is_exact_on_a_cubic():
    # the 5-point stencil cancels the h² and h⁴ terms, so cubics (f''''' = 0) come out exact
    assert central_difference(lambda t: t**3, 2.0, eps=1e-2, order=4) == pytest.approx(12.0, rel=1e-12)


def test_fourth_order_beats_second_order():
    exact = math.cos(1.0)
    e2 = abs(central_difference(math.sin, 1.0, 1e-2, 2) - exact)  # ≈ h²/6·|cos 1| ≈ 9e-6
    e4 = abs(central_difference(math.sin, 1.0, 1e-2, 4) - exact)  # ≈ h⁴/30·|cos 1| ≈ 1.8e-10
    assert e2 == pytest.approx(1e-4 / 6 * exact, rel=1e-3)
    assert e4 < 1e-9 < e2


@pytest.mark.parametrize("bad", [{"order": 3}, {"eps": 0.0}, {"eps": -1.0}])
def test_bad_arguments(bad):
    kw = {"eps": 1e-3, "order": 2} | bad
    with pytest.raises(ValueError):
        central_difference(math.sin, 0.0, **kw)


@pytest.mark.parametrize("a,b,expected", [
    (1.0, 1.1, 0.1 / 1.1),   # |1 − 1.1| / 1.1
    (2.0, -2.0, 2.0),        # 4 / 2
    (0.0, 0.0, 0.0),         # convention
    (0.0, 5.0, 1.0),
    (1e308, -1e308, 2.0),    # no overflow in a − b
    (3.0, 3.0, 0.0),
], ids=["close", "opposite", "zeros", "one-zero", "huge", "equal"])
def test_relative_error(a, b, expected):
    assert relative_error(a, b) == pytest.approx(expected, rel=1e-14)
    assert relative_error(b, a) == relative_error(a, b)
