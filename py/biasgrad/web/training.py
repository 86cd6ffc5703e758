"""The Iris training run behind the guide's training page (plain values in, plain dicts out).

``train_iris(raw)`` takes the widget's form values as strings (or numbers), trains a
``biasgrad.Network`` on the seeded Iris split (120 training and 30 test flowers) and returns::

    {"ok": True,
     "config":  {"lr", "hidden": [int, ...], "activation", "epochs", "seed"},
     "summary": {"layers": [4, ..., 3], "n_train", "n_test", "n_bias", "final_loss",
                 "train_accuracy", "test_accuracy", "elapsed_ms"},
     "convention": str,          # which loss, reduction and update produced the numbers
     "figures": [FIGURE, ...]}   # loss, accuracy, then bias values and bias gradients per layer
    {"ok": False, "errors": [{"field", "message"}]}

The same function renders the no-JavaScript version at build time and runs in the browser
worker when the reader presses "Train", so both show the same numbers for the same settings.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from biasgrad.errors import BiasgradError
from biasgrad.web import figures as fg

__all__ = ["DEFAULTS", "ACTIVATION_CHOICES", "CONTROLS", "parse_config", "train_iris",
           "LIMITS"]

#: The default run: what the page shows before the reader changes anything.
DEFAULTS: dict[str, str] = {"lr": "0.5", "hidden": "8", "activation": "tanh",
                            "epochs": "150", "seed": "0"}

#: Hidden-layer activations offered in the widget (the output layer is fixed, see CONVENTION).
ACTIVATION_CHOICES: tuple[str, ...] = ("tanh", "sigmoid", "relu", "leaky_relu")

#: Bounds that keep one run well under a second in the browser.
LIMITS = {"lr": (1e-6, 10.0), "epochs": (1, 1000), "layers": (0, 3), "units": (1, 64),
          "seed": (0, 2**31 - 1)}

#: The widget's controls, in order (rendered at build time; read by site_js/training.js).
CONTROLS: list[dict[str, Any]] = [
    {"name": "lr", "label": "learning rate", "kind": "number", "step": "any"},
    {"name": "hidden", "label": "hidden layer sizes", "kind": "text",
     "help": "comma-separated, e.g. 8 or 8, 6; empty for no hidden layer"},
    {"name": "activation", "label": "hidden activation", "kind": "select",
     "options": list[Any](ACTIVATION_CHOICES)},
    {"name": "epochs", "label": "epochs", "kind": "number", "step": "1"},
    {"name": "seed", "label": "seed", "kind": "number", "step": "1"},
]


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name, DEFAULTS[name])
    if value is None:
        value = ""
    return str(value).strip()


def _number(raw: dict[str, Any], name: str, errors: list[Any], integer: bool = False) -> Any:
    text = _text(raw, name)
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    lo, hi = LIMITS[name]
    kind = "a whole number" if integer else "a number"
    if not np.isfinite(value) or (integer and value != int(value)):
        errors.append({"field": name, "message": f"{name} must be {kind}, got {text!r}"})
        return None
    if not lo <= value <= hi:
        errors.append({"field": name, "message": f"{name} must be between {lo:g} and {hi:g}, got {text}"})
        return None
    return int(value) if integer else value


def parse_config(raw: dict[str, Any] | None) -> tuple[Any, list[dict[str, Any]]]:
    """Validate the widget's raw values; returns (config, errors), config None on error."""
    if raw is None:
        raw = {}
    if hasattr(raw, "to_py"):  # a JsProxy from the worker
        raw = raw.to_py()
    raw = dict(raw)
    errors: list[dict[str, Any]] = []
    lr = _number(raw, "lr", errors)
    epochs = _number(raw, "epochs", errors, integer=True)
    seed = _number(raw, "seed", errors, integer=True)
    activation = _text(raw, "activation")
    if activation not in ACTIVATION_CHOICES:
        errors.append({"field": "activation",
                       "message": f"activation must be one of {', '.join(ACTIVATION_CHOICES)}, got {activation!r}"})
    hidden_text = _text(raw, "hidden")
    hidden: Any = []
    parts = [p.strip() for p in hidden_text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    for part in parts:
        if not part.isdigit() or not LIMITS["units"][0] <= int(part) <= LIMITS["units"][1]:
            errors.append({"field": "hidden",
                           "message": f"hidden layer sizes must be whole numbers from {LIMITS['units'][0]} to "
                                      f"{LIMITS['units'][1]}, separated by commas; got {hidden_text!r}"})
            hidden = None
            break
        hidden.append(int(part))
    if hidden is not None and len(hidden) > LIMITS["layers"][1]:
        errors.append({"field": "hidden",
                       "message": f"at most {LIMITS['layers'][1]} hidden layers, got {len(hidden)}"})
    if errors:
        return None, errors
    return {"lr": lr, "hidden": hidden, "activation": activation, "epochs": epochs, "seed": seed}, []


def _layer_name(index: int, n_layers: int) -> str:
    return "output layer" if index == n_layers - 1 else f"hidden layer {index + 1}"


def history_figures(history: dict[str, Any], layers: list[int]) -> list[Any]:
    """Figure specs for one run: loss, accuracy, then bias values and bias gradients per layer.

    ``history`` holds per-epoch lists: ``loss``, ``train_accuracy``, ``test_accuracy``,
    ``bias`` and ``bias_grad`` (each a list over layers of arrays shaped (epochs, n_out)).
    """
    epochs = np.arange(1, len(history["loss"]) + 1)
    figs = [
        fg.figure(fg.line(epochs, history["loss"], name="training loss", emphasis=True),
                  id="training-loss", title="Training loss",
                  caption="Mean cross-entropy over the 120 training flowers, before each epoch's update.",
                  x_label="epoch", y_label="loss"),
        fg.figure(fg.line(epochs, history["train_accuracy"], name="train (120)"),
                  fg.line(epochs, history["test_accuracy"], name="test (30)", emphasis=True),
                  id="training-accuracy", title="Accuracy",
                  caption="Share of flowers whose largest output is the right species, at the start of each epoch.",
                  x_label="epoch", y_label="accuracy", y_domain=[0, 1]),
    ]
    n_layers = len(layers) - 1
    for li in range(n_layers):
        name = _layer_name(li, n_layers)
        values = np.asarray(history["bias"][li])
        grads = np.asarray(history["bias_grad"][li])
        slug = "output" if li == n_layers - 1 else f"hidden-{li + 1}"
        figs.append(fg.figure(
            *[fg.line(epochs, values[:, j], name=f"b{j + 1}") for j in range(values.shape[1])],
            id=f"training-bias-{slug}", title=f"Bias values, {name} ({values.shape[1]} biases)",
            caption="Each line is one neuron's bias, after each epoch's update.",
            x_label="epoch", y_label="bias"))
        figs.append(fg.figure(
            *[fg.line(epochs, grads[:, j], name=f"dL/db{j + 1}") for j in range(grads.shape[1])],
            id=f"training-bias-grad-{slug}", title=f"Bias gradients, {name}",
            caption="dL/db for each neuron, taken at the start of each epoch (full batch, mean over examples).",
            x_label="epoch", y_label="dL/db"))
    return figs


CONVENTION = ("Convention: softmax cross-entropy on the 3 outputs (the softmax is part of the loss), "
              "averaged over the 120 training flowers (reduction=\"mean\", so db = dZ.sum(axis=0) / 120); "
              "full-batch gradient descent, one simultaneous update per epoch; features standardised "
              "with the training set's mean and standard deviation; weights ~ N(0, 1/n_in) from the seed, "
              "biases start at 0. Loss and bias gradients are recorded at the start of each epoch, "
              "bias values after its update.")


def iris_split() -> dict[str, np.ndarray]:
    """The guide's Iris split: 120 training and 30 test flowers (10 per species, seed 0),
    standardised with the training set's mean and standard deviation."""
    from biasgrad.datasets import load_iris, standardize, train_test_split

    X, y, _, _ = load_iris()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=30, seed=0)
    X_train, X_test, _, _ = standardize(X_train, X_test)  # type: ignore[assignment]
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


