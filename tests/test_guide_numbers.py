"""The numbers the guide shows stay put: at the calculator's and the CLI's defaults, for every
activation and loss, each value is within 1 ulp of an independent mpmath reference (3 ulps for
products of rounded factors: da/dz, dL/dz = dL/db; 4 for dL/dw = dL/dz·x).

Checked once against the code before the one-loss-path redesign: of 96 (inputs, activation,
loss) cases, one value moved, by 1 ulp, towards the exact value (sigmoid + BCE, y = 0, dL/da).
"""

import math

import mpmath as mp
import pytest

from biasgrad import ACTIVATIONS, LOSSES, BiasgradError, neuron_report
from biasgrad.web.calculator import DEFAULTS

CALCULATOR = tuple(float(DEFAULTS[k]) for k in ("x", "w", "b", "y", "lr"))  # 1.5, 0.8, 0.1, 1, 0.5
CLI = (1.5, 0.8, 0.1, 1.0, 0.1)  # python -m biasgrad with no arguments (README)


def mp_terms(act, loss, x, w, b, y, lr):
    X, W, B, Y = (mp.mpf(v) for v in (x, w, b, y))
    z = W * X + B
    s = 1 / (1 + mp.exp(-z))
    a, da = {"linear": (z, 1), "sigmoid": (s, s * (1 - s)), "tanh": (mp.tanh(z), 1 - mp.tanh(z) ** 2),
             "relu": (max(z, 0), 1 if z > 0 else 0), "leaky_relu": (z if z > 0 else 0.01 * z, 1 if z > 0 else 0.01),
             "softplus": (mp.log(1 + mp.exp(z)), s)}[act]
    if loss in ("mse_half", "mse"):
        k = 1 if loss == "mse_half" else 2
        L, g = (a - Y) ** 2 * k / 2, k * (a - Y)
    else:
        L, g = -(Y * mp.log(a) + (1 - Y) * mp.log(1 - a)), (a - Y) / (a * (1 - a))
    out = {"z": z, "a": a, "loss": L, "da_dz": da, "dL_dz": g * da, "dL_db": g * da, "dL_dw": g * da * X}
    if loss != "bce_logits":
        out["dL_da"] = g
    return out


def ulp_distance(got, ref):
    near = float(ref)  # mpmath rounds to nearest
    if got == near:
        return 0
    return abs(got - near) / math.ulp(near)


@pytest.mark.parametrize("inputs", [CALCULATOR, CLI], ids=["calculator-defaults", "cli-defaults"])
@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("act", list(ACTIVATIONS))
def test_default_values_within_one_ulp_of_mpmath(act, loss, inputs):
    x, w, b, y, lr = inputs
    with mp.workdps(60):
        ref = mp_terms(act, loss, x, w, b, y, lr)
        try:
            r = neuron_report(x, w, b, y, act, loss, lr).as_dict()
        except BiasgradError as e:  # bce_logits needs a sigmoid; BCE needs a in [0, 1]
            assert (loss == "bce_logits" and act != "sigmoid") or (loss == "bce" and ref["a"] > 1), e
            return
        for key, value in ref.items():
            allowed = {"da_dz": 3, "dL_dz": 3, "dL_db": 3, "dL_dw": 4}.get(key, 1)
            assert ulp_distance(r[key], value) <= allowed, (key, r[key], float(value))
        # the step is rounded once from the reported gradient
        assert r["b_next"] == float(mp.mpf(b) - mp.mpf(lr) * mp.mpf(r["dL_db"]))
        assert r["w_next"] == float(mp.mpf(w) - mp.mpf(lr) * mp.mpf(r["dL_dw"]))


def test_the_readme_example_values():
    # README / guide: sigmoid + BCE at the CLI defaults: z = 1.3, a = σ(1.3), dL/db = a − 1
    r = neuron_report(*CLI[:4], "sigmoid", "bce", CLI[4])
    assert (round(r.z, 12), round(r.a, 10), round(r.dL_db, 10)) == (1.3, 0.7858349830, -0.2141650170)
