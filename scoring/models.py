"""The rubric format as pydantic models (field reference: rubric/README.md).

The models check the shape of one rubric; cross-references (duplicate ids,
``show_if`` targets, rule clauses, threshold order) are checked in
:mod:`scoring.loader`, which knows where each value sits in the file.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from .limits import (
    MAX_ID_CHARS,
    MAX_NEXT_STEPS,
    MAX_NUMBER,
    MAX_OPTIONS_PER_QUESTION,
    MAX_QUESTIONS,
    MAX_RULES,
    MAX_SECTIONS,
    MAX_TEXT_CHARS,
    MAX_VERSION_CHARS,
    TEXT_PATTERN,
)
from .text import format_number, quoted, shown_value

__all__ = [
    "QUESTION_KINDS",
    "UNKNOWN",
    "AdaptationPolicy",
    "AdaptationRule",
    "AdoptionCondition",
    "AnswerProblem",
    "AnswerValue",
    "AnyQuestion",
    "Band",
    "ChoiceQuestion",
    "Clause",
    "Condition",
    "Finality",
    "HardRule",
    "MultipleChoiceQuestion",
    "NumberQuestion",
    "Option",
    "Output",
    "Question",
    "Rubric",
    "ScaleQuestion",
    "Section",
    "ShowIf",
    "SingleChoiceQuestion",
    "Strategy",
    "Thresholds",
    "Verdict",
    "VerdictSteps",
]

#: The answer value that means "don't know"; no option may use it as its id.
UNKNOWN = "unknown"

#: An answer: an option id (single choice, scale), a list of option ids (multiple choice)
#: or a number; ``UNKNOWN`` for "don't know".
AnswerValue = str | list[str] | int | float

#: One thing wrong with an answer: where it sits below the answer (``()`` for the answer
#: itself, ``(2,)`` for the third item of a list) and the message.
AnswerProblem = tuple[tuple[int, ...], str]

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=MAX_ID_CHARS,
        description="Lower-case letters, digits and underscores, starting with a letter.",
    ),
]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=TEXT_PATTERN)]
#: A number in a rubric that bounds an answer (band bounds, minimum, maximum).
Bound = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
Weight = Annotated[float, Field(ge=0, le=100, description="Relative weight, 0 or more.")]
OptionScore = Annotated[
    float, Field(ge=0, le=100, description="How favourable this answer is for adoption, 0–100.")
]


class Verdict(enum.StrEnum):
    """The three verdicts, best first in ``order``."""

    RECOMMEND = "recommend"
    ADAPT = "adapt"
    AVOID = "avoid"

    @property
    def rank(self) -> int:
        """2 for recommend, 1 for adapt, 0 for avoid: higher is better."""
        return _RANKS[self.value]

    @property
    def label(self) -> str:
        """The verdict as people read it: ``Recommend``, ``Adapt``, ``Avoid``."""
        return self.value.capitalize()

    @classmethod
    def from_rank(cls, rank: int) -> Verdict:
        """The verdict of a rank (see :attr:`rank`)."""
        return _BY_RANK[rank]


_RANKS = {"recommend": 2, "adapt": 1, "avoid": 0}
_BY_RANK = {2: Verdict.RECOMMEND, 1: Verdict.ADAPT, 0: Verdict.AVOID}


class Strategy(enum.StrEnum):
    """How aggressively to adapt the model (PRODUCT.md, factor 8)."""

    PROMPT_HOSTED = "prompt_hosted"
    GROUND_IN_DATA = "ground_in_data"
    FINETUNE_SMALL = "finetune_small"
    TRAIN_BESPOKE = "train_bespoke"
    KEEP_CURRENT = "keep_current"

    @property
    def label(self) -> str:
        """The strategy as the report names it (e.g. "Fine-tune a smaller model")."""
        return _STRATEGY_LABELS[self]

    @property
    def cap(self) -> Verdict | None:
        """The best verdict this advice allows: specialising a model is a condition of
        adoption (at most Adapt); keeping the current process means Avoid."""
        if self in (Strategy.FINETUNE_SMALL, Strategy.TRAIN_BESPOKE):
            return Verdict.ADAPT
        if self is Strategy.KEEP_CURRENT:
            return Verdict.AVOID
        return None


_STRATEGY_LABELS = {
    Strategy.PROMPT_HOSTED: "Prompt a capable general model",
    Strategy.GROUND_IN_DATA: "Ground a large model in company data",
    Strategy.FINETUNE_SMALL: "Fine-tune a smaller model",
    Strategy.TRAIN_BESPOKE: "Train a bespoke model",
    Strategy.KEEP_CURRENT: "Keep the current process",
}


# Enums are written as plain text in YAML, so they are the one place strict mode is relaxed.
StrategyField = Annotated["Strategy", Field(strict=False)]
VerdictField = Annotated["Verdict", Field(strict=False)]


class Strict(BaseModel):
    """Shared base: unknown keys are errors and values are not coerced ("5" is not 5)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Output(BaseModel):
    """Shared base of every result the core returns (scores, insight, options): frozen,
    unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def trusted(cls, fields: dict[str, Any]) -> Self:
        """The model from ``fields`` (field name -> value, every field given, each value
        already of its field's type; the dict becomes the model's), without validation: for
        results built many times per score from a checked rubric and answers. (pydantic's
        ``model_construct`` would do, but is slower than validating.) A float field must get
        a float, or JSON shows ``70`` for ``70.0``."""
        out = _new_object(cls)
        _set_attribute(out, "__dict__", fields)
        _set_attribute(out, "__pydantic_fields_set__", set(fields))
        _set_attribute(out, "__pydantic_extra__", None)
        _set_attribute(out, "__pydantic_private__", None)
        return out


_set_attribute = object.__setattr__
_new_object = object.__new__


class Option(Strict):
    """One answer a person can pick."""

    id: Identifier
    label: Text
    score: OptionScore
    next_step: Text | None = Field(
        default=None, description="Advice added to the report's next steps when this is chosen."
    )
    risk: Text | None = Field(
        default=None, description="A risk note shown beside this answer in the report."
    )
    not_applicable: bool = Field(
        default=False,
        description="The question does not apply to this case: the answer counts as given "
        "(for completeness) but is left out of the score, so it is neutral.",
    )


class Band(Strict):
    """A range of a number answer: from the previous band's ``below`` up to (not including) its own."""

    id: Identifier
    label: Text
    below: Bound | None = Field(
        default=None, description="Exclusive upper bound; leave out on the last band."
    )
    score: OptionScore
    next_step: Text | None = None
    risk: Text | None = None
    not_applicable: bool = Field(
        default=False,
        description="Numbers in this band mean the question does not apply (e.g. 0 hours): "
        "answered, but left out of the score.",
    )


