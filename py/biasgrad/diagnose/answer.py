"""diagnose_answer: check a dL/db typed by hand for one neuron, and name the mistake."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..activations import Activation
from ..losses import Loss
from ..errors import BiasgradError
from ..inputs import check_finite, parse_number
from ..neuron import NeuronReport, neuron_report
from .catalogue import MISTAKES
from .trials import check_pair

__all__ = ["diagnose_answer", "AnswerDiagnosis", "significant_digits", "agrees", "MIN_DIGITS", "candidates"]

#: An answer must agree with the exact value to at least this many significant digits.
MIN_DIGITS = 3


@dataclass(frozen=True)
class AnswerDiagnosis:
    """The verdict on one typed dL/db.

    Attributes
    ----------
    ok : bool
        True when the answer agrees with the exact dL/db to the digits typed (at least 3).
    mistake : str
        ``"correct"`` when ``ok``; otherwise a code of :data:`~biasgrad.diagnose.ANSWER_CODES`.
    message : str
        One or two sentences for a person.
    expected : float
        The exact dL/db.
    got : float
        The answer as a number.
    digits : int
        Significant digits the answer was checked to: max(typed, 3).
    """

    ok: bool
    mistake: str
    message: str
    expected: float
    got: float
    digits: int

    def as_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {"ok": self.ok, "mistake": self.mistake, "title": MISTAKES.get(self.mistake),
                "message": self.message, "expected": self.expected, "got": self.got, "digits": self.digits}


def _decimal(answer: Any) -> Decimal:
    if isinstance(answer, bool):
        raise BiasgradError(f"answer must be a number, got {answer!r}", "answer")
    if isinstance(answer, str):
        parse_number("answer", answer)  # the one home of the messages for bad text
        text = answer.strip().replace("\u2212", "-")
    elif isinstance(answer, numbers.Real):
        text = repr(check_finite("answer", float(answer)) if not isinstance(answer, numbers.Integral) else int(answer))
    else:
        raise BiasgradError(f"answer must be a number, got {type(answer).__name__}", "answer")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - parse_number accepted it, so Decimal does too
        raise BiasgradError(f"answer must be a number, got {text!r}", "answer") from None


def significant_digits(answer: str | float) -> int:
    """How many significant digits were typed: ``"-0.214"`` → 3, ``"0.0500"`` → 3, ``"2e-3"`` → 1.

    Convention: every digit from the first non-zero one on counts, trailing zeros included
    (``"100"`` → 3); ``"0"`` has 1.
    """
    digits = _decimal(answer).as_tuple().digits
    stripped = "".join(map(str, digits)).lstrip("0")
    return max(len(stripped), 1)


def agrees(typed: Decimal, exact: float, digits: int) -> bool:
    """True if ``exact`` rounds or truncates to ``typed`` at ``digits`` significant digits.

    Convention: the unit is one in the last of ``digits`` significant places of ``typed``;
    ``exact`` agrees when it is within half a unit (rounding) or between ``typed`` and one unit
    further from zero (truncation). A typed 0 agrees only with |exact| ≤ 1e-12.
    """
    e = Decimal(exact)
    if typed == 0:
        return abs(e) <= Decimal("1e-12")
    unit = Decimal(1).scaleb(typed.adjusted() - digits + 1)
    if abs(e - typed) <= unit / 2:
        return True
    return (e > 0) == (typed > 0) and Decimal(0) <= abs(e) - abs(typed) < unit


def candidates(r: NeuronReport, act: Activation, lo: Loss) -> dict[str, float]:
    """Each answer code's own value for this neuron (the mistake made by construction)."""
    out: dict[str, float] = {"correct": r.dL_db}
    if lo.other_convention_factor is not None:
        out["mse_factor"] = lo.other_convention_factor * r.dL_db
    if r.dL_da is not None and not lo.takes_logits:
        out["missing_activation_derivative"] = r.dL_da
        out["derivative_of_output"] = r.dL_da * float(act.derivative(r.a))
    if lo.uses_link(act):
        out["extra_activation_derivative"] = r.dL_db * r.da_dz
    out["sign"] = -r.dL_db
    out["weight_gradient"] = float(r.dL_dw)
    out["loss_value"] = r.loss
    out["bias_next"] = r.b_next
    return out


