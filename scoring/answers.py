"""Answers: the file format a product manager's answers are saved in, and its validation.

An answers file (YAML or JSON)::

    rubric: default              # id of the rubric the answers were given against (optional)
    title: Support ticket triage
    owner: Dana Ortiz            # who takes the decision (optional)
    author: Sam Lee              # who prepared the assessment (optional)
    answers:
      some_question: option_id          # single choice or scale
      other_question: [opt_a, opt_b]    # multiple choice
      monthly_volume: 40000             # number
      third_question: unknown           # "don't know", where the rubric allows it
    notes:
      some_question: free text

Hours are asked once, per week, in the labour roles (``labour:``); they are the one source
for the ``weekly_hours`` answer, for today's labour cost and for the labour an option
frees. Without labour roles the ``weekly_hours`` answer stands for them (see
:func:`labour_hours`). Money is per month in ``currency`` unless named one-time.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import Field, ValidationError, model_validator

from .catalogue import KIND_NOUNS, EntryKind, PriceCatalogue
from .errors import AdvisorError, AnswersError, Problem
from .limits import (
    DEFAULT_TITLE,
    MAX_ANSWER_ENTRIES,
    MAX_ASSESSMENT_OPTIONS,
    MAX_CURRENCY_CHARS,
    MAX_HORIZON_MONTHS,
    MAX_HOURS,
    MAX_ID_CHARS,
    MAX_LABOUR_ROLES,
    MAX_MOVES_TO_CHARS,
    MAX_NOTE_CHARS,
    MAX_NUMBER,
    MAX_OPTION_TITLE_CHARS,
    MAX_ROLE_CHARS,
    MAX_TITLE_CHARS,
    TEXT_PATTERN,
    clip,
    printable,
)
from .loader import problem_at, translate_validation_error
from .models import UNKNOWN, AnswerValue, Rubric, Strict
from .source import CountLimits, Document, load_document, parse_document
from .text import format_number, quoted
from .usage_inputs import Range, UsageInputs

RangedCostField = Literal[
    "integration",
    "adaptation",
    "evaluation",
    "hosting_per_month",
    "maintenance_per_month",
    "review_hours_per_week",
    "other_per_month",
]

#: Weeks in an average month: hours are asked per week, money per month.
WEEKS_PER_MONTH = 52 / 12
#: The number question the labour roles answer (hours a week of work the model takes over).
WEEKLY_HOURS_QUESTION = "weekly_hours"

#: The ``kind`` of a JSON report (see advisor.reports.model); kept here to avoid an import cycle.
REPORT_KIND = "adoption-advisor-report"


__all__ = [
    "WEEKLY_HOURS_QUESTION",
    "WEEKS_PER_MONTH",
    "AnswerValue",
    "Answers",
    "answers_from_data",
    "answers_to_yaml",
    "hours_freed_per_week",
    "labour_hours",
    "load_answers",
    "number_answer",
    "parse_answers",
    "usable_answers",
    "with_labour_hours",
]


Money = Annotated[float, Field(ge=0, le=MAX_NUMBER, description="An amount of money, 0 or more.")]
Hours = Annotated[float, Field(ge=0, le=MAX_HOURS)]
Note = Annotated[str, Field(max_length=MAX_NOTE_CHARS, pattern=TEXT_PATTERN)]


class CostInputs(Strict):
    """Cost figures of one way of adopting (see scoring.options for the model)."""

    integration: Money = 0.0
    adaptation: Money = 0.0
    evaluation: Money = 0.0
    price_per_item: Money = 0.0
    items_per_month: Annotated[float, Field(ge=0, le=MAX_NUMBER)] | None = None
    hosting_per_month: Money = 0.0
    maintenance_per_month: Money = 0.0
    # Hours a week people spend checking this option's output (costed at the hourly rate).
    review_hours_per_week: Hours = 0.0
    other_per_month: Money = 0.0
    # Low and high ends of the figures above (each its expected value), for the cost bands.
    ranges: dict[RangedCostField, Range] = Field(default_factory=dict)
    # Usage on a catalogue model instead of a price per item (see scoring.usage_inputs).
    usage: UsageInputs | None = None

    def range_problems(self) -> Iterator[tuple[str, str]]:
        """(figure, message) for each range that does not hold its figure (checked where a
        file is read, so the message points at the range; the app leaves such a range out)."""
        for name, band in self.ranges.items():
            value = getattr(self, name)
            if not band.low <= value <= band.high:
                yield (
                    name,
                    (
                        f"expected low ≤ {name} ≤ high, found low {format_number(band.low)}, "
                        f"{name} {format_number(value)}, high {format_number(band.high)}"
                    ),
                )

    @model_validator(mode="after")
    def _usage_or_a_price(self) -> Self:
        if self.usage is not None and self.price_per_item > 0:
            raise ValueError(
                "expected price_per_item or usage, not both: the usage block prices each "
                "item from the price catalogue"
            )
        return self

    @model_validator(mode="before")
    @classmethod
    def _review_hours_per_week(cls, data: Any) -> Any:
        """Files and saved assessments from before hours were asked per week gave review
        hours per month; read them as the same hours per week instead of refusing them."""
        if not isinstance(data, Mapping) or "review_hours_per_month" not in data:
            return data
        data = dict(data)
        monthly = data.pop("review_hours_per_month")
        if "review_hours_per_week" in data:
            raise ValueError(
                "review hours are given twice; keep review_hours_per_week and leave out "
                "review_hours_per_month (its old name)"
            )
        number = isinstance(monthly, int | float) and not isinstance(monthly, bool)
        data["review_hours_per_week"] = round(monthly / WEEKS_PER_MONTH, 2) if number else monthly
        return data


class CurrentProcess(Strict):
    """What today's process costs each month besides the people's hours (licences, tools,
    outsourcing); the hours are in the labour roles."""

    other_per_month: Money = 0.0


class LabourRole(Strict):
    """Repetitive work one role does today and how much of it the model removes."""

    role: Annotated[str, Field(min_length=1, max_length=MAX_ROLE_CHARS, pattern=TEXT_PATTERN)]
    hours_per_week: Hours
    share_removed: Annotated[float, Field(ge=0, le=1)]
    moves_to: Annotated[str, Field(max_length=MAX_MOVES_TO_CHARS, pattern=TEXT_PATTERN)] = ""


class OptionAnswers(Strict):
    """One way of adopting; ``answers`` holds only the rubric's ``per_option`` questions."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=MAX_ID_CHARS)]
    title: Annotated[
        str, Field(min_length=1, max_length=MAX_OPTION_TITLE_CHARS, pattern=TEXT_PATTERN)
    ]
    baseline: bool = False
    answers: dict[str, Any] = Field(default_factory=dict, max_length=MAX_ANSWER_ENTRIES)
    notes: dict[str, Note] = Field(default_factory=dict, max_length=MAX_ANSWER_ENTRIES)
    costs: CostInputs | None = None
    # The option's score on the team's own evaluation set, 0–100 (e.g. accuracy in %), when
    # measured: shown beside its cost per item.
    measured_quality: Annotated[float, Field(ge=0, le=100)] | None = None