class ShowIf(Strict):
    """Show a question only when an earlier question was answered with one of ``any_of``."""

    question: Identifier
    any_of: list[Identifier] = Field(min_length=1)


class _QuestionBase(Strict):
    """Fields every question kind has, and the behaviour each kind gives its own answers.

    The methods take answers already checked against the question (see
    :meth:`answer_problems`), never "don't know": callers leave that out first.
    """

    id: Identifier
    section: Identifier
    prompt: Text
    help: Text
    weight: Weight = 1.0
    show_if: ShowIf | None = None
    allow_unknown: bool = Field(default=True, description='Whether "don\'t know" is accepted.')
    actionable: bool = Field(
        default=False,
        description="The company can change this answer by acting (add review, build an "
        "evaluation set, self-host); 'what would change the verdict' only changes these.",
    )
    per_option: bool = Field(
        default=False,
        description="Answered once per option (e.g. hosting, adaptation) when an assessment "
        "compares options; the other questions describe the shared context.",
    )

    #: The field that lists what an answer picks from: ``options``, or ``bands``.
    choices_field: ClassVar[str] = "options"

    def score_of(self, value: AnswerValue) -> float | None:
        """The answer's score x (0–100), or None for a "not applicable" answer (answered,
        left out of the score)."""
        raise NotImplementedError

    @property
    def scorer(self) -> Callable[[AnswerValue], float | None]:
        """:meth:`score_of` as the quickest callable the kind has: the compiled rubric calls
        it for every answer of every evaluation."""
        return self.score_of

    def chosen_ids(self, value: AnswerValue) -> frozenset[str]:
        """The option ids the answer picks; for a number, the id of the band it falls in.
        ``show_if`` and rule clauses (``any_of``) are matched against these."""
        raise NotImplementedError

    def picks_any(self, value: AnswerValue, ids: frozenset[str]) -> bool:
        """Whether the answer picks one of ``ids`` (see :meth:`chosen_ids`): how ``show_if``
        and a rule clause's ``any_of`` are read."""
        return not self.chosen_ids(value).isdisjoint(ids)

    def possible_answers(self) -> list[AnswerValue]:
        """One answer per distinct outcome, in the rubric's order: each option, a number in
        each band. For multiple choice each single option (and, with ``combine: sum``, every
        scored option together): the mean and the capped sum reach their extremes there."""
        raise NotImplementedError

    def completion_answers(self, limit: int) -> list[AnswerValue] | None:
        """Every distinct answer the question can still get, for the exact verdict range:
        each option, a number in each band within ``maximum``, and for multiple choice every
        set of options — None when there are more than ``limit``. Single options do not
        suffice for a set: a rule with two clauses on the question can hold for a set and
        for none of its members alone."""
        raise NotImplementedError

    def answer_label(self, value: AnswerValue) -> str:
        """The answer in the words the PM saw: option labels joined by "; ", or the number
        with its unit and band."""
        raise NotImplementedError

    def short_label(self, value: AnswerValue) -> str:
        """The answer in a few words for "what would change": option labels, or the band
        with the unit."""
        raise NotImplementedError

    def risk_of(self, value: AnswerValue) -> str | None:
        """The risk notes of what the answer picks, or None."""
        raise NotImplementedError

    def answer_problems(self, value: Any) -> list[AnswerProblem]:
        """What is wrong with ``value`` as an answer to this question ("don't know" aside);
        empty when it fits."""
        raise NotImplementedError

    def change_steps(self, old: AnswerValue | None, new: AnswerValue) -> int:
        """How far apart two answers are: 1 from an open question (unanswered or "don't
        know"), else options moved along the list, bands moved, or (multiple choice)
        options added plus options removed."""
        raise NotImplementedError

    def same_answer(self, a: AnswerValue, b: AnswerValue) -> bool:
        """Whether two answers mean the same: the same option, the same set of options,
        numbers in the same band."""
        raise NotImplementedError


