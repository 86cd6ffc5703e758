"""biasgrad.web.explorers: the interactive charts of pages 3, 4 and 6, computed by the module."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from biasgrad import ACTIVATIONS, neuron_report
from biasgrad.web.explorers import explore, explorer_names, neuron_point


def readout(view: dict) -> dict:
    return {r["key"]: r["value"] for r in view["readout"]}


@pytest.mark.parametrize("name", ["activation", "loss-bias", "batch-reduction"])
def test_default_view_is_plain_json_with_controls_and_figures(name):
    """Assert every explorer renders its defaults as JSON-safe data with controls and figures."""
    view = explore(name, {})
    json.dumps(view, allow_nan=False)
    assert view["name"] == name and view["controls"] and view["figures"]
    assert view["figure"] == view["figures"][0]
    assert {c["name"] for c in view["controls"]} == set(view["params"])
    assert view["note"]


def test_registry_lists_the_three():
    """Assert the guide's explorers are registered by name."""
    assert {"activation", "loss-bias", "batch-reduction"} <= set(explorer_names())


def test_unknown_explorer_is_a_key_error():
    """Assert a wrong name raises with the known names."""
    with pytest.raises(KeyError, match="activation"):
        explore("nope", {})


@pytest.mark.parametrize("params, expected", [
    ({"z": "abc"}, 2.0), ({"z": 1e9}, 10.0), ({"z": float("nan")}, 2.0), ({"z": 0.123}, 0.1),
], ids=["text", "above-max", "nan", "off-step"])
def test_invalid_params_fall_back_or_clamp(params, expected):
    """Assert junk falls back to the default, out-of-range values clamp, values snap to the step."""
    assert explore("activation", params)["params"]["z"] == expected


@pytest.mark.parametrize("act", list(ACTIVATIONS), ids=list(ACTIVATIONS))
def test_activation_readout_is_the_modules_derivative(act):
    """Assert the readout's f'(z) and a are the module's, at the chosen z."""
    r = readout(explore("activation", {"activation": act, "z": -1.5}))
    assert r["a"] == ACTIVATIONS[act].value(-1.5)
    assert r["da_dz"] == ACTIVATIONS[act].derivative(-1.5)


def test_dead_relu_and_saturation_notes():
    """Assert the note names a dead ReLU (including z = 0, relu'(0) = 0) and a saturated sigmoid."""
    assert "Dead ReLU" in explore("activation", {"activation": "relu", "z": 0.0})["note"]
    assert "Flattening" in explore("activation", {"activation": "sigmoid", "z": 5.0})["note"]
    assert "Saturated" in explore("activation", {"activation": "sigmoid", "z": 9.0})["note"]


@pytest.mark.parametrize("setup, act, loss, y", [
    ("linear-mse_half", "linear", "mse_half", 1.5),
    ("sigmoid-bce", "sigmoid", "bce", 0.8),
    ("sigmoid-mse_half", "sigmoid", "mse_half", 0.8),
])
def test_loss_bias_gradient_matches_neuron_report(setup, act, loss, y):
    """Assert L(b) and dL/db behind the chart equal neuron_report's at several b."""
    for b in (-3.0, 0.0, 2.5):
        L, g = neuron_point(act, loss, 1.0, 0.5, y, b)
        r = neuron_report(x=1.0, w=0.5, b=b, y=y, activation=act, loss=loss)
        assert math.isclose(float(L), r.loss, rel_tol=1e-12)
        assert math.isclose(float(g), r.dL_db, rel_tol=1e-12, abs_tol=1e-15)


def test_loss_bias_steps_are_gradient_descent():
    """Assert each step is b − lr·dL/db, and lr = 1 on the linear neuron lands on b* = 1."""
    v = readout(explore("loss-bias", {"setup": "linear-mse_half", "lr": 0.3, "b0": -2.5, "steps": 2}))
    b1 = -2.5 - 0.3 * (-2.5 - 1.0)
    b2 = b1 - 0.3 * (b1 - 1.0)
    assert math.isclose(v["b"], b2) and v["step"] == 2
    assert math.isclose(v["b_next"], b2 - 0.3 * v["dL_db"])
    one = readout(explore("loss-bias", {"lr": 1.0, "b0": -2.5, "steps": 1}))
    assert one["b"] == 1.0 and one["dL_db"] == 0.0


@pytest.mark.parametrize("lr, words", [(0.3, "monotone"), (1.5, "still converge"), (2.5, "diverges")])
def test_loss_bias_notes_say_what_the_learning_rate_does(lr, words):
    """Assert the note calls out steady descent, a converging overshoot and a diverging one."""
    assert words in explore("loss-bias", {"lr": lr, "b0": -2.5, "steps": 0})["note"]


@pytest.mark.parametrize("reduction, divisor", [("sum", 1), ("mean", 6), ("torch-mean", 18)])
def test_batch_reduction_divides_the_column_sums(reduction, divisor):
    """Assert db is dZ summed over examples, divided by 1, N or N·n_out, and the heat map is dZ."""
    view = explore("batch-reduction", {"reduction": reduction, "n": 6})
    cells, bars = view["figures"]
    dZ = np.array(cells["series"][0]["fill"]).reshape(6, 3)
    np.testing.assert_allclose(bars["series"][0]["y"], dZ.sum(axis=0) / divisor, rtol=1e-14)
    assert readout(view)["divisor"] == divisor
