"""Policy edits: applied, validated with the field named, written back as a valid file."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.cli import main
from scoring import Rubric, RubricError, load_answers, load_rubric, parse_answers, score
from scoring.answers import answers_to_yaml
from scoring.policy import PolicyEdits, apply_edits, bump_version, rubric_to_yaml, section_changes

from .conftest import ROOT

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")


@pytest.mark.parametrize(
    ("old", "new"), [("1.0.0", "1.0.1"), ("2", "3"), ("2026.9", "2026.10"), ("draft", "draft.1")]
)
def test_bump_version(old: str, new: str) -> None:
    assert bump_version(old) == new


def test_edited_policy_round_trips_through_yaml_and_validate(
    default_rubric: Rubric, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edits = PolicyEdits(
        recommend=72,
        section_weights={"expertise": 2.5},
        question_weights={"human_review": 3},
        rules_enabled={"automated_high_stakes": False},
        conditions_enabled={"evaluation_plan": False},
        min_answered_share=0.5,
    )
    edited = apply_edits(default_rubric, edits)
    major, minor, patch = default_rubric.version.split(".")
    assert edited.version == f"{major}.{minor}.{int(patch) + 1}"
    assert edited.thresholds.recommend == 72
    assert edited.sections_by_id["expertise"].weight == 2.5
    assert not next(r for r in edited.hard_rules if r.id == "automated_high_stakes").enabled
    assert not next(c for c in edited.conditions if c.id == "evaluation_plan").enabled
    assert edited.finality.min_answered_share == 0.5
    path = tmp_path / "edited.yaml"
    path.write_text(rubric_to_yaml(edited))
    assert main(["validate", str(path)]) == 0
    assert f"default v{edited.version}" in capsys.readouterr().out
    assert load_rubric(path) == edited


def test_invalid_edit_names_the_field(default_rubric: Rubric) -> None:
    with pytest.raises(RubricError) as info:
        apply_edits(default_rubric, PolicyEdits(adapt=90, section_weights={"resources": -1}))
    text = str(info.value)
    assert (
        "policy editor: section 'resources' → weight: expected a number at least 0, found number -1"
        in text
    )
    assert (
        "policy editor: thresholds → adapt: expected the adapt threshold (90) to be at most "
        "the recommend threshold (65)"
    ) in text


def test_section_changes_show_what_moved(default_rubric: Rubric) -> None:
    answers = load_answers(ROOT / "examples" / "invoice_extraction.yaml", default_rubric)
    before = score(default_rubric, answers)
    after = score(
        apply_edits(default_rubric, PolicyEdits(section_weights={"expertise": 3})), answers
    )
    moved = {c.id for c in section_changes(before, after) if c.moved}
    # Only the reweighted section moved: every other section's share of the score shifted
    # with it, but its own score and weight did not.
    assert moved == {"expertise"}
    assert after.score < before.score  # expertise scores below the average here


@pytest.mark.parametrize(
    "example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem
)
def test_downloaded_answers_yaml_reads_back(default_rubric: Rubric, example: Path) -> None:
    answers = load_answers(example, default_rubric)
    again = parse_answers(answers_to_yaml(answers), default_rubric, "download.yaml")
    assert again == answers


# --- what changed between two versions -------------------------------------------------------


def test_policy_differences_say_what_moved_in_words() -> None:
    from scoring.policy import policy_differences

    rule = DEFAULT.hard_rules[0]
    section = DEFAULT.sections[1]
    condition = DEFAULT.conditions[0]
    edited = apply_edits(
        DEFAULT,
        PolicyEdits(
            recommend=70,
            section_weights={section.id: section.weight + 1},
            rules_enabled={rule.id: False},
            conditions_enabled={condition.id: False},
            min_answered_share=0.9,
        ),
    )
    assert policy_differences(DEFAULT, edited) == [
        f"The Recommend threshold moved from {DEFAULT.thresholds.recommend:g} to 70.",
        f"The weight of {section.title} moved from {section.weight:g} to {section.weight + 1:g}.",
        "A final verdict now needs 90 % of each section's weight answered (was 80 %).",
        f"Hard rule switched off: {rule.title}.",
        f"Condition switched off: {condition.title}.",
    ]
    assert policy_differences(DEFAULT, DEFAULT) == []
    # only the version number differs: nothing a PM needs to read
    assert policy_differences(DEFAULT, DEFAULT.model_copy(update={"version": "9"})) == []


def test_policy_differences_name_added_and_removed_rules_and_questions() -> None:
    from scoring.policy import policy_differences

    data = DEFAULT.model_dump(mode="json", exclude_none=True)
    removed_rule = data["hard_rules"].pop()
    extra_question = dict(data["questions"][0], id="new_question", prompt="A new question?")
    data["questions"].append(extra_question)
    changed = Rubric.model_validate(data)
    assert policy_differences(DEFAULT, changed) == [
        f"Hard rule removed: {removed_rule['title']}.",
        "Question added: A new question?",
    ]
    assert policy_differences(changed, DEFAULT) == [
        f"Hard rule added: {removed_rule['title']}.",
        "Question removed: A new question?",
    ]
