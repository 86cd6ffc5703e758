"""biasgrad.diagnose.diagnose_answer: a hand-typed dL/db for one neuron, checked to the digits typed.

Hand-worked neuron (the CLI's example): x = 1.5, w = 0.8, b = 0.1, y = 1, sigmoid, BCE.
z = 1.3, a = σ(1.3) = 0.785834983043, dL/db = a − y = −0.214165016957, dL/dw = 1.5·dL/db
= −0.321247525435, L = −ln a = 0.241008453833, b′ = 0.1 − 0.1·dL/db = 0.121416501696.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from biasgrad import BiasgradError, diagnose_answer
from biasgrad.diagnose import ANSWER_CODES
from biasgrad.diagnose.answer import agrees, significant_digits

SIG_BCE = dict(x=1.5, w=0.8, b=0.1, y=1.0, activation="sigmoid", loss="bce")
A = 1 / (1 + math.exp(-1.3))


@pytest.mark.parametrize("answer", ["-0.214", "-0.2142", "-0.2141", "−0.21417", " -0.214165 ", -0.2141650169574414,
                                    "-2.14e-1"])
def test_correct_to_the_digits_typed(answer):
    d = diagnose_answer(answer, **SIG_BCE)
    assert d.ok and d.mistake == "correct", d.message
    assert d.expected == pytest.approx(A - 1, rel=1e-12)


@pytest.mark.parametrize("answer", ["-0.215", "-0.2143", "-0.21", "-0.2", "-0.21416504"])
def test_wrong_at_the_digits_typed_or_too_few(answer):
    d = diagnose_answer(answer, **SIG_BCE)
    assert not d.ok and d.mistake == "unknown"
    assert d.digits >= 3


def test_too_few_digits_says_so():
    d = diagnose_answer("-0.21", **SIG_BCE)
    assert d.mistake == "unknown" and "at least 3 significant digits" in d.message


@pytest.mark.parametrize("answer,code,params", [
    ("0.2142", "sign", SIG_BCE),
    ("-0.3212", "weight_gradient", SIG_BCE),
    ("0.2410", "loss_value", SIG_BCE),
    ("0.1214", "bias_next", SIG_BCE),
    (f"{(A - 1) / (A * (1 - A)):.4g}", "missing_activation_derivative", SIG_BCE),
    (f"{(A - 1) * A * (1 - A):.4g}", "extra_activation_derivative", SIG_BCE),
    # tanh + ½(a − y)²: x = 0.5, w = −1, b = 0.2, y = 0.3 → z = −0.3, a = tanh(−0.3)
    (f"{2 * (math.tanh(-0.3) - 0.3) * (1 - math.tanh(-0.3) ** 2):.4g}", "mse_factor",
     dict(x=0.5, w=-1.0, b=0.2, y=0.3, activation="tanh", loss="mse_half")),
    (f"{(math.tanh(-0.3) - 0.3) * (1 - math.tanh(math.tanh(-0.3)) ** 2):.4g}", "derivative_of_output",
     dict(x=0.5, w=-1.0, b=0.2, y=0.3, activation="tanh", loss="mse_half")),
    # plain (a − y)² with a linear neuron: dL/db = 2(a − y); giving a − y is the factor-2 slip
    (f"{(0.5 * 2 + 0.1 - 0.3):.4g}", "mse_factor", dict(x=2.0, w=0.5, b=0.1, y=0.3, activation="linear", loss="mse")),
])
def test_answer_mistakes(answer, code, params):
    d = diagnose_answer(answer, **params)
    assert d.mistake == code, d.message
    assert not d.ok


def test_answer_codes_are_all_reachable():
    reached = {"correct", "unknown", "sign", "weight_gradient", "loss_value", "bias_next", "mse_factor",
               "missing_activation_derivative", "extra_activation_derivative", "derivative_of_output"}
    assert reached == set(ANSWER_CODES)


@pytest.mark.parametrize("text,n", [("-0.214", 3), ("0.0500", 3), ("2e-3", 1), ("100", 3), ("0", 1),
                                    ("-2.140e-1", 4), ("12.5", 3)])
def test_significant_digits(text, n):
    assert significant_digits(text) == n


def test_agrees_rounds_or_truncates_only():
    assert agrees(Decimal("-0.2142"), -0.214165, 4)      # rounded
    assert agrees(Decimal("-0.2141"), -0.214165, 4)      # truncated
    assert not agrees(Decimal("-0.2143"), -0.214165, 4)
    assert not agrees(Decimal("-0.2140"), -0.214165, 4)
    assert agrees(Decimal("0"), 0.0, 3) and not agrees(Decimal("0"), 1e-3, 3)


@pytest.mark.parametrize("answer", ["abc", "", "nan", "inf", None, [1.0], True])
def test_not_a_number_is_bad_input(answer):
    with pytest.raises(BiasgradError) as e:
        diagnose_answer(answer, **SIG_BCE)
    assert e.value.field == "answer"


def test_undefined_pair_is_bad_input():
    with pytest.raises(BiasgradError):
        diagnose_answer("0.1", **{**SIG_BCE, "activation": "relu"})
    with pytest.raises(BiasgradError):
        diagnose_answer("0.1", **{**SIG_BCE, "x": "1.5"})
