"""biasgrad.web.training: the Iris training widget's payload (validation, run, figures)."""

from __future__ import annotations

import json
import pathlib
import math

import numpy as np
import pytest

from biasgrad import Network
from biasgrad.datasets import load_iris, standardize, train_test_split
from biasgrad.web import api, training

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def default_payload():
    return training.train_iris(dict(training.DEFAULTS))


def reference_run(lr=0.5, hidden=(8,), activation="tanh", epochs=150, seed=0):
    """The same run written out directly against the module, independently of web.training."""
    X, y, _, _ = load_iris()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=30, seed=0)
    X_tr, X_te, _, _ = standardize(X_tr, X_te)
    net = Network([4, *hidden, 3], activations=activation, loss="softmax_cross_entropy",
                  reduction="mean", seed=seed)
    hist = net.train(X_tr, y_tr, epochs=epochs, lr=lr, X_test=X_te, y_test=y_te)
    return net, hist, (X_tr, y_tr, X_te, y_te)


def series(payload, fig_id):
    fig = next(f for f in payload["figures"] if f["id"] == fig_id)
    return fig["series"]


# ---- the default run ------------------------------------------------------------------------

def test_default_payload_shape(default_payload):
    """Assert the default run succeeds with the documented keys and 120/30 flowers."""
    p = default_payload
    assert p["ok"] is True
    assert set(p) >= {"config", "config_text", "summary", "summary_items", "convention", "figures"}
    s = p["summary"]
    assert s["layers"] == [4, 8, 3]
    assert (s["n_train"], s["n_test"]) == (120, 30)
    assert s["n_bias"] == 11
    assert s["epochs"] == 150
    assert [f["id"] for f in p["figures"]] == [
        "training-loss", "training-accuracy",
        "training-bias-hidden-1", "training-bias-grad-hidden-1",
        "training-bias-output", "training-bias-grad-output"]
    assert "softmax cross-entropy" in p["convention"] and "mean" in p["convention"]


def test_payload_is_plain_json(default_payload):
    """Assert the payload crosses to JavaScript as strict JSON (no NaN, no NumPy objects)."""
    text = json.dumps(default_payload, allow_nan=False)
    assert json.loads(text) == default_payload


def test_default_run_matches_reference(default_payload):
    """Assert every charted number equals an independent run of Network with the same settings."""
    net, hist, (X_tr, y_tr, X_te, y_te) = reference_run()
    p = default_payload
    loss = series(p, "training-loss")[0]
    assert loss["y"] == pytest.approx(hist.loss, rel=1e-12)
    assert loss["x"] == list(range(1, 151))
    acc = series(p, "training-accuracy")
    assert acc[0]["y"] == pytest.approx(hist.train_accuracy)
    assert acc[1]["y"] == pytest.approx(hist.test_accuracy)
    grads_out = series(p, "training-bias-grad-output")
    for k in range(3):
        assert grads_out[k]["y"] == pytest.approx([e[1][k] for e in hist.bias_grads], rel=1e-9, abs=1e-15)
    assert p["summary"]["final_loss"] == pytest.approx(hist.final_loss, rel=1e-12)
    assert p["summary"]["test_accuracy"] == pytest.approx(net.accuracy(X_te, y_te))
    assert p["summary"]["train_accuracy"] == pytest.approx(net.accuracy(X_tr, y_tr))


def test_bias_values_are_after_each_update(default_payload):
    """Assert the bias chart at epoch e shows the bias at the start of epoch e + 1, ending with the final bias."""
    net, hist, _ = reference_run()
    values = series(default_payload, "training-bias-hidden-1")
    for j in range(8):
        expected = [e[0][j] for e in hist.biases[1:]] + [float(net.layers[0].b[j])]
        assert values[j]["y"] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_bias_values_follow_the_gradient_step(default_payload):
    """Assert b_after = b_before − lr · dL/db for every epoch and neuron (one plain GD step)."""
    values = series(default_payload, "training-bias-output")
    grads = series(default_payload, "training-bias-grad-output")
    for k in range(3):
        before = np.r_[0.0, values[k]["y"][:-1]]   # biases start at 0
        after = np.array(values[k]["y"])
        assert after == pytest.approx(before - 0.5 * np.array(grads[k]["y"]), abs=1e-12)


