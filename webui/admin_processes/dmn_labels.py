"""The decision table editor's own words (dmn-js), in the reader's language.

dmn-js passes every word of its chrome through a `translate` service; the routing page's
script answers from these labels, keyed "dmn:<the English text>". Words not listed here
(rare context-menu entries) stay English.
"""

from __future__ import annotations

from flask_babel import pgettext

CONTEXT = "decision table"  # "When" here is a rule's condition, not a time: its own msgctxt


def N_(message: str) -> str:  # noqa: N802 - the conventional name pybabel extracts
    """Mark a string for the catalog (msgctxt CONTEXT); it is translated when rendered."""
    return message


# What dmn-js asks for (its English text).
DMN_WORDS = [
    N_("When"),
    N_("And"),
    N_("Then"),
    N_("Hit policy:"),
    N_("Hit policy"),
    N_("Annotations"),
    N_("Annotation"),
    N_("View DRD"),
    N_("Unique"),
    N_("First"),
    N_("Priority"),
    N_("Any"),
    N_("Collect"),
    N_("Collect (Sum)"),
    N_("Collect (Min)"),
    N_("Collect (Max)"),
    N_("Collect (Count)"),
    N_("Rule order"),
    N_("Output order"),
    N_("string"),
    N_("number"),
    N_("boolean"),
    N_("date"),
    N_("Add rule"),
    N_("Add rule above"),
    N_("Add rule below"),
    N_("Remove rule"),
    N_("Copy rule"),
    N_("Cut rule"),
    N_("Paste rule above"),
    N_("Paste rule below"),
    N_("Add input column left"),
    N_("Add input column right"),
    N_("Remove input column"),
    N_("Add output column left"),
    N_("Add output column right"),
    N_("Remove output column"),
    N_("Edit"),
    N_("Yes"),
    N_("No"),
]


def dmn_labels() -> dict[str, str]:
    """Each dmn-js word keyed "dmn:<English>", translated for the reader."""
    return {f"dmn:{word}": pgettext(CONTEXT, word) for word in DMN_WORDS}
