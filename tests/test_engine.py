"""Engine behaviour on hand-checked cases of the small rubric."""

from __future__ import annotations

import pytest

from scoring import Answers, NotEnoughAnswers, Rubric, score
from scoring.engine import policy_stamp
from scoring.models import Verdict


def _score(rubric: Rubric, **values: object) -> object:
    return score(rubric, Answers(title="t", answers=dict(values)))


def test_hand_computed_score(small_rubric: Rubric) -> None:
    # value: (95·1 + 80·0.5)/1.5 = 90; risk: (90·1 + 85·1 + 100·1)/3 = 91.67
    # overall: (90·2 + 91.67·1)/3 = 90.56 -> 90.6
    result = score(
        small_rubric,
        Answers(
            title="t",
            answers={
                "gain": "lots",
                "volume": 250,
                "review": "all",
                "reviewer_skill": "high",
                "checks": ["accuracy", "fairness"],
            },
        ),
    )
    assert result.score == 90.6
    assert result.verdict is Verdict.RECOMMEND
    assert [s.score for s in result.sections] == [90.0, 91.7]
    assert result.completeness.fraction == 1.0
    assert result.next_steps == ["Pilot it."]


def test_unknown_and_unanswered_are_left_out_not_zero(small_rubric: Rubric) -> None:
    result = score(small_rubric, Answers(title="t", answers={"gain": "lots", "volume": "unknown"}))
    assert result.score == 95.0  # only 'gain' counts; the empty risk section is left out
    assert result.completeness.answered == 1
    assert result.completeness.unknown == 1
    assert result.completeness.unanswered == 2  # review and checks; reviewer_skill is hidden
    assert result.verdict_range.best is Verdict.RECOMMEND
    assert result.verdict_range.worst is Verdict.AVOID  # review: nobody would cap at avoid


def test_hidden_answer_is_ignored_with_a_warning(small_rubric: Rubric) -> None:
    base = {"gain": "some", "review": "nobody", "checks": ["accuracy"]}
    without = score(small_rubric, Answers(title="t", answers=base))
    with_hidden = score(
        small_rubric, Answers(title="t", answers={**base, "reviewer_skill": "high"})
    )
    assert with_hidden.score == without.score
    assert "reviewer_skill" not in [c.question for c in with_hidden.contributions]
    assert with_hidden.warnings == [
        "answer to 'reviewer_skill' ignored: the question is hidden unless 'review' is one of sample, all"
    ]


def test_hard_rule_caps_and_is_named(small_rubric: Rubric) -> None:
    result = score(
        small_rubric,
        Answers(
            title="t",
            answers={
                "gain": "lots",
                "volume": 500,
                "review": "nobody",
                "checks": ["accuracy", "fairness"],
            },
        ),
    )
    assert result.score == 77.5  # (90·2 + 52.5·1)/3
    assert result.score_verdict is Verdict.RECOMMEND
    assert result.verdict is Verdict.AVOID
    assert [r.id for r in result.rules_applied] == ["unreviewed"]
    assert result.rules_applied[0].reason == "Nobody checks the output."
    assert result.adaptation.strategy.value == "keep_current"
    assert result.next_steps[-1] == "Keep the process."


def test_drivers_are_sorted_by_points(small_rubric: Rubric) -> None:
    result = score(
        small_rubric,
        Answers(
            title="t",
            answers={"gain": "none", "volume": 500, "review": "sample", "reviewer_skill": "low"},
        ),
    )
    assert [c.question for c in result.drivers_for] == ["volume", "review"]
    assert [c.question for c in result.drivers_against] == ["gain", "reviewer_skill"]
    # shares: gain 2/3·1/1.5, volume 2/3·0.5/1.5, review and reviewer_skill 1/3·1/2
    assert [c.points for c in result.contributions] == [-17.78, 6.67, 0.83, -3.33]


def test_nothing_answered_raises(small_rubric: Rubric) -> None:
    with pytest.raises(NotEnoughAnswers):
        score(small_rubric, Answers(title="t", answers={"gain": "unknown"}))


def test_policy_stamp_changes_with_content(small_rubric: Rubric) -> None:
    stamp = policy_stamp(small_rubric)
    assert stamp == policy_stamp(small_rubric.model_copy(deep=True))
    raw = small_rubric.model_dump(mode="python")
    raw["sections"][0]["weight"] = 3
    assert policy_stamp(Rubric.model_validate(raw, strict=False)).sha256 != stamp.sha256


def test_default_rubric_shape(default_rubric: Rubric) -> None:
    assert 25 <= len(default_rubric.questions) <= 45
    assert len(default_rubric.sections) == 9
    assert len(default_rubric.hard_rules) >= 3
    assert sum(1 for q in default_rubric.questions if q.show_if) >= 4
    assert all(q.help for q in default_rubric.questions)
