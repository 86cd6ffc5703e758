"""The build-time loader patch (hooks/assets.py ``patch_loader``): pinned, exact, all or nothing.

The real ``pyodide.asm.js`` from ``.cache/runtime/`` must patch to the pinned hash with the hook in
place; a file with another hash, a pattern found zero or two times, or a result with another hash
stops the build and leaves no file behind.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]


def load_assets_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bg_assets_hook", ROOT / "hooks" / "assets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


assets: Any = load_assets_hook()
PIN: dict[str, str] = assets.LOADER_PATCH


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_real_loader_patches_to_the_pinned_hash(tmp_path: Path) -> None:
    source = assets.RUNTIME_DIR / PIN["file"]
    if not source.is_file():
        pytest.skip("run tools/bootstrap.sh first (.cache/runtime)")
    target = tmp_path / PIN["file"]
    record = assets.patch_loader(source, target)
    patched = target.read_bytes()
    assert sha(source.read_bytes()) == PIN["unpatched_sha256"]  # the cache keeps the original
    assert sha(patched) == PIN["patched_sha256"] == record["patched_sha256"]
    assert patched.count(b"Module.getMemoryPatched?Module.getMemoryPatched(libName,") == 1
    # everything else is byte-identical: the patch is exactly one replacement
    original = source.read_bytes()
    assert patched.replace(PIN["replace"].encode(), PIN["find"].encode()) == original
    assert len(patched) - len(original) == len(PIN["replace"]) - len(PIN["find"])


def synthetic(tmp_path: Path, body: bytes) -> tuple[Path, dict[str, str]]:
    source = tmp_path / "pyodide.asm.js"
    source.write_bytes(body)
    patched = body.replace(PIN["find"].encode(), PIN["replace"].encode())
    return source, {**PIN, "unpatched_sha256": sha(body), "patched_sha256": sha(patched)}


@pytest.mark.parametrize("copies", [0, 2])
def test_a_pattern_not_found_exactly_once_stops_the_build(tmp_path: Path, copies: int) -> None:
    source, pin = synthetic(tmp_path, b"var a=1;" + (PIN["find"].encode() + b";") * copies)
    target = tmp_path / "out" / "pyodide.asm.js"
    target.parent.mkdir()
    target.write_bytes(b"stale copy from an earlier build")
    with pytest.raises(PluginError, match=f"occurs {copies} times, expected exactly once"):
        assets.patch_loader(source, target, pin)
    assert not target.exists()


def test_an_unexpected_source_hash_stops_the_build(tmp_path: Path) -> None:
    source, pin = synthetic(tmp_path, b"x=" + PIN["find"].encode())
    pin["unpatched_sha256"] = "0" * 64
    target = tmp_path / "out.js"
    with pytest.raises(PluginError, match="a new Pyodide needs the patch checked again"):
        assets.patch_loader(source, target, pin)
    assert not target.exists()


def test_an_unexpected_result_hash_stops_the_build(tmp_path: Path) -> None:
    source, pin = synthetic(tmp_path, b"x=" + PIN["find"].encode())
    pin["patched_sha256"] = "f" * 64
    target = tmp_path / "out.js"
    with pytest.raises(PluginError, match="the patched file's sha256 is"):
        assets.patch_loader(source, target, pin)
    assert not target.exists()


def test_a_good_synthetic_file_is_patched_once(tmp_path: Path) -> None:
    source, pin = synthetic(tmp_path, b"x=" + PIN["find"].encode() + b";")
    target = tmp_path / "out.js"
    record = assets.patch_loader(source, target, pin)
    assert target.read_bytes() == b"x=" + PIN["replace"].encode() + b";"
    assert record["unpatched_sha256"] == pin["unpatched_sha256"]
