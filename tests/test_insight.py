"""Decision insight: what-would-change is minimal and exact, sensitivity bounds are tight,
resolve-first matches brute force."""

from __future__ import annotations

import itertools
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import Answers, Rubric, load_rubric, score
from scoring.errors import NotEnoughAnswers
from scoring.insight import resolve_first, sensitivity, what_would_change
from scoring.models import UNKNOWN
from scoring.policy import PolicyEdits, apply_edits

from .conftest import DATA, ROOT
from .strategies import answers_for

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
SMALL = load_rubric(DATA / "small_rubric.yaml")
SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _brute_force_minimum(rubric: Rubric, answers: Answers, target: int) -> tuple[int, int] | None:
    """(questions changed, steps) of the smallest change reaching ``target``, by trying all."""
    values = dict(answers.answers)
    actionable = [q for q in rubric.questions if q.actionable]
    best = None
    for size in range(1, len(actionable) + 1):
        for combo in itertools.combinations(actionable, size):
            choices = []
            for q in combo:
                current = values.get(q.id)
                alternatives = [
                    v
                    for v in q.possible_answers()
                    if current in (None, UNKNOWN) or q.change_steps(current, v) > 0
                ]
                choices.append(alternatives)
            for assignment in itertools.product(*choices):
                trial = {**values, **{q.id: v for q, v in zip(combo, assignment, strict=True)}}
                try:
                    verdict = score(rubric, Answers(title="t", answers=trial)).verdict
                except NotEnoughAnswers:
                    continue
                if verdict.rank == target:
                    steps = sum(
                        q.change_steps(values.get(q.id), v)
                        for q, v in zip(combo, assignment, strict=True)
                    )
                    if best is None or (size, steps) < best:
                        best = (size, steps)
        if best is not None:
            return best
    return None


@SETTINGS
@given(data=st.data())
def test_what_would_change_is_exact_and_minimal_on_the_small_rubric(data: st.DataObject) -> None:
    answers = data.draw(answers_for(SMALL))
    result = score(SMALL, answers)
    found = what_would_change(SMALL, answers, result)
    assert found.exact
    for direction, change in ((1, found.up), (-1, found.down)):
        target = result.verdict.rank + direction
        expected = _brute_force_minimum(SMALL, answers, target) if 0 <= target <= 2 else None
        if expected is None:
            assert change is None
            continue
        assert change is not None
        applied = score(SMALL, Answers(title="t", answers={**answers.answers, **change.changes}))
        assert applied.verdict == change.verdict
        assert applied.verdict.rank == target
        assert (len(change.changes), change.steps) == expected


@SETTINGS
@given(data=st.data())
def test_applying_what_would_change_on_the_default_rubric_gives_the_stated_verdict(
    data: st.DataObject,
) -> None:
    answers = data.draw(answers_for(DEFAULT))
    result = score(DEFAULT, answers)
    found = what_would_change(DEFAULT, answers, result)
    for direction, change in ((1, found.up), (-1, found.down)):
        if change is None:
            continue
        assert set(change.changes) <= {q.id for q in DEFAULT.questions if q.actionable}
        applied = score(DEFAULT, Answers(title="t", answers={**answers.answers, **change.changes}))
        assert applied.verdict == change.verdict
        assert applied.verdict.rank == result.verdict.rank + direction
        assert applied.score == change.score


def _with_weight(rubric: Rubric, section_id: str, weight: float) -> Rubric:
    return apply_edits(rubric, PolicyEdits(section_weights={section_id: weight}), bump=False)


@pytest.mark.parametrize("rubric", [DEFAULT, SMALL], ids=["default", "small"])
@SETTINGS
@given(data=st.data())
def test_weights_just_inside_the_bound_keep_the_verdict_and_just_outside_flip_it(
    rubric: Rubric, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(rubric))
    result = score(rubric, answers)
    for item in sensitivity(rubric, answers, result).items:
        if item.kind != "section_weight":
            continue
        for bound, inward in ((item.high, -1), (item.low, 1)):
            if bound is None or bound <= 0 or bound > 99:
                continue
            nudge = max(bound * 1e-4, 1e-6)
            inside = score(_with_weight(rubric, item.id, bound + inward * nudge), answers).verdict
            outside = score(_with_weight(rubric, item.id, bound - inward * nudge), answers).verdict
            assert inside == result.verdict, (item, inside)
            assert outside != result.verdict, (item, outside)


