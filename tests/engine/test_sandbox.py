"""BPMN scripts run in a sandbox: no imports, no files, no dunder tricks."""

from __future__ import annotations

import pytest

from engine.spiff.script_engine import SandboxEnvironment, UnsafeScriptError


@pytest.mark.parametrize(
    "script",
    [
        "import os",
        "from subprocess import run",
        "x = ().__class__.__base__.__subclasses__()",
        "x = __import__('os')",
        "x = open('/etc/passwd').read()",
        "x = eval('1')",
        "x = getattr(1, 'real')",
        "x = __builtins__",
    ],
)
def test_dangerous_scripts_are_refused(script):
    env = SandboxEnvironment()
    with pytest.raises((UnsafeScriptError, NameError)):
        env.execute(script, {})


def test_ordinary_scripts_work():
    env = SandboxEnvironment()
    data = {"amounts": [3, 1, 2], "name": "x"}
    env.execute(
        "total = sum(amounts)\nlargest = max(amounts)\nlabel = name.upper() + str(len(amounts))",
        data,
    )
    assert (data["total"], data["largest"], data["label"]) == (6, 3, "X3")
    assert env.evaluate("total > 5 and label.startswith('X')", data) is True
    assert "__builtins__" not in data
