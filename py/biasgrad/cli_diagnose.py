"""``python -m biasgrad diagnose FILE.py --activation A --loss L [--reduction mean|sum]``.

Loads ``bias_gradient(X, W, b, Y)`` from FILE, runs :func:`biasgrad.diagnose.diagnose_layer`
and prints the verdict. Exit status: 0 right, 1 a mistake was found, 2 bad input (one line
on stderr: ``biasgrad: error: …``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from .activations import ACTIVATIONS
from .cli import _Parser, _UsageError  # one parser that reports usage errors as exit 2
from .diagnose import MISTAKES, LayerDiagnosis, diagnose_layer
from .diagnose.source import load_bias_gradient
from .errors import BiasgradError
from .losses import LOSSES

__all__ = ["main", "render_verdict"]


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="biasgrad diagnose", allow_abbrev=False,
                description="Check a bias_gradient(X, W, b, Y) -> db function for one dense layer and name "
                            "the mistake, if any. Exit 0 right, 1 mistake found, 2 bad input.")
    p.add_argument("file", metavar="FILE.py", help="a Python file that defines bias_gradient(X, W, b, Y)")
    p.add_argument("--activation", required=True, metavar="NAME", help=f"one of {', '.join(ACTIVATIONS)}")
    p.add_argument("--loss", required=True, metavar="NAME", help=f"one of {', '.join(LOSSES)}")
    p.add_argument("--reduction", default="mean", choices=("mean", "sum"),
                   help="over the batch: mean over the N examples (default) or sum")
    p.add_argument("--seed", default=0, type=int, metavar="INT", help="seed of the trial data (default 0)")
    p.add_argument("--json", action="store_true", help="print the verdict as one JSON object")
    return p


def _array(a: np.ndarray | None) -> str:
    if a is None:
        return "—"
    return f"shape {tuple(a.shape)}: " + np.array2string(a, precision=6, separator=", ").replace("\n", " ")


def render_verdict(d: LayerDiagnosis, file: str, activation: str, loss: str, reduction: str) -> str:
    """The verdict as text: the code and its title, the message, expected against got."""
    lines = [f"biasgrad diagnose: {file} (activation {activation}, loss {loss}, reduction {reduction})"]
    if d.ok:
        lines.append(f"verdict: right. {d.message}")
        return "\n".join(lines)
    lines.append(f"verdict: {d.mistake} ({MISTAKES[d.mistake or 'unknown']})")
    lines.append(d.message)
    if d.trial is not None:
        shapes = ", ".join(f"{k} {tuple(v)}" for k, v in d.shapes.items())
        lines += [f"first failing trial: {d.trial + 1} ({shapes})",
                  f"  expected {_array(d.expected)}", f"  got      {_array(d.got)}"]
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    """Entry point of the subcommand; returns the exit status (0 right, 1 mistake, 2 bad input)."""
    try:
        args = _parser().parse_args(list(argv))
        path = Path(args.file)
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise BiasgradError(f"cannot read {args.file}: {getattr(e, 'strerror', None) or e}", "file") from None
        from .diagnose.trials import check_pair

        act, lo = check_pair(args.activation, args.loss)
        loaded, _printed = load_bias_gradient(source, str(path))
        d = loaded if isinstance(loaded, LayerDiagnosis) else diagnose_layer(
            loaded, activation=act, loss=lo, reduction=args.reduction, seed=args.seed)
    except _UsageError as e:
        print(f"biasgrad: error: {e} (see biasgrad diagnose --help)", file=sys.stderr)
        return 2
    except BiasgradError as e:
        print(f"biasgrad: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(d.as_dict(), ensure_ascii=False))
    else:
        print(render_verdict(d, args.file, act.name, lo.name, args.reduction))
    return 0 if d.ok else 1
