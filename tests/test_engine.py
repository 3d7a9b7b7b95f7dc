"""Engine behaviour on hand-checked cases of the small rubric."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

from scoring import (
    Answers,
    NotEnoughAnswers,
    Rubric,
    compile_rubric,
    policy_stamp,
    score,
    verdict_for_score,
)
from scoring.models import QUESTION_KINDS, Verdict

from .conftest import ROOT


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


# --- the compiled rubric and the question kinds (the public API the engine builds on) -------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (70.0, Verdict.RECOMMEND),
        (69.9, Verdict.ADAPT),
        (45.0, Verdict.ADAPT),
        (44.9, Verdict.AVOID),
    ],
)
def test_a_score_at_a_line_gets_that_lines_verdict(
    small_rubric: Rubric, value: float, expected: Verdict
) -> None:
    assert verdict_for_score(value, small_rubric.thresholds) is expected


def test_a_rubric_is_compiled_once_and_a_changed_one_again(small_rubric: Rubric) -> None:
    compiled = compile_rubric(small_rubric)
    assert compile_rubric(small_rubric) is compiled
    copy = small_rubric.model_copy(deep=True)
    assert compile_rubric(copy) is not compiled
    assert compile_rubric(copy).sha256 == compiled.sha256


def test_evaluation_names_what_holds_and_what_is_shown(small_rubric: Rubric) -> None:
    evaluation = compile_rubric(small_rubric).evaluate(
        {"gain": "lots", "volume": 500, "review": "nobody", "checks": ["accuracy", "fairness"]}
    )
    assert evaluation.score == 77.5
    assert evaluation.score_verdict is Verdict.RECOMMEND
    assert evaluation.verdict is Verdict.AVOID
    assert [small_rubric.hard_rules[i].id for i in evaluation.rules] == ["unreviewed"]
    assert evaluation.ceiling is Verdict.AVOID  # no score lifts a gate
    assert evaluation.shown == {
        "gain": True,
        "volume": True,
        "review": True,
        "reviewer_skill": False,
        "checks": True,
    }
    assert evaluation.counts == {"value": (2, 2), "risk": (2, 2)}
    assert not evaluation.provisional


def test_open_questions_are_those_that_could_still_be_shown(small_rubric: Rubric) -> None:
    compiled = compile_rubric(small_rubric)
    # reviewer_skill is hidden by "nobody" and could not be shown whatever else is answered
    assert compiled.open_questions({"gain": "lots", "review": "nobody"}) == ["volume", "checks"]
    # with review open, it could still be shown
    assert compiled.open_questions({"gain": "lots"}) == [
        "volume",
        "review",
        "reviewer_skill",
        "checks",
    ]
    assert compiled.could_be_shown({"review": "sample"})["reviewer_skill"]


@pytest.mark.parametrize(
    ("question_id", "value", "score_x", "label"),
    [
        ("gain", "some", 60.0, "Somewhat"),
        ("volume", 99, 20.0, "99 items (under 100)"),
        ("volume", 100, 80.0, "100 items (100 or more)"),
        ("review", "all", 90.0, "Everything"),
        ("checks", ["accuracy", "fairness"], 100.0, "Accuracy; Fairness"),  # sum, capped
        ("checks", ["fairness"], 50.0, "Fairness"),
    ],
)
def test_each_question_kind_scores_and_labels_its_answers(
    small_rubric: Rubric, question_id: str, value: Any, score_x: float, label: str
) -> None:
    question = small_rubric.questions_by_id[question_id]
    assert question.score_of(value) == score_x
    assert question.answer_label(value) == label


def test_a_number_picks_its_band_and_a_list_its_options(small_rubric: Rubric) -> None:
    volume = small_rubric.questions_by_id["volume"]
    checks = small_rubric.questions_by_id["checks"]
    assert volume.chosen_ids(5) == frozenset({"few"})
    assert volume.picks_any(100, frozenset({"many"}))
    assert volume.possible_answers() == [0, 100]
    assert volume.same_answer(3, 99) and not volume.same_answer(99, 100)
    assert checks.chosen_ids(["accuracy", "fairness"]) == frozenset({"accuracy", "fairness"})
    # combine: sum adds "every scored option" to the singles: the sum's top
    assert checks.possible_answers() == ["accuracy", "fairness", ["accuracy", "fairness"]]
    assert checks.completion_answers(10) == [["accuracy"], ["fairness"], ["accuracy", "fairness"]]
    assert checks.completion_answers(2) is None  # three sets are more than the limit


@pytest.mark.parametrize(
    ("question_id", "value", "problems"),
    [
        ("gain", "lots", []),
        ("gain", 3, [((), "expected one option id, found number 3")]),
        ("gain", "lot", [((), "unknown option 'lot'; expected one of: none, some, lots, unknown")]),
        ("volume", -1, [((), "expected a number of at least 0, found -1")]),
        ("volume", "many", [((), "expected a number (items), found text 'many'")]),
        (
            "checks",
            ["accuracy", "speed"],
            [((1,), "unknown option 'speed'; expected one of: accuracy, fairness")],
        ),
        ("checks", [], [((), "expected at least one option id, found an empty list")]),
        (
            "checks",
            ["accuracy", "accuracy"],
            [((), "an option id appears twice; expected each once")],
        ),
    ],
)
def test_each_question_kind_checks_its_answers(
    small_rubric: Rubric, question_id: str, value: Any, problems: list[Any]
) -> None:
    assert small_rubric.questions_by_id[question_id].answer_problems(value) == problems


def test_steps_between_answers_count_moves_along_the_options(small_rubric: Rubric) -> None:
    review = small_rubric.questions_by_id["review"]
    checks = small_rubric.questions_by_id["checks"]
    volume = small_rubric.questions_by_id["volume"]
    assert review.change_steps("nobody", "all") == 2
    assert review.change_steps(None, "all") == 1  # answering an open question is one step
    assert checks.change_steps(["accuracy"], ["fairness"]) == 2  # one removed, one added
    assert volume.change_steps(5, 500) == 1


def test_every_kind_has_a_model() -> None:
    assert set(QUESTION_KINDS) == {"single", "scale", "multiple", "number"}
    assert QUESTION_KINDS["number"].choices_field == "bands"


# --- one evaluation path: what the issue asked grep to show, kept true by a test ------------

SOURCES = [
    p
    for folder in ("scoring", "advisor", "ui", "benchmarks", "tests")
    for p in sorted((ROOT / folder).rglob("*.py"))
]


def test_no_private_engine_name_is_imported_outside_the_engine() -> None:
    imports = re.compile(
        r"from\s+(?:scoring\.|\.)(?:engine|compiled|insight)\s+import\s+(\([^)]*\)|[^\n]*)"
    )
    found = [
        f"{p.relative_to(ROOT)}: {names}"
        for p in SOURCES
        for names in imports.findall(p.read_text())
        if re.search(r"\b_[a-z]\w*", names)
    ]
    assert found == []


def test_only_verdict_for_score_compares_a_score_with_the_thresholds() -> None:
    # A comparison with a threshold field ("score >= thresholds.recommend") anywhere else
    # would be a second place where a score becomes a verdict.
    comparison = re.compile(r"[<>]=?\s*[\w.]*(?:\.recommend\b|\[\"recommend\"\]|\.adapt\b)")
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in SOURCES
        if p.name != "test_engine.py"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if comparison.search(line)
    ]
    source, first = inspect.getsourcelines(verdict_for_score)
    inside = {f"scoring/compiled.py:{first + i}" for i in range(len(source))}
    assert len(found) == 2 and set(found) <= inside, found
