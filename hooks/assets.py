"""MkDocs hook: put everything the browser needs into the built site.

* ``site/assets/pyodide/``  the Pyodide 0.27.7 runtime and the NumPy wasm wheel, copied from
  ``.cache/runtime/`` (filled by ``tools/bootstrap.sh``), the ``biasgrad`` wheel built from this
  checkout, and ``manifest.json`` (names, sizes, sha256) that the worker reads for its progress
  totals and the wheel's name. ``pyodide.asm.js`` ships with one pinned, hash-checked loader patch
  (:func:`patch_loader`) that lets ``site_js/snapshot.js`` restore a NumPy memory snapshot.
* ``site/assets/biasgrad/`` the plain ES modules and the stylesheet from ``site_js/``; each worker's
  module graph as one file (:func:`bundle_workers`).
* ``site/assets/vendor/``   KaTeX (css, js, fonts) from ``node_modules/``, and ``plot.mjs``: the Plot
  marks the charts use and the d3 they need, one ES module built by esbuild (:func:`bundle_plot`).

Nothing is fetched from another host, at build time or in the reader's browser.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.assets")

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_DIR = Path(os.environ.get("BIASGRAD_RUNTIME_DIR") or ROOT / ".cache" / "runtime")
WHEEL_CACHE = ROOT / ".cache" / "wheel"
# The pin's one home is tools/runtime_pins.json (also read by tools/fetch_runtime.py).
PINS = json.loads((ROOT / "tools" / "runtime_pins.json").read_text())
PYODIDE_VERSION = PINS["pyodide_version"]
LOADER_PATCH: dict[str, str] = PINS["loader_patch"]
RUNTIME_FILES = (
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
VENDOR = {
    "katex/katex.min.css": "node_modules/katex/dist/katex.min.css",
    "katex/katex.min.js": "node_modules/katex/dist/katex.min.js",
    "katex/fonts": "node_modules/katex/dist/fonts",
    "plot.LICENSE.txt": "node_modules/@observablehq/plot/LICENSE",
    "d3.LICENSE.txt": "node_modules/d3/LICENSE",
}
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
PLOT_ENTRY = ROOT / "hooks" / "plot_entry.js"
# Static hosts that read a _headers file (Netlify, Cloudflare Pages) get the right type and caching.
HEADERS = """/assets/pyodide/*.wasm
  Content-Type: application/wasm
/assets/pyodide/*
  Cache-Control: public, max-age=604800
"""


def _fail(message: str) -> None:
    raise PluginError(message)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def patch_loader(source: Path, target: Path, pin: dict[str, str] = LOADER_PATCH) -> dict[str, str]:
    """Write ``source`` (Pyodide's ``pyodide.asm.js``) to ``target`` with the one-line loader patch.

    The dynamic loader's ``getMemory(metadata.memorySize+memAlign)`` becomes a call of
    ``Module.getMemoryPatched(libName, size)`` when that hook is set (``site_js/snapshot.js`` sets
    it to reload NumPy's shared libraries at the memory bases a snapshot recorded), and stays
    Pyodide's own call when it is not. The build stops unless the source has the pinned sha256,
    the pattern occurs exactly once and the result has the pinned sha256; on any failure the
    target is removed, so an unpatched file is never shipped where the patched one is expected.
    Returns the record that ``manifest.json`` keeps under ``loader_patch``.
    """
    def refuse(message: str) -> None:
        target.unlink(missing_ok=True)
        _fail(f"Loader patch for {source.name}: {message}")

    data = source.read_bytes()
    unpatched = hashlib.sha256(data).hexdigest()
    if unpatched != pin["unpatched_sha256"]:
        refuse(f"its sha256 is {unpatched}, expected {pin['unpatched_sha256']} "
               "(tools/runtime_pins.json); a new Pyodide needs the patch checked again")
    find, replace = pin["find"].encode(), pin["replace"].encode()
    found = data.count(find)
    if found != 1:
        refuse(f"the pattern {pin['find']!r} occurs {found} times, expected exactly once")
    patched_data = data.replace(find, replace)
    patched = hashlib.sha256(patched_data).hexdigest()
    if patched != pin["patched_sha256"]:
        refuse(f"the patched file's sha256 is {patched}, expected {pin['patched_sha256']}")
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(patched_data)
    partial.replace(target)
    return {"file": source.name, "find": pin["find"], "replace": pin["replace"],
            "unpatched_sha256": unpatched, "patched_sha256": patched}


def _esbuild(entry: Path, target: Path, banner: str, what: str, *options: str) -> None:
    """Bundle entry and its imports into one ES module at target, with esbuild from the npm lockfile."""
    if not ESBUILD.is_file():
        _fail(f"{ESBUILD.relative_to(ROOT)} is missing; run tools/bootstrap.sh (npm ci) first")
    command = [str(ESBUILD), str(entry), "--bundle", "--format=esm", "--target=es2020", "--legal-comments=none",
               *options, f"--banner:js={banner}", f"--outfile={target}", "--log-level=warning"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0 or not target.is_file():
        _fail(f"Bundling {what} with esbuild failed:\n" + result.stdout + result.stderr)


def bundle_plot(target: Path) -> None:
    """Bundle the Plot marks that ``site_js/chart.js`` uses (``hooks/plot_entry.js``) and the parts of
    d3 they need into one minified ES module, with esbuild from the npm lockfile. No network."""
    plot_version = json.loads((ROOT / "node_modules/@observablehq/plot/package.json").read_text())["version"]
    d3_version = json.loads((ROOT / "node_modules/d3/package.json").read_text())["version"]
    banner = (f"/* Observable Plot {plot_version} and d3 {d3_version}, ISC licence (plot.LICENSE.txt, "
              "d3.LICENSE.txt); only the marks the guide draws, bundled by hooks/assets.py */")
    _esbuild(PLOT_ENTRY, target, banner, "Observable Plot", "--minify")