def test_output_bias_gradients_sum_to_zero(default_payload):
    """Assert the softmax output biases' gradients sum to 0 at every epoch (rows of P − Y sum to 0)."""
    grads = series(default_payload, "training-bias-grad-output")
    totals = np.sum([s["y"] for s in grads[:3]], axis=0)
    assert np.max(np.abs(totals)) < 1e-14


def test_bias_gradient_matches_finite_differences():
    """Assert the first epoch's charted bias gradients equal a 4th-order central difference of the loss."""
    from biasgrad.gradcheck import central_difference, relative_error

    p = training.train_iris({**training.DEFAULTS, "epochs": "1"})
    data = training.iris_split()
    net = Network([4, 8, 3], activations="tanh", loss="softmax_cross_entropy", reduction="mean", seed=0)
    for li, fig_id in ((0, "training-bias-grad-hidden-1"), (1, "training-bias-grad-output")):
        charted = [s["y"][0] for s in series(p, fig_id) if s["mark"] == "line"]
        b = net.layers[li].b
        for j, g in enumerate(charted):
            old = b[j]

            def loss_at(v, j=j):
                b[j] = v
                return net.loss_value(data["X_train"], data["y_train"])

            numeric = central_difference(loss_at, old, eps=1e-3, order=4)
            b[j] = old
            assert relative_error(g, numeric) < 1e-8 or abs(g - numeric) < 1e-12


def test_training_learns(default_payload):
    """Assert the default run fits: the loss falls by more than 10× and test accuracy ≥ 85 %."""
    loss = series(default_payload, "training-loss")[0]["y"]
    assert loss[-1] < loss[0] / 10
    assert default_payload["summary"]["test_accuracy"] >= 0.85


def test_deterministic():
    """Assert the same settings give the same numbers (seeded split and weights)."""
    a = training.train_iris({"epochs": "20"})
    b = training.train_iris({"epochs": "20"})
    for fa, fb in zip(a["figures"], b["figures"]):
        assert fa["series"] == fb["series"]


def test_default_run_reports_its_own_time():
    """Assert the payload states the run's measured time (speed is measured by tools/bench.py, not asserted)."""
    p = training.train_iris(dict(training.DEFAULTS))
    elapsed = p["summary"]["elapsed_ms"]
    assert isinstance(elapsed, (int, float)) and math.isfinite(elapsed) and elapsed > 0


# ---- settings the reader can change ---------------------------------------------------------

@pytest.mark.parametrize("hidden, layers", [
    ("8", [4, 8, 3]), ("8, 6", [4, 8, 6, 3]), ("8,6", [4, 8, 6, 3]), ("", [4, 3]), (" 3 ", [4, 3, 3]),
    ("4;4;4", [4, 4, 4, 4, 3]),
], ids=["one", "two-comma-space", "two-comma", "none", "spaces", "three-semicolons"])
def test_layer_sizes(hidden, layers):
    """Assert the hidden-sizes field is read as documented and makes one bias chart pair per layer."""
    p = training.train_iris({"hidden": hidden, "epochs": "5"})
    assert p["ok"], p
    assert p["summary"]["layers"] == layers
    assert p["summary"]["n_bias"] == sum(layers[1:])
    assert len(p["figures"]) == 2 + 2 * (len(layers) - 1)


@pytest.mark.parametrize("activation", training.ACTIVATION_CHOICES)
def test_every_activation_trains(activation):
    """Assert every offered hidden activation runs and returns finite losses."""
    p = training.train_iris({"activation": activation, "epochs": "30"})
    assert p["ok"]
    assert all(np.isfinite(series(p, "training-loss")[0]["y"]))


def test_numbers_are_accepted():
    """Assert numbers (not only strings) are accepted, as a JSON call may send them."""
    p = training.train_iris({"lr": 0.25, "epochs": 10, "seed": 3, "hidden": "5", "activation": "relu"})
    assert p["ok"]
    assert p["config"] == {"lr": 0.25, "hidden": [5], "activation": "relu", "epochs": 10, "seed": 3}