class Answers(Strict):
    """What one person answered; values are option ids, lists of them, numbers or ``unknown``."""

    rubric: Annotated[str, Field(max_length=MAX_ID_CHARS)] | None = None
    title: Annotated[str, Field(min_length=1, max_length=MAX_TITLE_CHARS, pattern=TEXT_PATTERN)] = (
        DEFAULT_TITLE
    )
    # Who takes the decision and who prepared it: on the memo's first lines.
    owner: (
        Annotated[str, Field(min_length=1, max_length=MAX_TITLE_CHARS, pattern=TEXT_PATTERN)] | None
    ) = None
    author: (
        Annotated[str, Field(min_length=1, max_length=MAX_TITLE_CHARS, pattern=TEXT_PATTERN)] | None
    ) = None
    # Any here: the type each answer needs depends on its question, checked against the rubric.
    answers: dict[str, Any] = Field(default_factory=dict, max_length=MAX_ANSWER_ENTRIES)
    notes: dict[str, Note] = Field(default_factory=dict, max_length=MAX_ANSWER_ENTRIES)
    options: list[OptionAnswers] = Field(default_factory=list, max_length=MAX_ASSESSMENT_OPTIONS)
    costs: CostInputs | None = None
    current_process: CurrentProcess | None = None
    hourly_rate: Annotated[float, Field(ge=0, le=MAX_NUMBER)] | None = None
    currency: Annotated[
        str, Field(min_length=1, max_length=MAX_CURRENCY_CHARS, pattern=TEXT_PATTERN)
    ] = "EUR"
    horizon_months: Annotated[int, Field(ge=1, le=MAX_HORIZON_MONTHS)] = 36
    labour: list[LabourRole] = Field(default_factory=list, max_length=MAX_LABOUR_ROLES)
    # Units of ``currency`` per unit of a price catalogue's currency, e.g. {USD: 0.86} when
    # the costs are in EUR and the catalogue in USD.
    exchange_rates: dict[
        Annotated[str, Field(pattern=r"^[A-Z]{3}$")], Annotated[float, Field(gt=0, le=MAX_NUMBER)]
    ] = Field(default_factory=dict, max_length=20)

    @model_validator(mode="before")
    @classmethod
    def _hours_from_labour_roles(cls, data: Any) -> Any:
        """Files and saved assessments from before the labour roles were the one source of
        hours gave today's hours per month under ``current_process``. With labour roles or a
        ``weekly_hours`` answer those figures are the hours (the monthly figure counted all
        of them as saved, which is what made costs and labour disagree); without either,
        the monthly hours become one role the model takes over entirely, so the cost
        figures stay as they were."""
        if not isinstance(data, Mapping):
            return data
        process = data.get("current_process")
        if not isinstance(process, Mapping) or "hours_per_month" not in process:
            return data
        data = dict(data)
        process = dict(process)
        monthly = process.pop("hours_per_month")
        data["current_process"] = process
        given = data.get("answers")
        answered = isinstance(given, Mapping) and given.get(WEEKLY_HOURS_QUESTION) is not None
        number = isinstance(monthly, int | float) and not isinstance(monthly, bool)
        if number and monthly > 0 and not data.get("labour") and not answered:
            data["labour"] = [
                {
                    "role": "Today's process",
                    "hours_per_week": round(monthly / WEEKS_PER_MONTH, 1),
                    "share_removed": 1.0,
                }
            ]
        return data


