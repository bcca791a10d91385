"""Deploying versions, and rejecting bad BPMN with the element that is wrong."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import definitions, runtime
from engine.errors import DefinitionError
from engine.models import HumanTask
from tests.engine.conftest import review_bundle


def test_deploy_is_idempotent_and_a_change_makes_a_new_version(session):
    first = definitions.deploy(session, review_bundle(), actor="admin", note="v1")
    again = definitions.deploy(session, review_bundle())
    assert [d.version for d in first] == [1]
    assert again[0].id == first[0].id
    changed = {
        "review.bpmn": review_bundle()["review.bpmn"].replace(
            'name="Review it"', 'name="Review it now"'
        )
    }
    second = definitions.deploy(session, changed, actor="admin")
    assert second[0].version == 2
    assert definitions.latest_definition(session, "review").id == second[0].id


def test_running_instances_keep_their_version(session, env):
    definitions.deploy(session, review_bundle())
    old = runtime.start_instance(session, "review", business_key=None, data={}, actor=None, env=env)
    changed = {
        "review.bpmn": review_bundle()["review.bpmn"].replace('name="Review it"', 'name="Check it"')
    }
    definitions.deploy(session, changed)
    new = runtime.start_instance(session, "review", business_key=None, data={}, actor=None, env=env)
    session.commit()
    names = {t.instance_id: t.name for t in session.scalars(select(HumanTask))}
    assert (old.definition.version, names[old.id]) == (1, "Review it")
    assert (new.definition.version, names[new.id]) == (2, "Check it")
    [task] = [t for t in session.scalars(select(HumanTask)) if t.instance_id == old.id]
    runtime.complete_task(session, task.id, {"verdict": "ok"}, actor="a", env=env)
    assert old.definition.version == 1


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda x: x.replace("<bpmn:endEvent", "<bpmn:endEvnt").replace(
                "</bpmn:process>", "</bpmn:process>"
            ),
            "malformed",
        ),
        (
            lambda x: x.replace(
                'sourceRef="pause" targetRef="end"', 'sourceRef="pause" targetRef="nowhere"'
            ),
            "nowhere",
        ),
        (
            lambda x: x.replace('isExecutable="true"', 'isExecutable="false"'),
            "no executable process",
        ),
        (
            lambda x: x.replace(
                '<bpmn:userTask id="review_task"', '<bpmn:userTask id="review_task" bogus:attr="1"'
            ),
            "malformed",
        ),
    ],
)
def test_invalid_bpmn_is_rejected_with_a_clear_message(session, mutate, expected):
    with pytest.raises(DefinitionError) as caught:
        definitions.deploy(session, {"review.bpmn": mutate(review_bundle()["review.bpmn"])})
    assert expected in str(caught.value).lower()
    assert caught.value.details and caught.value.details[0]["message"]
    assert definitions.latest_definition(session, "review", required=False) is None


def test_schema_violation_names_the_element(session):
    text = review_bundle()["review.bpmn"].replace(
        '<bpmn:userTask id="review_task" name="Review it">',
        '<bpmn:userTask id="review_task" name="Review it"><bpmn:notAnElement />',
    )
    with pytest.raises(DefinitionError) as caught:
        definitions.deploy(session, {"review.bpmn": text})
    problem = caught.value.details[0]
    assert problem["file"] == "review.bpmn"
    assert problem["line"]


@pytest.mark.parametrize(
    "payload",
    [
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&xxe;</bpmn:definitions>',
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>',
    ],
)
def test_entities_are_refused(session, payload):
    with pytest.raises(DefinitionError, match="DOCTYPE"):
        definitions.deploy(session, {"evil.bpmn": payload})


def test_not_bpmn_at_all(session):
    with pytest.raises(DefinitionError, match="not a BPMN or DMN"):
        definitions.deploy(session, {"x.bpmn": "<html><body>hi</body></html>"})
