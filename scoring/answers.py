"""Answers: the file format a product manager's answers are saved in, and its validation.

An answers file (YAML or JSON)::

    rubric: default              # id of the rubric the answers were given against (optional)
    title: Support ticket triage
    answers:
      some_question: option_id          # single choice or scale
      other_question: [opt_a, opt_b]    # multiple choice
      monthly_volume: 40000             # number
      third_question: unknown           # "don't know", where the rubric allows it
    notes:
      some_question: free text
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, ValidationError

from .errors import AnswersError, Problem
from .loader import problem_at, translate_validation_error
from .models import UNKNOWN, MultipleChoiceQuestion, NumberQuestion, Rubric, Strict
from .source import Document, load_document, parse_document

#: The ``kind`` of a JSON report (see scoring.report.model); kept here to avoid an import cycle.
REPORT_KIND = "adoption-advisor-report"


__all__ = [
    "AnswerValue",
    "Answers",
    "answers_from_data",
    "answers_to_yaml",
    "load_answers",
    "parse_answers",
    "usable_answers",
]

AnswerValue = str | list[str] | int | float


Money = Annotated[float, Field(ge=0, description="An amount of money, 0 or more.")]
Hours = Annotated[float, Field(ge=0, le=100_000)]


class CostInputs(Strict):
    """Cost figures of one way of adopting (see scoring.options for the model)."""

    integration: Money = 0.0
    adaptation: Money = 0.0
    evaluation: Money = 0.0
    price_per_item: Money = 0.0
    items_per_month: Annotated[float, Field(ge=0)] | None = None
    hosting_per_month: Money = 0.0
    maintenance_per_month: Money = 0.0
    review_hours_per_month: Hours = 0.0
    other_per_month: Money = 0.0


class CurrentProcess(Strict):
    """What today's process costs each month."""

    hours_per_month: Hours = 0.0
    other_per_month: Money = 0.0


class LabourRole(Strict):
    """Repetitive work one role does today and how much of it the model removes."""

    role: Annotated[str, Field(min_length=1, max_length=100)]
    hours_per_week: Hours
    share_removed: Annotated[float, Field(ge=0, le=1)]
    moves_to: Annotated[str, Field(max_length=300)] = ""


