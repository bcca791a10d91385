"""Our lint rules, one by one, each naming the element that is wrong."""

from __future__ import annotations

import pytest

from engine import definitions
from engine.errors import DefinitionError
from engine.lint import LintContext, lint_bundle
from tests.engine.conftest import review_bundle

CONTEXT = LintContext(
    operators=frozenset({"test/Record"}),
    form_exists=lambda name: name == "approval.schema.json",
    groups=frozenset({"reviewers", "legal"}),
)
PROPS = '<spiffworkflow:properties><spiffworkflow:property name="dueIn" value="\'PT2H\'" />'


def _review(old: str, new: str) -> dict[str, str]:
    text = review_bundle()["review.bpmn"]
    assert old in text
    return {"review.bpmn": text.replace(old, new)}


def test_the_review_process_is_clean():
    assert lint_bundle(review_bundle(), CONTEXT) == []


@pytest.mark.parametrize(
    ("old", "new", "element_id", "rule"),
    [
        ('id="test/Record"', 'id="test/Nope"', "notify", "operator_exists"),
        (
            PROPS,
            PROPS + '<spiffworkflow:property name="formJsonSchemaFilename" value="x.json" />',
            "review_task",
            "form_exists",
        ),
        (
            PROPS,
            PROPS + '<spiffworkflow:property name="candidateGroups" value="[\'nobody\']" />',
            "review_task",
            "group_exists",
        ),
        ('name="reviewers"', 'name="strangers"', "lane_reviewers", "group_exists"),
        ('"P1D"', '"one day"', "pause", "timer_parses"),
        ('value="verdict"', "value=\"__import__('os')\"", "notify", "script_safe"),
        ('value="verdict"', 'value="verdict +"', "notify", "script_compiles"),
    ],
)
def test_each_rule_names_the_element(old, new, element_id, rule):
    problems = lint_bundle(_review(old, new), CONTEXT)
    assert [(p["element_id"], p["rule"]) for p in problems] == [(element_id, rule)]
    assert problems[0]["file"] == "review.bpmn" and problems[0]["message"]


def test_an_expression_as_candidate_group_is_not_checked():
    props = PROPS + '<spiffworkflow:property name="candidateGroups" value="approver_group" />'
    assert lint_bundle(_review(PROPS, props), CONTEXT) == []


def test_a_called_decision_must_exist(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "processes"
    files = definitions.read_bundle(root)
    files["contract_approval.bpmn"] = files["contract_approval.bpmn"].replace(
        ">approval_routing</spiffworkflow:calledDecisionId>",
        ">routing_v2</spiffworkflow:calledDecisionId>",
    )
    problems = lint_bundle(files, LintContext())
    assert [(p["element_id"], p["rule"]) for p in problems] == [
        ("determine_approvers", "decision_exists")
    ]


def test_an_unsafe_expression_is_refused_at_deploy(session):
    files = _review('value="verdict"', 'value="verdict.__class__.__bases__"')
    with pytest.raises(DefinitionError) as caught:
        definitions.deploy(session, files, lint=CONTEXT)
    assert caught.value.details[0]["element_id"] == "notify"
    assert definitions.latest_definition(session, "review", required=False) is None
