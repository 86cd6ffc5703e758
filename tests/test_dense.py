"""Dense layer: hand-computed forward/backward, finite differences, reduction, shape errors."""

import numpy as np
import pytest

from biasgrad import BiasgradError, Dense
from biasgrad.dense import batch_weight, check_bias_grad_shape, reduce_over_batch
from biasgrad.gradcheck import central_difference, relative_error


def small_layer(bias_shape=(2,)):
    W = np.array([[1.0, -1.0], [0.5, 2.0], [0.0, 1.0]])  # (3, 2)
    return Dense(W, np.array([0.1, -0.2]).reshape(bias_shape))


X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])  # (N=2, 3)


def test_forward_by_hand():
    # row 0: [1 + 1 + 0, −1 + 4 + 3] + b = [2.1, 5.8]; row 1: [−1 + 0 + 0, 1 + 0 + 1] + b = [−0.9, 1.8]
    Z = small_layer().forward(X)
    assert np.allclose(Z, [[2.1, 5.8], [-0.9, 1.8]], rtol=1e-15)


def test_backward_by_hand():
    layer = small_layer()
    layer.forward(X)
    dZ = np.array([[1.0, 0.0], [2.0, -1.0]])
    g = layer.backward(dZ, "sum")
    # db = column sums = [3, −1]; dW = Xᵀ·dZ = [[1−2, 0+1], [2+0, 0], [3+2, 0−1]]
    assert np.array_equal(g.db, [3.0, -1.0])
    assert np.array_equal(g.dW, [[-1.0, 1.0], [2.0, 0.0], [5.0, -1.0]])
    # dX = dZ·Wᵀ: row 0 = [1, 0.5, 0]; row 1 = [2+1, 1−2, 0−1]
    assert np.array_equal(g.dX, [[1.0, 0.5, 0.0], [3.0, -1.0, -1.0]])
    m = layer.backward(dZ, "mean")
    assert np.array_equal(m.db, [1.5, -0.5]) and np.array_equal(m.dX, g.dX)


@pytest.mark.parametrize("bias_shape", [(4,), (1, 4)], ids=["b(n,)", "b(1,n)"])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_gradients_match_finite_differences(bias_shape, reduction):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(5, 3))
    T = rng.normal(size=(5, 4))
    layer = Dense(rng.normal(size=(3, 4)), rng.normal(size=bias_shape))

    def loss():  # per example ½‖Z − T‖², reduced by the same rule
        Z = layer.forward(X)
        return batch_weight(5, reduction) * (0.5 * (Z - T) ** 2).sum()

    Z = layer.forward(X)
    g = layer.backward(Z - T, reduction)
    assert g.db.shape == bias_shape
    for P, dP in ((layer.W, g.dW), (layer.b, g.db)):
        for idx in np.ndindex(P.shape):
            old = P[idx]

            def f(v, idx=idx, P=P):
                P[idx] = v
                return loss()

            num = central_difference(f, old, eps=1e-4, order=4)
            P[idx] = old
            assert relative_error(num, dP[idx]) < 1e-9
    # dX: perturb the input
    for idx in np.ndindex(X.shape):
        old = X[idx]

        def fx(v, idx=idx):
            X[idx] = v
            return loss()

        num = central_difference(fx, old, eps=1e-4, order=4)
        X[idx] = old
        # dX is per example; the loss's reduction weight applies once it is summed
        assert relative_error(num, batch_weight(5, reduction) * g.dX[idx]) < 1e-9


def test_sum_is_n_times_mean():
    rng = np.random.default_rng(1)
    layer = Dense(rng.normal(size=(3, 2)), np.zeros(2))
    Xb = rng.normal(size=(6, 3))
    layer.forward(Xb)
    dZ = rng.normal(size=(6, 2))
    s, m = layer.backward(dZ, "sum"), layer.backward(dZ, "mean")
    assert np.allclose(s.db, 6 * m.db, rtol=1e-14) and np.allclose(s.dW, 6 * m.dW, rtol=1e-14)


def test_mean_differs_from_pytorch_mean_by_n_out():
    # PyTorch's reduction="mean" on an (N, K) output averages N·K entries: K times smaller
    dZ = np.ones((4, 3))
    assert np.array_equal(reduce_over_batch(dZ, "mean"), [1.0, 1.0, 1.0])  # Σ_n 1 / N
    assert np.array_equal(reduce_over_batch(dZ, "sum"), [4.0, 4.0, 4.0])


def test_unknown_reduction():
    with pytest.raises(BiasgradError, match="'sum' or 'mean'"):
        reduce_over_batch(np.ones((2, 2)), "average")


def test_unreduced_bias_gradient_is_caught():
    with pytest.raises(BiasgradError, match=r"\(5, 3\).*never reduced") as e:
        check_bias_grad_shape(np.ones((5, 3)), np.zeros(3))
    assert e.value.field == "db"


@pytest.mark.parametrize("g_shape,b_shape", [((3,), (1, 3)), ((1, 3), (3,))], ids=["n-vs-1n", "1n-vs-n"])
def test_row_vs_vector_bias_is_caught(g_shape, b_shape):
    with pytest.raises(BiasgradError, match="own shape"):
        check_bias_grad_shape(np.ones(g_shape), np.zeros(b_shape))
    check_bias_grad_shape(np.ones(b_shape), np.zeros(b_shape))  # the right shape passes silently


@pytest.mark.parametrize("W,b,X,field", [
    (np.ones((3, 2)), np.ones(3), np.ones((1, 3)), "b"),
    (np.ones((3, 2)), np.ones((2, 1)), np.ones((1, 3)), "b"),
    (np.ones(3), np.ones(1), np.ones((1, 3)), "W"),
    (np.ones((3, 2)), np.ones(2), np.ones((1, 4)), "X"),
    (np.ones((3, 2)), np.ones(2), np.ones(3), "X"),
], ids=["b-wrong-length", "b-column", "W-1d", "X-wrong-width", "X-1d"])
def test_shape_errors_name_the_shapes(W, b, X, field):
    with pytest.raises(BiasgradError, match=r"shape") as e:
        Dense(W, b).forward(X)
    assert e.value.field == field


def test_backward_needs_matching_dZ():
    layer = small_layer()
    layer.forward(X)
    with pytest.raises(BiasgradError, match=r"\(2, 2\)"):
        layer.backward(np.ones((3, 2)))
