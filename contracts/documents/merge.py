"""Three-way merge of line-based texts: combine two edits of one base, or list conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

MARK_OURS = "<<<<<<< yours"
MARK_BASE = "||||||| base"
MARK_SPLIT = "======="
MARK_THEIRS = ">>>>>>> saved"


@dataclass(frozen=True)
class Hunk:
    """Replace base lines [start, end) by `lines` (one side's change)."""

    start: int
    end: int
    lines: list[str]
    side: str


@dataclass(frozen=True)
class MergeConflict:
    base_line: int
    base: list[str]
    ours: list[str]
    theirs: list[str]


@dataclass
class MergeResult:
    lines: list[str]
    conflicts: list[MergeConflict] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def marked_text(self) -> str:
        """The merge with git-style conflict markers around each conflict."""
        return "\n".join(self.marked)


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _hunks(base: list[str], other: list[str], side: str) -> list[Hunk]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        Hunk(i1, i2, other[j1:j2], side)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _overlaps(group_start: int, group_end: int, hunk: Hunk) -> bool:
    """Hunks clash when their base ranges intersect, or an insertion touches the other."""
    if hunk.start < group_end and group_start < hunk.end:
        return True
    touching = hunk.start == group_end or hunk.end == group_start
    inserting = hunk.start == hunk.end or group_start == group_end
    return touching and inserting


def _apply(base: list[str], start: int, end: int, hunks: list[Hunk]) -> list[str]:
    out: list[str] = []
    cursor = start
    for hunk in hunks:
        out.extend(base[cursor : hunk.start])
        out.extend(hunk.lines)
        cursor = hunk.end
    out.extend(base[cursor:end])
    return out


def _groups(hunks: list[Hunk]) -> list[list[Hunk]]:
    groups: list[list[Hunk]] = []
    start = end = -1
    for hunk in sorted(hunks, key=lambda h: (h.start, h.end, h.side)):
        if groups and _overlaps(start, end, hunk):
            groups[-1].append(hunk)
            end = max(end, hunk.end)
        else:
            groups.append([hunk])
            start, end = hunk.start, hunk.end
    return groups


def merge3(base: str, ours: str, theirs: str) -> MergeResult:
    """Merge `ours` and `theirs`, both edited from `base`."""
    base_lines = split_lines(base)
    ours_lines, theirs_lines = split_lines(ours), split_lines(theirs)
    hunks = _hunks(base_lines, ours_lines, "ours") + _hunks(base_lines, theirs_lines, "theirs")
    result = MergeResult(lines=[])
    cursor = 0
    for group in _groups(hunks):
        start = min(h.start for h in group)
        end = max(h.end for h in group)
        unchanged = base_lines[cursor:start]
        result.lines.extend(unchanged)
        result.marked.extend(unchanged)
        mine = [h for h in group if h.side == "ours"]
        other = [h for h in group if h.side == "theirs"]
        ours_text = _apply(base_lines, start, end, mine)
        theirs_text = _apply(base_lines, start, end, other)
        if not other or not mine or ours_text == theirs_text:
            chosen = ours_text if mine else theirs_text
            result.lines.extend(chosen)
            result.marked.extend(chosen)
        else:
            conflict = MergeConflict(start + 1, base_lines[start:end], ours_text, theirs_text)
            result.conflicts.append(conflict)
            result.marked.extend(
                [MARK_OURS, *ours_text, MARK_BASE, *conflict.base, MARK_SPLIT]
                + [*theirs_text, MARK_THEIRS]
            )
        cursor = end
    result.lines.extend(base_lines[cursor:])
    result.marked.extend(base_lines[cursor:])
    return result
