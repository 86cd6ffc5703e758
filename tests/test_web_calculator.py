"""The calculator payload (biasgrad.web.calculator + calculator_figure): what the page is given."""

import contextlib
import io
import math

import numpy as np
import pytest

from biasgrad import neuron_report
from biasgrad.cli import main as cli_main
from biasgrad.web.calculator import DEFAULTS, FIELDS, calculate

CHAIN_KEYS = ("z", "a", "dL_da", "da_dz", "dL_db", "b_next")
ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus")
LOSSES = ("mse_half", "mse", "bce", "bce_logits")
INPUTS = [  # defaults, a dead-side ReLU, saturation (x = 40), soft targets, negative inputs
    {"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "lr": "0.5"},
    {"x": "40", "w": "0.8", "b": "0.1", "y": "1", "lr": "0.5"},
    {"x": "-2", "w": "0.8", "b": "0.1", "y": "0", "lr": "0.1"},
    {"x": "-2", "w": "0.8", "b": "0.1", "y": "1", "lr": "0.1"},
    {"x": "0.5", "w": "-1.2", "b": "0.3", "y": "0.3", "lr": "1"},
    {"x": "0.25", "w": "0.5", "b": "0.2", "y": "0.7", "lr": "2"},
    {"x": "1", "w": "0.5", "b": "0", "y": "1", "lr": "0.5"},
]
GRID = [({**case, "activation": act, "loss": loss}) for act in ACTIVATIONS for loss in LOSSES for case in INPUTS]
GRID_IDS = [f"{r['activation']}-{r['loss']}-x{r['x']}-y{r['y']}" for r in GRID]


def assert_plain(obj, where="payload"):
    """Only JSON values, and no NaN or infinity anywhere."""
    if isinstance(obj, float):
        assert math.isfinite(obj), where
    elif isinstance(obj, dict):
        for k, v in obj.items():
            assert isinstance(k, str), where
            assert_plain(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            assert_plain(v, f"{where}[{i}]")
    else:
        assert obj is None or isinstance(obj, (str, int, bool)), (where, type(obj))


@pytest.mark.parametrize("loss", LOSSES)
def test_chain_figure_carries_the_module_values(loss):
    """Assert the chain chart's table rows are the neuron report's values, in chain order; its
    bars are exactly the defined ones, each labelled with its value, and ∂L/∂b is its own,
    emphasised bar."""
    raw = {**DEFAULTS, "activation": "sigmoid", "loss": loss}
    payload = calculate(raw)
    report = neuron_report(float(raw["x"]), float(raw["w"]), float(raw["b"]), float(raw["y"]),
                           activation="sigmoid", loss=loss, lr=float(raw["lr"])).as_dict()
    loss_fig, chain = payload["figures"]
    assert payload["figure"] is loss_fig
    assert [row[1] for row in chain["table"]["rows"]] == [report[k] for k in CHAIN_KEYS]
    bars = [s for s in chain["series"] if s["mark"] == "bar"]
    drawn = {x: y for s in bars for x, y in zip(s["x"], s["y"])}
    defined = [k for k in CHAIN_KEYS if report[k] is not None]
    assert len(drawn) == len(defined) == (5 if loss == "bce_logits" else 6)
    assert all(isinstance(v, float) and math.isfinite(v) for v in drawn.values())
    key = [s for s in bars if s.get("emphasis")]
    assert len(key) == 1 and key[0]["x"] == ["∂L/∂b"] and key[0]["y"] == [report["dL_db"]]
    for s in bars:  # every bar says its value
        assert len(s["text"]) == len(s["y"]) and all(t for t in s["text"])


@pytest.mark.parametrize("raw", GRID, ids=GRID_IDS)
def test_loss_curve_is_drawn_wherever_the_loss_is_defined(raw):
    """Assert the L(b) curve has a point at every b where the module's loss is defined (and only
    there), and equals the module's loss there (defect: tanh/relu/softplus + BCE drew nothing)."""
    payload = calculate(raw)
    if not payload["ok"]:
        return
    curve = payload["figure"]["series"][0]
    assert curve["mark"] == "line" and curve["name"].startswith("L(b)")
    x, w, y = float(raw["x"]), float(raw["w"]), float(raw["y"])
    for b, L in list(zip(curve["x"], curve["y"]))[::10]:
        try:
            want = neuron_report(x, w, b, y, raw["activation"], raw["loss"], 0.0).loss
        except Exception:  # noqa: BLE001 - undefined there: the curve has a gap
            want = None
        if want is None:
            assert L is None, (b, L)
        else:
            assert L == pytest.approx(want, rel=1e-9, abs=1e-12), b
    assert any(v is not None for v in curve["y"]), "the curve is empty"


@pytest.mark.parametrize("raw", GRID, ids=GRID_IDS)
def test_the_chart_step_is_the_calculators_step(raw):
    """Assert the chart's dot after the step sits at (b′, L′) with L′ the calculator's
    loss_next, the arrow ends there, and a step that raises the loss carries an overshoot
    warning (defect: the dot kept w fixed while L′ moved both)."""
    payload = calculate(raw)
    if not payload["ok"]:
        return
    v = payload["values"]
    series = {s["name"]: s for s in payload["figure"]["series"]}
    after = [s for name, s in series.items() if name.startswith("after the step")]
    if v["loss_next"] is None:
        assert not after
        assert any(w["code"] == "loss_next_undefined" for w in payload["warnings"])
        return
    assert len(after) == 1 and after[0]["x"] == [v["b_next"]] and after[0]["y"] == [v["loss_next"]]
    arrows = [s for s in series.values() if s["mark"] == "arrow"]
    if arrows:
        assert arrows[0]["x2"] == [v["b_next"]] and arrows[0]["y2"] == [v["loss_next"]]
    rows = dict(payload["figure"]["table"]["rows"])
    assert rows["loss after the step L′ = L(w′, b′)"] == v["loss_next"]
    codes = [w["code"] for w in payload["warnings"]]
    assert ("overshoot" in codes) == (v["loss_next"] > v["loss"]), (v["loss"], v["loss_next"], codes)


def test_relu_mse_overshoot_is_warned():
    """The issue's case: ReLU + squared error, loss 0.09 → 0.456 after the step."""
    raw = {"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "lr": "2", "activation": "relu", "loss": "mse"}
    payload = calculate(raw)
    assert payload["values"]["loss_next"] > payload["values"]["loss"]
    assert "overshoot" in [w["code"] for w in payload["warnings"]]


def _run_plain_numpy(code: str) -> tuple[str, dict]:
    out = io.StringIO()
    namespace: dict = {}
    with contextlib.redirect_stdout(out), np.errstate(all="ignore"):
        exec(compile(code, "<calculator numpy>", "exec"), namespace)  # noqa: S102 - the shown code
    return out.getvalue(), namespace


@pytest.mark.parametrize("raw", GRID, ids=GRID_IDS)
def test_shown_plain_numpy_code_gives_the_payloads_numbers(raw):
    """Execute the calculator's plain-NumPy code in CPython: it prints no NaN and its L, dL/db,
    b′ and w′ are the payload's (defect: NaN for tanh + BCE at x = 40 and dead-side ReLU + BCE)."""
    payload = calculate(raw)
    if not payload["ok"]:
        return
    printed, ns = _run_plain_numpy(payload["code"]["numpy"])
    assert "nan" not in printed.lower(), printed
    v = payload["values"]
    for name, key in (("L", "loss"), ("dL_db", "dL_db"), ("b_next", "b_next"), ("w_next", "w_next")):
        got = float(ns[name])
        assert math.isfinite(got), (name, got)
        assert got == pytest.approx(v[key], rel=1e-7, abs=1e-12), (name, got, v[key])


def test_module_code_view_runs_and_prints_the_payloads_gradient():
    payload = calculate({**DEFAULTS, "activation": "tanh", "loss": "bce", "x": "40"})
    printed, ns = _run_plain_numpy(payload["code"]["module"])
    assert ns["values"]["dL_db"] == payload["values"]["dL_db"]
    assert "nan" not in printed.lower()


# ---- every input gives ok or a field error, never an exception, never NaN ----------------

_TEXT = ["", " ", "abc", "nan", "inf", "-inf", "1e999", "−0.5", "0", "-0", "1", "0.5", "2", "-3", "1e-300",
         "5e-324", "1e300", "40", "-40", "710", "0x10", "1_000", "ReLU", "BCE", "tanh", "mse", "  sigmoid ",
         "leaky-relu", "Leaky_ReLU", "softplus", "bce_logits", "BCE_LOGITS", "mse_half", "linear", "x" * 100]


def _random_raw(rng: np.random.Generator) -> dict:
    raw = {}
    for field in FIELDS:
        pick = rng.random()
        if field in ("activation", "loss"):
            options = ACTIVATIONS if field == "activation" else LOSSES
            raw[field] = (str(rng.choice(options)) if pick < 0.8 else str(rng.choice(_TEXT)))
        elif pick < 0.55:
            scale = 10.0 ** rng.integers(-3, 3)
            raw[field] = repr(float(rng.normal() * scale))
        elif pick < 0.75:
            raw[field] = repr(float(rng.uniform(0, 1)))
        else:
            raw[field] = str(rng.choice(_TEXT))
    return raw


def test_random_inputs_always_give_ok_or_field_errors():
    """4,000 seeded random forms (numbers, edge values, junk, every pairing): calculate always
    returns ok with finite numbers, or errors each naming a form field; it never raises."""
    rng = np.random.default_rng(20261202)
    seen_ok = seen_err = 0
    for _ in range(4000):
        raw = _random_raw(rng)
        payload = calculate(raw, full=rng.random() < 0.25)
        assert_plain(payload, str(raw))
        if payload["ok"]:
            seen_ok += 1
            assert all(v is None or math.isfinite(v) for v in payload["values"].values())
            if "code" in payload:  # the shown NumPy gives the same numbers here too
                printed, ns = _run_plain_numpy(payload["code"]["numpy"])
                assert "nan" not in printed.lower(), raw
                assert float(ns["dL_db"]) == pytest.approx(payload["values"]["dL_db"], rel=1e-6, abs=1e-12), raw
        else:
            seen_err += 1
            assert payload["errors"], raw
            for error in payload["errors"]:
                assert error["message"], raw
                # no field only where no one input is to blame: a result beyond float64
                assert error["field"] in FIELDS or "float64" in error["message"], (raw, error)
    assert seen_ok > 300 and seen_err > 800


def test_bce_step_out_of_range_matches_the_command_line(capsys):
    """The issue's link: linear + BCE whose step leaves [0, 1]: ok, loss_next null, a warning,
    exactly as `python -m biasgrad --json` says."""
    raw = {"x": "1", "w": "0.5", "b": "0", "y": "1", "activation": "linear", "loss": "bce", "lr": "0.5"}
    payload = calculate(raw)
    assert payload["ok"] and payload["values"]["loss_next"] is None
    import json

    assert cli_main([f"--{k}={v}" for k, v in raw.items()] + ["--json"]) in (0, None)
    cli = json.loads(capsys.readouterr().out)
    assert cli["loss_next"] is None
    assert [w["code"] for w in payload["warnings"]] == [w["code"] for w in cli["warnings"]]
    for key in ("z", "a", "loss", "dL_db", "b_next", "w_next"):
        assert payload["values"][key] == cli[key]


@pytest.mark.parametrize(("typed", "field", "name"), [
    ("ReLU", "activation", "relu"), ("Leaky-ReLU", "activation", "leaky_relu"), (" tanh ", "activation", "tanh"),
    ("BCE", "loss", "bce"), ("MSE_half", "loss", "mse_half"), ("BCE-logits", "loss", "bce_logits"),
])
def test_menu_names_as_the_command_line_accepts_them(typed, field, name):
    """A link may name a menu choice as the command line does; the payload says which option that
    is, and the link it offers uses the registry name."""
    raw = {**DEFAULTS, "x": "0.5", "activation": "sigmoid", "loss": "bce", field: typed}
    payload = calculate(raw)
    assert payload["ok"], payload.get("errors")
    assert payload["choices"][field] == name
    assert f"{field}={name}" in payload["url"]


def test_unknown_menu_name_is_quoted_as_typed():
    payload = calculate({**DEFAULTS, "activation": "ReLu6"})
    assert not payload["ok"]
    assert payload["errors"] == [{"field": "activation", "message": payload["errors"][0]["message"]}]
    assert "'ReLu6'" in payload["errors"][0]["message"]


def test_error_fields_come_from_the_error_not_its_wording():
    """BCE on an output outside [0, 1] is the loss field's error, whatever the message says."""
    payload = calculate({**DEFAULTS, "activation": "relu", "loss": "bce", "b": "2"})
    assert not payload["ok"]
    assert [e["field"] for e in payload["errors"]] == ["loss"]


@pytest.mark.parametrize("raw", GRID, ids=GRID_IDS)
def test_the_chart_only_payload_is_the_full_payload_without_the_details(raw):
    """What follows every input (calculate_chart) holds exactly what the full payload holds under
    the same keys, its one figure is the full payload's first, and it leaves out only what the
    page shows once the input pauses (formulas, code, the second chart)."""
    full, chart = calculate(raw), calculate(raw, chart_only=True)
    assert chart["ok"] is full["ok"]
    if not full["ok"]:
        assert chart == full
        return
    assert set(full) - set(chart) == {"substituted", "substituted_text", "code"}
    for key in set(chart) - {"figures"}:
        assert chart[key] == full[key], key
    assert chart["figures"] == full["figures"][:1] and len(full["figures"]) == 2
