"""Importing BPMN from other modelers: deployed, or what is missing element by element."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import DefinitionError
from engine.import_analysis import import_bpmn
from engine.lint import LintContext
from engine.spiff.parser import NotXmlError
from tests.engine.conftest import review_bundle

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "bpmn-corpus" / "miwg"
LINT = LintContext(operators=frozenset({"test/Record"}), groups=frozenset({"reviewers"}))


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.bpmn")), ids=lambda p: p.name)
def test_every_corpus_file_deploys_or_lists_what_is_missing(session, path):
    result = import_bpmn(session, path.read_bytes(), path.name, lint=LINT, actor="admin")
    if result.status == "deployed":
        assert result.deployed
    else:
        assert result.status == "incomplete" and result.missing
        for item in result.missing:
            assert item["element_id"] and item["element_type"] and item["what_to_add"]


def test_the_corpus_is_there():
    assert len(list(CORPUS.glob("*.bpmn"))) == 14


def test_a_non_executable_process_is_named(session):
    data = (CORPUS / "A.1.0.bpmn").read_bytes()
    result = import_bpmn(session, data, "A.1.0.bpmn", lint=LINT, actor="admin")
    assert [m["what_to_add"] for m in result.missing] == [
        'mark the process executable (isExecutable="true")'
    ]


def test_a_complete_latin1_file_deploys(session):
    text = review_bundle()["review.bpmn"].replace('name="Review it"', 'name="Prüfen"')
    data = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    text_with_form = data.replace(
        b'<spiffworkflow:property name="dueIn"',
        b'<spiffworkflow:property name="formJsonSchemaFilename" value="f.json" />'
        b'<spiffworkflow:property name="dueIn"',
    )
    result = import_bpmn(session, text_with_form, "review.bpmn", lint=LINT, actor="admin")
    assert result.status == "deployed", result.missing
    assert "Prüfen" in result.deployed[0].files["review.bpmn"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"%PDF-1.4 not xml", NotXmlError),
        (b"<definitions><unclosed></definitions>", DefinitionError),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
            DefinitionError,
        ),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>', DefinitionError),
    ],
)
def test_bad_uploads_are_refused(session, data, error):
    with pytest.raises(error):
        import_bpmn(session, data, "x.bpmn", lint=LINT, actor="admin")
