"""biasgrad.diagnose.diagnose_layer: every mistake, written as a learner would, is named; right code is ok.

The learner code below is plain NumPy, independent of the module (its own activations and
derivatives), so a test can only pass if the module's exact db and each mistake's prediction
agree with an implementation written from the formulas.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from biasgrad import BiasgradError, MISTAKES, diagnose_layer
from biasgrad.diagnose import LAYER_CODES
from biasgrad.diagnose.predictions import close, predictions
from biasgrad.diagnose.trials import PAIRS, TRIAL_SHAPES, check_pair, make_trials


# ---- the learner's own math ------------------------------------------------------------------

def f(Z, act):
    return {"linear": lambda z: z, "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
            "relu": lambda z: np.maximum(z, 0), "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
            "softplus": lambda z: np.log1p(np.exp(z))}[act](Z)


def fprime(Z, act):
    s = 1 / (1 + np.exp(-Z))
    return {"linear": np.ones_like(Z), "sigmoid": s * (1 - s), "tanh": 1 - np.tanh(Z) ** 2,
            "relu": (Z > 0).astype(float), "leaky_relu": np.where(Z > 0, 1.0, 0.01), "softplus": s}[act]


def dA_of(A, Y, loss):
    return {"mse_half": A - Y, "mse": 2 * (A - Y), "bce": (A - Y) / (A * (1 - A))}[loss]


def dZ_of(X, W, b, Y, act, loss):
    Z = X @ W + b
    A = f(Z, act)
    if loss in ("bce", "bce_logits"):
        return A - Y  # sigmoid + BCE: the learner's shortcut
    return dA_of(A, Y, loss) * fprime(Z, act)


COMBOS = [(a, lo, r) for a, lo in PAIRS for r in ("mean", "sum")]
IDS = [f"{a}-{lo}-{r}" for a, lo, r in COMBOS]


# ---- several correct styles: ok for every activation × loss × reduction ---------------------

def vectorized(act, loss, red):
    def bias_gradient(X, W, b, Y):
        dZ = dZ_of(X, W, b, Y, act, loss)
        return dZ.sum(axis=0) / (len(X) if red == "mean" else 1)
    return bias_gradient


def loops(act, loss, red):
    def bias_gradient(X, W, b, Y):
        N, n_out = Y.shape
        db = [0.0] * n_out
        for n in range(N):
            for j in range(n_out):
                z = sum(X[n, i] * W[i, j] for i in range(X.shape[1])) + b[j]
                a = float(f(np.array(z), act))
                if loss in ("bce", "bce_logits"):
                    g = a - Y[n, j]
                else:
                    g = float(dA_of(a, Y[n, j], loss)) * float(fprime(np.array(z), act))
                db[j] += g / N if red == "mean" else g
        return np.array(db)
    return bias_gradient


def einsum(act, loss, red):
    def bias_gradient(X, W, b, Y):
        Z = np.einsum("ni,ij->nj", X, W) + b
        dZ = dZ_of(X, W, b, Y, act, loss)
        assert Z.shape == dZ.shape
        db = np.einsum("nj->j", dZ)
        return db / X.shape[0] if red == "mean" else db
    return bias_gradient


def keepdims_squeeze(act, loss, red):
    def bias_gradient(X, W, b, Y):
        dZ = dZ_of(X, W, b, Y, act, loss)
        db = (dZ.mean(axis=0, keepdims=True) if red == "mean" else np.sum(dZ, axis=0, keepdims=True))
        return db.squeeze(0)
    return bias_gradient


def ones_vector(act, loss, red):
    def bias_gradient(X, W, b, Y):
        dZ = dZ_of(X, W, b, Y, act, loss)
        w = np.full(len(X), 1 / len(X) if red == "mean" else 1.0)
        return w @ dZ
    return bias_gradient


@pytest.mark.parametrize("style", [vectorized, loops, einsum, keepdims_squeeze, ones_vector],
                         ids=lambda s: s.__name__)
@pytest.mark.parametrize("act,loss,red", COMBOS, ids=IDS)
def test_correct_styles_are_ok(style, act, loss, red):
    d = diagnose_layer(style(act, loss, red), activation=act, loss=loss, reduction=red)
    assert d.ok, d.message
    assert d.mistake is None
    assert d.message.startswith("Right")


def test_the_module_itself_is_ok():
    from biasgrad import Dense
    from biasgrad.diagnose.trials import exact_dZ

    act, lo = check_pair("tanh", "mse")

    def bias_gradient(X, W, b, Y):
        layer = Dense(W, b)
        return layer.backward(exact_dZ(act, lo, layer.forward(X), Y), reduction="sum").db

    assert diagnose_layer(bias_gradient, activation="tanh", loss="mse", reduction="sum").ok


# ---- every mistake, the way a learner writes it ---------------------------------------------

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def no_reduction(X, W, b, Y):          # sigmoid + bce, mean
    A = sigmoid(X @ W + b)
    dZ = (A - Y) / len(X)
    return dZ


def wrong_axis(X, W, b, Y):
    A = sigmoid(X @ W + b)
    return np.mean(A - Y, axis=1)


def sum_for_mean(X, W, b, Y):
    A = sigmoid(X @ W + b)
    return np.sum(A - Y, axis=0)


def mean_over_all(X, W, b, Y):
    A = sigmoid(X @ W + b)
    dZ = A - Y
    return dZ.sum(axis=0) / dZ.size        # like torch's reduction="mean"


def extra_derivative(X, W, b, Y):
    A = sigmoid(X @ W + b)
    dZ = (A - Y) * A * (1 - A)             # σ′ once too often
    return dZ.mean(axis=0)


def missing_derivative_bce(X, W, b, Y):
    A = sigmoid(X @ W + b)
    dA = -Y / A + (1 - Y) / (1 - A)
    return dA.mean(axis=0)


def sign(X, W, b, Y):
    A = sigmoid(X @ W + b)
    return np.mean(Y - A, axis=0)


def weight_gradient(X, W, b, Y):
    A = sigmoid(X @ W + b)
    dZ = A - Y
    return X.T @ dZ / X.shape[0]


def weight_shaped(X, W, b, Y):
    return np.zeros_like(W)


def keepdims(X, W, b, Y):
    A = sigmoid(X @ W + b)
    return np.mean(A - Y, axis=0, keepdims=True)


def column(X, W, b, Y):
    A = sigmoid(X @ W + b)
    return (A - Y).mean(axis=0).reshape(-1, 1)


def not_finite(X, W, b, Y):
    A = sigmoid(X @ W + b)
    return (A - Y).sum(axis=0) / (len(X) - X.shape[0])   # meant to divide by N


def raises(X, W, b, Y):
    A = sigmoid(X @ W + b)
    dZ = A - Y
    return dZ @ W                          # shapes do not line up


def unknown(X, W, b, Y):
    A = sigmoid(X @ W + b)
    return 0.37 * (A - Y).mean(axis=0)


def mean_for_sum(X, W, b, Y):          # tanh + mse_half, sum
    A = np.tanh(X @ W + b)
    return ((A - Y) * (1 - A ** 2)).mean(axis=0)


def mse_factor_half(X, W, b, Y):       # tanh + mse_half, mean
    A = np.tanh(X @ W + b)
    dZ = 2 * (A - Y) * (1 - A ** 2)
    return dZ.mean(axis=0)


def mse_factor_plain(X, W, b, Y):      # relu + mse, mean
    Z = X @ W + b
    A = np.maximum(Z, 0)
    return ((A - Y) * (Z > 0)).mean(axis=0)


def missing_derivative_tanh(X, W, b, Y):   # tanh + mse_half, mean
    A = np.tanh(X @ W + b)
    return (A - Y).mean(axis=0)


def missing_derivative_relu(X, W, b, Y):   # relu + mse_half, mean
    A = np.maximum(X @ W + b, 0)
    return (A - Y).mean(axis=0)


def derivative_of_output(X, W, b, Y):      # sigmoid + mse_half, mean
    A = sigmoid(X @ W + b)
    return ((A - Y) * sigmoid(A) * (1 - sigmoid(A))).mean(axis=0)


def derivative_of_output_tanh(X, W, b, Y):  # tanh + mse, sum
    A = np.tanh(X @ W + b)
    return (2 * (A - Y) * (1 - np.tanh(A) ** 2)).sum(axis=0)


LEARNERS = [
    (no_reduction, "sigmoid", "bce", "mean", "no_reduction"),
    (wrong_axis, "sigmoid", "bce", "mean", "wrong_axis"),
    (sum_for_mean, "sigmoid", "bce", "mean", "sum_for_mean"),
    (mean_over_all, "sigmoid", "bce_logits", "mean", "mean_over_all"),
    (mean_over_all, "sigmoid", "bce", "sum", "mean_over_all"),
    (extra_derivative, "sigmoid", "bce", "mean", "extra_activation_derivative"),
    (missing_derivative_bce, "sigmoid", "bce", "mean", "missing_activation_derivative"),
    (sign, "sigmoid", "bce", "mean", "sign"),
    (weight_gradient, "sigmoid", "bce", "mean", "weight_gradient"),
    (weight_shaped, "sigmoid", "bce", "mean", "weight_gradient"),
    (keepdims, "sigmoid", "bce", "mean", "shape"),
    (column, "sigmoid", "bce_logits", "mean", "shape"),
    (not_finite, "sigmoid", "bce", "mean", "not_finite"),
    (raises, "sigmoid", "bce", "mean", "raises"),
    (unknown, "sigmoid", "bce", "mean", "unknown"),
    (mean_for_sum, "tanh", "mse_half", "sum", "mean_for_sum"),
    (mse_factor_half, "tanh", "mse_half", "mean", "mse_factor"),
    (mse_factor_plain, "relu", "mse", "mean", "mse_factor"),
    (missing_derivative_tanh, "tanh", "mse_half", "mean", "missing_activation_derivative"),
    (missing_derivative_relu, "relu", "mse_half", "mean", "missing_activation_derivative"),
    (derivative_of_output, "sigmoid", "mse_half", "mean", "derivative_of_output"),
    (derivative_of_output_tanh, "tanh", "mse", "sum", "derivative_of_output"),
]


@pytest.mark.parametrize("fn,act,loss,red,code", LEARNERS, ids=[f"{c}-{fn.__name__}" for fn, *_, c in LEARNERS])
def test_learner_mistake_is_named(fn, act, loss, red, code):
    d = diagnose_layer(fn, activation=act, loss=loss, reduction=red)
    assert not d.ok
    assert d.mistake == code, d.message
    assert d.message and d.message != MISTAKES[code]
    assert d.expected is not None and d.expected.shape == (TRIAL_SHAPES[0][2],)


def test_every_layer_code_has_a_learner_test():
    assert {c for *_, c in LEARNERS} == set(LAYER_CODES)
    assert set(LAYER_CODES) <= set(MISTAKES)


def test_messages_carry_the_factor_or_the_shape():
    N, n_in, n_out = TRIAL_SHAPES[0]
    assert f"N = {N} times too large" in diagnose_layer(sum_for_mean, activation="sigmoid", loss="bce").message
    assert f"({N}, {n_out})" in diagnose_layer(no_reduction, activation="sigmoid", loss="bce").message
    assert f"({n_in}, {n_out})" in diagnose_layer(weight_gradient, activation="sigmoid", loss="bce").message
    assert f"(1, {n_out})" in diagnose_layer(keepdims, activation="sigmoid", loss="bce").message
    m = diagnose_layer(mean_over_all, activation="sigmoid", loss="bce").message
    assert f"{n_out} times too small" in m and f"{N * n_out}" in m
    assert "twice" in diagnose_layer(mse_factor_half, activation="tanh", loss="mse_half").message


def test_raises_names_the_exception_and_the_line():
    d = diagnose_layer(raises, activation="sigmoid", loss="bce")
    assert d.exception.startswith("ValueError")
    assert d.line == raises.__code__.co_firstlineno + 3
    assert "dZ @ W" in d.message and d.got is None


def test_none_returned_is_unknown_not_a_crash():
    def forgot_return(X, W, b, Y):
        (sigmoid(X @ W + b) - Y).mean(axis=0)

    d = diagnose_layer(forgot_return, activation="sigmoid", loss="bce")
    assert d.mistake == "unknown" and "None" in d.message


# ---- two mistakes at once are never one confident code -------------------------------------

def no_reduction_and_mse_factor(X, W, b, Y):      # tanh + mse_half
    A = np.tanh(X @ W + b)
    return 2 * (A - Y) * (1 - A ** 2) / len(X)


def sign_and_sum_for_mean(X, W, b, Y):
    return (Y - sigmoid(X @ W + b)).sum(axis=0)


@pytest.mark.parametrize("fn,act,loss,codes", [
    (no_reduction_and_mse_factor, "tanh", "mse_half", {"no_reduction", "mse_factor"}),
    (sign_and_sum_for_mean, "sigmoid", "bce", {"sign", "sum_for_mean"}),
])
def test_two_mistakes_at_once(fn, act, loss, codes):
    d = diagnose_layer(fn, activation=act, loss=loss)
    assert d.mistake == "unknown"
    assert set(d.mistakes) == codes
    assert all(c in d.message for c in codes)


# ---- by construction: the predictions differ on the trials ----------------------------------

def test_trial_shapes_tell_the_mistakes_apart():
    big = [s for s in TRIAL_SHAPES if s[0] != 1]
    assert any(s[0] == 1 for s in TRIAL_SHAPES)
    for N, n_in, n_out in big:
        assert len({N, n_in, n_out}) == 3 and min(N, n_in, n_out) > 2


@pytest.mark.parametrize("act,loss,red", COMBOS, ids=IDS)
def test_no_two_predictions_coincide_on_every_trial(act, loss, red):
    a, lo = check_pair(act, loss)
    trials = make_trials(a, lo, red, 0)
    by_codes = []
    for t in trials:
        groups: dict[tuple, list] = {}
        for p in predictions(t, a, lo, red):
            if len(p.codes) <= 2:
                groups.setdefault(p.codes, []).append(p.value)
        by_codes.append(groups)
    keys = list(by_codes[0])
    assert () in keys  # the right answer is one of them
    for c1, c2 in itertools.combinations(keys, 2):
        same_everywhere = all(any(close(u, v) for u in g.get(c1, []) for v in g.get(c2, [])) for g in by_codes)
        assert not same_everywhere, (c1, c2)


def test_the_right_prediction_is_the_exact_db():
    a, lo = check_pair("softplus", "mse")
    for t in make_trials(a, lo, "mean", 3):
        right = predictions(t, a, lo, "mean")[0]
        assert right.codes == () and close(right.value, t.db)
        # finite differences of the batch loss in b
        def L(bias):
            A = np.logaddexp(0, t.X @ t.W + bias)
            return ((A - t.Y) ** 2).sum() / t.N
        h = 1e-6
        num = np.array([(L(t.b + h * e) - L(t.b - h * e)) / (2 * h) for e in np.eye(t.n_out)])
        assert np.allclose(num, t.db, rtol=1e-6, atol=1e-9)


def test_trials_are_seeded():
    a, lo = check_pair("tanh", "mse")
    t1, t2 = make_trials(a, lo, "sum", 5), make_trials(a, lo, "sum", 5)
    assert all(np.array_equal(p.X, q.X) and np.array_equal(p.Y, q.Y) for p, q in zip(t1, t2))
    assert not np.array_equal(make_trials(a, lo, "sum", 6)[0].X, t1[0].X)


def test_reader_cannot_change_the_trials():
    def mutates(X, W, b, Y):
        Y -= sigmoid(X @ W + b)     # in place: Y becomes −dZ
        return -Y.mean(axis=0)

    assert diagnose_layer(mutates, activation="sigmoid", loss="bce").ok


# ---- bad input is an error, never a diagnosis -----------------------------------------------

@pytest.mark.parametrize("kwargs,field", [
    ({"bias_gradient": 3}, "bias_gradient"),
    ({"activation": "swish"}, "activation"),
    ({"loss": "hinge"}, "loss"),
    ({"activation": "tanh", "loss": "bce"}, "activation"),
    ({"activation": "relu", "loss": "bce_logits"}, "activation"),
    ({"reduction": "avg"}, "reduction"),
    ({"seed": -1}, "seed"),
    ({"seed": 1.5}, "seed"),
])
def test_bad_input_raises(kwargs, field):
    args = {"bias_gradient": sum_for_mean, "activation": "sigmoid", "loss": "bce", **kwargs}
    fn = args.pop("bias_gradient")
    with pytest.raises(BiasgradError) as e:
        diagnose_layer(fn, **args)
    assert e.value.field == field
    assert str(e.value)


def test_as_dict_is_plain_json():
    import json

    d = diagnose_layer(not_finite, activation="sigmoid", loss="bce").as_dict()
    text = json.dumps(d, allow_nan=False)
    assert d["mistake"] == "not_finite" and d["got"][0] is None
    assert "NaN," not in text
