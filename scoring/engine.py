"""score(rubric, answers) -> ScoreResult: pure and deterministic.

The formula (documented for policy owners in rubric/README.md):

* a question's score x is its option's score (single, scale), the mean or the
  capped sum of the chosen options' scores (multiple), or its band's score
  (number); all on 0–100;
* only questions that are shown (``show_if``) and answered with a real answer
  count; "don't know" and unanswered questions are left out, not scored as 0;
* a section's score is the weight-averaged x of its counted questions;
* the overall score is the weight-averaged section score over sections with at
  least one counted question, rounded to one decimal;
* a "not applicable" answer counts as answered but is left out of the mean;
* the verdict comes from the thresholds; then every hard rule that holds caps it,
  every adoption condition that holds caps it at Adapt, and the adaptation advice caps it
  (specialising a model: at most Adapt; keeping today's process: Avoid);
* the verdict is ``provisional`` while any weighted section has less than the policy's
  ``finality.min_answered_share`` of its shown question weight answered — unless the
  verdict range is a single verdict, so no open answer could change it.

A counted answer's contribution is ``share × (x − 50)``, where ``share`` is its
section's share of the overall weight times its own share of the section's
weight; contributions add up to ``score − 50``, so positive ones pull towards
Recommend and negative ones towards Avoid.

The evaluation itself (score, verdicts, what holds, visibility, the verdict range) is
the compiled rubric's (:mod:`scoring.compiled`); this module explains it.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from .answers import Answers
from .compiled import (
    EXACT_RANGE_LIMIT,
    AnswerText,
    CompiledRubric,
    Evaluation,
    PolicyStamp,
    answer_key,
    compile_rubric,
    verdict_for_score,
)
from .errors import NotEnoughAnswers
from .models import AnswerValue, HardRule, Output, Rubric, Strategy, Verdict

__all__ = [
    "EXACT_RANGE_LIMIT",
    "AdaptationAdvice",
    "Completeness",
    "ConditionItem",
    "Contribution",
    "Decision",
    "PolicyStamp",
    "RuleApplied",
    "ScoreResult",
    "SectionScore",
    "VerdictRange",
    "answered_questions",
    "decisive_questions",
    "policy_stamp",
    "quick_verdict",
    "score",
    "verdict_for_score",
    "visible_questions",
]

#: Drivers listed for and against adoption, each.
DRIVER_COUNT = 5

_by_points = operator.attrgetter("points")
_by_question = operator.attrgetter("question")
_by_points_then_question = operator.attrgetter("points", "question")


class SectionScore(Output):
    """One section's score (None when none of its questions counts), its questions shown
    and answered, the answered share of its shown weight, and its points (the sum of its
    contributions)."""

    id: str
    title: str
    weight: float
    score: float | None
    answered: int
    shown: int
    coverage: float
    points: float


class Contribution(Output):
    """What one counted answer adds to the score: ``share × (score − 50)`` points, where
    ``share`` is its part of the overall weight; ``answer`` in the labels the PM saw."""

    question: str
    section: str
    prompt: str
    answer: str
    score: float
    share: float
    points: float
    risk: str | None = None


class RuleApplied(Output):
    """A hard rule that holds. ``binding``: it lowered the verdict below the score's."""

    id: str
    title: str
    cap: Verdict
    reason: str
    binding: bool
    because: list[str]


class ConditionItem(Output):
    """Something that must be true before adoption; ``because`` names the questions whose
    answers raised it. ``source``: an adoption condition, a rule capping at Adapt, the
    adaptation advice, or (score) a weak answer the company can act on."""

    id: str
    title: str
    text: str
    source: str
    because: list[str]


class Decision(Output):
    """What decided the verdict: ``kind`` is provisional, rule, adaptation, conditions or
    score; ``ids`` the rules or conditions; ``text`` the sentence for the report."""

    kind: str
    ids: list[str]
    text: str


class Completeness(Output):
    """How much of what is shown is answered (see ``answered_questions``), and the weighted
    sections below the policy's answered share."""

    shown: int
    answered: int
    unknown: int
    unanswered: int
    fraction: float
    min_answered_share: float
    sections_short: list[str]


