"""Diagnose a wrong bias gradient: name the mistake, not just "it is wrong".

* :func:`diagnose_layer` runs a reader's ``bias_gradient(X, W, b, Y) -> db`` for one dense
  layer on seeded trial batches and compares it with the module's exact db.
* :func:`diagnose_answer` checks a dL/db typed by hand for one neuron.
* :data:`MISTAKES` is the catalogue: code → short title.

Each mistake is recognised by construction: its own prediction is built from the same trial
data by making that mistake (:mod:`biasgrad.diagnose.predictions`), and it is named only
when that prediction matches on every trial and no other one does.
"""

from __future__ import annotations

from .answer import AnswerDiagnosis, diagnose_answer
from .catalogue import ANSWER_CODES, LAYER_CODES, MISTAKES
from .layer import LayerDiagnosis, diagnose_layer

__all__ = ["diagnose_layer", "diagnose_answer", "LayerDiagnosis", "AnswerDiagnosis", "MISTAKES",
           "LAYER_CODES", "ANSWER_CODES"]
