"""biasgrad: the bias derivative of a neural network, in NumPy.

One neuron (:func:`neuron_report`), a dense layer (:class:`Dense`), a small network
(:class:`Network`), gradient checks (:mod:`biasgrad.gradcheck`) and the Iris data
(:mod:`biasgrad.datasets`), and a diagnosis of a wrong bias gradient
(:func:`diagnose_layer`, :func:`diagnose_answer`). Pure NumPy, float64, no I/O in the math; runs in Pyodide.

The names below are imported on first use (PEP 562), so ``import biasgrad.web.api`` in the
browser loads only what the calculator needs before its first result; ``from biasgrad import
Dense`` and ``biasgrad.Dense`` work as usual, and type checkers see the real names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .activations import ACTIVATIONS, Activation
    from .dense import Dense
    from .diagnose import MISTAKES, diagnose_answer, diagnose_layer
    from .errors import BiasgradError
    from .losses import LOSSES, Loss
    from .network import Network
    from .neuron import GradientWarning, NeuronReport, neuron_report

#: Each public name and the submodule that defines it.
_HOMES = {
    "neuron_report": "neuron", "NeuronReport": "neuron", "GradientWarning": "neuron",
    "BiasgradError": "errors", "ACTIVATIONS": "activations", "Activation": "activations",
    "LOSSES": "losses", "Loss": "losses", "Dense": "dense", "Network": "network",
    "diagnose_layer": "diagnose", "diagnose_answer": "diagnose", "MISTAKES": "diagnose",
}

__all__ = [  # a literal, so type checkers see the exports; the same names as _HOMES (tested)
    "neuron_report", "NeuronReport", "GradientWarning", "BiasgradError",
    "ACTIVATIONS", "LOSSES", "Activation", "Loss", "Dense", "Network",
    "diagnose_layer", "diagnose_answer", "MISTAKES",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'biasgrad' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