class VerdictRange(Output):
    """The best and worst verdict the open questions could still give; ``exact`` when every
    completion was scored, else a bound."""

    best: Verdict
    worst: Verdict
    exact: bool
    open_questions: list[str]


class AdaptationAdvice(Output):
    """The adaptation strategy and why: the adaptation rule that picked it (None: the
    default) and the questions whose answers made that rule hold."""

    strategy: Strategy
    label: str
    rationale: str
    rule: str | None
    because: list[str]


class ScoreResult(Output):
    """Everything ``score()`` says about one assessment: the verdict and what decided it,
    the score and its parts, conditions, the verdict range, next steps and advice."""

    status: str  # "final" | "provisional"
    verdict: Verdict
    score_verdict: Verdict
    score: float
    decision: Decision
    sections: list[SectionScore]
    contributions: list[Contribution]
    drivers_for: list[Contribution]
    drivers_against: list[Contribution]
    rules_applied: list[RuleApplied]
    conditions: list[ConditionItem]
    completeness: Completeness
    verdict_range: VerdictRange
    next_steps: list[str]
    adaptation: AdaptationAdvice
    policy: PolicyStamp
    warnings: list[str]


def visible_questions(rubric: Rubric, answers: Mapping[str, Any]) -> list[str]:
    """Ids of the questions shown for these answers, in rubric order (``show_if`` applied)."""
    shown = compile_rubric(rubric).evaluate(answers).shown
    return [question_id for question_id, visible in shown.items() if visible]


def answered_questions(rubric: Rubric, answers: Mapping[str, Any]) -> list[str]:
    """The one definition of "answered": shown, with a real answer or "not applicable".
    Unanswered and "don't know" questions are open. Every page and export counts with this."""
    evaluation = compile_rubric(rubric).evaluate(answers)
    return [q.id for q in rubric.questions if q.id in evaluation.answered]


def decisive_questions(rubric: Rubric) -> set[str]:
    """Questions a hard rule, an adoption condition, an adaptation rule or a ``show_if``
    reads: their answers can change the verdict even with weight 0."""
    return set(compile_rubric(rubric).decisive)


def quick_verdict(rubric: Rubric, answers: Answers) -> tuple[Verdict, float] | None:
    """The verdict and score only, without explanations or verdict range: what a list or a
    re-score of thousands of assessments needs. Equal to ``score()``'s verdict and score;
    None when ``score()`` would raise :class:`NotEnoughAnswers`."""
    evaluation = compile_rubric(rubric).evaluate(answers.answers)
    if evaluation.verdict is None or evaluation.score is None:
        return None
    return evaluation.verdict, evaluation.score


def policy_stamp(rubric: Rubric) -> PolicyStamp:
    """Id, version and the SHA-256 of the rubric's canonical JSON.

    The canonical form leaves out every value equal to its field's default (at any depth,
    so ``enabled: true``, ``weight: 1.0``, an empty list or an all-default block hash as if
    not written), sorts keys and has no spaces. A new model field with a default therefore
    leaves the hash of unchanged policies as it was; any value that differs from a default
    (a weight, a threshold, a label) changes it. Hashes written before this form (the full
    dump, defaults included) are re-stamped by migration 0004 and recognised on import.
    The hash is computed once per rubric object (see :func:`compile_rubric`).
    """
    return compile_rubric(rubric).stamp


# --- the public entry point ---------------------------------------------------------------


