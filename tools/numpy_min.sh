#!/usr/bin/env bash
# The math tests (tests/math_tests.txt) against the lowest NumPy biasgrad supports, from
# requirements/numpy-min.lock (hash-checked) in .venv-numpy-min/. Idempotent; called by tools/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
venv=.venv-numpy-min
if [[ ! -x $venv/bin/python ]]; then "$PYTHON" -m venv "$venv"; fi
stamp="$(sha256sum requirements/numpy-min.lock | cut -d' ' -f1)"
if [[ "$(cat "$venv/.lock-stamp" 2>/dev/null)" != "$stamp" ]]; then
  printf '\033[1m[numpy-min]\033[0m installing requirements/numpy-min.lock into %s\n' "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/numpy-min.lock
  echo "$stamp" > "$venv/.lock-stamp"
fi
mapfile -t files < <(grep -v -e '^#' -e '^$' tests/math_tests.txt)
printf '\033[1m[numpy-min]\033[0m math tests with NumPy %s\n' "$("$venv/bin/python" -c 'import numpy; print(numpy.__version__)')" >&2
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider -m "not browser" "${files[@]}"
