"""biasgrad: the bias derivative of a neural network, in NumPy.

One neuron (:func:`neuron_report`), a dense layer (:class:`Dense`), a small network
(:class:`Network`), gradient checks (:mod:`biasgrad.gradcheck`) and the Iris data
(:mod:`biasgrad.datasets`), and a diagnosis of a wrong bias gradient
(:func:`diagnose_layer`, :func:`diagnose_answer`). Pure NumPy, float64, no I/O in the math; runs in Pyodide.
"""

from __future__ import annotations

from .activations import ACTIVATIONS, Activation
from .dense import Dense
from .diagnose import MISTAKES, diagnose_answer, diagnose_layer
from .errors import BiasgradError
from .losses import LOSSES, Loss
from .network import Network
from .neuron import GradientWarning, NeuronReport, neuron_report

__all__ = [
    "neuron_report", "NeuronReport", "GradientWarning", "BiasgradError",
    "ACTIVATIONS", "LOSSES", "Activation", "Loss", "Dense", "Network",
    "diagnose_layer", "diagnose_answer", "MISTAKES",
]

__version__ = "0.1.0"
