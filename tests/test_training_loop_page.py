"""The training page's loop, written in plain NumPy, records the same history as ``Network.train``.

The loop is read from docs/guide/training.md (the examples of its "iris" session, as the build runs
them), executed here, and its per-epoch loss, bias values and bias gradients are compared with a
``Network.train`` run made independently in this test, entry by entry.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from biasgrad import Network

PAGE = Path(__file__).resolve().parents[1] / "docs" / "guide" / "training.md"
FENCE = re.compile(r'^```python run(?P<opts>[^\n]*)\n(?P<code>.*?)^```\s*$', re.M | re.S)


@pytest.fixture(scope="module")
def page_loop() -> dict[str, Any]:
    """The namespace after the page's data example and its NumPy loop have run."""
    ns: dict[str, Any] = {"__name__": "__main__"}
    ran = []
    for m in FENCE.finditer(PAGE.read_text(encoding="utf-8")):
        if 'session="iris"' not in m.group("opts") or "Network.train" in m.group("opts"):
            continue
        exec(compile(m.group("code"), "training.md", "exec"), ns)
        ran.append(m.group("opts"))
    assert len(ran) == 2, ran
    return ns


def test_the_loop_shows_every_step_in_plain_numpy() -> None:
    """Assert the loop example is 15-25 lines of loop body written in NumPy, with no biasgrad call,
    and that it contains each layer's db and the simultaneous update."""
    m = next(m for m in FENCE.finditer(PAGE.read_text(encoding="utf-8")) if "every line in NumPy" in m.group("opts"))
    code = m.group("code")
    body = code.split("for epoch in range(epochs):\n")[1].split("\n\n")[0].splitlines()
    assert 15 <= len(body) <= 25, len(body)
    assert "biasgrad" not in code.split("for epoch")[0] + "\n".join(body)
    for piece in ("db2 = dZ2.sum(axis=0) / N", "db1 = dZ1.sum(axis=0) / N", "b1 -= lr * db1", "b2 -= lr * db2"):
        assert piece in code, piece


def test_the_page_loop_records_the_same_history_as_network_train(page_loop: dict[str, Any]) -> None:
    """Assert loss, bias values and bias gradients of every epoch equal Network.train's (to rounding)."""
    ns = page_loop
    net = Network([4, 8, 3], activations="tanh", loss="softmax_cross_entropy", reduction="mean", seed=0)
    history = net.train(ns["X_train"], ns["y_train"], epochs=ns["epochs"], lr=ns["lr"])
    assert len(ns["loss"]) == len(history.loss) == 150
    np.testing.assert_allclose(ns["loss"], history.loss, rtol=1e-13, atol=0)
    for layer in (0, 1):
        for mine, theirs in ((ns["biases"], history.biases), (ns["bias_grads"], history.bias_grads)):
            np.testing.assert_allclose([e[layer] for e in mine], [e[layer] for e in theirs],
                                       rtol=1e-11, atol=1e-15)
    # and the final parameters: the update is the same update
    np.testing.assert_allclose(ns["b1"], net.layers[0].b, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(ns["b2"], net.layers[1].b, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(ns["W1"], net.layers[0].W, rtol=1e-11, atol=1e-15)


def test_a_changed_loop_is_caught(page_loop: dict[str, Any]) -> None:
    """Assert the comparison is sharp: the loop without the 1/N in db2 (a sum, not a mean) differs."""
    ns = page_loop
    net = Network([4, 8, 3], activations="tanh", seed=0)
    history = net.train(ns["X_train"], ns["y_train"], epochs=2, lr=ns["lr"])
    wrong = np.asarray(ns["bias_grads"][0][1]) * ns["N"]
    assert not np.allclose(wrong, history.bias_grads[0][1], rtol=1e-11, atol=1e-15)