def _is_open(value: AnswerValue | None) -> bool:
    return value is None or value == UNKNOWN


def _unknown_option(option_id: Any, option_ids: list[str], allow_unknown: bool) -> str:
    allowed = ", ".join([*option_ids, UNKNOWN] if allow_unknown else option_ids)
    shown = quoted(option_id) if isinstance(option_id, str) else shown_value(option_id)
    return f"unknown option {shown}; expected one of: {allowed}"


class _OptionsQuestion(_QuestionBase):
    """The kinds answered by picking options: one (single choice, scale) here, several in
    :class:`MultipleChoiceQuestion`."""

    if TYPE_CHECKING:  # each kind declares the field itself, so field order stays as written
        options: list[Option]

    @cached_property
    def option_scores(self) -> dict[str, float | None]:
        """Option id -> its score, None for a "not applicable" option."""
        return {o.id: None if o.not_applicable else o.score for o in self.options}

    @cached_property
    def option_labels(self) -> dict[str, str]:
        """Option id -> its label."""
        return {o.id: o.label for o in self.options}

    def _chosen_list(self, value: AnswerValue) -> list[str]:
        return [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]

    def score_of(self, value: AnswerValue) -> float | None:
        """The chosen option's score; None when it is "not applicable"."""
        return self.option_scores[value]  # type: ignore[index]

    @property
    def scorer(self) -> Callable[[AnswerValue], float | None]:
        """The lookup of the chosen option's score itself (no method call per answer)."""
        return self.option_scores.__getitem__  # type: ignore[return-value]

    def chosen_ids(self, value: AnswerValue) -> frozenset[str]:
        """The chosen option (a list is read as the options it names)."""
        if isinstance(value, list):
            return frozenset(value)
        return frozenset({str(value)})

    def picks_any(self, value: AnswerValue, ids: frozenset[str]) -> bool:
        """Whether the chosen option (any of a list) is among ``ids``."""
        if isinstance(value, list):
            return any(v in ids for v in value)
        return value in ids

    def possible_answers(self) -> list[AnswerValue]:
        """Each option, in order."""
        return [o.id for o in self.options]

    def completion_answers(self, limit: int) -> list[AnswerValue] | None:
        """Each option, in order."""
        return [o.id for o in self.options]

    def answer_label(self, value: AnswerValue) -> str:
        """The chosen options' labels, joined by "; "."""
        labels = self.option_labels
        return "; ".join(labels[c] for c in self._chosen_list(value))

    def short_label(self, value: AnswerValue) -> str:
        """The chosen options' labels, joined by "; "."""
        labels = self.option_labels
        chosen = value if isinstance(value, list) else [value]
        return "; ".join(labels[str(c)] for c in chosen)

    def risk_of(self, value: AnswerValue) -> str | None:
        """The chosen options' risk notes joined by a space, or None."""
        chosen = self.chosen_ids(value)
        notes = [o.risk for o in self.options if o.id in chosen and o.risk]
        return " ".join(notes) if notes else None

    def answer_problems(self, value: Any) -> list[AnswerProblem]:
        """Expects one option id of this question."""
        if not isinstance(value, str):
            return [((), f"expected one option id, found {shown_value(value)}")]
        ids = list(self.option_labels)
        if value not in ids:
            return [((), _unknown_option(value, ids, self.allow_unknown))]
        return []

    def change_steps(self, old: AnswerValue | None, new: AnswerValue) -> int:
        """1 from an open question, else how many places the option moved in the list."""
        if _is_open(old):
            return 1
        order = self.possible_answers()
        return abs(order.index(new) - order.index(old))  # type: ignore[arg-type]

    def same_answer(self, a: AnswerValue, b: AnswerValue) -> bool:
        """The same option, or the same set of options."""
        if isinstance(a, list) or isinstance(b, list):
            return set(a if isinstance(a, list) else [a]) == set(b if isinstance(b, list) else [b])
        return a == b


