"""Comparing two states of one assessment: which answers changed, in the words the PM saw,
and how the verdict and score moved. Pure: the caller reads the states from storage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from .models import UNKNOWN, Rubric

__all__ = ["AnswerChange", "answer_changes", "shown_answer"]

NOT_ANSWERED = "not answered"
DONT_KNOW = "Don't know"
#: An answer the rubric no longer offers (a later policy version dropped the option).
NO_LONGER_OFFERED = "an answer this policy no longer offers"


class AnswerChange(BaseModel):
    """One question whose answer differs between two states."""

    model_config = ConfigDict(frozen=True)

    question: str
    prompt: str
    before: str
    after: str


def shown_answer(rubric: Rubric, question_id: str, value: Any) -> str:
    """An answer as the PM saw it: option labels, the number with its unit and band,
    "Don't know" or "not answered"; never an option id."""
    if value is None:
        return NOT_ANSWERED
    if value == UNKNOWN:
        return DONT_KNOW
    question = rubric.questions_by_id.get(question_id)
    if question is None:
        return NO_LONGER_OFFERED
    try:
        return question.answer_label(value)
    except (KeyError, TypeError, ValueError, AttributeError):
        return NO_LONGER_OFFERED


def answer_changes(
    rubric: Rubric, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[AnswerChange]:
    """Every question of ``rubric`` answered differently in ``after`` than in ``before``,
    in questionnaire order; then answers to questions the rubric no longer asks."""
    changes = []
    asked = [q.id for q in rubric.questions]
    others = sorted((before.keys() | after.keys()) - set(asked))
    for question_id in [*asked, *others]:
        old, new = before.get(question_id), after.get(question_id)
        if _same(old, new):
            continue
        question = rubric.questions_by_id.get(question_id)
        changes.append(
            AnswerChange(
                question=question_id,
                prompt=question.prompt
                if question is not None
                else "A question this policy no longer asks",
                before=shown_answer(rubric, question_id, old),
                after=shown_answer(rubric, question_id, new),
            )
        )
    return changes


def _same(old: Any, new: Any) -> bool:
    """Equal answers; the order options were ticked in does not matter."""
    if isinstance(old, list) and isinstance(new, list):
        return sorted(map(str, old)) == sorted(map(str, new))
    return bool(old == new)
