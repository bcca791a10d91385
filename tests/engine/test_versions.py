"""Comparing two versions element by element; redeploying an old version."""

from __future__ import annotations

import pytest

from engine import definitions, versions
from engine.errors import ConflictError
from tests.engine.conftest import review_bundle


def _changed(old: str, new: str) -> dict[str, str]:
    return {"review.bpmn": review_bundle()["review.bpmn"].replace(old, new)}


def test_compare_lists_added_removed_and_changed_with_aspects(session):
    spare = '<bpmn:message id="ack" name="ack" /><bpmn:message id="spare" name="spare" />'
    definitions.deploy(session, _changed('<bpmn:message id="ack" name="ack" />', spare))
    text = review_bundle()["review.bpmn"]
    text = text.replace('name="Review it"', 'name="Check it"')
    text = text.replace('"P1D"', '"P2D"')
    text = text.replace(
        '<bpmn:endEvent id="end">', '<bpmn:task id="extra" name="Extra" /><bpmn:endEvent id="end">'
    )
    definitions.deploy(session, {"review.bpmn": text})
    result = versions.compare_versions(session, "review", 1, 2)
    assert [c.element_id for c in result.added] == ["extra"]
    assert [c.element_id for c in result.removed] == ["spare"]
    changed = {c.element_id: c.aspects for c in result.changed}
    assert changed == {"review_task": ["name"], "pause": ["timer"], "pause_def": ["timer"]}


def test_redeploy_makes_an_old_version_the_newest(session):
    [v1] = definitions.deploy(session, review_bundle(), note="first")
    definitions.deploy(session, _changed('name="Review it"', 'name="Check it"'))
    v3 = versions.redeploy_version(session, "review", 1, actor="admin", note="rollback")
    assert (v3.version, v3.checksum, v3.files) == (3, v1.checksum, v1.files)
    assert v3.note == "redeployed from v1: rollback"
    assert definitions.latest_definition(session, "review").id == v3.id
    assert versions.compare_versions(session, "review", 1, 3).changed == []


def test_redeploying_the_newest_content_is_a_conflict(session):
    definitions.deploy(session, review_bundle())
    with pytest.raises(ConflictError):
        versions.redeploy_version(session, "review", 1, actor="admin")