class SingleChoiceQuestion(_OptionsQuestion):
    """Pick exactly one option."""

    kind: Literal["single"]
    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS_PER_QUESTION)


class ScaleQuestion(_OptionsQuestion):
    """Pick one point on an ordered scale (shown as a slider); options go from low to high."""

    kind: Literal["scale"]
    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS_PER_QUESTION)


class MultipleChoiceQuestion(_OptionsQuestion):
    """Pick one or more options; ``combine`` says how their scores make the question's score."""

    kind: Literal["multiple"]
    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS_PER_QUESTION)
    combine: Literal["mean", "sum"] = Field(
        default="mean", description="mean of the chosen scores, or their sum capped at 100."
    )

    @property
    def scorer(self) -> Callable[[AnswerValue], float | None]:
        """:meth:`score_of` (the mean or capped sum needs more than a lookup)."""
        return self.score_of

    def score_of(self, value: AnswerValue) -> float | None:
        """The mean of the chosen scored options, or their sum capped at 100; None when
        every chosen option is "not applicable"."""
        scores = self.option_scores
        scored = [x for c in self._chosen_list(value) if (x := scores[c]) is not None]
        if not scored:
            return None
        total = sum(scored)
        return min(100.0, total) if self.combine == "sum" else total / len(scored)

    def possible_answers(self) -> list[AnswerValue]:
        """Each single option; with ``combine: sum`` also every scored option together (the
        capped sum's top)."""
        singles: list[AnswerValue] = [o.id for o in self.options]
        if self.combine == "sum":
            singles.append([o.id for o in self.options if not o.not_applicable])
        return singles

    def completion_answers(self, limit: int) -> list[AnswerValue] | None:
        """Every non-empty set of options, or None when there are more than ``limit``."""
        ids = [o.id for o in self.options]
        if 2 ** len(ids) - 1 > limit:
            return None
        return [
            list(chosen)
            for size in range(1, len(ids) + 1)
            for chosen in itertools.combinations(ids, size)
        ]

    def answer_problems(self, value: Any) -> list[AnswerProblem]:
        """Expects a list of distinct option ids (one id alone is read as a list of one)."""
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, list):
            return [((), f"expected a list of option ids, found {shown_value(value)}")]
        ids = list(self.option_labels)
        problems: list[AnswerProblem] = []
        if not chosen:
            problems.append(((), "expected at least one option id, found an empty list"))
        for index, option_id in enumerate(chosen):
            if option_id not in ids:
                where = (index,) if isinstance(value, list) else ()
                problems.append((where, _unknown_option(option_id, ids, self.allow_unknown)))
        if len({str(c) for c in chosen}) != len(chosen):
            problems.append(((), "an option id appears twice; expected each once"))
        return problems

    def change_steps(self, old: AnswerValue | None, new: AnswerValue) -> int:
        """1 from an open question, else options added plus options removed."""
        if _is_open(old):
            return 1
        before = {old} if isinstance(old, str) else set(old)  # type: ignore[arg-type]
        after = {new} if isinstance(new, str) else set(new)  # type: ignore[arg-type]
        return len(before ^ after)


