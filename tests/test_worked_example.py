"""Matt Mazur's 2-2-2 backpropagation example, to the printed digits."""

import numpy as np
import pytest

from biasgrad import Dense
from biasgrad.examples import mazur


def test_forward_pass_matches_the_post():
    f = mazur.forward(mazur.initial_state())
    # net_h1 = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775, out_h1 = σ(0.3775) = 0.593269992
    assert f["net_h"][0, 0] == pytest.approx(0.3775, rel=1e-15)
    assert f["out_h"][0].tolist() == pytest.approx([0.593269992, 0.596884378], abs=5e-10)
    assert f["out_o"][0].tolist() == pytest.approx([0.75136507, 0.772928465], abs=5e-9)
    assert round(f["E_total"], 9) == 0.298371109


def test_one_simultaneous_step_matches_the_printed_weights():
    w = mazur.step(mazur.initial_state(), "simultaneous").weights()
    printed = dict(w5=0.35891648, w6=0.408666186, w7=0.511301270, w8=0.561370121,
                   w1=0.149780716, w2=0.19956143, w3=0.24975114, w4=0.29950229)
    for k, v in printed.items():
        assert w[k] == pytest.approx(v, abs=5e-9), k


def test_the_first_round_figure_follows_the_updated_output_weights_variant():
    assert round(mazur.train(1, "updated_output_weights")[1], 9) == 0.291027924
    assert round(mazur.train(1, "simultaneous")[1], 9) == 0.291027774  # not the post's figure


def test_the_outputs_after_10000_rounds_follow_the_updated_output_weights_variant():
    s = mazur.initial_state()
    for _ in range(10_000):
        s = mazur.step(s, "updated_output_weights")
    f = mazur.forward(s)
    assert [round(v, 9) for v in f["out_o"][0]] == [0.015912196, 0.984065734]
    assert round(f["E_total"], 10) == 0.0000350848  # not the 0.0000351085 printed beside them


def test_the_printed_10000_round_error_is_the_simultaneous_error_after_9999_steps():
    simultaneous = mazur.train(10_000, "simultaneous")
    assert round(simultaneous[9_999], 10) == 0.0000351085
    assert round(simultaneous[10_000], 10) == 0.0000351019  # after the 10,000th update
    updated = mazur.train(10_000, "updated_output_weights")
    assert round(updated[9_999], 10) != 0.0000351085 and round(updated[10_000], 10) != 0.0000351085


def test_biases_are_never_updated_and_output_layer_agrees_with_dense():
    s = mazur.initial_state()
    f = mazur.forward(s)
    out = Dense(s.W2, np.full(2, mazur.B2))
    out.forward(f["out_h"])
    delta_o = (f["out_o"] - mazur.Y) * f["out_o"] * (1 - f["out_o"])  # ∂E/∂net_o
    g = out.backward(delta_o, "sum")
    assert g.dW[0, 0] == pytest.approx(0.082167041, abs=5e-10)  # ∂E/∂w5 in the post
    nxt = mazur.step(s)
    assert np.array_equal(nxt.W2, s.W2 - 0.5 * g.dW)
    assert (mazur.B1, mazur.B2) == (0.35, 0.60)


def test_unknown_variant():
    with pytest.raises(ValueError):
        mazur.step(mazur.initial_state(), "sequential")