# Each Web Worker's module graph ships as one file: a module worker fetches its imports one level
# at a time (worker.js → snapshot.js → site_packages.js), and on a busy page each level waited for
# the last, so Python's worker began 110-170 ms later than a bare page's (tools/bench.py, cold).
WORKERS = ("worker.js", "snapshot-maker.js")


def bundle_workers(js_dir: Path) -> None:
    """Write each of ``WORKERS`` into js_dir as its ``site_js/`` source with its static imports
    inlined (esbuild from the npm lockfile, not minified). Dynamic ``import()`` of the runtime stays."""
    for name in WORKERS:
        banner = f"/* site_js/{name} with its imports in one file (hooks/assets.py, bundle_workers) */"
        _esbuild(ROOT / "site_js" / name, js_dir / name, banner, f"site_js/{name}", "--allow-overwrite")


def _numpy_wheel_name() -> tuple[str, str]:
    lock = json.loads((RUNTIME_DIR / "pyodide-lock.json").read_text())
    version = lock.get("info", {}).get("version")
    if version != PYODIDE_VERSION:
        _fail(f"{RUNTIME_DIR}/pyodide-lock.json is Pyodide {version}, expected {PYODIDE_VERSION}; "
              "run tools/bootstrap.sh")
    entry = lock["packages"]["numpy"]
    return entry["file_name"], entry["sha256"]


def check_runtime() -> str:
    """Return the NumPy wheel's file name, or stop the build with a message that says what to do."""
    missing = [name for name in RUNTIME_FILES if not (RUNTIME_DIR / name).is_file()]
    if missing:
        _fail(f"The Pyodide runtime is missing from {RUNTIME_DIR} ({', '.join(missing)}). "
              "Run tools/bootstrap.sh to fetch and verify it, then build again.")
    numpy_wheel, _ = _numpy_wheel_name()
    if not (RUNTIME_DIR / numpy_wheel).is_file():
        _fail(f"The NumPy wasm wheel {numpy_wheel} is missing from {RUNTIME_DIR}. "
              "Run tools/bootstrap.sh to fetch and verify it, then build again.")
    return numpy_wheel


