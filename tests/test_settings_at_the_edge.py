"""Settings are read once at the edge (webui/) and passed in: no environment reads below it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BELOW_THE_EDGE = ("engine", "contracts", "connectors")
ENVIRONMENT = re.compile(
    r"\bos\s*\.\s*(environ|getenv)\b|\bfrom\s+os\s+import\s+[^\n]*\b(environ|getenv)\b"
)
FLASK_BABEL = re.compile(r"^\s*(from|import)\s+flask_babel\b", re.M)


def sources(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def offenders(pattern: re.Pattern[str], files: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in files if pattern.search(p.read_text())]


def test_the_packages_below_the_web_ui_exist():
    assert all(len(sources(package)) > 3 for package in BELOW_THE_EDGE)


def test_nothing_below_the_web_ui_reads_the_environment():
    assert offenders(ENVIRONMENT, sources(*BELOW_THE_EDGE)) == []


def test_the_service_layer_does_not_translate_through_flask():
    assert offenders(FLASK_BABEL, sources("contracts", "connectors", "engine")) == []


@pytest.mark.parametrize(
    "line",
    [
        'x = os.environ.get("CONTRACTFLOW_BASE_URL")',
        'x = os.getenv("HOME")',
        "from os import environ",
        "from os import path, getenv",
    ],
)
def test_the_check_sees_each_way_of_reading_it(line):
    assert ENVIRONMENT.search(line)
