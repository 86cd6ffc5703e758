"""Each idea of the browser code has one home in ``site_js/`` (ARCHITECTURE.md, *The browser side*).

Read as text: a second definition of a stage's words, of the number format, of the mount guard or
of the figure drawing fails here, naming the file. Each rule is also shown to find what it forbids
(``test_each_rule_finds_what_it_forbids``), so a rule that matches nothing cannot pass silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE_JS = ROOT / "site_js"

# (what, the one file allowed to hold it, the pattern that finds it)
RULES = [
    ("the loading stages' words", "stages.js", re.compile(r'"(?:restore-python|start-python|load-numpy)"\s*:\s*["`]')),
    ("the number format: toPrecision / toExponential", "number_format.js", re.compile(r"\.to(?:Precision|Exponential)\(")),
    ("bytes written as megabytes", "number_format.js", re.compile(r"/\s*1e6\)\.toFixed\(")),
    ("the minus sign U+2212", "number_format.js", re.compile(r"\\u2212|\u2212")),
    ("the mount guard", "boot.js", re.compile(r"dataset\.mounted\s*=|__bgMounted")),
    ("drawing with Observable Plot", "chart.js", re.compile(r"\bPlot\.(?:plot|line|dot|barY|text)\(")),
]

# Reading a typed number back accepts the minus sign; that is parsing, not the format.
PARSING = re.compile(r'replace\("\\u2212", "-"\)')


def sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SITE_JS.glob("*.js"))}


def offenders(rule: tuple[str, str, re.Pattern[str]], files: dict[str, str]) -> list[str]:
    _, home, pattern = rule
    found = []
    for name, text in files.items():
        if name == home:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("//") or PARSING.search(line):
                continue
            if pattern.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    return found


@pytest.mark.parametrize("rule", RULES, ids=[r[0] for r in RULES])
def test_one_home(rule):
    files = sources()
    assert rule[1] in files, f"{rule[1]} is gone"
    assert rule[2].search(files[rule[1]]), f"{rule[1]} no longer holds {rule[0]}"
    assert offenders(rule, files) == [], f"{rule[0]} belongs in {rule[1]} only"


def test_each_rule_finds_what_it_forbids():
    samples = {
        "the loading stages' words": '  "restore-python": "Restoring…",',
        "the number format: toPrecision / toExponential": "text = v.toPrecision(6);",
        "bytes written as megabytes": "`${(n / 1e6).toFixed(1)} MB`",
        "the minus sign U+2212": 'text.replace("-", "\\u2212")',
        "the mount guard": "root.dataset.mounted = 'true';",
        "drawing with Observable Plot": "const svg = Plot.plot({ marks });",
    }
    for rule in RULES:
        assert offenders(rule, {"widget.js": samples[rule[0]]}), rule[0]
        assert not offenders(rule, {"widget.js": "// " + samples[rule[0]]}), rule[0]


def test_every_widget_takes_its_stage_words_from_stages_js():
    files = sources()
    users = [name for name, text in files.items() if "onProgress(" in text and name != "runtime.js"]
    assert users, "no widget follows the runtime's progress"
    direct = {name for name, text in files.items() if 'from "./stages.js"' in text}
    for name in users:
        imported = set(re.findall(r'from "\./([\w-]+\.js)"', files[name]))
        assert name in direct or imported & direct, f"{name} words the loading stages itself"