def test_threshold_sentences_name_the_flip_point() -> None:
    from scoring import load_answers

    answers = load_answers(ROOT / "examples" / "sales_call_summaries.yaml", DEFAULT)
    result = score(DEFAULT, answers)
    found = {i.id: i for i in sensitivity(DEFAULT, answers, result).items}
    assert (
        found["recommend"].sentence
        == f"Recommend holds unless the Recommend threshold rises above {result.score:.1f}."
    )
    # The sentence's point is where the verdict really flips (the score is rounded to 0.1).
    at, above = round(result.score - 0.05, 2), round(result.score + 0.05, 2)
    assert (
        score(apply_edits(DEFAULT, PolicyEdits(recommend=at), bump=False), answers).verdict.value
        == "recommend"
    )
    assert (
        score(apply_edits(DEFAULT, PolicyEdits(recommend=above), bump=False), answers).verdict.value
        == "adapt"
    )


def test_a_threshold_cannot_lift_a_verdict_held_by_conditions() -> None:
    from scoring import load_answers

    answers = load_answers(ROOT / "examples" / "invoice_extraction.yaml", DEFAULT)
    result = score(DEFAULT, answers)
    found = {i.id: i for i in sensitivity(DEFAULT, answers, result).items}
    assert found["recommend"].sentence == "Adapt holds wherever the Recommend threshold is set."
    # The score is above the Recommend line (65), and Adapt may not pass it: no Adapt line
    # flips it.
    assert result.score > 65
    assert found["adapt"].sentence == "Adapt holds wherever the Adapt threshold is set."
    lowered = apply_edits(DEFAULT, PolicyEdits(recommend=50.0), bump=False)
    assert score(lowered, answers).verdict.value == "adapt"  # the conditions still hold
    above = round(result.score + 0.5, 1)
    raised = apply_edits(DEFAULT, PolicyEdits(adapt=above, recommend=above + 4), bump=False)
    assert score(raised, answers).verdict.value == "avoid"


@pytest.mark.parametrize("rubric", [DEFAULT, SMALL], ids=["default", "small"])
@SETTINGS
@given(data=st.data())
def test_resolve_first_matches_brute_force(rubric: Rubric, data: st.DataObject) -> None:
    answers = data.draw(answers_for(rubric))
    for item in resolve_first(rubric, answers):
        question = rubric.questions_by_id[item.question]
        outcomes: list[Any] = []
        for value in question.possible_answers():
            trial = Answers(title="t", answers={**answers.answers, item.question: value})
            outcomes.append(score(rubric, trial))
        assert {o.verdict for o in outcomes} == set(item.verdicts)
        assert min(o.score for o in outcomes) == item.score_low
        assert max(o.score for o in outcomes) == item.score_high


def _advice_only_rubric() -> Rubric:
    """One question; answering "keep" triggers keep-the-current-process advice, and no hard
    rule exists, so only the advice can hold the verdict at Avoid."""
    from .strategies import validated

    return validated(
        {
            "id": "advice_only",
            "title": "Advice only",
            "version": "1",
            "description": "d",
            "thresholds": {"recommend": 60, "adapt": 40},
            "sections": [{"id": "s", "title": "S", "description": "d", "weight": 1}],
            "questions": [
                {
                    "id": "q",
                    "section": "s",
                    "kind": "single",
                    "prompt": "p",
                    "help": "h",
                    "options": [
                        {"id": "keep", "label": "Keep", "score": 90},
                        {"id": "go", "label": "Go", "score": 90},
                    ],
                }
            ],
            "adaptation": {
                "default_strategy": "prompt_hosted",
                "default_rationale": "r",
                "rules": [
                    {
                        "id": "stay",
                        "when": {"all": [{"question": "q", "any_of": ["keep"]}]},
                        "strategy": "keep_current",
                        "rationale": "r",
                    }
                ],
            },
        }
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            "keep",
            "No score change alone would change the verdict; the adaptation advice holds "
            "it at Avoid whatever the score.",
        ),
        ("go", "The score is 30.0 points above the Recommend threshold (60)."),
    ],
)
def test_the_margin_names_what_holds_the_verdict_down(answer: str, expected: str) -> None:
    """No hard rule holds here, so the sentence must not blame one (it once did)."""
    rubric = _advice_only_rubric()
    answers = Answers(title="t", answers={"q": answer})
    result = score(rubric, answers)
    assert result.rules_applied == []
    assert sensitivity(rubric, answers, result).margin_sentence == expected
