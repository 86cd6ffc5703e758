"""The calculator payload's figures (biasgrad.web.calculator + calculator_figure)."""

import math

import pytest

from biasgrad import neuron_report
from biasgrad.web.calculator import DEFAULTS, calculate

CHAIN_KEYS = ("z", "a", "dL_da", "da_dz", "dL_db", "b_next")


@pytest.mark.parametrize("loss", ["mse_half", "mse", "bce", "bce_logits"])
def test_chain_figure_carries_the_module_values(loss):
    """Assert the chain chart's table rows are the neuron report's values, in chain order, and its
    bars are exactly the defined ones."""
    raw = {**DEFAULTS, "activation": "sigmoid", "loss": loss}
    payload = calculate(raw)
    report = neuron_report(float(raw["x"]), float(raw["w"]), float(raw["b"]), float(raw["y"]),
                           activation="sigmoid", loss=loss, lr=float(raw["lr"])).as_dict()
    loss_fig, chain = payload["figures"]
    assert payload["figure"] is loss_fig
    assert [row[1] for row in chain["table"]["rows"]] == [report[k] for k in CHAIN_KEYS]
    bars = chain["series"][0]
    defined = [k for k in CHAIN_KEYS if report[k] is not None]
    assert len(bars["x"]) == len(defined) == (5 if loss == "bce_logits" else 6)
    assert all(isinstance(v, float) and math.isfinite(v) for v in bars["y"])


def test_loss_chart_table_is_what_it_draws():
    """Assert the L(b) chart's table lists b, L(b), the slope dL/db, b′ and L(b′), with L(b′)
    equal to the module's loss_next when w is not stepped (x = 0 keeps w fixed)."""
    raw = {**DEFAULTS, "x": "0"}
    payload = calculate(raw)
    rows = dict(payload["figures"][0]["table"]["rows"])
    values = payload["values"]
    assert rows["current bias b"] == float(raw["b"])
    assert rows["loss L(b)"] == values["loss"]
    assert rows["tangent slope ∂L/∂b"] == values["dL_db"]
    assert rows["b′ = b − η·∂L/∂b"] == values["b_next"]
    assert rows["loss at b′ (w fixed)"] == pytest.approx(values["loss_next"], rel=1e-12)