class NumberQuestion(_QuestionBase):
    """Enter a number; the band it falls in gives the score."""

    kind: Literal["number"]
    unit: Text
    minimum: Bound = 0
    maximum: Bound | None = None
    bands: list[Band] = Field(min_length=1, max_length=MAX_OPTIONS_PER_QUESTION)

    choices_field: ClassVar[str] = "bands"

    def band_index(self, value: AnswerValue) -> int:
        """The position of the band a number falls in: the first whose ``below`` it is
        under; the last band takes every larger number."""
        number = float(value)  # type: ignore[arg-type]
        for index, band in enumerate(self.bands):
            if band.below is None or number < band.below:
                return index
        return len(self.bands) - 1

    def band_for(self, value: AnswerValue) -> Band:
        """The band a number falls in (see :meth:`band_index`)."""
        return self.bands[self.band_index(value)]

    def score_of(self, value: AnswerValue) -> float | None:
        """The band's score; None when the band is "not applicable"."""
        band = self.band_for(value)
        return None if band.not_applicable else band.score

    @property
    def scorer(self) -> Callable[[AnswerValue], float | None]:
        """:meth:`score_of` with the bands read once: one call per answer instead of three."""
        bands = tuple((b.below, None if b.not_applicable else b.score) for b in self.bands)
        last = bands[-1][1]

        def score_of(value: AnswerValue) -> float | None:
            number = float(value)  # type: ignore[arg-type]
            for below, score in bands:
                if below is None or number < below:
                    return score
            return last

        return score_of

    def chosen_ids(self, value: AnswerValue) -> frozenset[str]:
        """The id of the band the number falls in."""
        return frozenset({self.band_for(value).id})

    def picks_any(self, value: AnswerValue, ids: frozenset[str]) -> bool:
        """Whether the number's band is among ``ids``."""
        return self.band_for(value).id in ids

    def _band_starts(self, top: float | None) -> list[AnswerValue]:
        starts: list[AnswerValue] = []
        low = self.minimum
        for band in self.bands:
            if top is None or low <= top:
                starts.append(low)
            if band.below is not None:
                low = band.below
        return starts

    def possible_answers(self) -> list[AnswerValue]:
        """The lowest number of each band (from ``minimum``)."""
        return self._band_starts(None)

    def completion_answers(self, limit: int) -> list[AnswerValue] | None:
        """The lowest number of each band an answer can reach (within ``maximum``)."""
        return self._band_starts(self.maximum)

    def answer_label(self, value: AnswerValue) -> str:
        """``40,000 items per month (10,000 to 100,000)``: the number, unit and band."""
        return f"{value:,g} {self.unit} ({self.band_for(value).label})"

    def short_label(self, value: AnswerValue) -> str:
        """The band with the unit: ``10,000 to 100,000 (items per month)``."""
        return f"{self.band_for(value).label} ({self.unit})"

    def risk_of(self, value: AnswerValue) -> str | None:
        """The band's risk note, or None."""
        return self.band_for(value).risk

    def answer_problems(self, value: Any) -> list[AnswerProblem]:
        """Expects a finite number within ``minimum`` and ``maximum`` (and the number limit)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [((), f"expected a number ({self.unit}), found {shown_value(value)}")]
        if value != value or value in (float("inf"), float("-inf")):
            return [((), f"expected a finite number, found {value!r}")]
        lowest = self.minimum
        highest = MAX_NUMBER if self.maximum is None else min(self.maximum, MAX_NUMBER)
        for outside, words, bound in (
            (value < lowest, "least", lowest),
            (value > highest, "most", highest),
        ):
            if outside:
                message = f"expected a number of at {words} {format_number(bound)}"
                return [((), f"{message}, found {format_number(value)}")]
        return []

    def change_steps(self, old: AnswerValue | None, new: AnswerValue) -> int:
        """1 from an open question, else how many bands the number moved."""
        if _is_open(old):
            return 1
        return abs(self.band_index(new) - self.band_index(old))  # type: ignore[arg-type]

    def same_answer(self, a: AnswerValue, b: AnswerValue) -> bool:
        """Numbers in the same band."""
        return self.band_index(a) == self.band_index(b)


AnyQuestion = SingleChoiceQuestion | ScaleQuestion | MultipleChoiceQuestion | NumberQuestion
ChoiceQuestion = SingleChoiceQuestion | ScaleQuestion | MultipleChoiceQuestion
Question = Annotated[AnyQuestion, Field(discriminator="kind")]

#: Each question kind (``kind:`` in the rubric) and the model that reads it: the one place
#: a new kind is added (the app picks its widget by the same key).
QUESTION_KINDS: dict[str, type[AnyQuestion]] = {
    "single": SingleChoiceQuestion,
    "scale": ScaleQuestion,
    "multiple": MultipleChoiceQuestion,
    "number": NumberQuestion,
}


class Section(Strict):
    """One contextual factor: a group of questions with a weight in the overall score."""

    id: Identifier
    title: Text
    description: Text
    weight: Weight


class Thresholds(Strict):
    """Overall score (0–100) at or above which each verdict is given; below ``adapt`` is Avoid."""

    recommend: Annotated[float, Field(ge=0, le=100)]
    adapt: Annotated[float, Field(ge=0, le=100)]


class Clause(Strict):
    """One test inside a condition; give exactly one form:

    * ``question`` + ``any_of``: true when that question is shown and answered with one of
      ``any_of`` (for multiple choice: when any chosen option is among them);
    * ``verdict`` (adaptation rules only): true when the verdict so far is one of them;
    * ``all`` / ``any``: a nested group, so a rule can say "A and (B or C)".
    """

    question: Identifier | None = None
    any_of: list[Identifier] | None = Field(default=None, min_length=1)
    verdict: list[VerdictField] | None = Field(default=None, min_length=1)
    all: list[Clause] | None = Field(default=None, min_length=1)
    any: list[Clause] | None = Field(default=None, min_length=1)

    @property
    def clauses(self) -> list[Clause]:
        """The clauses of a nested group (empty for a question or verdict clause)."""
        return list(self.all or self.any or [])

    def question_ids(self) -> list[str]:
        """Every question this clause (or a nested group) reads, in order, once each."""
        found = [self.question] if self.question else []
        for clause in self.clauses:
            found.extend(clause.question_ids())
        return list(dict.fromkeys(found))


class Condition(Strict):
    """``all`` clauses must hold, or ``any`` one of them; give exactly one of the two."""

    all: list[Clause] | None = Field(default=None, min_length=1)
    any: list[Clause] | None = Field(default=None, min_length=1)

    @property
    def clauses(self) -> list[Clause]:
        """The clauses, whichever of ``all`` and ``any`` holds them."""
        return list(self.all or self.any or [])

    def question_ids(self) -> list[str]:
        """Every question the condition reads, nested groups included."""
        return list(dict.fromkeys(q for c in self.clauses for q in c.question_ids()))


class HardRule(Strict):
    """Caps the verdict whatever the score when its condition holds."""

    id: Identifier
    title: Text
    when: Condition
    cap: Literal["adapt", "avoid"]
    reason: Text
    next_step: Text | None = None
    enabled: bool = True


class AdoptionCondition(Strict):
    """Something that must be true before adoption (self-host, add review, build the
    evaluation set …). While its ``when`` holds, the verdict is at most Adapt and the report
    lists ``text`` under the verdict."""

    id: Identifier
    title: Text
    text: Text = Field(description="What must be true before adoption, said to the PM.")
    when: Condition
    enabled: bool = True


class Finality(Strict):
    """When a verdict is final rather than provisional."""

    min_answered_share: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.8,
        description="Share of the question weight that must be answered (a real answer or "
        "'not applicable'; 'don't know' is open) in every section for a final verdict.",
    )


class PricePolicy(Strict):
    """How the price catalogue's figures are used: how old they may be, and how fast hosted
    prices are assumed to fall in the falling-price scenario."""

    max_age_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        default=90,
        description="Catalogue entries checked longer ago than this are flagged as stale.",
    )
    annual_price_fall: Annotated[float, Field(ge=1, le=100)] = Field(
        default=3.0,
        description="Hosted per-token prices for the same capability are divided by this "
        "each year in the falling-price scenario (1: constant prices).",
    )


class AdaptationRule(Strict):
    """The first rule whose condition holds picks the strategy."""

    id: Identifier
    when: Condition
    strategy: StrategyField
    rationale: Text


class AdaptationPolicy(Strict):
    # No docstring: it would become this block's description in rubric/rubric.schema.json.
    # The first rule that holds picks the strategy, else the default with its rationale.

    default_strategy: StrategyField
    default_rationale: Text
    rules: list[AdaptationRule] = Field(default_factory=list, max_length=MAX_RULES)


class VerdictSteps(Strict):
    """Next steps every report with that verdict gets."""

    recommend: list[Text] = Field(default_factory=list, max_length=MAX_NEXT_STEPS)
    adapt: list[Text] = Field(default_factory=list, max_length=MAX_NEXT_STEPS)
    avoid: list[Text] = Field(default_factory=list, max_length=MAX_NEXT_STEPS)


class Rubric(Strict):
    """A complete questionnaire and the policy that scores it."""

    id: Identifier
    title: Text
    version: Annotated[str, Field(min_length=1, max_length=MAX_VERSION_CHARS)]
    description: Text
    thresholds: Thresholds
    sections: list[Section] = Field(min_length=1, max_length=MAX_SECTIONS)
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)
    hard_rules: list[HardRule] = Field(default_factory=list, max_length=MAX_RULES)
    conditions: list[AdoptionCondition] = Field(default_factory=list, max_length=MAX_RULES)
    finality: Finality = Field(default_factory=Finality)
    prices: PricePolicy = Field(default_factory=PricePolicy)
    adaptation: AdaptationPolicy
    next_steps: VerdictSteps = Field(default_factory=VerdictSteps)

    @cached_property
    def questions_by_id(self) -> dict[str, AnyQuestion]:
        """Question id -> question, in rubric order."""
        return {q.id: q for q in self.questions}

    @cached_property
    def sections_by_id(self) -> dict[str, Section]:
        """Section id -> section, in rubric order."""
        return {s.id: s for s in self.sections}
