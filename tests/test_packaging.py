"""The package as a Python user meets it: lockfiles, metadata, sdist, wheel, a fresh install.

The builds copy the project to a temporary folder first, so the work tree is never written to.
pip installs only pinned, hash-checked files (from its cache when warm).
"""

from __future__ import annotations

import ast
import email
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import venv
import zipfile

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SKIP = {".git", ".venv", ".venv-numpy-min", "node_modules", ".cache", "site", "build", "dist",
        "__pycache__", ".pytest_cache", ".hypothesis", "screenshots"}


def version() -> str:
    tree = ast.parse((ROOT / "py/biasgrad/__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "__version__":
            return ast.literal_eval(node.value)
    raise AssertionError("py/biasgrad/__init__.py sets no __version__")


def run(*cmd, cwd=None, env=None, timeout=600):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"{cmd} exited {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    return p


def copy_project(dest: pathlib.Path) -> pathlib.Path:
    shutil.copytree(ROOT, dest, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith(".egg-info")])
    return dest


def make_venv(path: pathlib.Path) -> pathlib.Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin" / "python"


def pip(python: pathlib.Path, *args):
    return run(python, "-m", "pip", "--disable-pip-version-check", "--no-input", *args)


# ---------------------------------------------------------------- lockfiles

LOCK_LINE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+ \\")
HASH_LINE = re.compile(r"    --hash=sha256:[0-9a-f]{64}( \\)?")


@pytest.mark.parametrize("lock", sorted((ROOT / "requirements").glob("*.lock")), ids=lambda p: p.name)
def test_lock_holds_only_versions_and_hashes(lock):
    """No --extra-index-url, --find-links, paths or URLs: only `name==version` and its hashes."""
    pins = 0
    for n, line in enumerate(lock.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert LOCK_LINE.fullmatch(line) or HASH_LINE.fullmatch(line), f"{lock.name}:{n}: {line!r}"
        pins += bool(LOCK_LINE.fullmatch(line))
    assert pins > 0, f"{lock.name} pins nothing"


def test_lock_checker_rejects_machine_specific_lines():
    for bad in ("--extra-index-url file:///opt/pypi/simple", "--find-links /opt/wheels",
                "numpy @ file:///tmp/numpy.whl", "-e .", "numpy>=1.26 \\"):
        assert not (LOCK_LINE.fullmatch(bad) or HASH_LINE.fullmatch(bad)), bad


def pinned(lock: str, name: str) -> str:
    m = re.search(rf"^{re.escape(name)}==(\S+) \\$", (ROOT / "requirements" / lock).read_text(encoding="utf-8"), re.M)
    assert m, f"{lock} does not pin {name}"
    return m.group(1)


def lower_bound(spec: SpecifierSet) -> str:
    lows = [s.version for s in spec if s.operator == ">="]
    assert len(lows) == 1, f"expected one >= bound in {spec}"
    return lows[0]


def test_lowest_setuptools_is_the_one_tested():
    (req,) = [Requirement(r) for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    assert lower_bound(req.specifier) == pinned("build-min.lock", "setuptools")


def test_lowest_numpy_is_the_one_tested():
    (req,) = [Requirement(r) for r in PYPROJECT["project"]["dependencies"] if r.startswith("numpy")]
    low = lower_bound(req.specifier)
    assert pinned("numpy-min.lock", "numpy").startswith(low + "."), (low, pinned("numpy-min.lock", "numpy"))


MATH_TESTS = [line for line in (ROOT / "tests/math_tests.txt").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")]
MATH_DEPS = {"biasgrad", "numpy", "pytest", "hypothesis", "mpmath"}


@pytest.mark.parametrize("path", MATH_TESTS)
def test_math_tests_need_only_the_numpy_min_lock(path):
    """Every file tools/test.sh runs against numpy-min.lock imports nothing else outside the stdlib."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    tops = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    tops |= {n.module.split(".")[0] for n in ast.walk(tree)
             if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}
    foreign = tops - MATH_DEPS - set(sys.stdlib_module_names)
    assert not foreign, f"{path} imports {foreign}, which requirements/numpy-min.lock does not install"
    locked = {line.split("==")[0] for line in (ROOT / "requirements/numpy-min.lock").read_text().splitlines()
              if LOCK_LINE.fullmatch(line)}
    assert MATH_DEPS - {"biasgrad"} <= locked


# ---------------------------------------------------------------- metadata and documents

def test_readme_links_work_on_a_package_index():
    """A package index shows README.md without the repository around it: no relative links."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)", text) + re.findall(r"""(?:src|href)=["']([^"']+)""", text)
    relative = [t for t in targets if not re.match(r"https?://", t)]
    assert not relative, f"relative links in README.md: {relative}"
    source = PYPROJECT["project"]["urls"]["Source"]
    for t in targets:
        if "/blob/main/" in t:
            assert t.startswith(source + "/blob/main/")
            assert (ROOT / t.split("/blob/main/", 1)[1].split("#")[0]).is_file(), f"{t}: no such file"


def test_citation_and_changelog_name_this_version():
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf"^version: {re.escape(version())}$", cff, re.M)
    assert re.search(r"^cff-version: 1\.2\.0$", cff, re.M) and "title:" in cff and "authors:" in cff
    assert f"## [{version()}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_version_flag_prints_the_package_version():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "py"))
    p = run(sys.executable, "-m", "biasgrad", "--version", env=env)
    assert p.stdout.strip() == f"biasgrad {version()}"


# ---------------------------------------------------------------- builds

@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    """sdist, then the wheel built from that sdist (so the sdist must be complete)."""
    src = copy_project(tmp_path_factory.mktemp("src") / "biasgrad")
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, src)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def wheel_metadata(wheel: pathlib.Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(z.read(name))


def test_wheel_metadata_is_complete(dists):
    _, wheel = dists
    md = wheel_metadata(wheel)
    assert md["Version"] == version()
    assert md["License-Expression"] == "MIT" and md.get_all("License-File") == ["LICENSE"]
    with zipfile.ZipFile(wheel) as z:
        (lic,) = [n for n in z.namelist() if n.endswith("/licenses/LICENSE")]
        assert z.read(lic).decode().startswith("MIT License")
    urls = dict(u.split(", ", 1) for u in md.get_all("Project-URL"))
    assert {"Homepage", "Documentation", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())
    versions = {c.rsplit(" :: ", 1)[1] for c in md.get_all("Classifier") if c.startswith("Programming Language :: Python :: 3.")}
    assert versions == {"3.11", "3.12", "3.13"}
    assert md.get_all("Provides-Extra") == ["test"]
    test_reqs = {Requirement(r).name for r in md.get_all("Requires-Dist") if "extra" in r}
    assert test_reqs == {"pytest", "hypothesis", "mpmath"}
    assert md["Requires-Python"] == ">=3.11"


def test_twine_check_strict(dists):
    p = run(sys.executable, "-m", "twine", "check", "--strict", *dists)
    assert p.stdout.count("PASSED") == 2, p.stdout


def test_wheel_builds_with_the_lowest_setuptools(tmp_path):
    """The lowest [build-system] bound, exactly, in an env of its own (no build isolation to hide it)."""
    py = make_venv(tmp_path / "venv")
    pip(py, "install", "--require-hashes", "--no-deps", "-r", ROOT / "requirements/build-min.lock")
    got = run(py, "-c", "import setuptools; print(setuptools.__version__)").stdout.strip()
    assert got == pinned("build-min.lock", "setuptools")
    src = copy_project(tmp_path / "src")
    pip(py, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", tmp_path / "out", src)
    (wheel,) = (tmp_path / "out").glob("*.whl")
    md = wheel_metadata(wheel)
    assert md["Version"] == version() and md["License-Expression"] == "MIT"


def test_wheel_in_a_fresh_venv_runs_the_cli(dists, tmp_path):
    _, wheel = dists
    py = make_venv(tmp_path / "venv")
    numpy = f"numpy=={pinned('dev.lock', 'numpy')}"
    hashes = re.search(rf"^{re.escape(numpy)} \\\n((?:    --hash=\S+(?: \\)?\n)+)",
                       (ROOT / "requirements/dev.lock").read_text(encoding="utf-8"), re.M).group(1)
    (tmp_path / "req.txt").write_text(f"{numpy} \\\n{hashes}", encoding="utf-8")
    pip(py, "install", "--require-hashes", "-r", tmp_path / "req.txt")
    pip(py, "install", "--no-deps", wheel)
    exe = tmp_path / "venv/bin/biasgrad"
    assert run(exe, "--version", cwd=tmp_path).stdout.strip() == f"biasgrad {version()}"
    out = run(exe, "--x", "1.5", "--w", "0.8", "--b", "0.1", "--y", "1", "--activation", "sigmoid",
              "--loss", "bce", "--lr", "0.1", cwd=tmp_path).stdout
    # b_next = 0.1 − 0.1·(σ(1.3) − 1), worked out here rather than copied from the output
    import math
    b_next = 0.1 - 0.1 * (1 / (1 + math.exp(-1.3)) - 1)
    assert re.search(rf"b_next\s+=.*= {b_next:.12g}$", out, re.M), out
    where = run(py, "-c", "import biasgrad; print(biasgrad.__file__)", cwd=tmp_path).stdout
    assert str(tmp_path / "venv") in where


def test_sdist_runs_its_own_math_tests(dists, tmp_path):
    sdist, _ = dists
    with tarfile.open(sdist) as t:
        t.extractall(tmp_path, filter="data")
    (top,) = tmp_path.iterdir()
    for needed in ["LICENSE", "CHANGELOG.md", "CITATION.cff", "tests/conftest.py", *MATH_TESTS]:
        assert (top / needed).is_file(), f"the sdist lacks {needed}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    p = run(sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not browser",
            "--rootdir", top, *MATH_TESTS, cwd=top, env=env, timeout=1200)
    assert re.search(r"\d+ passed", p.stdout) and " failed" not in p.stdout
    # the tests imported the sdist's copy, not the work tree's
    probe = run(sys.executable, "-c", "import sys; sys.path.insert(0, 'py'); import biasgrad; print(biasgrad.__file__)",
                cwd=top, env=env).stdout
    assert probe.strip().startswith(str(top))
