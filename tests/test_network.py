"""Network: backprop against finite differences, training on Iris, determinism, speed."""


import numpy as np
import pytest

from biasgrad import ACTIVATIONS, LOSSES, BiasgradError, Network
from biasgrad.datasets import load_iris, standardize, train_test_split

RNG = np.random.default_rng(42)
X = RNG.normal(size=(6, 3))
LABELS = np.array([0, 1, 2, 2, 1, 0])


@pytest.mark.parametrize("hidden", list(ACTIVATIONS))
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_softmax_network_gradient_check(hidden, reduction):
    net = Network([3, 4, 3], hidden, loss="softmax_cross_entropy", reduction=reduction, seed=1)
    errors = net.gradient_check(X, LABELS, eps=1e-5, order=4)
    assert set(errors) == {"W1", "b1", "W2", "b2"}
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("output", ["sigmoid", "tanh", "linear"])
def test_scalar_loss_network_gradient_check(loss, output):
    if loss == "bce_logits" and output != "sigmoid":
        with pytest.raises(BiasgradError, match="sigmoid"):
            Network([3, 4, 2], ["tanh", output], loss=loss)
        return
    Y = np.random.default_rng(3).uniform(0.1, 0.9, size=(6, 2))
    net = Network([3, 4, 2], ["softplus", output], loss=loss, seed=2)
    if loss == "bce" and output != "sigmoid":
        net.layers[-1].W *= 0.05  # keep tanh/linear outputs inside (0, 1) for BCE
        net.layers[-1].b += 0.5
    errors = net.gradient_check(X, Y, eps=1e-3, order=4)
    assert max(errors.values()) < 1e-7, errors


def test_three_hidden_layers_gradient_check():
    net = Network([3, 5, 4, 3, 2], ["relu", "tanh", "leaky_relu", "linear"], loss="softmax_cross_entropy", seed=5)
    assert max(net.gradient_check(X, LABELS % 2, eps=1e-6).values()) < 1e-6


def test_softmax_output_delta_is_P_minus_Y_over_N():
    net = Network([3, 3], "linear", seed=0)  # single layer: Z = X·W + b
    Z = X @ net.layers[0].W + net.layers[0].b
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    Y = np.eye(3)[LABELS]
    _, grads = net.gradients(X, LABELS)
    assert np.allclose(grads[0].db, ((P - Y) / 6).sum(axis=0), rtol=1e-12)
    assert np.allclose(grads[0].dW, X.T @ (P - Y) / 6, rtol=1e-12)


def test_sum_reduction_is_n_times_mean():
    g_mean = Network([3, 4, 3], "tanh", reduction="mean", seed=4).gradients(X, LABELS)
    g_sum = Network([3, 4, 3], "tanh", reduction="sum", seed=4).gradients(X, LABELS)
    assert g_sum[0] == pytest.approx(6 * g_mean[0], rel=1e-14)
    for a, b in zip(g_sum[1], g_mean[1]):
        assert np.allclose(a.db, 6 * b.db, rtol=1e-13) and np.allclose(a.dW, 6 * b.dW, rtol=1e-13)


def iris():
    Xa, y, _, _ = load_iris()
    Xtr, Xte, ytr, yte = train_test_split(Xa, y, test_size=30, seed=0)
    Xtr, Xte, _, _ = standardize(Xtr, Xte)
    return Xtr, Xte, ytr, yte


def test_iris_training_learns_and_is_deterministic():
    # Speed is measured by tools/bench.py, not asserted here (2 shared cores make timings noise).
    Xtr, Xte, ytr, yte = iris()
    h = Network([4, 8, 3], "tanh", seed=0).train(Xtr, ytr, epochs=200, lr=0.5, X_test=Xte, y_test=yte)
    assert len(h.loss) == len(h.biases) == len(h.bias_grads) == len(h.train_accuracy) == len(h.test_accuracy) == 200
    assert h.loss[0] > 2 * h.final_loss and h.final_loss < h.loss[-1]
    assert h.train_accuracy[-1] > 0.9 and h.test_accuracy[-1] > 0.85
    assert [len(b) for b in h.biases[0]] == [8, 3] and h.biases[0] == [[0.0] * 8, [0.0] * 3]
    again = Network([4, 8, 3], "tanh", seed=0).train(Xtr, ytr, epochs=200, lr=0.5, X_test=Xte, y_test=yte)
    assert again.loss == h.loss and again.biases == h.biases


def test_history_records_the_update_it_used():
    Xtr, _, ytr, _ = iris()
    net = Network([4, 5, 3], "relu", seed=3)
    h = net.train(Xtr, ytr, epochs=3, lr=0.2)
    for e in range(2):  # b_{e+1} = b_e − lr·db_e, for every layer and unit
        for layer in range(2):
            assert np.allclose(np.array(h.biases[e + 1][layer]),
                               np.array(h.biases[e][layer]) - 0.2 * np.array(h.bias_grads[e][layer]), rtol=1e-14)
    assert set(h.as_dict()) == {"loss", "biases", "bias_grads", "train_accuracy", "test_accuracy", "final_loss"}


def test_a_small_step_lowers_the_loss():
    net = Network([3, 4, 3], "sigmoid", seed=8)
    before = net.loss_value(X, LABELS)
    _, grads = net.gradients(X, LABELS)
    net.step(grads, 1e-3)
    assert net.loss_value(X, LABELS) < before


@pytest.mark.parametrize("kwargs,match", [
    (dict(sizes=[3]), "sizes"),
    (dict(sizes=[3, 2], activations=["tanh", "tanh"]), "activations"),
    (dict(sizes=[3, 2], activations=["sigmoid"]), "linear"),
    (dict(sizes=[3, 2], reduction="avg"), "reduction"),
    (dict(sizes=[3, 2], loss="hinge"), "unknown loss"),
], ids=["too-few-sizes", "too-many-activations", "softmax-needs-linear", "bad-reduction", "bad-loss"])
def test_bad_configuration(kwargs, match):
    with pytest.raises(BiasgradError, match=match):
        Network(**kwargs)


def test_bad_labels_and_diverging_training():
    net = Network([3, 3], "linear", seed=0)
    with pytest.raises(BiasgradError, match="labels"):
        net.gradients(X, LABELS + 5)
    big = Network([3, 8, 1], "relu", loss="mse", seed=0)
    with pytest.raises(BiasgradError, match="diverged"):
        big.train(X * 1e3, np.ones(6), epochs=50, lr=10.0)