@pytest.mark.parametrize("raw, field", [
    ({"lr": "abc"}, "lr"), ({"lr": ""}, "lr"), ({"lr": "nan"}, "lr"), ({"lr": "inf"}, "lr"),
    ({"lr": "-0.1"}, "lr"), ({"lr": "0"}, "lr"), ({"lr": "100"}, "lr"),
    ({"epochs": "1.5"}, "epochs"), ({"epochs": "0"}, "epochs"), ({"epochs": "100000"}, "epochs"),
    ({"seed": "-1"}, "seed"), ({"seed": "x"}, "seed"),
    ({"hidden": "8,x"}, "hidden"), ({"hidden": "0"}, "hidden"), ({"hidden": "65"}, "hidden"),
    ({"hidden": "-3"}, "hidden"), ({"hidden": "2.5"}, "hidden"), ({"hidden": "4,4,4,4"}, "hidden"),
    ({"activation": "softmax"}, "activation"), ({"activation": ""}, "activation"),
], ids=lambda v: repr(v) if isinstance(v, dict) else v)
def test_invalid_settings_name_the_field(raw, field):
    """Assert a bad setting gives ok: false and an error naming that field, never a run."""
    p = training.train_iris(raw)
    assert p["ok"] is False
    assert [e["field"] for e in p["errors"]] == [field]
    assert field in p["errors"][0]["message"]


def test_several_errors_at_once():
    """Assert every bad field is reported, not only the first."""
    p = training.train_iris({"lr": "x", "epochs": "-2", "activation": "nope"})
    assert {e["field"] for e in p["errors"]} == {"lr", "epochs", "activation"}


def test_module_error_becomes_a_field_error(monkeypatch):
    """Assert a BiasgradError from the module (e.g. divergence) is reported as an error on lr."""
    from biasgrad.errors import BiasgradError

    def boom(config):
        raise BiasgradError("the loss is not finite after 3 epochs (diverged); lower lr", "lr")

    monkeypatch.setattr(training, "fit", boom)
    p = training.train_iris({})
    assert p == {"ok": False, "errors": [{"field": "lr", "message": "the loss is not finite after 3 epochs (diverged); lower lr"}]}


def test_summary_items_text(default_payload):
    """Assert the readout shows the layer sizes and the accuracies as the widget prints them."""
    items = {k: text for k, _, text in default_payload["summary_items"]}
    assert items["layers"] == "4 → 8 → 3"
    assert items["test_accuracy"].endswith("of 30")
    assert items["train_accuracy"].endswith("of 120")


def test_exported_to_the_worker():
    """Assert the worker can call train_iris by name and gets the same payload."""
    assert api.EXPORTS["train_iris"] is api.train_iris
    p = api.train_iris({"epochs": "3"})
    assert p["ok"] and p["summary"]["epochs"] == 3


def test_hook_prerenders_the_default_run():
    """Assert guide/training.py writes the form, the readout and every chart of the default run."""
    from guide import training as widget

    html = widget.render_widget("t1")
    for name in ("lr", "hidden", "activation", "epochs", "seed"):
        assert f'name="{name}"' in html
    assert 'data-action="train"' in html
    assert html.count("data-chart=") == 6
    assert 'data-output="test_accuracy"' in html
    assert "<table" in html  # the no-JavaScript rendering


def test_page_claim_dead_relu_neurons():
    """Assert the training page's claim: ReLU at lr = 5 (seed 0) ends with 6 of 8 hidden bias
    gradients exactly 0 and 66.7 % test accuracy."""
    p = training.train_iris({"lr": "5", "activation": "relu"})
    grads = series(p, "training-bias-grad-hidden-1")
    dead = [s for s in grads if all(g == 0 for g in s["y"][-50:])]
    assert len(dead) == 6
    assert p["summary_items"][4][2] == "66.7% of 30"


def test_page_claim_loss_jumps_at_large_lr():
    """Assert the training page's claim: tanh at lr = 5 has a loss that goes up between epochs."""
    p = training.train_iris({"lr": "5", "activation": "tanh"})
    loss = np.array(series(p, "training-loss")[0]["y"])
    assert np.max(np.diff(loss)) > 0.5
    d = training.train_iris(dict(training.DEFAULTS))
    assert np.max(np.diff(series(d, "training-loss")[0]["y"])) < 0
