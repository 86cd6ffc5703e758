#!/usr/bin/env bash
# The one serve command: set up from lockfiles, build the guide, serve it on 127.0.0.1.
# Usage: bash tools/serve.sh [--port 8000]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
exec .venv/bin/python tools/serve.py --build "$@"
