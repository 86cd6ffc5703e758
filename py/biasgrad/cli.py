"""``python -m biasgrad``: the single-neuron report on the command line.

Exit status 0 on success; 2 with exactly one line on stderr for any bad input.
``python -m biasgrad diagnose FILE.py …`` is the subcommand in :mod:`biasgrad.cli_diagnose`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from . import __version__
from .activations import ACTIVATIONS, LeakyReLU
from .errors import BiasgradError
from .inputs import parse_activation, parse_loss, parse_number
from .losses import LOSSES
from .neuron import NeuronReport, neuron_report, term_formulas

__all__ = ["main", "render_text", "one_line"]

_NUMERIC = ("x", "w", "b", "y", "lr", "slope")
_DEFAULTS = {"x": "1.5", "w": "0.8", "b": "0.1", "y": "1", "lr": "0.1"}


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="biasgrad", allow_abbrev=False,
                description="Derivative of the loss with respect to the bias of one neuron: "
                            "z = w·x + b, a = f(z), dL/db = dL/da · da/dz · 1, and one step b − lr·dL/db.")
    for name, help_ in (("x", "input"), ("w", "weight"), ("b", "bias"), ("y", "target"), ("lr", "learning rate")):
        p.add_argument(f"--{name}", default=_DEFAULTS[name], metavar="NUMBER", help=f"{help_} (default {_DEFAULTS[name]})")
    p.add_argument("--activation", default="sigmoid", metavar="NAME", help=f"one of {', '.join(ACTIVATIONS)}")
    p.add_argument("--loss", default="bce", metavar="NAME", help=f"one of {', '.join(LOSSES)}")
    p.add_argument("--slope", default=None, metavar="NUMBER", help="negative slope for leaky_relu (default 0.01)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--version", action="version", version=f"biasgrad {__version__}")
    return p


def one_line(message: str) -> str:
    """The message on one line: line breaks and other control characters shown escaped (``\\n``).

    Convention: stderr gets exactly one line per error, whatever the reader typed.
    """
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in message)


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    """Turn ``--x -1e4`` into ``--x=-1e4`` (argparse only takes ``-1.5``-like values as is)."""
    flags = {f"--{n}" for n in _NUMERIC}
    out: list[str] = []
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok in flags and i + 1 < len(argv) and argv[i + 1].startswith("-") and not argv[i + 1].startswith("--"):
            out.append(f"{tok}={argv[i + 1]}")
            i += 2
        else:
            out.append(tok)
            i += 1
    return out


def _fmt(v: object) -> str:
    if v is None:
        return "—"
    if isinstance(v, tuple):
        return "[" + ", ".join(_fmt(t) for t in v) + "]"
    return f"{v:.12g}" if isinstance(v, float) else str(v)


def render_text(r: NeuronReport) -> str:
    """The readable table: forward pass, chain-rule terms with formulas, step, check, warnings."""
    f = term_formulas(r.activation_name, r.loss_name)
    def rows(items: list[tuple[str, str, object]]) -> list[str]:
        return [f"  {k:<10} = {f[key]:<38} = {_fmt(v)}" for k, key, v in items]

    lines = [f"biasgrad: one neuron, activation {r.activation_name}, loss {r.loss_name}",
             f"inputs: x = {_fmt(r.x)}, w = {_fmt(r.w)}, b = {_fmt(r.b)}, y = {_fmt(r.y)}, lr = {_fmt(r.lr)}", "",
             "forward pass"]
    lines += rows([("z", "z", r.z), ("a", "a", r.a), ("L", "loss", r.loss)])
    lines += ["", "chain rule: dL/db = dL/da · da/dz · dz/db"]
    lines += rows([("dL/da", "dL_da", r.dL_da), ("da/dz", "da_dz", r.da_dz), ("dz/db", "dz_db", r.dz_db),
                   ("dL/dz", "dL_dz", r.dL_dz), ("dL/db", "dL_db", r.dL_db), ("dL/dw", "dL_dw", r.dL_dw)])
    lines += ["", "one gradient-descent step (simultaneous)"]
    lines += rows([("b_next", "b_next", r.b_next), ("w_next", "w_next", r.w_next), ("L_next", "loss_next", r.loss_next)])
    lines += ["", f"check (h = {r.numeric_step:.3g})"]
    lines += rows([("numeric", "numeric_dL_db", r.numeric_dL_db)])
    lines.append(f"  {'rel. error':<10}   {'|numeric − dL/db| / max(|·|)':<38} = {r.numeric_rel_error:.3g}")
    lines += ["", "warnings" if r.warnings else "warnings: none"]
    lines += [f"  [{w.code}] {w.message}" for w in r.warnings]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 bad input)."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["diagnose"]:  # the subcommand lives in its own module
        from .cli_diagnose import main as diagnose_main

        return diagnose_main(args_in[1:])
    try:
        args = _parser().parse_args(_join_negative_values(args_in))
        nums = {n: parse_number(n, getattr(args, n)) for n in ("x", "w", "b", "y", "lr")}
        act = parse_activation(args.activation)
        if args.slope is not None:
            if not isinstance(act, LeakyReLU):
                raise BiasgradError("--slope applies to leaky_relu only", "slope")
            act = LeakyReLU(parse_number("slope", args.slope))
        report = neuron_report(activation=act, loss=parse_loss(args.loss), **nums)
    except _UsageError as e:
        print(one_line(f"biasgrad: error: {e} (see --help)"), file=sys.stderr)
        return 2
    except BiasgradError as e:
        print(one_line(f"biasgrad: error: {e}"), file=sys.stderr)
        return 2
    text = json.dumps(report.as_dict(), ensure_ascii=False) if args.json else render_text(report)
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # `biasgrad --json | head -c 10`: the reader left; that is not an error of ours.
        # Point stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
