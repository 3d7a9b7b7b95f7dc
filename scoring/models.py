"""The rubric format as pydantic models (field reference: rubric/README.md).

The models check the shape of one rubric; cross-references (duplicate ids,
``show_if`` targets, rule clauses, threshold order) are checked in
:mod:`scoring.loader`, which knows where each value sits in the file.
"""

from __future__ import annotations

import enum
from functools import cached_property
from typing import Annotated, Literal

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

__all__ = [
    "UNKNOWN",
    "AdaptationPolicy",
    "AdaptationRule",
    "AdoptionCondition",
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
        return {"recommend": 2, "adapt": 1, "avoid": 0}[self.value]

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @classmethod
    def from_rank(cls, rank: int) -> Verdict:
        """The verdict of a rank (see :attr:`rank`)."""
        return {2: cls.RECOMMEND, 1: cls.ADAPT, 0: cls.AVOID}[rank]


class Strategy(enum.StrEnum):
    """How aggressively to adapt the model (PRODUCT.md, factor 8)."""

    PROMPT_HOSTED = "prompt_hosted"
    GROUND_IN_DATA = "ground_in_data"
    FINETUNE_SMALL = "finetune_small"
    TRAIN_BESPOKE = "train_bespoke"
    KEEP_CURRENT = "keep_current"

    @property
    def label(self) -> str:
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


class SingleChoiceQuestion(_QuestionBase):
    """Pick exactly one option."""

    kind: Literal["single"]
    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS_PER_QUESTION)


class ScaleQuestion(_QuestionBase):
    """Pick one point on an ordered scale (shown as a slider); options go from low to high."""

    kind: Literal["scale"]
    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS_PER_QUESTION)


class MultipleChoiceQuestion(_QuestionBase):
    """Pick one or more options; ``combine`` says how their scores make the question's score."""

    kind: Literal["multiple"]
    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS_PER_QUESTION)
    combine: Literal["mean", "sum"] = Field(
        default="mean", description="mean of the chosen scores, or their sum capped at 100."
    )


class NumberQuestion(_QuestionBase):
    """Enter a number; the band it falls in gives the score."""

    kind: Literal["number"]
    unit: Text
    minimum: Bound = 0
    maximum: Bound | None = None
    bands: list[Band] = Field(min_length=1, max_length=MAX_OPTIONS_PER_QUESTION)


AnyQuestion = SingleChoiceQuestion | ScaleQuestion | MultipleChoiceQuestion | NumberQuestion
ChoiceQuestion = SingleChoiceQuestion | ScaleQuestion | MultipleChoiceQuestion
Question = Annotated[AnyQuestion, Field(discriminator="kind")]


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


class AdaptationRule(Strict):
    """The first rule whose condition holds picks the strategy."""

    id: Identifier
    when: Condition
    strategy: StrategyField
    rationale: Text


class AdaptationPolicy(Strict):
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
    adaptation: AdaptationPolicy
    next_steps: VerdictSteps = Field(default_factory=VerdictSteps)

    @cached_property
    def questions_by_id(self) -> dict[str, AnyQuestion]:
        return {q.id: q for q in self.questions}

    @cached_property
    def sections_by_id(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}
