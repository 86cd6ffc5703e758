"""The functions the browser's worker may call by name.

``site_js/worker.js`` imports this module once, holds a proxy to each function in
:data:`EXPORTS`, and calls it with plain JSON values. Every function returns plain data
(dicts, lists, str, float, int, bool, None), never NumPy objects.
"""

from __future__ import annotations

from typing import Any, Callable

from . import calculator


def calculate(raw: dict[str, Any]) -> dict[str, Any]:
    """The calculator payload for the form's raw strings (see ``calculator.calculate``)."""
    return calculator.calculate(raw)


def calculate_chart(raw: dict[str, Any]) -> dict[str, Any]:
    """The numbers and the L(b) chart only (``calculate(raw, chart_only=True)``): what the
    calculator redraws on every input; the rest follows from ``calculate`` once the input pauses."""
    return calculator.calculate(raw, chart_only=True)


def calculate_many(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``calculate`` for each case, values and errors only (used by the cross-runtime test)."""
    return [calculator.calculate(case, full=False) for case in cases]


def run_example(code: str, options: Any = None) -> dict[str, Any]:
    """Run a guide example (``biasgrad.web.runner.run_example``); imported on first use."""
    from . import runner

    return runner.run_example(code, options)


def explore(name: str, params: Any = None) -> dict[str, Any]:
    """One explorer's payload (``biasgrad.web.explorers.explore``); imported on first use."""
    from . import explorers

    return explorers.explore(name, params)


def explorer_names() -> list[str]:
    """The registered explorers."""
    from . import explorers

    return list(explorers.explorer_names())


def train_iris(raw: Any = None) -> dict[str, Any]:
    """The training widget's run (``biasgrad.web.training.train_iris``); imported on first use."""
    from . import training

    return training.train_iris(raw)


def diagnose_code(source: str, activation: str = "sigmoid", loss: str = "bce", reduction: str = "mean") -> dict[str, Any]:
    """The diagnose widget's verdict on the reader's code (``biasgrad.web.diagnose.diagnose_code``)."""
    from . import diagnose

    return diagnose.diagnose_code(source, activation, loss, reduction)


def practice_problem(seed: Any) -> dict[str, Any]:
    """A seeded practice neuron (``biasgrad.web.diagnose.practice_problem``)."""
    from . import diagnose

    return diagnose.practice_problem(seed)


def check_practice(seed: Any, answer: Any) -> dict[str, Any]:
    """The practice widget's verdict on a typed dL/db (``biasgrad.web.diagnose.check_practice``)."""
    from . import diagnose

    return diagnose.check_practice(seed, answer)


#: The exports that draw no random number (tests/test_api_random.py checks it): a restored
#: runtime answers them before its generators are reseeded (site_js/worker.js), so the
#: calculator's first result does not wait for the reseeding.
DRAWS_NO_RANDOM = ("calculate", "calculate_chart", "calculate_many")

#: The modules the exports import on first use (so the first result waits for the calculator's only).
ON_FIRST_USE = ("runner", "explorers", "training", "diagnose")


def preload() -> list[str]:
    """Import every module an export uses, and return their names.

    The snapshot maker (``site_js/snapshot-maker.js``) calls it before taking the memory
    snapshot, so a restored runtime has every widget's Python already imported.
    """
    import importlib

    return [importlib.import_module(f"{__package__}.{name}").__name__ for name in ON_FIRST_USE]


def ping() -> dict[str, Any]:
    """Versions of the runtime, for diagnostics."""
    import sys

    import numpy

    import biasgrad

    return {"python": sys.version.split()[0], "numpy": numpy.__version__,
            "biasgrad": getattr(biasgrad, "__version__", "unknown"), "platform": sys.platform}


EXPORTS: dict[str, Callable[..., Any]] = {
    "calculate": calculate,
    "calculate_chart": calculate_chart,
    "calculate_many": calculate_many,
    "run_example": run_example,
    "explore": explore,
    "explorer_names": explorer_names,
    "train_iris": train_iris,
    "diagnose_code": diagnose_code,
    "practice_problem": practice_problem,
    "check_practice": check_practice,
    "ping": ping,
}