_ANSWER_MESSAGES = {
    "mse_factor": {"twice": "Your answer is twice dL/db: 2(a − y) is the derivative of (a − y)², but this loss is "
                               "½(a − y)², with dL/da = a − y.",
                   "half": "Your answer is half of dL/db: a − y is the derivative of ½(a − y)², but this loss is "
                          "(a − y)², with dL/da = 2(a − y)."},
    "missing_activation_derivative": "Your answer is dL/da: multiply by da/dz = f′(z) (and by dz/db = 1).",
    "extra_activation_derivative": "Your answer multiplies a − y by σ′(z) again: with a sigmoid and binary "
                                   "cross-entropy dL/dz = a − y already.",
    "derivative_of_output": "Your answer evaluates f′ at a instead of at z: use da/dz = f′(z).",
    "sign": "Your answer has the wrong sign: it is −dL/db. Check a − y against y − a.",
    "weight_gradient": "Your answer is dL/dw = dL/dz · x: the bias's dz/db is 1, not x.",
    "loss_value": "Your answer is the loss L itself, not its derivative dL/db.",
    "bias_next": "Your answer is the updated bias b − lr·dL/db; the question asks for dL/db.",
}


def diagnose_answer(answer: str | float, *, x: float, w: float, b: float, y: float, activation: Any, loss: Any,
                    lr: float = 0.1) -> AnswerDiagnosis:
    """Check a scalar dL/db typed by hand for one neuron, and name the mistake, if any.

    Parameters
    ----------
    answer : str or float
        What the reader typed (a typographic minus and surrounding spaces are fine).
    x, w, b, y : float
        The neuron: z = w·x + b, a = f(z), target y.
    activation : str or Activation
        A name in :data:`biasgrad.ACTIVATIONS`.
    loss : str or Loss
        ``mse_half``, ``mse``, ``bce`` or ``bce_logits`` (the two BCEs with the sigmoid only).
    lr : float
        Learning rate, used only to recognise the updated bias b′ (the module's default 0.1).

    Returns
    -------
    AnswerDiagnosis
        ``mistake`` is ``"correct"``, ``"mse_factor"``, ``"missing_activation_derivative"``,
        ``"extra_activation_derivative"``, ``"derivative_of_output"``, ``"sign"``,
        ``"weight_gradient"`` (gave dL/dw), ``"loss_value"`` (gave L), ``"bias_next"`` (gave b′)
        or ``"unknown"``.

    Raises
    ------
    BiasgradError
        If the answer is not a number, an input is not finite, a name is unknown or the pair
        is undefined. Bad input is never diagnosed as a mistake.

    Notes
    -----
    Convention: the answer is right when the exact dL/db rounds or truncates to it at the
    significant digits typed, and at least 3 (:data:`MIN_DIGITS`); a mistake is named when its
    own value agrees in the same way and no other candidate's does.

    Examples
    --------
    >>> diagnose_answer("-0.214", x=1.5, w=0.8, b=0.1, y=1, activation="sigmoid", loss="bce").mistake
    'correct'
    >>> diagnose_answer("0.214", x=1.5, w=0.8, b=0.1, y=1, activation="sigmoid", loss="bce").mistake
    'sign'
    """
    typed = _decimal(answer)
    act, lo = check_pair(activation, loss)
    for name, v in (("x", x), ("w", w), ("b", b), ("y", y)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise BiasgradError(f"{name} must be a number, got {v!r}", name)
    r = neuron_report(x=float(x), w=float(w), b=float(b), y=float(y), activation=act, loss=lo, lr=lr)
    typed_digits = significant_digits(str(typed))
    digits = max(typed_digits, MIN_DIGITS)
    got = float(typed)
    cands = candidates(r, act, lo)
    base = dict(expected=r.dL_db, got=got, digits=digits)
    if agrees(typed, r.dL_db, digits):
        return AnswerDiagnosis(ok=True, mistake="correct", message=f"Correct: dL/db = {r.dL_db:.6g} "
                               f"(checked to {digits} significant digits).", **base)  # type: ignore[arg-type]
    hits = [code for code, v in cands.items() if code != "correct" and agrees(typed, v, digits)]
    if len(hits) == 1:
        code = hits[0]
        text = _ANSWER_MESSAGES[code]
        message = text[lo.other_convention_word] if isinstance(text, dict) else text
        return AnswerDiagnosis(ok=False, mistake=code, message=message, **base)  # type: ignore[arg-type]
    if len(hits) > 1:
        return AnswerDiagnosis(ok=False, mistake="unknown", message=f"Not dL/db. Your answer matches more than one "
                               f"mistake here ({', '.join(hits)}), so it cannot say which.",
                               **base)  # type: ignore[arg-type]
    if typed_digits < MIN_DIGITS and agrees(typed, r.dL_db, typed_digits):
        return AnswerDiagnosis(ok=False, mistake="unknown", message=f"Close, but give at least {MIN_DIGITS} "
                               f"significant digits: {typed_digits} digit(s) cannot tell a right answer from a "
                               f"near miss.", **base)  # type: ignore[arg-type]
    return AnswerDiagnosis(ok=False, mistake="unknown", message="Not dL/db, and like none of the known mistakes: "
                           "work through dL/db = dL/da · da/dz · dz/db one factor at a time.",
                           **base)  # type: ignore[arg-type]