def score(rubric: Rubric, answers: Answers) -> ScoreResult:
    """Score ``answers`` (already checked against ``rubric``) and explain the verdict.

    Raises :class:`NotEnoughAnswers` when no question with a weight above 0 is answered.
    """
    compiled = compile_rubric(rubric)
    values = answers.answers
    evaluation = compiled.evaluate(values)
    verdict, score_verdict, value = evaluation.verdict, evaluation.score_verdict, evaluation.score
    if value is None or verdict is None or score_verdict is None:
        raise NotEnoughAnswers(
            "no question with a weight above 0 is answered yet; answer at least one to get a score"
        )
    warnings = []
    if answers.rubric and answers.rubric != rubric.id:
        warnings.append(
            f"the answers were given against rubric {answers.rubric!r} and are scored with {rubric.id!r}"
        )
    shown = evaluation.shown
    hidden: set[str] = set()
    # Every shown answer is answered or "don't know"; any other entry may be hidden.
    if len(values) != len(evaluation.answered) + evaluation.unknown:
        hidden = {qid for qid, v in values.items() if v is not None and not shown.get(qid, True)}
    for question in rubric.questions if hidden else ():
        if question.id in hidden:
            controller = question.show_if
            assert controller is not None
            warnings.append(
                f"answer to {question.id!r} ignored: the question is hidden unless "
                f"{controller.question!r} is one of {', '.join(controller.any_of)}"
            )

    contributions, texts, points = _contributions(compiled, values, evaluation)
    sections, completeness = _tally(compiled, evaluation, points)
    score_rank = score_verdict.rank
    rules = [rubric.hard_rules[i] for i in evaluation.rules]
    applied = [
        RuleApplied.trusted(
            {
                "id": rule.id,
                "title": rule.title,
                "cap": Verdict(rule.cap),
                "reason": rule.reason,
                "binding": Verdict(rule.cap).rank < score_rank,
                "because": compiled.because(compiled.rule_nodes[index], values, evaluation.shown),
            }
        )
        for index, rule in zip(evaluation.rules, rules, strict=True)
    ]
    # For: strongest first, ties by question id (two stable sorts). Against: weakest first,
    # ties by question id from the end (the reverse of the same order).
    drivers_for = sorted([c for c in contributions if c.points > 0], key=_by_question)
    drivers_for.sort(key=_by_points, reverse=True)
    drivers_against = sorted(
        [c for c in contributions if c.points < 0], key=_by_question, reverse=True
    )
    drivers_against.sort(key=_by_points)
    drivers_for, drivers_against = drivers_for[:DRIVER_COUNT], drivers_against[:DRIVER_COUNT]
    weakest_first = sorted(contributions, key=_by_points_then_question)

    adaptation = _adaptation(compiled, values, evaluation)
    conditions = _conditions(compiled, values, evaluation, weakest_first, texts, adaptation)
    found = compiled.verdict_range(values, evaluation)
    verdict_range = VerdictRange.trusted(
        {
            "best": found.best,
            "worst": found.worst,
            "exact": found.exact,
            "open_questions": found.open_questions,
        }
    )
    # Too little answered makes a verdict provisional, unless no answer to the open
    # questions could change it (a gate that holds whatever they are, for example).
    settled = found.best is found.worst
    status = "provisional" if evaluation.provisional and not settled else "final"
    next_steps = _next_steps(compiled, rules, weakest_first, texts, verdict)
    if status == "provisional":
        # The verdict's own steps (a pilot, say) would read as a decision already taken.
        verdict_steps = set(getattr(rubric.next_steps, verdict.value))
        next_steps = [PROVISIONAL_STEP, *(s for s in next_steps if s not in verdict_steps)]

    return ScoreResult.trusted(
        {
            "status": status,
            "verdict": verdict,
            "score_verdict": score_verdict,
            "score": value,
            "decision": _decision(
                rubric,
                evaluation,
                applied,
                conditions,
                adaptation,
                verdict_range,
                drivers_for,
                drivers_against,
            ),
            "sections": sections,
            "contributions": contributions,
            "drivers_for": drivers_for,
            "drivers_against": drivers_against,
            "rules_applied": applied,
            "conditions": conditions,
            "completeness": completeness,
            "verdict_range": verdict_range,
            "next_steps": next_steps,
            "adaptation": adaptation,
            "policy": compiled.stamp,
            "warnings": warnings,
        }
    )


