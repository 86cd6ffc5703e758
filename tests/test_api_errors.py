"""The public Python API answers every input with a finite result or a BiasgradError naming
the field: never NaN, inf, or another exception (issue 13, items 6 and 7)."""

import io
import math
from contextlib import redirect_stderr
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biasgrad import ACTIVATIONS, LOSSES, BiasgradError, Dense, Network, neuron_report
from biasgrad.cli import main
from biasgrad.dense import batch_weight, check_bias_grad_shape, reduce_over_batch
from biasgrad.gradcheck import central_difference, relative_error
from biasgrad.inputs import check_finite, finite_array, parse_number
from biasgrad.link import loss_and_dL_dz, loss_and_dL_dz_where_defined

X4 = np.arange(12.0).reshape(4, 3) / 10
LABELS = np.array([0, 1, 2, 1])


def field_of(call):
    with pytest.raises(BiasgradError) as e:
        call()
    return e.value.field


@pytest.mark.parametrize("call,field", [
    (lambda: neuron_report(10**400, 1.0, 0.0, 1.0), "x"),
    (lambda: neuron_report(Fraction(10**400, 3), 1.0, 0.0, 1.0), "x"),
    (lambda: neuron_report(["a"], [1.0], 0.0, 1.0), "x"),
    (lambda: neuron_report([None], [1.0], 0.0, 1.0), "x"),
    (lambda: neuron_report(["1", "2"], [1.0, 1.0], 0.0, 1.0), "x"),  # text refused in lists too, as x="1"
    (lambda: neuron_report("1", 1.0, 0.0, 1.0), "x"),
    (lambda: neuron_report(1.0, [[1.0]], 0.0, 1.0), "w"),
    (lambda: Network(None), "sizes"),
    (lambda: Network([3, "a"]), "sizes"),
    (lambda: Network([3, 0]), "sizes"),
    (lambda: Network([3, 3], seed=-1), "seed"),
    (lambda: Dense([["a"]], [0]), "W"),
    (lambda: Dense([["1", "2"]], ["0", "0"]), "W"),
    (lambda: Dense([[1.0]], [None]), "b"),
    (lambda: Dense([[1e300]], [0]).forward([[1e300]]), "X"),
    (lambda: Dense([[1.0]], [0.0]).backward([[1.0]]), "X"),  # before forward
    (lambda: Network([3, 3]).train(X4, ["a", "b", "c", "d"]), "y"),
    (lambda: Network([3, 3]).train(X4[:0], LABELS[:0]), "y"),
    (lambda: Network([3, 3]).train(X4, LABELS + 5), "y"),
    (lambda: Network([3, 3]).train(X4, LABELS, epochs=2.5), "epochs"),
    (lambda: Network([3, 4, 1], "relu", loss="mse").train(X4, np.ones(4), epochs=3, lr=4.1e154), "lr"),
    (lambda: Network([3, 4, 1], "relu", loss="mse").train(X4, np.ones(4), epochs=3, lr=1e200), "lr"),
    (lambda: Network([3, 1], "linear", loss="mse").train(X4, np.ones(4), epochs=1, lr=1e160), "lr"),
    (lambda: Network([3, 3]).accuracy(X4, LABELS[:2]), "labels"),
], ids=["x-10**400", "x-huge-Fraction", "x-text-list", "x-None-list", "x-text-numbers-list", "x-text",
        "w-2d", "Network(None)", "sizes-text", "sizes-zero", "seed-negative", "Dense-text", "Dense-text-numbers",
        "Dense-None-bias", "Dense-overflow", "backward-before-forward", "labels-text", "labels-empty",
        "labels-out-of-range", "epochs-fraction", "lr-4.1e154", "lr-1e200", "lr-last-step", "accuracy-shape"])
def test_bad_input_is_a_biasgrad_error_naming_the_field(call, field):
    assert field_of(call) == field


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_an_empty_batch(reduction):
    layer = Dense([[1.0, 2.0]], [0.0, 0.0])
    layer.forward(np.zeros((0, 1)))
    if reduction == "mean":  # the mean over N = 0 is undefined
        assert field_of(lambda: layer.backward(np.zeros((0, 2)), reduction)) == "X"
        assert field_of(lambda: Network([1, 2], loss="mse").train(np.zeros((0, 1)), np.zeros((0, 2)))) == "X"
    else:  # the empty sum is 0
        g = layer.backward(np.zeros((0, 2)), reduction)
        assert g.db.tolist() == [0.0, 0.0] and g.dW.tolist() == [[0.0, 0.0]]


def test_huge_lr_checks_the_loss_after_the_last_step():
    # one step at lr = 1e160: the loss before it is finite, the loss after it (~1e320) is not
    net = Network([3, 1], "linear", loss="mse", seed=0)
    with pytest.raises(BiasgradError, match="after 1 epochs"):
        net.train(X4, np.ones(4), epochs=1, lr=1e160)
    assert Network([3, 1], "linear", loss="mse", seed=0).train(X4, np.ones(4), epochs=1, lr=1e100).final_loss > 1e200