def fit(config: dict[str, Any]) -> tuple[Any, dict[str, Any], float]:
    """Train a fresh Network for ``config``; return (network, history dict, elapsed seconds)."""
    from biasgrad import Network

    data = iris_split()
    sizes = [data["X_train"].shape[1], *config["hidden"], 3]
    net = Network(sizes, activations=config["activation"], loss="softmax_cross_entropy",
                  reduction="mean", seed=config["seed"])
    start = time.perf_counter()
    hist = net.train(data["X_train"], data["y_train"], epochs=config["epochs"], lr=config["lr"],
                     X_test=data["X_test"], y_test=data["y_test"])
    elapsed = time.perf_counter() - start
    n_layers = len(sizes) - 1
    history = {
        "loss": hist.loss,
        "train_accuracy": hist.train_accuracy,
        "test_accuracy": hist.test_accuracy,
        # History: epochs × layers × units; here: per layer an (epochs, units) array.
        # Bias values after each epoch's update = the values at the start of the next epoch.
        "bias": [np.array([e[li] for e in hist.biases[1:]] + [net.layers[li].b.ravel().tolist()])
                 for li in range(n_layers)],
        "bias_grad": [np.array([e[li] for e in hist.bias_grads]) for li in range(n_layers)],
        "final_loss": hist.final_loss,
        "final_train_accuracy": net.accuracy(data["X_train"], data["y_train"]),
        "final_test_accuracy": net.accuracy(data["X_test"], data["y_test"]),
        "n_train": int(data["X_train"].shape[0]), "n_test": int(data["X_test"].shape[0]),
        "sizes": [int(s) for s in sizes],
    }
    return net, history, elapsed


