#!/usr/bin/env bash
# The one test command: set up from lockfiles (incl. chromium), then run every test:
# the math, the command line, the build (every example executed) and the browser tests.
# Extra arguments go to pytest, e.g. `bash tools/test.sh -m "not browser"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh --with-browser
bash tools/numpy_min.sh          # the math tests against NumPy 1.26 (requirements/numpy-min.lock)
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