def _contributions(
    compiled: CompiledRubric, values: Mapping[str, AnswerValue], evaluation: Evaluation
) -> tuple[list[Contribution], dict[str, AnswerText], list[float]]:
    """Each counted answer's contribution, in rubric order; what the report says about each
    counted answer that has next steps; each section's points (the sum of its
    contributions), by section position."""
    sums = evaluation.section_sums
    section_weight = compiled.section_weight
    total_weight = sum(w for sid, w in compiled.section_weights if sid in sums and w > 0)
    # A question's share: its section's part of the overall weight times its own part of
    # the section's counted weight.
    position = compiled.section_position
    parts: list[tuple[float, float] | None] = [None] * len(position)
    if total_weight > 0:
        for sid, (_, weight) in sums.items():
            parts[position[sid]] = (section_weight[sid] / total_weight, weight)
    out: list[Contribution] = []
    texts: dict[str, AnswerText] = {}
    points = [0.0] * len(position)  # by section position
    memo = _CONTRIBUTIONS.get(compiled)
    if memo is None:
        memo = _CONTRIBUTIONS[compiled] = {q.id: {} for q in compiled.questions}
    by_id = compiled.by_id
    for qid, x in evaluation.counted.items():  # in rubric order
        cq = by_id[qid]
        section, index = cq.section, cq.section_index
        part = parts[index]
        share = part[0] * (cq.weight / part[1]) if part is not None else 0.0
        value = values[qid]
        remembered = memo[qid]
        key = value if type(value) is str else answer_key(value)
        found = remembered.get(key)
        if found is None or found[0] != share:
            text = compiled.answer_text(qid, value)
            contribution = Contribution.trusted(
                {
                    "question": qid,
                    "section": section,
                    "prompt": cq.question.prompt,
                    "answer": text.label,
                    "score": x,
                    "share": round(share, 4),
                    "points": round(share * (x - 50), 2),
                    "risk": text.risk,
                }
            )
            if len(remembered) >= _MAX_REMEMBERED_ANSWERS:
                remembered.clear()  # numbers are unbounded; keep the memory bounded
            found = remembered[key] = (share, contribution, text)
        contribution = found[1]
        out.append(contribution)
        if found[2].next_steps:
            texts[qid] = found[2]
        points[index] += contribution.points
    return out, texts, points


# The last contribution of each answer (question -> answer -> (share, contribution, text))
# per compiled rubric: contributions are frozen, and the assessments under one policy
# repeat the same few answers at the same shares.
_CONTRIBUTIONS: weakref.WeakKeyDictionary[
    CompiledRubric, dict[str, dict[Hashable, tuple[float, Contribution, AnswerText]]]
] = weakref.WeakKeyDictionary()
_MAX_REMEMBERED_ANSWERS = 256


def _tally(
    compiled: CompiledRubric, evaluation: Evaluation, points: Sequence[float]
) -> tuple[list[SectionScore], Completeness]:
    """Each section's score, counts and points, and how complete the answers are."""
    counts = evaluation.counts
    sums, coverage = evaluation.section_sums, evaluation.coverage
    sections = []
    shown_total = answered_total = 0
    for index, section in enumerate(compiled.rubric.sections):
        section_id = section.id
        section_score = None
        if section_id in sums:
            total, weight = sums[section_id]
            section_score = round(total / weight, 1)
        shown, answered = counts.get(section_id, (0, 0))
        shown_total += shown
        answered_total += answered
        sections.append(
            SectionScore.trusted(
                {
                    "id": section_id,
                    "title": section.title,
                    "weight": section.weight,
                    "score": section_score,
                    "answered": answered,
                    "shown": shown,
                    "coverage": round(coverage.get(section_id, 1.0), 3),
                    "points": round(points[index], 2),
                }
            )
        )
    unknown = evaluation.unknown
    minimum = compiled.min_answered_share
    completeness = Completeness.trusted(
        {
            "shown": shown_total,
            "answered": answered_total,
            "unknown": unknown,
            "unanswered": shown_total - answered_total - unknown,
            "fraction": round(answered_total / shown_total, 3) if shown_total else 0.0,
            "min_answered_share": minimum,
            "sections_short": [
                section_id
                for section_id, weight in compiled.section_weights
                if weight > 0 and coverage.get(section_id, 1.0) < minimum
            ],
        }
    )
    return sections, completeness