def summary_items(payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, label, text) rows for the widget's readout, the same at build time and in the browser."""
    s = payload["summary"]
    return [
        ("layers", "layer sizes", " → ".join(str(n) for n in s["layers"])),
        ("n_bias", "biases trained", str(s["n_bias"])),
        ("final_loss", "final training loss", f"{s['final_loss']:.4g}"),
        ("train_accuracy", "training accuracy", f"{s['train_accuracy']:.1%} of {s['n_train']}"),
        ("test_accuracy", "test accuracy", f"{s['test_accuracy']:.1%} of {s['n_test']}"),
        ("elapsed_ms", "training time (Python)", f"{s['elapsed_ms']:.0f} ms"),
    ]


def train_iris(raw: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validate the widget's values, train, and return the payload (module docstring)."""
    config, errors = parse_config(raw)
    if errors:
        return {"ok": False, "errors": errors}
    try:
        net, history, elapsed = fit(config)
    except BiasgradError as exc:  # e.g. divergence at a large learning rate
        field = exc.field if exc.field in DEFAULTS else "lr"
        return {"ok": False, "errors": [{"field": field, "message": str(exc)}]}
    layers = history["sizes"]
    payload = {
        "ok": True,
        "config": config,
        "config_text": {"lr": f"{config['lr']:g}", "hidden": ", ".join(str(h) for h in config["hidden"]),
                        "activation": config["activation"], "epochs": str(config["epochs"]),
                        "seed": str(config["seed"])},
        "summary": {"layers": layers, "n_train": history["n_train"], "n_test": history["n_test"],
                    "n_bias": int(sum(layers[1:])), "epochs": config["epochs"],
                    "final_loss": float(history["final_loss"]),
                    "train_accuracy": float(history["final_train_accuracy"]),
                    "test_accuracy": float(history["final_test_accuracy"]),
                    "elapsed_ms": 1000.0 * elapsed},
        "convention": CONVENTION,
        "figures": [fg.plain(f) for f in history_figures(history, layers)],
    }
    payload["summary_items"] = [list(item) for item in summary_items(payload)]
    return payload
