"""Comparing two revisions of an assessment: what changed, in the PM's words."""

from __future__ import annotations

from scoring import load_rubric
from scoring.history import NO_LONGER_OFFERED, NOT_ANSWERED, answer_changes, shown_answer

from .conftest import ROOT

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")


def _label(question_id: str, option_id: str) -> str:
    question = DEFAULT.questions_by_id[question_id]
    return next(o.label for o in question.options if o.id == option_id)  # type: ignore[union-attr]


def test_changed_answers_are_named_by_prompt_and_label_in_questionnaire_order() -> None:
    before = {"use_pattern": "internal_assistant", "hosting": "provider_api"}
    after = {
        "use_pattern": "automated_decision",
        "hosting": "provider_api",
        "evaluation_plan": "unknown",
    }
    changes = answer_changes(DEFAULT, before, after)
    order = [q.id for q in DEFAULT.questions]
    assert [c.question for c in changes] == sorted(
        ["use_pattern", "evaluation_plan"], key=order.index
    )
    use = next(c for c in changes if c.question == "use_pattern")
    assert use.prompt == DEFAULT.questions_by_id["use_pattern"].prompt
    assert (use.before, use.after) == (
        _label("use_pattern", "internal_assistant"),
        _label("use_pattern", "automated_decision"),
    )
    plan = next(c for c in changes if c.question == "evaluation_plan")
    assert (plan.before, plan.after) == (NOT_ANSWERED, "Don't know")


def test_the_order_options_were_ticked_in_is_no_change() -> None:
    multiple = next(q for q in DEFAULT.questions if q.kind == "multiple")
    ids = [o.id for o in multiple.options][:2]
    assert answer_changes(DEFAULT, {multiple.id: ids}, {multiple.id: ids[::-1]}) == []


def test_answers_a_later_policy_no_longer_offers_are_said_so_never_as_ids() -> None:
    changes = answer_changes(DEFAULT, {"use_pattern": "retired_option", "gone": "x"}, {})
    assert [(c.question, c.before, c.after) for c in changes] == [
        ("use_pattern", NO_LONGER_OFFERED, NOT_ANSWERED),
        ("gone", NO_LONGER_OFFERED, NOT_ANSWERED),
    ]
    assert changes[1].prompt == "A question this policy no longer asks"
    assert shown_answer(DEFAULT, "use_pattern", "retired_option") == NO_LONGER_OFFERED
