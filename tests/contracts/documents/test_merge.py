import pytest

from contracts.documents.merge import merge3

BASE = "Title\nClause 1: pay in 30 days\nClause 2: deliver in May\nClause 3: law of PRC"


def test_changes_to_different_lines_merge():
    ours = BASE.replace("30 days", "45 days")
    theirs = BASE.replace("law of PRC", "law of PRC, Shanghai courts")
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert result.text == (
        "Title\nClause 1: pay in 45 days\nClause 2: deliver in May\n"
        "Clause 3: law of PRC, Shanghai courts"
    )


def test_adjacent_line_edits_merge():
    ours = BASE.replace("30 days", "45 days")
    theirs = BASE.replace("May", "June")
    assert merge3(BASE, ours, theirs).text == BASE.replace("30 days", "45 days").replace(
        "May", "June"
    )


def test_same_change_on_both_sides_is_taken_once():
    both = BASE + "\nClause 4: 保密"
    result = merge3(BASE, both, both)
    assert result.clean and result.text == both


def test_one_side_unchanged_takes_the_other():
    theirs = BASE.replace("Title", "采购合同")
    assert merge3(BASE, BASE, theirs).text == theirs
    assert merge3(BASE, theirs, BASE).text == theirs


def test_both_changing_one_line_is_a_conflict():
    ours = BASE.replace("30 days", "45 days")
    theirs = BASE.replace("30 days", "60 days")
    result = merge3(BASE, ours, theirs)
    assert not result.clean
    [conflict] = result.conflicts
    assert conflict.base_line == 2
    assert conflict.base == ["Clause 1: pay in 30 days"]
    assert conflict.ours == ["Clause 1: pay in 45 days"]
    assert conflict.theirs == ["Clause 1: pay in 60 days"]
    assert "<<<<<<< yours\nClause 1: pay in 45 days\n||||||| base" in result.marked_text


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (BASE + "\nClause 4: A", BASE + "\nClause 4: B"),  # both append differently
        (BASE.replace("Clause 2: deliver in May\n", ""), BASE.replace("May", "June")),
    ],
)
def test_conflicting_edits(ours, theirs):
    result = merge3(BASE, ours, theirs)
    assert len(result.conflicts) == 1


def test_conflicts_and_clean_merges_together():
    ours = BASE.replace("30 days", "45 days").replace("PRC", "HK")
    theirs = BASE.replace("30 days", "60 days")
    result = merge3(BASE, ours, theirs)
    assert len(result.conflicts) == 1
    assert result.marked_text.startswith("Title\n<<<<<<< yours")
    assert result.marked_text.endswith("Clause 3: law of HK")
