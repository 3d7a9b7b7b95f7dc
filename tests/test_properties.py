"""Invariants of the engine, checked with hypothesis on the default and the small rubric."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.reports.model import build_report
from advisor.reports.render import render_json
from scoring import Answers, Rubric, load_rubric, score
from scoring.models import NumberQuestion

from .conftest import DATA, ROOT
from .strategies import answers_for, complete_open

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
SMALL = load_rubric(DATA / "small_rubric.yaml")
RUBRICS = pytest.mark.parametrize("rubric", [DEFAULT, SMALL], ids=["default", "small"])
SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _controllers(rubric: Rubric) -> set[str]:
    return {q.show_if.question for q in rubric.questions if q.show_if}


def _named_by_rules(rubric: Rubric) -> set[tuple[str, str]]:
    return {
        (clause.question, option)
        for rule in rubric.hard_rules
        for clause in rule.when.clauses
        if clause.question and clause.any_of
        for option in clause.any_of
    }


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_scores_stay_between_0_and_100(rubric: Rubric, data: st.DataObject) -> None:
    result = score(rubric, data.draw(answers_for(rubric)))
    assert 0 <= result.score <= 100
    assert all(s.score is None or 0 <= s.score <= 100 for s in result.sections)
    assert 0 <= result.completeness.fraction <= 1
    # contributions are defined so that they add up to score − 50 (up to rounding)
    assert abs(sum(c.points for c in result.contributions) - (result.score - 50)) < 0.1


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_scoring_is_deterministic_to_the_byte(rubric: Rubric, data: st.DataObject) -> None:
    answers = data.draw(answers_for(rubric))
    day = dt.date(2026, 1, 2)
    first = render_json(build_report(rubric, answers, generated=day))
    again = render_json(build_report(rubric, answers.model_copy(deep=True), generated=day))
    assert first == again
    # the order in which answers were given does not change the result
    shuffled = Answers(
        title=answers.title,
        answers=dict(data.draw(st.permutations(list(answers.answers.items())))),
    )
    assert score(rubric, shuffled).model_dump_json() == score(rubric, answers).model_dump_json()


def _with_option_score(rubric: Rubric, question_id: str, index: int, new: float) -> Rubric:
    raw: dict[str, Any] = rubric.model_dump(mode="python")
    for question in raw["questions"]:
        if question["id"] == question_id:
            key = "bands" if question["kind"] == "number" else "options"
            question[key][index]["score"] = new
    return Rubric.model_validate(raw, strict=False)


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_raising_an_option_score_never_lowers_the_overall_score(
    rubric: Rubric, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(rubric))
    question = data.draw(st.sampled_from(rubric.questions))
    choices = question.bands if isinstance(question, NumberQuestion) else question.options
    index = data.draw(st.integers(0, len(choices) - 1))
    raised = min(100.0, choices[index].score + data.draw(st.floats(0, 100)))
    better = _with_option_score(rubric, question.id, index, raised)
    assert score(better, answers).score >= score(rubric, answers).score


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_a_better_option_never_moves_the_verdict_down(rubric: Rubric, data: st.DataObject) -> None:
    """'Better' = a higher score and not named by a hard rule (a rule may name any option
    as unacceptable whatever its score); questions that show or hide others are excluded,
    since changing them changes which questions count."""
    answers = data.draw(answers_for(rubric))
    candidates = [
        q
        for q in rubric.questions
        if q.id not in _controllers(rubric) and q.kind in ("single", "scale")
    ]
    question = data.draw(st.sampled_from(candidates))
    named = _named_by_rules(rubric)
    low, high = sorted(
        data.draw(st.lists(st.sampled_from(question.options), min_size=2, max_size=2)),  # type: ignore[union-attr]
        key=lambda o: o.score,
    )
    if (question.id, high.id) in named:
        high = low  # no 'better' option to test on this draw
    base = dict(answers.answers)
    worse = score(rubric, Answers(title="t", answers={**base, question.id: low.id}))
    better = score(rubric, Answers(title="t", answers={**base, question.id: high.id}))
    assert better.verdict.rank >= worse.verdict.rank
    assert better.score_verdict.rank >= worse.score_verdict.rank


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_every_completion_lands_inside_the_verdict_range(
    rubric: Rubric, data: st.DataObject
) -> None:
    partial = data.draw(answers_for(rubric))
    verdict_range = score(rubric, partial).verdict_range
    full = complete_open(data.draw, rubric, partial)
    verdict = score(rubric, full).verdict
    assert verdict_range.worst.rank <= verdict.rank <= verdict_range.best.rank


def test_small_rubric_range_is_exact_and_reached() -> None:
    """With few open questions the range is computed exactly: both ends are reachable."""
    partial = Answers(title="t", answers={"gain": "lots", "volume": 500, "checks": ["accuracy"]})
    verdict_range = score(SMALL, partial).verdict_range
    assert verdict_range.exact
    assert verdict_range.open_questions == ["review", "reviewer_skill"]
    reached = set()
    for review in ("nobody", "sample", "all"):
        for skill in ("low", "high"):
            values = {**partial.answers, "review": review, "reviewer_skill": skill}
            reached.add(score(SMALL, Answers(title="t", answers=values)).verdict)
    assert {verdict_range.best, verdict_range.worst} <= reached
    assert max(v.rank for v in reached) == verdict_range.best.rank
    assert min(v.rank for v in reached) == verdict_range.worst.rank


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_quick_verdict_equals_the_full_score(rubric: Rubric, data: st.DataObject) -> None:
    from scoring.engine import quick_verdict

    answers = data.draw(answers_for(rubric))
    full = score(rubric, answers)
    assert quick_verdict(rubric, answers) == (full.verdict, full.score)
