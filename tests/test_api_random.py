"""biasgrad.web.api.DRAWS_NO_RANDOM: the exports a restored runtime answers before it reseeds its
generators (site_js/worker.js). Each must leave every generator as it found it."""

from __future__ import annotations

import random

import numpy as np
import pytest

from biasgrad.web import api
from biasgrad.web.calculator import DEFAULTS

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus")
LOSSES = ("mse_half", "mse", "bce", "bce_logits")
FORMS = [{**DEFAULTS, "activation": a, "loss": loss, "x": x} for a in ACTIVATIONS for loss in LOSSES
         for x in ("1.5", "40", "-2", "abc")]


def generator_states() -> tuple[object, object]:
    return random.getstate(), repr(np.random.get_state())


@pytest.mark.parametrize("name", api.DRAWS_NO_RANDOM)
def test_the_exports_answered_before_the_reseed_draw_no_random_number(name):
    assert name in api.EXPORTS
    fn = api.EXPORTS[name]
    before = generator_states()
    for form in FORMS:
        fn([form]) if name == "calculate_many" else fn(form)
    assert generator_states() == before


def test_the_check_sees_a_draw():
    """The control: an example that draws an unseeded number changes the state the test reads."""
    before = generator_states()
    api.run_example("import numpy as np\nnp.random.random()")
    assert generator_states() != before
