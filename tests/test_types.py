"""The package type-checks: ``mypy --strict py/biasgrad`` reports 0 errors (config in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_strict_reports_no_errors():
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "py/biasgrad"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert errors == [] and done.returncode == 0, "\n".join(errors[:40]) or done.stdout + done.stderr