def _next_steps(
    compiled: CompiledRubric,
    rules: Sequence[HardRule],
    weakest_first: Sequence[Contribution],
    texts: Mapping[str, AnswerText],
    verdict: Verdict,
) -> list[str]:
    steps: list[str] = [r.next_step for r in rules if r.next_step]
    # Weakest answers first: their advice matters most for the decision.
    for contribution in weakest_first:
        text = texts.get(contribution.question)
        if text is not None:
            steps.extend(text.next_steps)
    steps.extend(getattr(compiled.rubric.next_steps, verdict.value))
    return list(dict.fromkeys(steps))


def _adaptation(
    compiled: CompiledRubric, values: Mapping[str, AnswerValue], evaluation: Evaluation
) -> AdaptationAdvice:
    policy = compiled.rubric.adaptation
    if evaluation.advice is not None:
        rule = policy.rules[evaluation.advice]
        node = compiled.advice_nodes[evaluation.advice]
        return AdaptationAdvice.trusted(
            {
                "strategy": rule.strategy,
                "label": rule.strategy.label,
                "rationale": rule.rationale,
                "rule": rule.id,
                "because": compiled.because(node, values, evaluation.shown),
            }
        )
    return AdaptationAdvice.trusted(
        {
            "strategy": policy.default_strategy,
            "label": policy.default_strategy.label,
            "rationale": policy.default_rationale,
            "rule": None,
            "because": [],
        }
    )


#: The first next step of a provisional verdict.
PROVISIONAL_STEP = (
    "Answer the open questions — the most decisive first — and score the assessment again "
    "before acting on the verdict."
)

#: Conditions from weak answers are named when the score alone gives Adapt: at most this many.
SCORE_CONDITION_COUNT = 3


def _conditions(
    compiled: CompiledRubric,
    values: Mapping[str, AnswerValue],
    evaluation: Evaluation,
    weakest_first: Sequence[Contribution],
    texts: Mapping[str, AnswerText],
    adaptation: AdaptationAdvice,
) -> list[ConditionItem]:
    """What must be true before adoption: every adoption condition and every rule capping at
    Adapt that holds, the specialisation the advice calls for, and — when the score alone
    puts the case in Adapt and nothing else names a condition — the weakest answers the
    company can act on."""
    rubric = compiled.rubric
    out: list[ConditionItem] = []
    for index in evaluation.conditions:
        condition = rubric.conditions[index]
        out.append(
            ConditionItem.trusted(
                {
                    "id": condition.id,
                    "title": condition.title,
                    "text": condition.text,
                    "source": "condition",
                    "because": compiled.because(
                        compiled.condition_nodes[index], values, evaluation.shown
                    ),
                }
            )
        )
    for index in evaluation.rules:
        rule = rubric.hard_rules[index]
        if rule.cap == "adapt":
            out.append(
                ConditionItem.trusted(
                    {
                        "id": rule.id,
                        "title": rule.title,
                        "text": rule.next_step or rule.reason,
                        "source": "rule",
                        "because": compiled.because(
                            compiled.rule_nodes[index], values, evaluation.shown
                        ),
                    }
                )
            )
    if adaptation.strategy.cap is Verdict.ADAPT:
        out.append(
            ConditionItem.trusted(
                {
                    "id": f"adaptation_{adaptation.strategy.value}",
                    "title": adaptation.label,
                    "text": f"{adaptation.label}: {adaptation.rationale}",
                    "source": "adaptation",
                    "because": adaptation.because,
                }
            )
        )
    if not out and evaluation.score_verdict is Verdict.ADAPT:
        by_id = rubric.questions_by_id
        weak = [c for c in weakest_first if c.points < 0 and by_id[c.question].actionable][
            :SCORE_CONDITION_COUNT
        ]
        for contribution in weak:
            question = by_id[contribution.question]
            text = texts.get(question.id)
            steps = text.next_steps if text is not None else []
            out.append(
                ConditionItem.trusted(
                    {
                        "id": f"improve_{question.id}",
                        "title": question.prompt,
                        "text": steps[0]
                        if steps
                        else f"Improve the answer to “{question.prompt}” (now: {contribution.answer}).",
                        "source": "score",
                        "because": [question.id],
                    }
                )
            )
    return out


