"""A clone of the repository alone must build, run and test: no file reaches outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A path that climbs out of the checkout into the sibling shared folder: a relative climb,
# or `.parent / "shared"` / `".." / "shared"` built in code. (The pattern below spells
# the climb with escapes, so this file does not name such a path itself.)
_OUTSIDE = re.compile(
    r"""\.\./shared|\.parent\s*/\s*["']shared["']|["']\.\.["']\s*/\s*["']shared["']"""
)


def _tracked_files() -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [ROOT / name for name in listing.splitlines()]


def test_no_tracked_file_reads_a_path_outside_the_repository():
    offenders = []
    for path in _tracked_files():
        if path.suffix not in {".py", ".md", ".mk", ".sh", ".cfg", ".toml", ".ini", ".yml"} and (
            path.name not in {"Makefile", "Dockerfile", "run"}
        ):
            continue
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [
            f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), 1)
            if _OUTSIDE.search(line)
        ]
    assert offenders == []


def test_the_bpmn_corpus_ships_with_the_tests():
    corpus = ROOT / "tests" / "fixtures" / "bpmn-corpus" / "miwg"
    assert len(list(corpus.glob("*.bpmn"))) == 14
    assert "Creative Commons" in (corpus.parent / "README.md").read_text(encoding="utf-8")
