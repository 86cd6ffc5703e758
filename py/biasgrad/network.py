"""A small multilayer perceptron: forward, backprop, gradient-descent training, gradient check.

Layer l computes ``Z_l = A_{l−1}·W_l + b_l`` and ``A_l = f_l(Z_l)``. Backprop runs

    dZ_L = output delta (per example)      dZ_l = (dZ_{l+1}·W_{l+1}ᵀ) ⊙ f_l'(Z_l)

and each :class:`~biasgrad.dense.Dense` layer turns dZ_l into dW_l, db_l with the named
reduction. Convention: a batch loss is, per example, the sum over output units, then
"sum" or "mean" over the N examples (mean divides by N, see ``batch_weight``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .activations import Activation
from .dense import Dense, DenseGrads, batch_weight
from .errors import BiasgradError
from .gradcheck import central_difference
from .inputs import check_count, check_lr, finite_array, parse_activation, parse_network_loss
from .link import chain_terms
from .losses import Loss

__all__ = ["Network", "History"]


@dataclass
class History:
    """Per-epoch record of :meth:`Network.train`.

    Convention: entry e describes the parameters at the start of epoch e, before that
    epoch's update; the bias gradient recorded is the one used for that update.

    Attributes
    ----------
    loss : list of float, length epochs
    biases, bias_grads : list (epochs) of list (layers) of list (units) of float
    train_accuracy, test_accuracy : list of float, or empty when no labels
    final_loss : float
        The loss after the last update.
    """

    loss: list[float] = field(default_factory=list)
    biases: list[list[list[float]]] = field(default_factory=list)
    bias_grads: list[list[list[float]]] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    final_loss: float = float("nan")

    def as_dict(self) -> dict[str, Any]:
        """Plain lists and floats (JSON-ready)."""
        return {"loss": self.loss, "biases": self.biases, "bias_grads": self.bias_grads,
                "train_accuracy": self.train_accuracy, "test_accuracy": self.test_accuracy,
                "final_loss": self.final_loss}


class Network:
    """Multilayer perceptron with any layer sizes and one activation per layer.

    Parameters
    ----------
    sizes : sequence of int
        [n_in, n_hidden..., n_out], at least two entries.
    activations : str, Activation or sequence of them
        One per layer (len(sizes) − 1). A single name is used for every hidden layer, and
        the output layer gets the natural one for the loss (linear for softmax cross-entropy
        and squared errors, sigmoid for bce/bce_logits).
    loss : str
        ``"softmax_cross_entropy"`` (classification; output activation must be linear,
        the softmax is inside the loss) or one of :data:`LOSSES`.
    reduction : {"mean", "sum"}
    seed : int
        Seed for ``numpy.random.default_rng``; weights ~ N(0, 1/n_in), biases 0.

    Notes
    -----
    Convention: the output delta dZ comes from :func:`biasgrad.link.chain_terms`, so with a
    sigmoid output bce and bce_logits use dZ = σ(Z) − Y (from logits).
    """

    def __init__(self, sizes: Sequence[int], activations: Any = "tanh", loss: str | Loss = "softmax_cross_entropy",
                 reduction: str = "mean", seed: int = 0) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
            raise BiasgradError(f"sizes must be a list [n_in, ..., n_out] of at least two positive ints, "
                                f"got {sizes!r:.60}", "sizes")
        sizes = [check_count("sizes", s, minimum=1) for s in sizes]
        seed = check_count("seed", seed)
        batch_weight(1, reduction)  # validates the name
        self.loss: Loss = loss if isinstance(loss, Loss) else parse_network_loss(loss)
        self.loss_name = self.loss.name
        self.reduction = reduction
        n_layers = len(sizes) - 1
        if isinstance(activations, (str, Activation)):
            activations = [activations] * (n_layers - 1) + [self.loss.natural_output]
        if isinstance(activations, (str, bytes)) or not isinstance(activations, Sequence):
            raise BiasgradError(f"activations must be a name, an Activation or a list of them, got {activations!r:.60}",
                                "activations")
        if len(activations) != n_layers:
            raise BiasgradError(f"need {n_layers} activations for sizes {list(sizes)}, got {len(activations)}",
                                "activations")
        self.activations = [a if isinstance(a, Activation) else parse_activation(str(a)) for a in activations]
        try:
            self.loss.check_activation(self.activations[-1])
        except BiasgradError as e:
            raise BiasgradError(str(e), "activations") from None
        rng = np.random.default_rng(seed)
        self.layers = [Dense.random(int(sizes[i]), int(sizes[i + 1]), rng) for i in range(n_layers)]

    # -- forward and loss -------------------------------------------------------------
    def forward(self, X: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Run all layers; return the lists Zs and As (one (N, n_l) array per layer)."""
        A = finite_array("X", X)
        if A.ndim != 2 or A.shape[1] != self.layers[0].n_in:
            raise BiasgradError(f"X must have shape (N, {self.layers[0].n_in}), got {A.shape}", "X")
        Zs, As = self._forward(A)
        if not all(np.isfinite(Z).all() for Z in Zs):
            raise BiasgradError("a layer's Z = A·W + b overflows float64; use smaller inputs or weights", "X")
        return Zs, As

    def _forward(self, A: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """forward() for a checked X; an overflow shows as inf (train reports it as divergence)."""
        Zs, As = [], []
        with np.errstate(all="ignore"):
            for layer, act in zip(self.layers, self.activations):
                Z = layer.affine(A)
                A = np.asarray(act.value(Z), dtype=np.float64)
                Zs.append(Z)
                As.append(A)
        return Zs, As

    def targets(self, y: Any) -> np.ndarray:
        """Targets as (N, n_out) floats; class labels (N,) are one-hot encoded for softmax CE."""
        K = self.layers[-1].n_out
        if self.loss.takes_class_labels and np.ndim(y) == 1:
            return np.asarray(np.eye(K)[self.labels(y)], dtype=np.float64)
        Y = finite_array("y", y)
        return Y.reshape(-1, 1) if Y.ndim == 1 and K == 1 else Y

    def labels(self, y: Any) -> np.ndarray:
        """Class labels as ints in [0, n_out), or a BiasgradError (field ``y``) saying what is wrong."""
        K = self.layers[-1].n_out
        v = finite_array("y", y)
        if v.ndim != 1 or v.size == 0:
            raise BiasgradError(f"class labels must be a non-empty 1-D list of ints in [0, {K}), got shape {v.shape}", "y")
        bad = (v != np.round(v)) | (v < 0) | (v >= K)
        if bad.any():
            raise BiasgradError(f"class labels must be ints in [0, {K}), got {float(v[bad][0]):g} "
                                f"at position {int(np.argmax(bad))}", "y")
        return v.astype(np.int64)

    def _output(self, Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-example loss (N,) and per-example output delta dZ = ∂L_n/∂Z (N, n_out)."""
        if Y.shape != Z.shape:
            raise BiasgradError(f"targets must have shape {Z.shape} like the output, got {Y.shape}", "y")
        t = chain_terms(self.activations[-1], self.loss, Z, Y, require_defined=True)
        return (t.L if t.L.ndim < Z.ndim else t.L.sum(axis=1)), t.dL_dz

    def loss_value(self, X: Any, y: Any) -> float:
        """The batch loss (reduced over examples as ``self.reduction`` says)."""
        Zs, As = self.forward(X)
        L_n, _ = self._output(Zs[-1], As[-1], self.targets(y))
        return float(batch_weight(L_n.shape[0], self.reduction) * L_n.sum())

    # -- backprop and training ---------------------------------------------------------
    def gradients(self, X: Any, y: Any) -> tuple[float, list[DenseGrads]]:
        """Backprop: the batch loss and one DenseGrads (dW, db, dX) per layer, at the current parameters."""
        Zs, As = self.forward(X)
        L_n, dZ = self._output(Zs[-1], As[-1], self.targets(y))
        grads: list[DenseGrads] = []
        for l in range(len(self.layers) - 1, -1, -1):
            g = self.layers[l].backward(dZ, self.reduction)
            grads.insert(0, g)
            if l > 0:
                dZ = g.dX * np.asarray(self.activations[l - 1].derivative(Zs[l - 1]))
        return float(batch_weight(L_n.shape[0], self.reduction) * L_n.sum()), grads

    def step(self, grads: Sequence[DenseGrads], lr: float) -> None:
        """W ← W − lr·dW, b ← b − lr·db for every layer (all gradients taken beforehand)."""
        for layer, g in zip(self.layers, grads):
            layer.W -= lr * g.dW
            layer.b -= lr * g.db

    def predict(self, X: Any) -> np.ndarray:
        """Class index per row: argmax of the outputs, or output > 0.5 for one sigmoid unit."""
        _, As = self.forward(X)
        out = As[-1]
        if out.shape[1] == 1:
            return np.asarray(out[:, 0] > 0.5, dtype=np.int64)
        return np.asarray(out.argmax(axis=1), dtype=np.int64)

    def accuracy(self, X: Any, labels: Any) -> float:
        """Fraction of rows whose predicted class equals the label."""
        predicted = self.predict(X)
        v = finite_array("labels", labels)
        if v.shape != predicted.shape:
            raise BiasgradError(f"labels must have shape {predicted.shape} like the predictions, got {v.shape}", "labels")
        if v.size == 0:
            raise BiasgradError("accuracy over 0 rows is undefined (the batch is empty)", "X")
        return float(np.mean(predicted == v))

    def _accuracy(self, X: np.ndarray, labels: np.ndarray) -> float:
        """accuracy() for arrays already checked by it."""
        out = self._forward(X)[1][-1]
        predicted = out[:, 0] > 0.5 if out.shape[1] == 1 else out.argmax(axis=1)
        return float(np.mean(predicted == labels))

    def train(self, X: Any, y: Any, epochs: int = 200, lr: float = 0.1,
              X_test: Any = None, y_test: Any = None) -> History:
        """Full-batch gradient descent with simultaneous updates.

        Parameters
        ----------
        X : array_like, shape (N, n_in)
        y : array_like
            Labels (N,) for softmax CE, else targets (N, n_out) or (N,).
        epochs : int
        lr : float
        X_test, y_test : optional held-out data for test accuracy.

        Returns
        -------
        History
        """
        lr = check_lr(lr)
        epochs = check_count("epochs", epochs)
        labels = np.asarray(y) if self.loss.takes_class_labels or np.ndim(y) == 1 else None
        X, y = finite_array("X", X), self.targets(y)  # checked once, not on every epoch
        with_test = X_test is not None and y_test is not None
        if with_test:
            X_test, y_test = finite_array("X_test", X_test), finite_array("y_test", y_test)
        count = labels is not None and np.issubdtype(labels.dtype, np.integer)
        if count:  # the per-epoch accuracies use the checked arrays (one check, not one per epoch)
            self.accuracy(X, labels)
            if with_test:
                self.accuracy(X_test, y_test)
        hist = History()
        for _ in range(epochs):
            L, grads = self._checked_gradients(X, y, len(hist.loss))
            hist.loss.append(L)
            hist.biases.append([layer.b.ravel().tolist() for layer in self.layers])
            hist.bias_grads.append([g.db.ravel().tolist() for g in grads])
            if count and labels is not None:
                hist.train_accuracy.append(self._accuracy(X, labels))
                if with_test:
                    hist.test_accuracy.append(self._accuracy(X_test, y_test))
            self.step(grads, lr)
        hist.final_loss = self._checked_gradients(X, y, len(hist.loss))[0]  # the loss after the last step too
        return hist

    def _checked_gradients(self, X: Any, y: Any, epochs_done: int) -> tuple[float, list[DenseGrads]]:
        """:meth:`gradients`, or a BiasgradError (field ``lr``) once training has diverged."""
        diverged = BiasgradError(f"the loss is not finite after {epochs_done} epochs (diverged); lower lr", "lr")
        try:
            with np.errstate(all="ignore"):  # divergence is reported here, not as a NumPy warning
                L, grads = self.gradients(X, y)
        except BiasgradError:
            if epochs_done == 0:  # bad input, or inputs too large already at the start
                raise
            raise diverged from None  # the inputs passed before: only the steps can have overflowed
        finite = np.isfinite(L) and all(np.isfinite(g.dW).all() and np.isfinite(g.db).all() for g in grads)
        if not finite:
            raise diverged
        return L, grads

    # -- gradient check ----------------------------------------------------------------
    def parameters(self) -> list[tuple[str, np.ndarray]]:
        """[("W1", W), ("b1", b), ("W2", ...), ...], the live arrays."""
        out = []
        for i, layer in enumerate(self.layers, start=1):
            out += [(f"W{i}", layer.W), (f"b{i}", layer.b)]
        return out

    def gradient_check(self, X: Any, y: Any, eps: float = 1e-6, order: int = 2) -> dict[str, float]:
        """Compare backprop with a central difference for every single parameter.

        Returns
        -------
        dict
            Parameter name → the largest |analytic − numeric| / max(|analytic|, |numeric|, 1e-8)
            over its entries. Convention: the 1e-8 floor keeps gradients that are ~0 from
            counting as relative failures.
        """
        _, grads = self.gradients(X, y)
        analytic = {}
        for i, g in enumerate(grads, start=1):
            analytic[f"W{i}"], analytic[f"b{i}"] = g.dW, g.db
        result = {}
        for name, P in self.parameters():
            worst = 0.0
            for idx in np.ndindex(P.shape):
                old = float(P[idx])

                def f(v: float) -> float:
                    P[idx] = v
                    return self.loss_value(X, y)

                num = central_difference(f, old, eps=eps, order=order)
                P[idx] = old
                ana = float(analytic[name][idx])
                worst = max(worst, abs(ana - num) / max(abs(ana), abs(num), 1e-8))
            result[name] = worst
        return result
