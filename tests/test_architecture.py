"""The guards of docs/architecture.md: import contracts and the complexity limit.

`make lint` runs the same checks; these tests show that each guard holds today *and* that it
catches the thing it forbids (an import added to the real graph, a function one branch too many).
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter import api
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.protected import ProtectedContract

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_TYPES: dict[str, Any] = {
    "layers": LayersContract,
    "acyclic_siblings": AcyclicSiblingsContract,
    "protected": ProtectedContract,
    "forbidden": ForbiddenContract,
}


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return api.read_configuration(str(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def graph(config: dict[str, Any]) -> grimp.ImportGraph:
    options = config["session_options"]
    return grimp.build_graph(
        *options["root_packages"],
        include_external_packages=options.get("include_external_packages", False),
        cache_dir=None,
    )


def kept(config: dict[str, Any], contract_id: str, graph: grimp.ImportGraph) -> bool:
    options = next(c for c in config["contracts_options"] if c.get("id") == contract_id)
    contract = CONTRACT_TYPES[options["type"]](
        name=options["name"], session_options=config["session_options"], contract_options=options
    )
    return bool(contract.check(copy.deepcopy(graph), verbose=False).kept)


def test_every_import_contract_holds_today(config: dict[str, Any], graph: grimp.ImportGraph):
    ids = [c["id"] for c in config["contracts_options"]]
    assert {"layers", "contracts-acyclic"} <= set(ids)
    assert [i for i in ids if not kept(config, i, graph)] == []


@pytest.mark.parametrize(
    ("contract_id", "importer", "imported"),
    [
        ("layers", "engine.runtime", "contracts.core.models"),
        ("layers", "engine.clock", "webui.config"),
        ("layers", "contracts.core.service", "connectors.contract_facts"),
        ("layers", "connectors.operators", "webui.extensions"),
        # inbox already imports identity: the way back closes a circle.
        ("contracts-acyclic", "contracts.identity.models", "contracts.inbox.queries"),
        ("spiff-adapter", "contracts.core.service", "engine.spiff.workflow"),
        ("spiffworkflow", "connectors.operators", "SpiffWorkflow"),
        ("inbox-internals", "contracts.core.numbering", "contracts.inbox.projection"),
        ("inbox-internals", "webui.inbox.views", "contracts.inbox.models"),
        ("audit-internals", "contracts.core.service", "contracts.audit.models"),
        ("documents-internals", "contracts.templates.service", "contracts.documents.storage"),
        ("identity-internals", "webui.contracts.views", "contracts.identity.throttle_models"),
        ("approval-internals", "contracts.inbox.queries", "contracts.approval.models"),
    ],
)
def test_each_import_contract_catches_what_it_forbids(
    config: dict[str, Any],
    graph: grimp.ImportGraph,
    contract_id: str,
    importer: str,
    imported: str,
):
    broken = copy.deepcopy(graph)
    broken.add_import(importer=importer, imported=imported)
    assert not kept(config, contract_id, broken)


def _nested_ifs(count: int) -> str:
    """A function of cyclomatic complexity `count` + 1."""
    body = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(count))
    return f"def f(x: int) -> int:\n{body}    return -1\n"


def _complexity_findings(path: str, source: str) -> str:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [
            str(ruff) if ruff.exists() else "ruff",
            "check",
            "--select",
            "C901",
            "--stdin-filename",
            path,
            "-",
        ],
        input=textwrap.dedent(source),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("path", "branches", "flagged"),
    [
        ("contracts/core/example.py", 9, False),
        ("contracts/core/example.py", 10, True),
        ("webui/example.py", 10, True),
        ("engine/example.py", 10, True),
        # Benchmarks are scripts; bench/ruff.toml keeps them at 12.
        ("bench/example.py", 10, False),
        ("bench/example.py", 12, True),
    ],
)
def test_product_code_stays_at_complexity_ten(path: str, branches: int, flagged: bool):
    assert ("C901" in _complexity_findings(path, _nested_ifs(branches))) is flagged


DOC = ROOT / "docs" / "architecture.md"
# `engine/runtime.py`, `engine/runtime.py:Step.save`, `contracts/core/` (a package).
_REFERENCE = re.compile(
    r"`((?:engine|contracts|connectors|webui|bench|tests)/[\w/.]*)(?::([\w.]+))?`"
)
FUTURE_SECTION = "## Where a new feature goes"


def _missing_references(text: str) -> list[str]:
    missing = []
    for path, name in _REFERENCE.findall(text):
        if not path.endswith((".py", "/")):
            continue  # an operator name such as `contracts/SetStatus`
        target = ROOT / path
        if not target.exists():
            missing.append(path)
        elif name and not re.search(
            rf"^\s*(?:def|class) {re.escape(name.split('.')[-1])}\b",
            target.read_text(encoding="utf-8"),
            re.MULTILINE,
        ):
            missing.append(f"{path}:{name}")
    return missing


def test_architecture_map_names_only_what_exists():
    text = DOC.read_text(encoding="utf-8")
    present, _, future = text.partition(FUTURE_SECTION)
    future_tail = future.partition("\n## ")[2]  # the sections after the new-feature table
    assert _missing_references(present + future_tail) == []
    assert _missing_references("`contracts/inbox/nowhere.py`") == ["contracts/inbox/nowhere.py"]
    assert _missing_references("`engine/runtime.py:Step.nowhere`") == [
        "engine/runtime.py:Step.nowhere"
    ]