def _decision(
    rubric: Rubric,
    evaluation: Evaluation,
    rules: Sequence[RuleApplied],
    conditions: Sequence[ConditionItem],
    adaptation: AdaptationAdvice,
    verdict_range: VerdictRange,
    drivers_for: Sequence[Contribution],
    drivers_against: Sequence[Contribution],
) -> Decision:
    """What decided the verdict, in one sentence the PM can say in the meeting, with the
    titles and answer labels the PM saw."""
    verdict, score_verdict, value = evaluation.verdict, evaluation.score_verdict, evaluation.score
    assert verdict is not None and score_verdict is not None and value is not None
    t = rubric.thresholds
    if evaluation.provisional and verdict_range.best is not verdict_range.worst:
        span = (
            f"the answers so far allow anything between {verdict_range.worst.label} "
            f"and {verdict_range.best.label}"
        )
        return Decision.trusted(
            {
                "kind": "provisional",
                "ids": [],
                "text": f"Provisional: too little is answered for a final verdict; {span}.",
            }
        )
    avoiding = [r for r in rules if r.cap is Verdict.AVOID]
    if verdict is Verdict.AVOID and avoiding:
        titles = "; ".join(f"“{r.title}”" for r in avoiding)
        because = (
            f"“{avoiding[0].title}” holds" if len(avoiding) == 1 else f"these rules hold: {titles}"
        )
        if score_verdict is Verdict.AVOID:
            extra = f" The score ({value:g}) is below the Adapt line ({t.adapt:g}) as well."
        else:
            extra = f" The score alone ({value:g}) would give {score_verdict.label}."
        return Decision.trusted(
            {
                "kind": "rule",
                "ids": [r.id for r in avoiding],
                "text": f"Avoid because {because}.{extra}",
            }
        )
    if (
        verdict is Verdict.AVOID
        and adaptation.strategy is Strategy.KEEP_CURRENT
        and score_verdict is not Verdict.AVOID
    ):
        return Decision.trusted(
            {
                "kind": "adaptation",
                "ids": [adaptation.rule or ""],
                "text": f"Avoid: the advice is to keep the current process. {adaptation.rationale}",
            }
        )
    if verdict is Verdict.AVOID:
        weakest = "; ".join(f"“{c.answer}”" for c in drivers_against[:3])
        return Decision.trusted(
            {
                "kind": "score",
                "ids": [c.question for c in drivers_against[:3]],
                "text": f"Avoid by score: {value:g} is below the Adapt line ({t.adapt:g}); the answers "
                f"that weigh most against adoption are {weakest}.",
            }
        )
    if verdict is Verdict.ADAPT and conditions:
        names = "; ".join(c.title for c in conditions)
        extra = (
            f" The score alone ({value:g}) would give Recommend."
            if score_verdict is Verdict.RECOMMEND
            else f" The score ({value:g}) is between the Adapt ({t.adapt:g}) and Recommend "
            f"({t.recommend:g}) lines."
        )
        return Decision.trusted(
            {
                "kind": "conditions",
                "ids": [c.id for c in conditions],
                "text": f"Adapt: adopt only once these conditions are met — {names}.{extra}",
            }
        )
    if verdict is Verdict.ADAPT:
        return Decision.trusted(
            {
                "kind": "score",
                "ids": [],
                "text": f"Adapt by score: {value:g} is between the Adapt ({t.adapt:g}) and Recommend "
                f"({t.recommend:g}) lines.",
            }
        )
    strongest = "; ".join(f"“{c.answer}”" for c in drivers_for[:3])
    return Decision.trusted(
        {
            "kind": "score",
            "ids": [c.question for c in drivers_for[:3]],
            "text": f"Recommend: the score ({value:g}) is at or above the Recommend line "
            f"({t.recommend:g}), and no gate, rule or condition holds. The answers that weigh "
            f"most for adoption are {strongest}.",
        }
    )
