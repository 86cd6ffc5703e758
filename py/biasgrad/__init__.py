"""biasgrad: the bias derivative of a neural network, in NumPy.

One neuron (:func:`neuron_report`), a dense layer (:class:`Dense`), a small network
(:class:`Network`), gradient checks (:mod:`biasgrad.gradcheck`) and the Iris data
(:mod:`biasgrad.datasets`). Pure NumPy, float64, no I/O in the math; runs in Pyodide.
"""

from __future__ import annotations

from .activations import ACTIVATIONS, Activation
from .dense import Dense
from .errors import BiasgradError
from .losses import LOSSES, Loss
from .network import Network
from .neuron import GradientWarning, NeuronReport, neuron_report

__all__ = [
    "neuron_report", "NeuronReport", "GradientWarning", "BiasgradError",
    "ACTIVATIONS", "LOSSES", "Activation", "Loss", "Dense", "Network",
]

__version__ = "0.1.0"