def hours_freed_per_week(roles: Iterable[LabourRole]) -> float:
    """Hours a week the model takes over across roles: hours × share removed, summed."""
    return round(sum(role.hours_per_week * role.share_removed for role in roles), 1)


def labour_hours(rubric: Rubric, answers: Answers) -> tuple[float, float]:
    """Hours a week of this work today and the hours the model takes over — the one source
    of hours for labour, cost and the ``weekly_hours`` answer: the labour roles when there
    are any, else the ``weekly_hours`` answer (all of it taken over), else none."""
    if answers.labour:
        today = round(sum(role.hours_per_week for role in answers.labour), 1)
        return today, hours_freed_per_week(answers.labour)
    hours = number_answer(rubric, answers, WEEKLY_HOURS_QUESTION)
    return (hours, hours) if hours is not None else (0.0, 0.0)


def number_answer(rubric: Rubric, answers: Answers, question_id: str) -> float | None:
    """The number answered to ``question_id`` when the rubric asks it as a number question;
    None when it is not asked that way, unanswered or "don't know"."""
    question = rubric.questions_by_id.get(question_id)
    value = answers.answers.get(question_id)
    if (
        question is not None
        and question.kind == "number"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return float(value)
    return None


def with_labour_hours(rubric: Rubric, answers: Answers) -> Answers:
    """``answers`` with ``weekly_hours`` taken from the labour roles, when there are roles
    and the rubric asks that number question: the hours are asked once, in the roles."""
    question = rubric.questions_by_id.get(WEEKLY_HOURS_QUESTION)
    if not answers.labour or question is None or question.kind != "number":
        return answers
    freed = hours_freed_per_week(answers.labour)
    if answers.answers.get(WEEKLY_HOURS_QUESTION) == freed or question.answer_problems(freed):
        return answers
    return answers.model_copy(update={"answers": {**answers.answers, WEEKLY_HOURS_QUESTION: freed}})


def with_derived_answers(
    rubric: Rubric, answers: Answers, catalogue: PriceCatalogue | None = None
) -> Answers:
    """``answers`` with the running-cost answer taken from the cost figures (see
    :func:`scoring.options.with_cost_answers`); never raises on figures that cannot be
    priced (the report names them)."""
    from .options import with_cost_answers  # scoring.options imports this module

    try:
        return with_cost_answers(rubric, answers, catalogue)
    except (AdvisorError, ValueError):  # ValueError: figures the usage math refuses
        return answers


#: The answers file's counted blocks, refused while the file is read once they pass their limit.
ANSWERS_COUNTS: CountLimits = {
    ("answers",): (MAX_ANSWER_ENTRIES, "answers in one file"),
    ("notes",): (MAX_ANSWER_ENTRIES, "notes in one file"),
    ("options", "*", "answers"): (MAX_ANSWER_ENTRIES, "answers in one option"),
    ("options", "*", "notes"): (MAX_ANSWER_ENTRIES, "notes in one option"),
}


def load_answers(
    path: str | Path,
    rubric: Rubric,
    *,
    display_name: str | None = None,
    catalogue: PriceCatalogue | None = None,
) -> Answers:
    """Read an answers file and check it against ``rubric``; raise :class:`AnswersError`.

    Options' ``usage:`` blocks are checked against ``catalogue`` (the shipped price
    catalogue when None): an offering, tier, self-hosted size or GPU class it lacks, or a
    catalogue in another currency without ``exchange_rates``, is a located problem.
    """
    document = load_document(path, display_name=display_name, counts=ANSWERS_COUNTS)
    return _from_document(document, rubric, catalogue)


def parse_answers(
    text: str | bytes,
    rubric: Rubric,
    file: str = "<answers>",
    *,
    catalogue: PriceCatalogue | None = None,
) -> Answers:
    """Check answers text (an upload) the same way as a file (``catalogue`` as in
    :func:`load_answers`)."""
    return _from_document(parse_document(text, file, counts=ANSWERS_COUNTS), rubric, catalogue)


def answers_from_data(
    data: Mapping[str, Any],
    rubric: Rubric,
    file: str = "<answers>",
    *,
    catalogue: PriceCatalogue | None = None,
) -> Answers:
    """Check answers held in memory (e.g. the app's session) against ``rubric``
    (``catalogue`` as in :func:`load_answers`)."""
    return _from_document(Document(data=dict(data), file=file), rubric, catalogue)


#: The answers-file blocks besides answers and notes ("extra" in the database and the app).
EXTRA_KEYS = (
    "owner",
    "author",
    "options",
    "costs",
    "current_process",
    "hourly_rate",
    "currency",
    "horizon_months",
    "labour",
    "exchange_rates",
)


def usable_answers(
    rubric: Rubric,
    title: str,
    answers: Mapping[str, Any],
    notes: Mapping[str, str],
    extra: Mapping[str, Any] | None = None,
    catalogue: PriceCatalogue | None = None,
) -> tuple[Answers, list[Problem]]:
    """The answers that fit ``rubric`` and the problems of those set aside (the running-cost
    answer priced from ``catalogue``, the shipped one unless given).

    The app keeps every answer a person gave; when the active policy changes, answers to
    questions the new policy lacks are set aside for scoring rather than lost. This never
    raises, whatever the session or a database row holds: a title or note over its limit
    is shortened, and a block (options, costs, labour …) that does not fit its model is
    left out, each named in the problems, so a save never fails on them.
    """
    problems: list[Problem] = []
    text = printable(title).strip() if isinstance(title, str) else ""
    if len(text) > MAX_TITLE_CHARS:
        problems.append(Problem(f"the title is shortened to {MAX_TITLE_CHARS} characters"))
    fields: dict[str, Any] = {"title": clip(text or DEFAULT_TITLE, MAX_TITLE_CHARS)}
    try:
        fields["answers"] = _usable_choices(rubric, answers, problems)
        fields["notes"] = _usable_notes(rubric, notes, problems, "")
        blocks = _usable_extra(rubric, extra, problems)
    # A shape no session or row should have: keep what was read so far. JSON-like data can
    # raise only these: ValueError for a whole number past Python's 4,300 digits made text
    # (found by test_usable_answers_never_raises), TypeError for a value of a type JSON
    # has not, RecursionError for nesting deeper than the interpreter allows.
    except (ValueError, TypeError, RecursionError):
        problems.append(Problem("some answers could not be read and are left out"))
        blocks = {}
    try:
        answers_read = Answers.model_validate({**blocks, **fields})
        derived = with_derived_answers(rubric, with_labour_hours(rubric, answers_read), catalogue)
        return derived, problems
    except ValidationError:
        pass
    kept: dict[str, Any] = {}
    for key, value in blocks.items():
        try:
            Answers.model_validate({key: value})
        except ValidationError:
            problems.append(Problem(f"{_BLOCK_NAMES.get(key, key)} could not be read: left out"))
        else:
            kept[key] = value
    try:
        answers_read = Answers.model_validate({**kept, **fields})
        derived = with_derived_answers(rubric, with_labour_hours(rubric, answers_read), catalogue)
        return derived, problems
    except ValidationError:
        problems.append(Problem("the answers could not be read and are left out"))
        return Answers(title=fields["title"]), problems


_BLOCK_NAMES = {
    "options": "the options",
    "costs": "the cost figures",
    "current_process": "the figures for today's process",
    "hourly_rate": "the hourly rate",
    "currency": "the currency",
    "horizon_months": "the cost horizon",
    "labour": "the labour roles",
    "exchange_rates": "the exchange rates",
}


def _usable_choices(
    rubric: Rubric,
    answers: Any,
    problems: list[Problem],
    option: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The answers that fit; those that do not are named in ``problems``."""
    if not isinstance(answers, Mapping):
        problems.append(Problem("the answers are not a mapping and are left out"))
        return {}
    entries = list(answers.items())
    if len(entries) > MAX_ANSWER_ENTRIES:
        problems.append(
            Problem(
                f"{len(entries) - MAX_ANSWER_ENTRIES:,} answers beyond the limit of "
                f"{MAX_ANSWER_ENTRIES:,} are left out"
            )
        )
        entries = entries[:MAX_ANSWER_ENTRIES]
    where: list[Any] = ["answers"] if option is None else ["options", 0, "answers"]
    data = {"answers": dict(entries)} if option is None else {"options": [option]}
    doc = Document(data=data, file="")
    kept: dict[str, Any] = {}
    for question_id, value in entries:
        if not isinstance(question_id, str):
            continue
        question = rubric.questions_by_id.get(question_id)
        if option is not None and question is not None and not question.per_option:
            found = [problem_at(doc, [*where, question_id], "not option-specific in this policy")]
        else:
            found = _answer_problems(rubric, question_id, value, doc, where)
        problems.extend(found)
        if not found:
            kept[question_id] = value
    return kept


def _usable_notes(
    rubric: Rubric, notes: Any, problems: list[Problem], where: str
) -> dict[str, str]:
    """Notes on the rubric's questions, each shortened to the note limit if need be."""
    if not isinstance(notes, Mapping):
        return {}
    kept: dict[str, str] = {}
    for question_id, note in notes.items():
        if question_id not in rubric.questions_by_id or not isinstance(note, str):
            continue
        if len(note) > MAX_NOTE_CHARS:
            problems.append(
                Problem(
                    f"{where}the note on {question_id!r} is shortened to "
                    f"{MAX_NOTE_CHARS:,} characters"
                )
            )
        kept[question_id] = clip(printable(note), MAX_NOTE_CHARS)
    return kept


def _usable_extra(
    rubric: Rubric, extra: Mapping[str, Any] | None, problems: list[Problem]
) -> dict[str, Any]:
    """The answers-file blocks besides answers and notes, options checked like answers."""
    if not isinstance(extra, Mapping):
        return {}
    data = {k: v for k, v in extra.items() if k in EXTRA_KEYS and v is not None}
    if "options" not in data:
        return data
    if not isinstance(data["options"], list):
        problems.append(Problem("the options could not be read and are left out"))
        del data["options"]
        return data
    options = []
    for option in data["options"]:
        if not isinstance(option, Mapping):
            problems.append(Problem("an option that could not be read is left out"))
            continue
        title = option.get("title")
        where = f"option {title!r}: " if isinstance(title, str) else ""
        if isinstance(title, str):
            title = printable(title).strip() or "Option"
        if isinstance(title, str) and len(title) > MAX_OPTION_TITLE_CHARS:
            problems.append(
                Problem(
                    f"the title of option {clip(title, 40)!r} is shortened to "
                    f"{MAX_OPTION_TITLE_CHARS} characters"
                )
            )
            title = clip(title, MAX_OPTION_TITLE_CHARS)
        usable = {**option, "title": title} if title is not None else dict(option)
        usable["answers"] = _usable_choices(rubric, option.get("answers", {}), problems, usable)
        if "notes" in option:
            usable["notes"] = _usable_notes(rubric, option["notes"], problems, where)
        options.append(usable)
    data["options"] = options
    return data


def read_rubric_id(path: str | Path) -> str | None:
    """The ``rubric:`` an answers file names, or None; errors surface later, located."""
    try:
        doc = load_document(path, counts=ANSWERS_COUNTS)
    except AdvisorError:  # every problem reading the file is one, located later
        return None
    value = doc.data.get("rubric")
    return value if isinstance(value, str) else None


def _from_document(
    doc: Document, rubric: Rubric, catalogue: PriceCatalogue | None = None
) -> Answers:
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
    problems += _check_against_catalogue(answers, doc, catalogue)
    problems += _check_ranges(answers, doc)
    if problems:
        raise AnswersError(sorted(problems, key=lambda p: (p.line, p.column)))
    return with_derived_answers(rubric, with_labour_hours(rubric, answers), catalogue)


def _usage_blocks(answers: Answers) -> list[tuple[list[Any], UsageInputs]]:
    """Every ``usage:`` block with its place in the file."""
    blocks: list[tuple[list[Any], UsageInputs]] = []
    if answers.costs is not None and answers.costs.usage is not None:
        blocks.append((["costs", "usage"], answers.costs.usage))
    for index, option in enumerate(answers.options):
        if option.costs is not None and option.costs.usage is not None:
            blocks.append((["options", index, "costs", "usage"], option.costs.usage))
    return blocks


def _check_ranges(answers: Answers, doc: Document) -> list[Problem]:
    """A cost range that leaves out its own figure, located at the range."""
    blocks: list[tuple[list[Any], CostInputs]] = []
    if answers.costs is not None:
        blocks.append((["costs"], answers.costs))
    for index, option in enumerate(answers.options):
        if option.costs is not None:
            blocks.append((["options", index, "costs"], option.costs))
    return [
        problem_at(doc, [*where, "ranges", name], message)
        for where, cost in blocks
        for name, message in cost.range_problems()
    ]


def _check_against_catalogue(
    answers: Answers, doc: Document, catalogue: PriceCatalogue | None
) -> list[Problem]:
    """The usage blocks' catalogue ids and currency, checked where the file is read: the
    cost model would otherwise only list them among the report's cost problems and keep
    the option's point figures, which a person running ``score`` would not notice."""
    blocks = _usage_blocks(answers)
    if not blocks:
        return []  # no usage, no catalogue to read
    if catalogue is None:
        from .catalogue import shipped_catalogue

        catalogue = shipped_catalogue()
    problems: list[Problem] = []
    for loc, usage in blocks:
        named: list[tuple[EntryKind, str | None, list[Any]]] = [
            ("offering", usage.offering, ["offering"]),
            ("tier", usage.tier, ["tier"]),
        ]
        if usage.self_hosted is not None:
            named += [
                ("self_hosted_size", usage.self_hosted.size, ["self_hosted", "size"]),
                ("gpu_class", usage.self_hosted.gpu, ["self_hosted", "gpu"]),
            ]
            if usage.overrides.utilisation is None and catalogue.utilisation is None:
                lacking = (
                    f"the price catalogue {_catalogue_name(catalogue)} has no utilisation; "
                    "expected overrides.utilisation (the share of paid GPU hours doing useful "
                    "work, e.g. 0.6)"
                )
                problems.append(problem_at(doc, [*loc, "self_hosted"], lacking))
        if usage.fine_tune is not None:
            named.append(("gpu_class", usage.fine_tune.gpu, ["fine_tune", "gpu"]))
        for kind, entry_id, where in named:
            unknown = _unknown_entry(catalogue, kind, entry_id) if entry_id else None
            if unknown is not None:
                problems.append(problem_at(doc, [*loc, *where], unknown))
    if answers.currency != catalogue.currency and catalogue.currency not in answers.exchange_rates:
        given = isinstance(doc.data, dict) and "currency" in doc.data
        at = ["exchange_rates"] if "exchange_rates" in doc.data else blocks[0][0]
        message = (
            f"the costs are in {answers.currency}{'' if given else ' (the default currency)'} "
            f"and the price catalogue {_catalogue_name(catalogue)} in {catalogue.currency}; "
            f"expected an exchange rate, e.g. exchange_rates: {{{catalogue.currency}: 0.9}} "
            f"({answers.currency} per {catalogue.currency})"
        )
        problems.append(problem_at(doc, at, message))
    return [_option_named(problem, answers) for problem in problems]


def _catalogue_name(catalogue: PriceCatalogue) -> str:
    """The catalogue by its files' names (a path would differ from machine to machine)."""
    names = [Path(file).name for file in catalogue.files]
    return f"({' + '.join(names)})" if names else repr(catalogue.id)


def _unknown_entry(catalogue: PriceCatalogue, kind: EntryKind, entry_id: str) -> str | None:
    """Why ``entry_id`` is not a ``kind`` of ``catalogue``, or None when it is one."""
    tables: dict[EntryKind, Mapping[str, object]] = {
        "offering": catalogue.offerings_by_id,
        "tier": catalogue.tiers_by_id,
        "self_hosted_size": catalogue.self_hosted_sizes_by_id,
        "gpu_class": catalogue.gpu_classes_by_id,
    }
    table = tables.get(kind, {})
    if entry_id in table:
        return None
    noun = KIND_NOUNS[kind]
    close = difflib.get_close_matches(entry_id, list(table), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    known = f"one of: {', '.join(table)}" if table else f"a {noun} of the catalogue"
    return (
        f"unknown {noun} {quoted(entry_id)} in the price catalogue "
        f"{_catalogue_name(catalogue)}; expected {known}{hint}"
    )


def _option_named(problem: Problem, answers: Answers) -> Problem:
    """``problem`` with its option named by id (``option 'hosted'``, as a rubric's
    questions are), not by its place in the list."""
    prefix = "options["
    if not problem.path.startswith(prefix):
        return problem
    index_text, _, rest = problem.path[len(prefix) :].partition("]")
    if not index_text.isdigit() or int(index_text) >= len(answers.options):
        return problem
    name = f"option {answers.options[int(index_text)].id!r}"
    return dataclasses.replace(problem, path=name + rest)


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
    weekly = answers.answers.get(WEEKLY_HOURS_QUESTION)
    if (
        answers.labour
        and isinstance(weekly, int | float)
        and not isinstance(weekly, bool)
        and abs(weekly - hours_freed_per_week(answers.labour)) > 0.05
    ):
        freed = hours_freed_per_week(answers.labour)
        yield problem_at(
            doc,
            ["answers", WEEKLY_HOURS_QUESTION],
            f"the labour roles free {freed:,g} hours a week and this answer says {weekly:,g}; "
            "hours are given once: leave this answer out (it follows from the labour roles) "
            "or make the two agree",
        )


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
    return [
        problem_at(doc, [*loc, *where], message)
        for where, message in question.answer_problems(value)
    ]


def _unknown_question(question_id: str, by_id: Mapping[str, Any]) -> str:
    close = []
    if len(question_id) <= 2 * MAX_ID_CHARS:  # a longer key is no typo of an id
        close = difflib.get_close_matches(question_id, list(by_id), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown question {quoted(question_id)}; expected a question id of this rubric{hint}"


def answers_to_yaml(answers: Answers) -> str:
    """The answers as a YAML file that ``adoption-advisor score`` accepts."""
    data: dict[str, Any] = answers.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    data["title"] = answers.title
    first: tuple[str, ...] = ("rubric", "title", "answers", "notes")
    ordered: dict[str, Any] = {k: data[k] for k in first if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100)
