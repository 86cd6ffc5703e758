#!/usr/bin/env bash
# Install everything the guide needs, from lockfiles, into ignored folders. Idempotent.
#   .venv/           Python deps from requirements/dev.lock (hash-checked) + biasgrad (editable)
#                    + a .pth with this checkout's root (guide/, the guide's Markdown extension)
#   node_modules/    npm deps from package-lock.json (npm ci)
#   .cache/runtime/  Pyodide 0.27.7 + the NumPy 2.0.2 wasm wheel, hashes checked
#   chromium, firefox-esr, webkit2gtk-driver, xvfb  Debian's, for the browser tests (only with --with-browser)
set -euo pipefail
cd "$(dirname "$0")/.."

with_browser=0
[[ "${1:-}" == "--with-browser" ]] && with_browser=1

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }
stamp_ok() { [[ -f "$2" ]] && [[ "$(cat "$2")" == "$(sha256sum "$1" | cut -d' ' -f1)" ]]; }
stamp_write() { sha256sum "$1" | cut -d' ' -f1 > "$2"; }

# The three engines the browser tests drive, all from Debian's archive (never a browser download):
#   chromium (Playwright), firefox-esr (puppeteer-core over WebDriver BiDi),
#   webkit2gtk-driver = WebKitWebDriver + MiniBrowser (Selenium), under xvfb-run.
if [[ $with_browser == 1 ]]; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb xauth)
  [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
  if (( ${#missing[@]} )); then
    say "installing from Debian's archive (apt): ${missing[*]}"
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PYTHON="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
  say "creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
if ! stamp_ok requirements/dev.lock .venv/.lock-stamp; then
  say "installing Python dependencies from requirements/dev.lock"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
  stamp_write requirements/dev.lock .venv/.lock-stamp
fi
if ! .venv/bin/python -c "import biasgrad" >/dev/null 2>&1; then
  say "installing biasgrad (editable) into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
fi

# The guide's Markdown extension (guide/, mkdocs.yml's markdown_extensions) is not a package to
# install: a .pth file puts this checkout's root on the venv's path, so `.venv/bin/mkdocs` finds it.
site_packages="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
if [[ "$(cat "$site_packages/biasgrad-guide.pth" 2>/dev/null)" != "$PWD" ]]; then
  say "putting $PWD on .venv's path (guide/, the Markdown extension)"
  printf '%s\n' "$PWD" > "$site_packages/biasgrad-guide.pth"
fi

if ! stamp_ok package-lock.json node_modules/.lock-stamp; then
  say "installing npm dependencies from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  stamp_write package-lock.json node_modules/.lock-stamp
fi

.venv/bin/python tools/fetch_runtime.py
