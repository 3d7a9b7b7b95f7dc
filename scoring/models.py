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

__all__ = [
    "UNKNOWN",
    "AdaptationPolicy",
    "AdaptationRule",
    "AnyQuestion",
    "Band",
    "ChoiceQuestion",
    "Clause",
    "Condition",
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
        max_length=64,
        description="Lower-case letters, digits and underscores, starting with a letter.",
    ),
]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
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


_STRATEGY_LABELS = {
    Strategy.PROMPT_HOSTED: "Prompt a large hosted model",
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

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


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


class Band(Strict):
    """A range of a number answer: from the previous band's ``below`` up to (not including) its own."""

    id: Identifier
    label: Text
    below: float | None = Field(
        default=None, description="Exclusive upper bound; leave out on the last band."
    )
    score: OptionScore
    next_step: Text | None = None
    risk: Text | None = None


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
    options: list[Option] = Field(min_length=2)


class ScaleQuestion(_QuestionBase):
    """Pick one point on an ordered scale (shown as a slider); options go from low to high."""

    kind: Literal["scale"]
    options: list[Option] = Field(min_length=2)


class MultipleChoiceQuestion(_QuestionBase):
    """Pick one or more options; ``combine`` says how their scores make the question's score."""

    kind: Literal["multiple"]
    options: list[Option] = Field(min_length=2)
    combine: Literal["mean", "sum"] = Field(
        default="mean", description="mean of the chosen scores, or their sum capped at 100."
    )


class NumberQuestion(_QuestionBase):
    """Enter a number; the band it falls in gives the score."""

    kind: Literal["number"]
    unit: Text
    minimum: float = 0
    maximum: float | None = None
    bands: list[Band] = Field(min_length=1)


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
    """``question`` + ``any_of``: true when that question is shown and answered with one of
    ``any_of``. ``verdict`` (adaptation rules only): true when the capped verdict is one of them."""

    question: Identifier | None = None
    any_of: list[Identifier] | None = Field(default=None, min_length=1)
    verdict: list[VerdictField] | None = Field(default=None, min_length=1)


class Condition(Strict):
    """``all`` clauses must hold, or ``any`` one of them; give exactly one of the two."""

    all: list[Clause] | None = Field(default=None, min_length=1)
    any: list[Clause] | None = Field(default=None, min_length=1)

    @property
    def clauses(self) -> list[Clause]:
        return list(self.all or self.any or [])


class HardRule(Strict):
    """Caps the verdict whatever the score when its condition holds."""

    id: Identifier
    title: Text
    when: Condition
    cap: Literal["adapt", "avoid"]
    reason: Text
    next_step: Text | None = None
    enabled: bool = True


class AdaptationRule(Strict):
    """The first rule whose condition holds picks the strategy."""

    id: Identifier
    when: Condition
    strategy: StrategyField
    rationale: Text


class AdaptationPolicy(Strict):
    default_strategy: StrategyField
    default_rationale: Text
    rules: list[AdaptationRule] = Field(default_factory=list)


class VerdictSteps(Strict):
    """Next steps every report with that verdict gets."""

    recommend: list[Text] = Field(default_factory=list)
    adapt: list[Text] = Field(default_factory=list)
    avoid: list[Text] = Field(default_factory=list)


class Rubric(Strict):
    """A complete questionnaire and the policy that scores it."""

    id: Identifier
    title: Text
    version: Annotated[str, Field(min_length=1, max_length=40)]
    description: Text
    thresholds: Thresholds
    sections: list[Section] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    hard_rules: list[HardRule] = Field(default_factory=list)
    adaptation: AdaptationPolicy
    next_steps: VerdictSteps = Field(default_factory=VerdictSteps)

    @cached_property
    def questions_by_id(self) -> dict[str, AnyQuestion]:
        return {q.id: q for q in self.questions}

    @cached_property
    def sections_by_id(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}
