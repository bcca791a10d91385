"""A restricted Python environment for BPMN scripts, expressions and service tasks.

Scripts come from process admins and uploaded diagrams, so they get a small
set of builtins, no imports, no file or network access and no dunder
attributes. Service tasks are handed to the step's operator caller.
"""

from __future__ import annotations

import ast
import builtins
import datetime as _datetime
import decimal as _decimal
import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

_ALLOWED_BUILTINS = (
    "abs all any bool dict divmod enumerate filter float format frozenset int isinstance "
    "len list map max min next pow range repr reversed round set sorted str sum tuple zip "
    "True False None ArithmeticError Exception KeyError IndexError TypeError ValueError "
    "ZeroDivisionError"
).split()
SAFE_BUILTINS = {name: getattr(builtins, name) for name in _ALLOWED_BUILTINS}
SAFE_GLOBALS: dict[str, Any] = {
    "__builtins__": SAFE_BUILTINS,
    "datetime": _datetime,
    "Decimal": _decimal.Decimal,
}


class UnsafeScriptError(ValueError):
    """A script uses a construct that the sandbox forbids."""


@lru_cache(maxsize=2048)
def check_script(source: str) -> None:
    """Reject imports and access to private/dunder attributes; cache the verdict."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise UnsafeScriptError("imports are not allowed in scripts")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise UnsafeScriptError(f"access to '{node.attr}' is not allowed in scripts")
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            raise UnsafeScriptError(f"the name '{node.id}' is not allowed in scripts")
        if isinstance(node, ast.Global | ast.Nonlocal):
            raise UnsafeScriptError("global/nonlocal are not allowed in scripts")


class SandboxEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment with restricted globals and a pre-check of every script."""

    def __init__(self, service_caller: ServiceCaller | None = None) -> None:
        super().__init__(dict(SAFE_GLOBALS))
        self.service_caller = service_caller

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None):
        check_script(expression)
        return super().evaluate(_compiled(expression, "eval"), context, external_context)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None):
        check_script(script)
        return super().execute(_compiled(script, "exec"), context, external_context)


@lru_cache(maxsize=2048)
def _compiled(source: str, mode: str) -> Any:
    """Compile a script or expression once: every step evaluates the same few again."""
    return compile(source, "<string>", mode)


ServiceCaller = Callable[[Any, str, dict[str, Any]], Any]


class SandboxScriptEngine(PythonScriptEngine):
    """The script engine every workflow runs with; service tasks go to `service_caller`."""

    def __init__(self, service_caller: ServiceCaller | None = None) -> None:
        super().__init__(environment=SandboxEnvironment())
        self.service_caller = service_caller

    def call_service(
        self, task: Any, operation_name: str = "", operation_params: Any = None, **_: Any
    ):
        if self.service_caller is None:
            raise WorkflowTaskException(
                f"no operator caller configured for '{operation_name}'", task=task
            )
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        result = self.service_caller(task, operation_name, params)
        return json.dumps(result, default=str)
