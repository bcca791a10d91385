"""Compare two texts: word by word for Latin script, character by character for Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_TOKEN = re.compile(rf"[{_CJK}]|\s+|(?:(?![{_CJK}])\w)+|.", re.DOTALL)


class Op(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True)
class DiffOp:
    op: Op
    text: str


@dataclass(frozen=True)
class DiffStats:
    inserted: int
    deleted: int


def tokenize(text: str) -> list[str]:
    """Split into CJK characters one by one, Latin words, whitespace runs and punctuation."""
    return _TOKEN.findall(text)


def diff_texts(old: str, new: str) -> list[DiffOp]:
    """Return the edit from `old` to `new` as equal/delete/insert runs.

    Paragraphs are matched first, then only changed paragraphs are compared token
    by token, which keeps long documents fast.
    """
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    ops: list[DiffOp] = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(ops, Op.EQUAL, "".join(old_lines[i1:i2]))
        else:
            _token_diff(ops, "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2]))
    return ops


def _token_diff(ops: list[DiffOp], old: str, new: str) -> None:
    a, b = tokenize(old), tokenize(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(ops, Op.EQUAL, "".join(a[i1:i2]))
            continue
        if i2 > i1:
            _append(ops, Op.DELETE, "".join(a[i1:i2]))
        if j2 > j1:
            _append(ops, Op.INSERT, "".join(b[j1:j2]))


def _append(ops: list[DiffOp], op: Op, text: str) -> None:
    if not text:
        return
    if ops and ops[-1].op == op:
        ops[-1] = DiffOp(op, ops[-1].text + text)
    else:
        ops.append(DiffOp(op, text))


def stats(ops: list[DiffOp]) -> DiffStats:
    """Count inserted and deleted tokens."""
    inserted = sum(len(tokenize(o.text)) for o in ops if o.op == Op.INSERT)
    deleted = sum(len(tokenize(o.text)) for o in ops if o.op == Op.DELETE)
    return DiffStats(inserted=inserted, deleted=deleted)


def side_by_side(ops: list[DiffOp]) -> tuple[list[DiffOp], list[DiffOp]]:
    """Split the ops into the left (old: equal + deleted) and right (new: equal + inserted)."""
    left = [o for o in ops if o.op != Op.INSERT]
    right = [o for o in ops if o.op != Op.DELETE]
    return left, right