class OptionAnswers(Strict):
    """One way of adopting; ``answers`` holds only the rubric's ``per_option`` questions."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    baseline: bool = False
    answers: dict[str, Any] = Field(default_factory=dict)
    notes: dict[str, Annotated[str, Field(max_length=5000)]] = Field(default_factory=dict)
    costs: CostInputs | None = None


class Answers(Strict):
    """What one person answered; values are option ids, lists of them, numbers or ``unknown``."""

    rubric: str | None = None
    title: Annotated[str, Field(min_length=1, max_length=200)] = "Untitled assessment"
    # Any here: the type each answer needs depends on its question, checked against the rubric.
    answers: dict[str, Any] = Field(default_factory=dict)
    notes: dict[str, Annotated[str, Field(max_length=5000)]] = Field(default_factory=dict)
    options: list[OptionAnswers] = Field(default_factory=list, max_length=4)
    costs: CostInputs | None = None
    current_process: CurrentProcess | None = None
    hourly_rate: Annotated[float, Field(ge=0)] | None = None
    currency: Annotated[str, Field(min_length=1, max_length=8)] = "EUR"
    horizon_months: Annotated[int, Field(ge=1, le=120)] = 36
    labour: list[LabourRole] = Field(default_factory=list, max_length=20)


def load_answers(path: str | Path, rubric: Rubric, *, display_name: str | None = None) -> Answers:
    """Read an answers file and check it against ``rubric``; raise :class:`AnswersError`."""
    return _from_document(load_document(path, display_name=display_name), rubric)


def parse_answers(text: str | bytes, rubric: Rubric, file: str = "<answers>") -> Answers:
    """Check answers text (an upload) the same way as a file."""
    return _from_document(parse_document(text, file), rubric)


def answers_from_data(data: Mapping[str, Any], rubric: Rubric, file: str = "<answers>") -> Answers:
    """Check answers held in memory (e.g. the app's session) against ``rubric``."""
    return _from_document(Document(data=dict(data), file=file), rubric)


#: The answers-file blocks besides answers and notes ("extra" in the database and the app).
EXTRA_KEYS = (
    "options",
    "costs",
    "current_process",
    "hourly_rate",
    "currency",
    "horizon_months",
    "labour",
)


def usable_answers(
    rubric: Rubric,
    title: str,
    answers: Mapping[str, Any],
    notes: Mapping[str, str],
    extra: Mapping[str, Any] | None = None,
) -> tuple[Answers, list[Problem]]:
    """The answers that fit ``rubric`` and the problems of those set aside.

    The app keeps every answer a person gave; when the active policy changes, answers to
    questions the new policy lacks are set aside for scoring rather than lost.
    """
    doc = Document(data={"answers": dict(answers)}, file="")
    kept: dict[str, Any] = {}
    problems: list[Problem] = []
    for question_id, value in answers.items():
        found = _answer_problems(rubric, question_id, value, doc)
        problems.extend(found)
        if not found:
            kept[question_id] = value
    kept_notes = {k: v for k, v in notes.items() if k in rubric.questions_by_id}
    data: dict[str, Any] = {
        k: v for k, v in (extra or {}).items() if k in EXTRA_KEYS and v is not None
    }
    options = []
    for option in data.get("options", []):
        option_doc = Document(data={"options": [option]}, file="")
        option_answers = {}
        for question_id, value in dict(option.get("answers", {})).items():
            question = rubric.questions_by_id.get(question_id)
            found = _answer_problems(
                rubric, question_id, value, option_doc, ["options", 0, "answers"]
            )
            if question is not None and not question.per_option:
                found = [
                    problem_at(
                        option_doc,
                        ["options", 0, "answers", question_id],
                        "not option-specific in this policy",
                    )
                ]
            problems.extend(found)
            if not found:
                option_answers[question_id] = value
        options.append({**option, "answers": option_answers})
    if options:
        data["options"] = options
    try:
        model = Answers.model_validate(
            {**data, "title": title or "Untitled assessment", "answers": kept, "notes": kept_notes}
        )
    except ValidationError:
        model = Answers(title=title or "Untitled assessment", answers=kept, notes=kept_notes)
        problems.append(
            Problem("the options, cost or labour figures could not be read and are left out")
        )
    return model, problems


def read_rubric_id(path: str | Path) -> str | None:
    """The ``rubric:`` an answers file names, or None; errors surface later, located."""
    try:
        doc = load_document(path)
    except Exception:
        return None
    value = doc.data.get("rubric")
    return value if isinstance(value, str) else None


def _from_document(doc: Document, rubric: Rubric) -> Answers:
    if isinstance(doc.data, dict) and doc.data.get("kind") == REPORT_KIND:
        # A JSON report carries its answers; reading it back keeps only those keys.
        doc.data = {
            k: doc.data[k] for k in ("rubric", "title", "answers", "notes") if k in doc.data
        }
    try:
        answers = Answers.model_validate(doc.data)
    except ValidationError as exc:
        raise AnswersError(translate_validation_error(exc, doc, Answers)) from None
    problems = list(_check_against_rubric(answers, rubric, doc))
    if problems:
        raise AnswersError(problems)
    return answers


def _check_against_rubric(answers: Answers, rubric: Rubric, doc: Document) -> Iterable[Problem]:
    by_id = rubric.questions_by_id
    for question_id, value in answers.answers.items():
        yield from _answer_problems(rubric, question_id, value, doc)
    for question_id in answers.notes:
        if question_id not in by_id:
            yield problem_at(doc, ["notes", question_id], _unknown_question(question_id, by_id))
    seen: dict[str, int] = {}
    for index, option in enumerate(answers.options):
        base = ["options", index]
        if option.id in seen:
            yield problem_at(
                doc, [*base, "id"], f"duplicate option id {option.id!r}; expected unique ids"
            )
        seen.setdefault(option.id, index)
        if option.baseline and option.answers:
            yield problem_at(
                doc,
                [*base, "answers"],
                "a baseline option stands for today's process and takes no answers",
            )
        for question_id, value in option.answers.items():
            question = by_id.get(question_id)
            if question is not None and not question.per_option:
                yield problem_at(
                    doc,
                    [*base, "answers", question_id],
                    f"question {question_id!r} describes the shared context; answer it once "
                    "under the top-level 'answers'",
                )
                continue
            yield from _answer_problems(rubric, question_id, value, doc, [*base, "answers"])
        for question_id in option.notes:
            if question_id not in by_id:
                yield problem_at(
                    doc, [*base, "notes", question_id], _unknown_question(question_id, by_id)
                )
    if len([o for o in answers.options if o.baseline]) > 1:
        yield problem_at(doc, ["options"], "expected at most one baseline option")


def _answer_problems(
    rubric: Rubric, question_id: str, value: Any, doc: Document, where: list[Any] | None = None
) -> list[Problem]:
    """What is wrong with one answer (empty when it fits its question)."""
    by_id = rubric.questions_by_id
    loc = [*(where or ["answers"]), question_id]
    question = by_id.get(question_id)
    if question is None:
        return [problem_at(doc, loc, _unknown_question(question_id, by_id))]
    if value == UNKNOWN:
        if not question.allow_unknown:
            return [
                problem_at(
                    doc, loc, 'this question does not accept "don\'t know"; expected an answer'
                )
            ]
        return []
    if isinstance(question, NumberQuestion):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [
                problem_at(doc, loc, f"expected a number ({question.unit}), found {_shown(value)}")
            ]
        if value != value or value in (float("inf"), float("-inf")):
            return [problem_at(doc, loc, f"expected a finite number, found {value!r}")]
        if value < question.minimum:
            return [
                problem_at(
                    doc, loc, f"expected a number of at least {question.minimum:g}, found {value:g}"
                )
            ]
        if question.maximum is not None and value > question.maximum:
            return [
                problem_at(
                    doc, loc, f"expected a number of at most {question.maximum:g}, found {value:g}"
                )
            ]
        return []
    option_ids = [o.id for o in question.options]
    if isinstance(question, MultipleChoiceQuestion):
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, list):
            return [problem_at(doc, loc, f"expected a list of option ids, found {_shown(value)}")]
        problems = []
        if not chosen:
            problems.append(
                problem_at(doc, loc, "expected at least one option id, found an empty list")
            )
        for index, option_id in enumerate(chosen):
            if option_id not in option_ids:
                problems.append(
                    problem_at(
                        doc,
                        [*loc, index] if isinstance(value, list) else loc,
                        _unknown_option(option_id, option_ids, question.allow_unknown),
                    )
                )
        if len({str(c) for c in chosen}) != len(chosen):
            problems.append(problem_at(doc, loc, "an option id appears twice; expected each once"))
        return problems
    if not isinstance(value, str):
        return [problem_at(doc, loc, f"expected one option id, found {_shown(value)}")]
    if value not in option_ids:
        return [problem_at(doc, loc, _unknown_option(value, option_ids, question.allow_unknown))]
    return []


def _unknown_question(question_id: str, by_id: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(question_id, list(by_id), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown question {question_id!r}; expected a question id of this rubric{hint}"


def _unknown_option(option_id: Any, option_ids: list[str], allow_unknown: bool) -> str:
    allowed = ", ".join([*option_ids, UNKNOWN] if allow_unknown else option_ids)
    return f"unknown option {option_id!r}; expected one of: {allowed}"


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, bool):
        return f"yes/no value {str(value).lower()}"
    return f"number {value!r}" if isinstance(value, int | float) else type(value).__name__


def answers_to_yaml(answers: Answers) -> str:
    """The answers as a YAML file that ``adoption-advisor score`` accepts."""
    data: dict[str, Any] = answers.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    data["title"] = answers.title
    first: tuple[str, ...] = ("rubric", "title", "answers", "notes")
    ordered: dict[str, Any] = {k: data[k] for k in first if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100)
