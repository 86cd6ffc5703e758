"""The canonical site URL switch (hooks/social.py) and the authors' loop config (mkdocs.yml)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]


def social():
    spec = importlib.util.spec_from_file_location("social_hook", ROOT / "hooks/social.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_serve_keeps_the_local_default():
    social().check_site_url("serve", {})  # no exception: mkdocs serve needs no variable


@pytest.mark.parametrize("command", ["build", "gh-deploy"])
def test_a_deploy_build_needs_the_site_url(command):
    with pytest.raises(PluginError, match="BIASGRAD_SITE_URL is not set"):
        social().check_site_url(command, {})
    social().check_site_url(command, {"BIASGRAD_SITE_URL": "https://example.org/biasgrad/"})


@pytest.mark.parametrize("bad", ["example.org/biasgrad/", "ftp://example.org/", "https://example.org/biasgrad"])
def test_a_malformed_site_url_is_named(bad):
    with pytest.raises(PluginError, match="must be an absolute http"):
        social().check_site_url("build", {"BIASGRAD_SITE_URL": bad})


def test_mkdocs_build_without_the_variable_stops_before_building(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "BIASGRAD_SITE_URL"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                        "-d", str(tmp_path / "site")], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode != 0
    assert "BIASGRAD_SITE_URL is not set" in p.stderr + p.stdout
    assert not (tmp_path / "site" / "index.html").exists()


def test_serve_watches_the_package_widgets_extension_hooks_and_theme():
    from mkdocs.config import load_config

    env = {**os.environ, "BIASGRAD_SITE_URL": "http://127.0.0.1:8000/"}
    old = dict(os.environ)
    os.environ.update(env)
    try:
        cfg = load_config(str(ROOT / "mkdocs.yml"))
    finally:
        os.environ.clear()
        os.environ.update(old)
    watched = {Path(w).resolve() for w in cfg["watch"]}
    for folder in ("py", "site_js", "guide", "hooks", "overrides"):
        assert (ROOT / folder).resolve() in watched, folder
    assert "watch" in (ROOT / "README.md").read_text(encoding="utf-8") and "mkdocs serve" in (ROOT / "README.md").read_text(encoding="utf-8")
