"""Hypothesis strategies: answers that are valid for a given rubric."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from scoring import Answers, Rubric
from scoring.models import UNKNOWN, MultipleChoiceQuestion, NumberQuestion


def value_for(question: Any) -> st.SearchStrategy[Any]:
    """A real answer (never 'unknown') to one question."""
    if isinstance(question, NumberQuestion):
        top = question.maximum if question.maximum is not None else 1_000_000
        return st.integers(min_value=int(question.minimum), max_value=int(top))
    ids = [o.id for o in question.options]
    if isinstance(question, MultipleChoiceQuestion):
        return st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True)
    return st.sampled_from(ids)


@st.composite
def answers_for(draw: st.DrawFn, rubric: Rubric, complete: bool = False) -> Answers:
    """Answers with some questions skipped or 'unknown' (unless ``complete``)."""
    values: dict[str, Any] = {}
    for question in rubric.questions:
        choice = (
            "answer" if complete else draw(st.sampled_from(["answer", "answer", "skip", "unknown"]))
        )
        if choice == "answer":
            values[question.id] = draw(value_for(question))
        elif choice == "unknown" and question.allow_unknown:
            values[question.id] = UNKNOWN
    always_shown = {q.id for q in rubric.questions if q.show_if is None}
    if not any(v != UNKNOWN for k, v in values.items() if k in always_shown):
        first = rubric.questions[0]
        values[first.id] = draw(value_for(first))
    return Answers(title="generated", answers=values)


def complete_open(draw: st.DrawFn, rubric: Rubric, answers: Answers) -> Answers:
    """Fill every skipped or 'unknown' question with a real answer."""
    values = dict(answers.answers)
    for question in rubric.questions:
        if values.get(question.id) in (None, UNKNOWN):
            values[question.id] = draw(value_for(question))
    return Answers(title=answers.title, answers=values)