@pytest.mark.parametrize("arg", ["--bogus\nsecond line", "--x\n1", "\r\x1b[31m", "--activation=a\nb"],
                         ids=["newline", "flag-newline", "control-characters", "value-newline"])
def test_cli_error_is_one_line(arg):
    err = io.StringIO()
    with redirect_stderr(err):
        assert main([arg]) == 2
    text = err.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n") and text.startswith("biasgrad: error:")
    assert "\\n" in text or "\\r" in text or "\\x1b" in text  # shown escaped, not dropped


# ---- properties: any input → finite result or BiasgradError with a field -------------------

ANYTHING = st.one_of(
    st.none(), st.booleans(), st.text(max_size=5), st.integers(-10**400, 10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.fractions(),
    st.lists(st.one_of(st.floats(-1e3, 1e3), st.text(max_size=2), st.none()), max_size=3),
)
NUMBERISH = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**400, 10**400), ANYTHING)


def finite_or_named_error(call):
    try:
        result = call()
    except BiasgradError as e:
        assert e.field, f"no field: {e}"
        return None
    flat = []

    def walk(v):
        if isinstance(v, (list, tuple)):
            for t in v:
                walk(t)
        elif isinstance(v, dict):
            for t in v.values():
                walk(t)
        elif isinstance(v, np.ndarray):
            flat.extend(np.asarray(v, dtype=float).ravel().tolist())
        elif isinstance(v, (float, np.floating)):
            flat.append(float(v))
        elif hasattr(v, "__dataclass_fields__"):
            walk([getattr(v, k) for k in v.__dataclass_fields__])
    walk(result)
    assert all(math.isfinite(v) for v in flat), result
    return result


PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(x=NUMBERISH, w=NUMBERISH, b=NUMBERISH, y=NUMBERISH, lr=NUMBERISH,
       act=st.sampled_from(list(ACTIVATIONS) + ["nope"]), loss=st.sampled_from(list(LOSSES) + ["nope"]))
def test_neuron_report_any_input(x, w, b, y, lr, act, loss):
    finite_or_named_error(lambda: neuron_report(x, w, b, y, act, loss, lr).as_dict())


@PROPS
@given(z=NUMBERISH, y=NUMBERISH, act=st.sampled_from(list(ACTIVATIONS)),
       loss=st.sampled_from(list(LOSSES) + ["softmax_cross_entropy"]))
def test_loss_path_any_input(z, y, act, loss):
    finite_or_named_error(lambda: loss_and_dL_dz(act, loss, z, y))
    finite_or_named_error(lambda: loss_and_dL_dz_where_defined(act, loss, z, y))


MATRIX = st.one_of(ANYTHING, st.lists(st.lists(st.floats(), min_size=1, max_size=3),
                                      min_size=0, max_size=3))


@PROPS
@given(W=MATRIX, b=MATRIX, X=MATRIX, dZ=MATRIX, reduction=st.sampled_from(["mean", "sum", "max"]))
def test_dense_any_input(W, b, X, dZ, reduction):
    def run():
        layer = Dense(W, b)
        Z = layer.forward(X)
        return Z, layer.backward(dZ, reduction)
    finite_or_named_error(run)
    finite_or_named_error(lambda: batch_weight(len(X) if isinstance(X, list) else 1, reduction))
    finite_or_named_error(lambda: reduce_over_batch(dZ, reduction))
    finite_or_named_error(lambda: check_bias_grad_shape(dZ, b))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.one_of(ANYTHING, st.lists(st.integers(-1, 4), max_size=4)), X=MATRIX, y=MATRIX,
       lr=NUMBERISH, epochs=st.one_of(st.integers(-1, 3), ANYTHING),
       loss=st.sampled_from(list(LOSSES) + ["softmax_cross_entropy"]))
def test_network_any_input(sizes, X, y, lr, epochs, loss):
    def run():
        net = Network(sizes, "tanh", loss=loss)
        return net.train(X, y, epochs=epochs, lr=lr).as_dict(), net.predict(X), net.loss_value(X, y)
    finite_or_named_error(run)


@PROPS
@given(v=NUMBERISH)
def test_input_checks_any_input(v):
    finite_or_named_error(lambda: check_finite("v", v))
    finite_or_named_error(lambda: finite_array("v", v))
    finite_or_named_error(lambda: parse_number("v", v))
    finite_or_named_error(lambda: relative_error(v, 1.0))


@PROPS
@given(x=st.floats(allow_nan=True, allow_infinity=True), eps=NUMBERISH, order=st.one_of(st.integers(0, 5), ANYTHING))
def test_central_difference_any_input(x, eps, order):
    finite_or_named_error(lambda: central_difference(lambda t: t * t, x, eps=eps, order=order))
