"""Make ``import biasgrad`` (py/) and ``import guide`` (the Markdown extension) work from a
checkout, without installing."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "py"))