def _source_key() -> str:
    """A hash of everything that goes into the biasgrad wheel, so unchanged sources reuse it."""
    digest = hashlib.sha256()
    files = [ROOT / "pyproject.toml", ROOT / "README.md"]
    files += sorted(p for p in (ROOT / "py").rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p))
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_wheel() -> Path:
    """Build the biasgrad wheel exactly as pip would (PEP 517, no isolation), cached by content."""
    cache = WHEEL_CACHE / _source_key()
    wheels = sorted(cache.glob("biasgrad-*.whl")) if cache.is_dir() else []
    if wheels:
        return wheels[-1]
    with tempfile.TemporaryDirectory(prefix="biasgrad-wheel-") as tmp:
        command = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                   "--no-build-isolation", "--no-cache-dir", "--quiet", "--wheel-dir", tmp]
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp)
        built = sorted(Path(tmp).glob("biasgrad-*.whl"))
        if result.returncode != 0 or not built:
            _fail("Building the biasgrad wheel failed:\n" + result.stdout + result.stderr)
        cache.mkdir(parents=True, exist_ok=True)
        target = cache / built[-1].name
        shutil.copy2(built[-1], target)
    log.info("built %s", target.name)
    return target


def _entry(base: Path, rel: str, stage: str) -> dict:
    path = base / rel
    sha = _sha256(path)
    return {
        "name": path.name,
        "path": rel,
        "size": path.stat().st_size,
        "sha256": sha,
        "integrity": "sha256-" + base64.b64encode(bytes.fromhex(sha)).decode(),
        "stage": stage,
    }


def on_config(config, **kwargs):
    check_runtime()
    return config


def on_post_build(config, **kwargs):
    site = Path(config["site_dir"])
    numpy_wheel = check_runtime()
    _, numpy_sha = _numpy_wheel_name()
    if _sha256(RUNTIME_DIR / numpy_wheel) != numpy_sha:
        _fail(f"{numpy_wheel} does not match the sha256 in pyodide-lock.json; "
              "delete .cache/runtime and run tools/bootstrap.sh")

    pyodide_dir = site / "assets" / "pyodide"
    pyodide_dir.mkdir(parents=True, exist_ok=True)
    for name in (*RUNTIME_FILES, numpy_wheel):
        if name != LOADER_PATCH["file"]:
            shutil.copy2(RUNTIME_DIR / name, pyodide_dir / name)
    loader_patch = patch_loader(RUNTIME_DIR / LOADER_PATCH["file"], pyodide_dir / LOADER_PATCH["file"])

    # The wheel's name never changes between builds, so it lives in a folder named by its hash:
    # long-lived HTTP caching can never serve a stale copy.
    wheel = build_wheel()
    wheels_dir = pyodide_dir / "wheels"
    if wheels_dir.exists():
        shutil.rmtree(wheels_dir)
    wheel_rel = f"wheels/{_sha256(wheel)[:12]}/{wheel.name}"
    (pyodide_dir / wheel_rel).parent.mkdir(parents=True)
    shutil.copy2(wheel, pyodide_dir / wheel_rel)

    stages = {**dict.fromkeys(RUNTIME_FILES, "download"), numpy_wheel: "load-numpy", wheel_rel: "load-module"}
    manifest = {
        "pyodide": PYODIDE_VERSION,
        "wheel": wheel_rel,
        "numpy": numpy_wheel,
        "loader_patch": loader_patch,
        "files": [_entry(pyodide_dir, name, stage) for name, stage in stages.items()],
    }
    manifest["total"] = sum(item["size"] for item in manifest["files"])
    (pyodide_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")

    js_dir = site / "assets" / "biasgrad"
    if js_dir.exists():
        shutil.rmtree(js_dir)
    shutil.copytree(ROOT / "site_js", js_dir, ignore=shutil.ignore_patterns("sw.js", "inline"))  # sw.js: hooks/offline.py; inline/: hooks/early.py
    bundle_workers(js_dir)

    vendor = site / "assets" / "vendor"
    for target, source in VENDOR.items():
        src = ROOT / source
        if not src.exists():
            _fail(f"{source} is missing; run tools/bootstrap.sh (npm ci) first")
        dst = vendor / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)

    bundle_plot(vendor / "plot.mjs")

    (site / "_headers").write_text(HEADERS)
