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
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from .answers import Answers
from .errors import NotEnoughAnswers
from .models import (
    UNKNOWN,
    AnyQuestion,
    Clause,
    Condition,
    MultipleChoiceQuestion,
    NumberQuestion,
    Rubric,
    Strategy,
    Verdict,
)

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
    "verdict_for",
    "visible_questions",
]

#: The verdict range is computed exactly when the open questions have at most this many
#: combinations of answers; above it, a bound (see ``_range_bound``) is used.
EXACT_RANGE_LIMIT = 2048
DRIVER_COUNT = 5


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SectionScore(_Out):
    id: str
    title: str
    weight: float
    score: float | None
    answered: int
    shown: int
    coverage: float
    points: float


class Contribution(_Out):
    question: str
    section: str
    prompt: str
    answer: str
    score: float
    share: float
    points: float
    risk: str | None = None


class RuleApplied(_Out):
    """A hard rule that holds. ``binding``: it lowered the verdict below the score's."""

    id: str
    title: str
    cap: Verdict
    reason: str
    binding: bool
    because: list[str]


class ConditionItem(_Out):
    """Something that must be true before adoption; ``because`` names the questions whose
    answers raised it. ``source``: an adoption condition, a rule capping at Adapt, the
    adaptation advice, or (score) a weak answer the company can act on."""

    id: str
    title: str
    text: str
    source: str
    because: list[str]


class Decision(_Out):
    """What decided the verdict: ``kind`` is provisional, rule, adaptation, conditions or
    score; ``ids`` the rules or conditions; ``text`` the sentence for the report."""

    kind: str
    ids: list[str]
    text: str


class Completeness(_Out):
    shown: int
    answered: int
    unknown: int
    unanswered: int
    fraction: float
    min_answered_share: float
    sections_short: list[str]


class VerdictRange(_Out):
    best: Verdict
    worst: Verdict
    exact: bool
    open_questions: list[str]


class AdaptationAdvice(_Out):
    strategy: Strategy
    label: str
    rationale: str
    rule: str | None
    because: list[str]


class PolicyStamp(_Out):
    id: str
    title: str
    version: str
    sha256: str


class ScoreResult(_Out):
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
    shown = _evaluate(rubric, dict(answers)).shown
    return [q.id for q in rubric.questions if shown[q.id]]


def quick_verdict(rubric: Rubric, answers: Answers) -> tuple[Verdict, float] | None:
    """The verdict and score only, without explanations or verdict range: what a list or a
    re-score of thousands of assessments needs. Equal to ``score()``'s verdict and score."""
    evaluation = _evaluate(rubric, dict(answers.answers))
    if evaluation.verdict is None or evaluation.score is None:
        return None
    return evaluation.verdict, evaluation.score


def verdict_for(score_value: float, rubric: Rubric) -> Verdict:
    if score_value >= rubric.thresholds.recommend:
        return Verdict.RECOMMEND
    if score_value >= rubric.thresholds.adapt:
        return Verdict.ADAPT
    return Verdict.AVOID


def policy_stamp(rubric: Rubric) -> PolicyStamp:
    """Id, version and the SHA-256 of the rubric's canonical JSON.

    The canonical form leaves out every value equal to its field's default (at any depth,
    so ``enabled: true``, ``weight: 1.0``, an empty list or an all-default block hash as if
    not written), sorts keys and has no spaces. A new model field with a default therefore
    leaves the hash of unchanged policies as it was; any value that differs from a default
    (a weight, a threshold, a label) changes it. Hashes written before this form (the full
    dump, defaults included) are re-stamped by migration 0004 and recognised on import.
    """
    canonical = json.dumps(
        rubric.model_dump(mode="json", exclude_defaults=True),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return PolicyStamp(id=rubric.id, title=rubric.title, version=rubric.version, sha256=digest)


# --- the core computation, shared by the real score, the verdict range and insight --------

Value = str | list[str] | int | float


def _chosen_ids(question: AnyQuestion, value: Value) -> frozenset[str]:
    if isinstance(question, NumberQuestion):
        assert isinstance(value, int | float)
        return frozenset({_band_for(question, value)[0]})
    if isinstance(value, list):
        return frozenset(value)
    return frozenset({str(value)})


def _band_for(question: NumberQuestion, value: float) -> tuple[str, float | None]:
    """The band a number falls in: its id, and its score (None when it means "not applicable")."""
    for band in question.bands:
        if band.below is None or value < band.below:
            return band.id, None if band.not_applicable else band.score
    last = question.bands[-1]
    return last.id, None if last.not_applicable else last.score


def _question_score(question: AnyQuestion, value: Value) -> float | None:
    """The answer's score x, or None for a "not applicable" answer (answered, not scored)."""
    return _c_x(_compile_question(question), value)


# A condition compiled to nested tuples, evaluated thousands of times in a verdict range,
# a sensitivity analysis or a re-score:
#   ("q", question_id, allowed_ids) | ("v", allowed_ranks) | ("all", children) | ("any", children)
_Node = tuple[Any, ...]


def _compile_clause(clause: Clause) -> _Node:
    if clause.verdict is not None:
        return ("v", frozenset(Verdict(v).rank for v in clause.verdict))
    if clause.question is not None and clause.any_of is not None:
        return ("q", clause.question, frozenset(clause.any_of))
    return ("all" if clause.all is not None else "any", tuple(map(_compile_clause, clause.clauses)))


def _compile_condition(condition: Condition) -> _Node:
    kind = "all" if condition.all is not None else "any"
    return (kind, tuple(_compile_clause(c) for c in condition.clauses))


@dataclass(frozen=True)
class _CQ:
    id: str
    section: str
    weight: float
    kind: str  # choice | mean | sum | number
    scores: dict[str, float]
    not_applicable: frozenset[str]
    bands: tuple[tuple[float | None, str, float], ...]
    controller: str | None
    reveal: frozenset[str]


@dataclass(frozen=True)
class _Compiled:
    questions: tuple[_CQ, ...]
    by_id: dict[str, _CQ]
    section_weights: tuple[tuple[str, float], ...]
    # (index in rubric.hard_rules, cap rank, condition)
    rules: tuple[tuple[int, int, _Node], ...]
    # (index in rubric.conditions, condition)
    conditions: tuple[tuple[int, _Node], ...]
    # (index in rubric.adaptation.rules, cap rank of its strategy or None, condition)
    advice: tuple[tuple[int, int | None, _Node], ...]
    default_advice_cap: int | None
    recommend: float
    adapt: float
    min_answered_share: float


_COMPILED: dict[int, tuple[Rubric, _Compiled]] = {}


def _compile_question(q: AnyQuestion) -> _CQ:
    if isinstance(q, NumberQuestion):
        kind, scores = "number", {}
        bands = tuple((b.below, b.id, b.score) for b in q.bands)
        not_applicable = frozenset(b.id for b in q.bands if b.not_applicable)
    else:
        kind = (
            ("sum" if q.combine == "sum" else "mean")
            if isinstance(q, MultipleChoiceQuestion)
            else "choice"
        )
        scores, bands = {o.id: o.score for o in q.options}, ()
        not_applicable = frozenset(o.id for o in q.options if o.not_applicable)
    return _CQ(
        id=q.id,
        section=q.section,
        weight=q.weight,
        kind=kind,
        scores=scores,
        not_applicable=not_applicable,
        bands=bands,
        controller=q.show_if.question if q.show_if else None,
        reveal=frozenset(q.show_if.any_of) if q.show_if else frozenset(),
    )


def _rank(verdict: Verdict | str | None) -> int | None:
    return None if verdict is None else Verdict(verdict).rank


def _compile(rubric: Rubric) -> _Compiled:
    hit = _COMPILED.get(id(rubric))
    if hit is not None and hit[0] is rubric:
        return hit[1]
    questions = tuple(_compile_question(q) for q in rubric.questions)
    compiled = _Compiled(
        questions=questions,
        by_id={q.id: q for q in questions},
        section_weights=tuple((s.id, s.weight) for s in rubric.sections),
        rules=tuple(
            (index, Verdict(rule.cap).rank, _compile_condition(rule.when))
            for index, rule in enumerate(rubric.hard_rules)
            if rule.enabled
        ),
        conditions=tuple(
            (index, _compile_condition(condition.when))
            for index, condition in enumerate(rubric.conditions)
            if condition.enabled
        ),
        advice=tuple(
            (index, _rank(rule.strategy.cap), _compile_condition(rule.when))
            for index, rule in enumerate(rubric.adaptation.rules)
        ),
        default_advice_cap=_rank(rubric.adaptation.default_strategy.cap),
        recommend=rubric.thresholds.recommend,
        adapt=rubric.thresholds.adapt,
        min_answered_share=rubric.finality.min_answered_share,
    )
    if len(_COMPILED) > 64:
        _COMPILED.clear()
    _COMPILED[id(rubric)] = (rubric, compiled)  # the rubric is kept alive, so ids stay unique
    return compiled


def _band_of(q: _CQ, value: Value) -> tuple[str, float]:
    for below, band_id, band_score in q.bands:
        if below is None or value < below:  # type: ignore[operator]
            return band_id, band_score
    return q.bands[-1][1], q.bands[-1][2]


def _c_x(q: _CQ, value: Value) -> float | None:
    if q.kind == "choice":
        return None if value in q.not_applicable else q.scores[value]  # type: ignore[index]
    if q.kind == "number":
        band_id, band_score = _band_of(q, value)
        return None if band_id in q.not_applicable else band_score
    chosen: list[str] = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
    scored = [q.scores[c] for c in chosen if c not in q.not_applicable]
    if not scored:
        return None
    total = sum(scored)
    return min(100.0, total) if q.kind == "sum" else total / len(scored)


def _c_matches(q: _CQ, value: Value, allowed: frozenset[str]) -> bool:
    if q.kind == "number":
        return _band_of(q, value)[0] in allowed
    if isinstance(value, list):
        return any(v in allowed for v in value)
    return value in allowed


def _holds(
    node: _Node,
    c: _Compiled,
    values: Mapping[str, Value],
    shown: Mapping[str, bool],
    rank: int | None,
) -> bool:
    kind = node[0]
    if kind == "q":
        qid = node[1]
        value = values.get(qid)
        return (
            shown.get(qid, False)
            and value is not None
            and value != UNKNOWN
            and _c_matches(c.by_id[qid], value, node[2])
        )
    if kind == "v":
        return rank in node[1]
    if kind == "all":
        return all(_holds(child, c, values, shown, rank) for child in node[1])
    return any(_holds(child, c, values, shown, rank) for child in node[1])


def _true_questions(
    node: _Node, c: _Compiled, values: Mapping[str, Value], shown: Mapping[str, bool]
) -> list[str]:
    """The questions whose answers make a holding condition true: the PM's "because"."""
    kind = node[0]
    if kind == "q":
        return [node[1]] if _holds(node, c, values, shown, None) else []
    if kind == "v":
        return []
    return list(
        dict.fromkeys(q for child in node[1] for q in _true_questions(child, c, values, shown))
    )


@dataclass
class _Evaluation:
    score: float | None
    raw_verdict: Verdict | None
    verdict: Verdict | None
    fired: list[int]  # indexes into rubric.hard_rules
    conditions: list[int]  # indexes into rubric.conditions
    advice: int | None  # index into rubric.adaptation.rules; None is the default strategy
    cap: int  # the verdict rank a top score would get: rules, conditions, advice (2 = none)
    provisional: bool
    shown: dict[str, bool]
    counted: dict[str, float]
    answered: set[str]  # shown with a real answer, "not applicable" included
    coverage: dict[str, float]  # section -> share of its shown weight that is answered


_RANKED = {v.rank: v for v in Verdict}


def _evaluate(rubric: Rubric, values: Mapping[str, Value]) -> _Evaluation:
    """Score, verdict and the reasons for it, in the order a verdict is built:

    1. the weighted mean gives the score and, through the thresholds, the score verdict;
    2. every hard rule that holds caps it (Adapt or Avoid);
    3. every adoption condition that holds caps it at Adapt;
    4. the adaptation advice for that verdict caps it too (specialising a model is at most
       Adapt; keeping today's process is Avoid), repeated until the advice is stable.
    """
    c = _compile(rubric)
    shown: dict[str, bool] = {}
    counted: dict[str, float] = {}
    answered: set[str] = set()
    sums: dict[str, list[float]] = {}
    weights: dict[str, list[float]] = {}  # section -> [answered weight, shown weight]
    for q in c.questions:
        if q.controller is None:
            visible = True
        else:
            controlling = values.get(q.controller)
            visible = (
                shown.get(q.controller, False)
                and controlling is not None
                and controlling != UNKNOWN
                and _c_matches(c.by_id[q.controller], controlling, q.reveal)
            )
        shown[q.id] = visible
        if not visible:
            continue
        share = weights.setdefault(q.section, [0.0, 0.0])
        share[1] += q.weight
        value = values.get(q.id)
        if value is None or value == UNKNOWN:
            continue
        answered.add(q.id)
        share[0] += q.weight
        x = _c_x(q, value)
        if x is None:
            continue
        counted[q.id] = x
        if q.weight > 0:
            acc = sums.setdefault(q.section, [0.0, 0.0])
            acc[0] += q.weight * x
            acc[1] += q.weight
    coverage = {
        section_id: (got / total if total > 0 else 1.0)
        for section_id, (got, total) in weights.items()
    }
    provisional = any(
        section_weight > 0 and coverage.get(section_id, 1.0) < c.min_answered_share
        for section_id, section_weight in c.section_weights
    )
    total = weight = 0.0
    for section_id, section_weight in c.section_weights:
        section_sum = sums.get(section_id)
        if section_sum is not None and section_weight > 0:
            total += section_weight * section_sum[0] / section_sum[1]
            weight += section_weight
    if weight == 0:
        return _Evaluation(
            None, None, None, [], [], None, 2, True, shown, counted, answered, coverage
        )
    overall = round(total / weight, 1)
    raw = (
        Verdict.RECOMMEND
        if overall >= c.recommend
        else Verdict.ADAPT
        if overall >= c.adapt
        else Verdict.AVOID
    )
    cap = 2
    fired = []
    for index, cap_rank, node in c.rules:
        if _holds(node, c, values, shown, None):
            fired.append(index)
            cap = min(cap, cap_rank)
    held = []
    for index, node in c.conditions:
        if _holds(node, c, values, shown, None):
            held.append(index)
            cap = min(cap, 1)
    rank, advice = _settle_advice(c, values, shown, min(raw.rank, cap))
    # The cap whatever the score: the verdict a score above every threshold would get. It is
    # what sensitivity analysis holds fixed while weights and thresholds move.
    cap = _settle_advice(c, values, shown, cap)[0]
    return _Evaluation(
        overall,
        raw,
        _RANKED[rank],
        fired,
        held,
        advice,
        cap,
        provisional,
        shown,
        counted,
        answered,
        coverage,
    )


def _settle_advice(
    c: _Compiled, values: Mapping[str, Value], shown: Mapping[str, bool], rank: int
) -> tuple[int, int | None]:
    """Pick the adaptation advice for the verdict ``rank`` and lower the verdict to the
    advice's cap, until the advice is stable; returns (rank, advice rule index or None).

    When advice lowered the verdict and the advice picked at the lower verdict does not
    itself cap it there (a rule whose ``verdict`` clause held only above it), the advice
    that lowered it is returned: the report names what decided the verdict, and verdict
    and advice agree."""
    lowered, lowered_by = False, None
    while True:
        advice, advice_cap = None, c.default_advice_cap
        for index, rule_cap, node in c.advice:
            if _holds(node, c, values, shown, rank):
                advice, advice_cap = index, rule_cap
                break
        if advice_cap is None or advice_cap >= rank:
            if lowered and advice_cap != rank:
                return rank, lowered_by
            return rank, advice
        rank = advice_cap  # lower only, so this ends within three rounds
        lowered, lowered_by = True, advice


def _section_scores(rubric: Rubric, counted: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """section id -> (weighted sum of x, weight sum) over counted questions with weight > 0."""
    sums: dict[str, tuple[float, float]] = {}
    for question in rubric.questions:
        if question.id in counted and question.weight > 0:
            total, weight = sums.get(question.section, (0.0, 0.0))
            sums[question.section] = (
                total + question.weight * counted[question.id],
                weight + question.weight,
            )
    return sums


# --- the public entry point ---------------------------------------------------------------


def score(rubric: Rubric, answers: Answers) -> ScoreResult:
    """Score ``answers`` (already checked against ``rubric``) and explain the verdict.

    Raises :class:`NotEnoughAnswers` when no question with a weight above 0 is answered.
    """
    values: dict[str, Value] = dict(answers.answers)
    evaluation = _evaluate(rubric, values)
    if evaluation.score is None or evaluation.verdict is None or evaluation.raw_verdict is None:
        raise NotEnoughAnswers(
            "no question with a weight above 0 is answered yet; answer at least one to get a score"
        )
    warnings = []
    if answers.rubric and answers.rubric != rubric.id:
        warnings.append(
            f"the answers were given against rubric {answers.rubric!r} and are scored with {rubric.id!r}"
        )
    for question in rubric.questions:
        if values.get(question.id) is not None and not evaluation.shown[question.id]:
            controller = question.show_if
            assert controller is not None
            warnings.append(
                f"answer to {question.id!r} ignored: the question is hidden unless "
                f"{controller.question!r} is one of {', '.join(controller.any_of)}"
            )

    compiled = _compile(rubric)
    contributions = _contributions(rubric, values, evaluation)
    sections = _section_results(rubric, evaluation, contributions)
    raw_rank = evaluation.raw_verdict.rank
    rules = [rubric.hard_rules[i] for i in evaluation.fired]
    applied = [
        RuleApplied(
            id=r.id,
            title=r.title,
            cap=Verdict(r.cap),
            reason=r.reason,
            binding=Verdict(r.cap).rank < raw_rank,
            because=_true_questions(_compile_condition(r.when), compiled, values, evaluation.shown),
        )
        for r in rules
    ]
    ordered = sorted(contributions, key=lambda c: (-c.points, c.question))
    drivers_for = [c for c in ordered if c.points > 0][:DRIVER_COUNT]
    drivers_against = [c for c in reversed(ordered) if c.points < 0][:DRIVER_COUNT]

    adaptation = _adaptation(rubric, values, evaluation)
    conditions = _conditions(rubric, values, evaluation, contributions, adaptation)
    verdict_range = _verdict_range(rubric, values, evaluation)
    # Too little answered makes a verdict provisional, unless no answer to the open
    # questions could change it (a gate that holds whatever they are, for example).
    settled = verdict_range.best is verdict_range.worst
    status = "provisional" if evaluation.provisional and not settled else "final"
    next_steps = _next_steps(rubric, rules, contributions, evaluation.verdict)
    if status == "provisional":
        # The verdict's own steps (a pilot, say) would read as a decision already taken.
        verdict_steps = set(getattr(rubric.next_steps, evaluation.verdict.value))
        next_steps = [PROVISIONAL_STEP, *(s for s in next_steps if s not in verdict_steps)]

    return ScoreResult(
        status=status,
        verdict=evaluation.verdict,
        score_verdict=evaluation.raw_verdict,
        score=evaluation.score,
        decision=_decision(
            rubric,
            evaluation,
            applied,
            conditions,
            adaptation,
            verdict_range,
            drivers_for,
            drivers_against,
        ),
        sections=sections,
        contributions=contributions,
        drivers_for=drivers_for,
        drivers_against=drivers_against,
        rules_applied=applied,
        conditions=conditions,
        completeness=_completeness(rubric, values, evaluation),
        verdict_range=verdict_range,
        next_steps=next_steps,
        adaptation=adaptation,
        policy=policy_stamp(rubric),
        warnings=warnings,
    )


def _answer_label(question: AnyQuestion, value: Value) -> str:
    if isinstance(question, NumberQuestion):
        band_id = _band_for(question, float(value))  # type: ignore[arg-type]
        label = next(b.label for b in question.bands if b.id == band_id[0])
        return f"{value:,g} {question.unit} ({label})"
    labels = {o.id: o.label for o in question.options}
    chosen = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
    return "; ".join(labels[c] for c in chosen)


def _risks(question: AnyQuestion, value: Value) -> str | None:
    if isinstance(question, NumberQuestion):
        band_id = _band_for(question, float(value))[0]  # type: ignore[arg-type]
        return next(b.risk for b in question.bands if b.id == band_id)
    chosen = _chosen_ids(question, value)
    notes = [o.risk for o in question.options if o.id in chosen and o.risk]
    return " ".join(notes) if notes else None


def _contributions(
    rubric: Rubric, values: Mapping[str, Value], evaluation: _Evaluation
) -> list[Contribution]:
    sums = _section_scores(rubric, evaluation.counted)
    total_weight = sum(s.weight for s in rubric.sections if s.id in sums and s.weight > 0)
    out = []
    for question in rubric.questions:
        if question.id not in evaluation.counted:
            continue
        section = rubric.sections_by_id[question.section]
        if question.section in sums and total_weight > 0:
            share = (section.weight / total_weight) * (question.weight / sums[question.section][1])
        else:
            share = 0.0
        x = evaluation.counted[question.id]
        out.append(
            Contribution(
                question=question.id,
                section=question.section,
                prompt=question.prompt,
                answer=_answer_label(question, values[question.id]),
                score=x,
                share=round(share, 4),
                points=round(share * (x - 50), 2),
                risk=_risks(question, values[question.id]),
            )
        )
    return out


def _section_results(
    rubric: Rubric, evaluation: _Evaluation, contributions: Sequence[Contribution]
) -> list[SectionScore]:
    sums = _section_scores(rubric, evaluation.counted)
    out = []
    for section in rubric.sections:
        questions = [q for q in rubric.questions if q.section == section.id]
        shown = [q for q in questions if evaluation.shown[q.id]]
        answered = [q for q in shown if q.id in evaluation.answered]
        section_score = None
        if section.id in sums:
            total, weight = sums[section.id]
            section_score = round(total / weight, 1)
        out.append(
            SectionScore(
                id=section.id,
                title=section.title,
                weight=section.weight,
                score=section_score,
                answered=len(answered),
                shown=len(shown),
                coverage=round(evaluation.coverage.get(section.id, 1.0), 3),
                points=round(sum(c.points for c in contributions if c.section == section.id), 2),
            )
        )
    return out


def answered_questions(rubric: Rubric, answers: Mapping[str, Any]) -> list[str]:
    """The one definition of "answered": shown, with a real answer or "not applicable".
    Unanswered and "don't know" questions are open. Every page and export counts with this."""
    evaluation = _evaluate(rubric, dict(answers))
    return [q.id for q in rubric.questions if q.id in evaluation.answered]


def _completeness(
    rubric: Rubric, values: Mapping[str, Value], evaluation: _Evaluation
) -> Completeness:
    shown = [q.id for q in rubric.questions if evaluation.shown[q.id]]
    unknown = sum(1 for q in shown if values.get(q) == UNKNOWN)
    answered = sum(1 for q in shown if q in evaluation.answered)
    return Completeness(
        shown=len(shown),
        answered=answered,
        unknown=unknown,
        unanswered=len(shown) - answered - unknown,
        fraction=round(answered / len(shown), 3) if shown else 0.0,
        min_answered_share=rubric.finality.min_answered_share,
        sections_short=[
            s.id
            for s in rubric.sections
            if s.weight > 0
            and evaluation.coverage.get(s.id, 1.0) < rubric.finality.min_answered_share
        ],
    )


def _next_steps(
    rubric: Rubric,
    rules: Sequence[Any],
    contributions: Sequence[Contribution],
    verdict: Verdict,
) -> list[str]:
    steps: list[str] = [r.next_step for r in rules if r.next_step]
    by_id = rubric.questions_by_id
    # Weakest answers first: their advice matters most for the decision.
    for contribution in sorted(contributions, key=lambda c: (c.points, c.question)):
        question = by_id[contribution.question]
        if isinstance(question, NumberQuestion):
            continue
        steps.extend(
            o.next_step
            for o in question.options
            if o.next_step and o.label in contribution.answer.split("; ")
        )
    steps.extend(getattr(rubric.next_steps, verdict.value))
    return list(dict.fromkeys(steps))


def _adaptation(
    rubric: Rubric, values: Mapping[str, Value], evaluation: _Evaluation
) -> AdaptationAdvice:
    policy = rubric.adaptation
    if evaluation.advice is not None:
        rule = policy.rules[evaluation.advice]
        compiled = _compile(rubric)
        return AdaptationAdvice(
            strategy=rule.strategy,
            label=rule.strategy.label,
            rationale=rule.rationale,
            rule=rule.id,
            because=_true_questions(
                _compile_condition(rule.when), compiled, values, evaluation.shown
            ),
        )
    return AdaptationAdvice(
        strategy=policy.default_strategy,
        label=policy.default_strategy.label,
        rationale=policy.default_rationale,
        rule=None,
        because=[],
    )


PROVISIONAL_STEP = (
    "Answer the open questions — the most decisive first — and score the assessment again "
    "before acting on the verdict."
)

#: Conditions from weak answers are named when the score alone gives Adapt: at most this many.
SCORE_CONDITION_COUNT = 3


def _conditions(
    rubric: Rubric,
    values: Mapping[str, Value],
    evaluation: _Evaluation,
    contributions: Sequence[Contribution],
    adaptation: AdaptationAdvice,
) -> list[ConditionItem]:
    """What must be true before adoption: every adoption condition and every rule capping at
    Adapt that holds, the specialisation the advice calls for, and — when the score alone
    puts the case in Adapt and nothing else names a condition — the weakest answers the
    company can act on."""
    compiled = _compile(rubric)
    out: list[ConditionItem] = []
    for index in evaluation.conditions:
        condition = rubric.conditions[index]
        out.append(
            ConditionItem(
                id=condition.id,
                title=condition.title,
                text=condition.text,
                source="condition",
                because=_true_questions(
                    _compile_condition(condition.when), compiled, values, evaluation.shown
                ),
            )
        )
    for index in evaluation.fired:
        rule = rubric.hard_rules[index]
        if rule.cap == "adapt":
            out.append(
                ConditionItem(
                    id=rule.id,
                    title=rule.title,
                    text=rule.next_step or rule.reason,
                    source="rule",
                    because=_true_questions(
                        _compile_condition(rule.when), compiled, values, evaluation.shown
                    ),
                )
            )
    if adaptation.strategy.cap is Verdict.ADAPT:
        out.append(
            ConditionItem(
                id=f"adaptation_{adaptation.strategy.value}",
                title=adaptation.label,
                text=f"{adaptation.label}: {adaptation.rationale}",
                source="adaptation",
                because=adaptation.because,
            )
        )
    assert evaluation.raw_verdict is not None
    if not out and evaluation.raw_verdict is Verdict.ADAPT:
        by_id = rubric.questions_by_id
        weak = [
            c
            for c in sorted(contributions, key=lambda c: (c.points, c.question))
            if c.points < 0 and by_id[c.question].actionable
        ][:SCORE_CONDITION_COUNT]
        for contribution in weak:
            question = by_id[contribution.question]
            step = next(
                (
                    o.next_step
                    for o in getattr(question, "options", [])
                    if o.next_step and o.label in contribution.answer.split("; ")
                ),
                None,
            )
            out.append(
                ConditionItem(
                    id=f"improve_{question.id}",
                    title=question.prompt,
                    text=step
                    or f"Improve the answer to “{question.prompt}” (now: {contribution.answer}).",
                    source="score",
                    because=[question.id],
                )
            )
    return out


def _decision(
    rubric: Rubric,
    evaluation: _Evaluation,
    rules: Sequence[RuleApplied],
    conditions: Sequence[ConditionItem],
    adaptation: AdaptationAdvice,
    verdict_range: VerdictRange,
    drivers_for: Sequence[Contribution],
    drivers_against: Sequence[Contribution],
) -> Decision:
    """What decided the verdict, in one sentence the PM can say in the meeting, with the
    titles and answer labels the PM saw."""
    verdict, raw, value = evaluation.verdict, evaluation.raw_verdict, evaluation.score
    assert verdict is not None and raw is not None and value is not None
    t = rubric.thresholds
    if evaluation.provisional and verdict_range.best is not verdict_range.worst:
        span = (
            f"the answers so far allow anything between {verdict_range.worst.label} "
            f"and {verdict_range.best.label}"
        )
        return Decision(
            kind="provisional",
            ids=[],
            text=f"Provisional: too little is answered for a final verdict; {span}.",
        )
    avoiding = [r for r in rules if r.cap is Verdict.AVOID]
    if verdict is Verdict.AVOID and avoiding:
        titles = "; ".join(f"“{r.title}”" for r in avoiding)
        because = (
            f"“{avoiding[0].title}” holds" if len(avoiding) == 1 else f"these rules hold: {titles}"
        )
        if raw is Verdict.AVOID:
            extra = f" The score ({value:g}) is below the Adapt line ({t.adapt:g}) as well."
        else:
            extra = f" The score alone ({value:g}) would give {raw.label}."
        return Decision(
            kind="rule", ids=[r.id for r in avoiding], text=f"Avoid because {because}.{extra}"
        )
    if verdict is Verdict.AVOID and adaptation.strategy is Strategy.KEEP_CURRENT and raw.rank > 0:
        return Decision(
            kind="adaptation",
            ids=[adaptation.rule or ""],
            text=f"Avoid: the advice is to keep the current process. {adaptation.rationale}",
        )
    if verdict is Verdict.AVOID:
        weakest = "; ".join(f"“{c.answer}”" for c in drivers_against[:3])
        return Decision(
            kind="score",
            ids=[c.question for c in drivers_against[:3]],
            text=f"Avoid by score: {value:g} is below the Adapt line ({t.adapt:g}); the answers "
            f"that weigh most against adoption are {weakest}.",
        )
    if verdict is Verdict.ADAPT and conditions:
        names = "; ".join(c.title for c in conditions)
        extra = (
            f" The score alone ({value:g}) would give Recommend."
            if raw is Verdict.RECOMMEND
            else f" The score ({value:g}) is between the Adapt ({t.adapt:g}) and Recommend "
            f"({t.recommend:g}) lines."
        )
        return Decision(
            kind="conditions",
            ids=[c.id for c in conditions],
            text=f"Adapt: adopt only once these conditions are met — {names}.{extra}",
        )
    if verdict is Verdict.ADAPT:
        return Decision(
            kind="score",
            ids=[],
            text=f"Adapt by score: {value:g} is between the Adapt ({t.adapt:g}) and Recommend "
            f"({t.recommend:g}) lines.",
        )
    strongest = "; ".join(f"“{c.answer}”" for c in drivers_for[:3])
    return Decision(
        kind="score",
        ids=[c.question for c in drivers_for[:3]],
        text=f"Recommend: the score ({value:g}) is at or above the Recommend line "
        f"({t.recommend:g}), and no gate, rule or condition holds. The answers that weigh "
        f"most for adoption are {strongest}.",
    )


# --- verdict range over the open questions ----------------------------------------------------


def _possible_answers(question: AnyQuestion) -> list[Value]:
    """One representative answer per distinct outcome: each option, each band.

    For multiple choice, single options suffice: the mean and the capped sum reach
    their extremes on them or on the full set, and a rule clause matches a set
    exactly when it matches one of its members.
    """
    if isinstance(question, NumberQuestion):
        reps: list[Value] = []
        low = question.minimum
        for band in question.bands:
            reps.append(low)
            if band.below is not None:
                low = band.below
        return reps
    singles: list[Value] = [o.id for o in question.options]
    if isinstance(question, MultipleChoiceQuestion) and question.combine == "sum":
        singles.append([o.id for o in question.options if not o.not_applicable])
    return singles


def _completion_answers(question: AnyQuestion, limit: int) -> list[Value] | None:
    """Every distinct answer an open question can still get, for the exact verdict range:
    each option, a number in each band within ``maximum``, and for multiple choice every
    set of options (None when there are more than ``limit``). Single options do not
    suffice for a set: a rule with two clauses on the question, or an earlier adaptation
    rule matched by one member, can hold for a set and for none of its members alone."""
    if isinstance(question, MultipleChoiceQuestion):
        ids = [o.id for o in question.options]
        if 2 ** len(ids) - 1 > limit:
            return None
        return [
            list(chosen)
            for size in range(1, len(ids) + 1)
            for chosen in itertools.combinations(ids, size)
        ]
    if isinstance(question, NumberQuestion):
        top = question.maximum
        reps: list[Value] = []
        low = question.minimum
        for band in question.bands:
            if top is None or low <= top:
                reps.append(low)
            if band.below is not None:
                low = band.below
        return reps
    return [o.id for o in question.options]


def decisive_questions(rubric: Rubric) -> set[str]:
    """Questions a hard rule, an adoption condition, an adaptation rule or a ``show_if``
    reads: their answers can change the verdict even with weight 0."""
    found = {q for r in rubric.hard_rules if r.enabled for q in r.when.question_ids()}
    found |= {q for c in rubric.conditions if c.enabled for q in c.when.question_ids()}
    found |= {q for r in rubric.adaptation.rules for q in r.when.question_ids()}
    found |= {q.show_if.question for q in rubric.questions if q.show_if is not None}
    return found


def _open_questions(rubric: Rubric, values: Mapping[str, Value]) -> list[str]:
    """Questions without a real answer that could be shown for some answers to the others."""
    possible: dict[str, bool] = {}
    opened = []
    by_id = rubric.questions_by_id
    decisive = decisive_questions(rubric)
    for question in rubric.questions:
        rule = question.show_if
        value = values.get(question.id)
        is_open = value is None or value == UNKNOWN
        if rule is None:
            possible[question.id] = True
        else:
            controller = values.get(rule.question)
            controller_open = controller is None or controller == UNKNOWN
            possible[question.id] = possible.get(rule.question, False) and (
                controller_open
                or bool(_chosen_ids(by_id[rule.question], controller) & set(rule.any_of))  # type: ignore[arg-type]
            )
        if is_open and possible[question.id] and (question.weight > 0 or question.id in decisive):
            opened.append(question.id)
    return opened


def _verdict_range(
    rubric: Rubric, values: Mapping[str, Value], evaluation: _Evaluation
) -> VerdictRange:
    opened = _open_questions(rubric, values)
    assert evaluation.verdict is not None
    if not opened:
        return VerdictRange(
            best=evaluation.verdict, worst=evaluation.verdict, exact=True, open_questions=[]
        )
    by_id = rubric.questions_by_id
    choices = []
    combinations = 1
    for question_id in opened:
        options = _completion_answers(by_id[question_id], EXACT_RANGE_LIMIT)
        combinations *= EXACT_RANGE_LIMIT + 1 if options is None else len(options)
        if options is None or combinations > EXACT_RANGE_LIMIT:
            best, worst = _range_bound(rubric, values, opened)
            return VerdictRange(best=best, worst=worst, exact=False, open_questions=opened)
        choices.append(options)
    best_rank, worst_rank = -1, 3
    trial = dict(values)
    for combo in itertools.product(*choices):
        trial.update(zip(opened, combo, strict=True))
        verdict = _evaluate(rubric, trial).verdict
        if verdict is not None:
            best_rank = max(best_rank, verdict.rank)
            worst_rank = min(worst_rank, verdict.rank)
    return VerdictRange(
        best=_RANKED[best_rank], worst=_RANKED[worst_rank], exact=True, open_questions=opened
    )


def _range_bound(
    rubric: Rubric, values: Mapping[str, Value], opened: Sequence[str]
) -> tuple[Verdict, Verdict]:
    """A guaranteed bound on the verdict over every answer to the open questions.

    Each open question is treated as counting or not (it may stay hidden or be answered
    "not applicable") with its best or worst option; answered questions whose visibility
    hangs on an open question are optional too. Within a section, and then across
    sections, the highest (lowest) weighted mean over the optional items is found greedily —
    exact for a weighted mean — which bounds every reachable score. Caps: the worst case
    assumes every rule, condition and capping advice that could still hold does; the best
    case only the rules and conditions that hold whatever the open answers are.
    """
    certain = _certainly_visible(rubric, values)
    open_set = set(opened)
    compiled = _compile(rubric)
    # section -> (lowest x, highest x, weight, counts whatever the open answers are)
    extremes: dict[str, list[tuple[float, float, float, bool]]] = {}
    for question in rubric.questions:
        if question.weight == 0:
            continue
        value = values.get(question.id)
        if question.id in open_set:
            scored = [_question_score(question, v) for v in _possible_answers(question)]
            scores = [x for x in scored if x is not None]
            if not scores:
                continue
            low, high = min(scores), max(scores)
            # A "not applicable" answer leaves the question out, like a hidden one.
            mandatory = certain[question.id] and len(scores) == len(scored)
        elif value is not None and value != UNKNOWN and _maybe_visible(rubric, values, question.id):
            x = _question_score(question, value)
            if x is None:
                continue
            low = high = x
            mandatory = certain[question.id]
        else:
            continue
        extremes.setdefault(question.section, []).append((low, high, question.weight, mandatory))
    upper = _bound_overall(rubric, extremes, high=True)
    lower = _bound_overall(rubric, extremes, high=False)
    best = verdict_for(upper, rubric) if upper is not None else Verdict.RECOMMEND
    worst = verdict_for(lower, rubric) if lower is not None else Verdict.AVOID
    caps = [(cap, node) for _, cap, node in compiled.rules]
    caps += [(1, node) for _, node in compiled.conditions]
    for cap, node in caps:
        state = _tri(node, rubric, values, open_set, certain)
        if state is True:
            best = min(best, _RANKED[cap], key=lambda v: v.rank)
        if state is not False:
            worst = min(worst, _RANKED[cap], key=lambda v: v.rank)
    # Advice: the first rule that holds picks it. For the best case, ask which rule holds
    # when the verdict would be ``best``; for the worst, any capping advice that could hold.
    for _, advice_cap, node in compiled.advice:
        state = _tri(node, rubric, values, open_set, certain, best.rank)
        if state is None:
            break
        if state is True:
            if advice_cap is not None:
                best = min(best, _RANKED[advice_cap], key=lambda v: v.rank)
            break
    else:
        if compiled.default_advice_cap is not None:
            best = min(best, _RANKED[compiled.default_advice_cap], key=lambda v: v.rank)
    for _, advice_cap, node in compiled.advice:
        if advice_cap is None or advice_cap >= worst.rank:
            continue
        # It lowers the verdict only if it can hold at a verdict above its own cap. Its
        # verdict clauses are read at each such verdict: within an ``any`` group a verdict
        # clause it cannot meet leaves its question clauses free to hold.
        if any(
            _tri(node, rubric, values, open_set, certain, rank) is not False
            for rank in range(advice_cap + 1, Verdict.RECOMMEND.rank + 1)
        ):
            worst = _RANKED[advice_cap]
    if compiled.default_advice_cap is not None:
        worst = min(worst, _RANKED[compiled.default_advice_cap], key=lambda v: v.rank)
    best = max(best, worst, key=lambda v: v.rank)
    return best, worst


def _tri(
    node: _Node,
    rubric: Rubric,
    values: Mapping[str, Value],
    open_set: set[str],
    certain: Mapping[str, bool],
    rank: int | None = None,
) -> bool | None:
    """Whether a condition holds whatever the open answers are (True), for none of them
    (False), or depending on them (None). A verdict clause is undecided unless ``rank``
    (the verdict so far) is given."""
    kind = node[0]
    if kind == "v":
        return None if rank is None else rank in node[1]
    if kind == "q":
        qid = node[1]
        if not _maybe_visible(rubric, values, qid):
            return False
        if qid in open_set:
            return None
        value = values.get(qid)
        if value is None or value == UNKNOWN:
            return False
        if not (_chosen_ids(rubric.questions_by_id[qid], value) & node[2]):
            return False
        return True if certain.get(qid, False) else None
    states = [_tri(child, rubric, values, open_set, certain, rank) for child in node[1]]
    if kind == "all":
        if any(s is False for s in states):
            return False
        return True if all(s is True for s in states) else None
    if any(s is True for s in states):
        return True
    return False if all(s is False for s in states) else None


def _certainly_visible(rubric: Rubric, values: Mapping[str, Value]) -> dict[str, bool]:
    """Visible whatever the open questions are answered with."""
    certain: dict[str, bool] = {}
    by_id = rubric.questions_by_id
    for question in rubric.questions:
        rule = question.show_if
        if rule is None:
            certain[question.id] = True
            continue
        controller = values.get(rule.question)
        certain[question.id] = (
            certain.get(rule.question, False)
            and controller is not None
            and controller != UNKNOWN
            and bool(_chosen_ids(by_id[rule.question], controller) & set(rule.any_of))
        )
    return certain


def _maybe_visible(rubric: Rubric, values: Mapping[str, Value], question_id: str) -> bool:
    question = rubric.questions_by_id[question_id]
    rule = question.show_if
    if rule is None:
        return True
    controller = values.get(rule.question)
    if not _maybe_visible(rubric, values, rule.question):
        return False
    if controller is None or controller == UNKNOWN:
        return True
    return bool(_chosen_ids(rubric.questions_by_id[rule.question], controller) & set(rule.any_of))


def _greedy_mean(
    mandatory: Iterable[tuple[float, float]], optional: Iterable[tuple[float, float]], high: bool
) -> float | None:
    """Highest (or lowest) weighted mean of all mandatory (value, weight) items plus any
    subset of the optional ones; adding items best-first while they improve it is exact."""
    total = sum(v * w for v, w in mandatory)
    weight = sum(w for _, w in mandatory)
    ordered = sorted(optional, key=lambda item: item[0], reverse=high)
    for value, item_weight in ordered:
        if weight == 0 or (value > total / weight if high else value < total / weight):
            total += value * item_weight
            weight += item_weight
        else:
            break
    return total / weight if weight else None


def _bound_overall(
    rubric: Rubric, extremes: Mapping[str, list[tuple[float, float, float, bool]]], high: bool
) -> float | None:
    mandatory_sections: list[tuple[float, float]] = []
    optional_sections: list[tuple[float, float]] = []
    for section in rubric.sections:
        items = extremes.get(section.id, [])
        if section.weight == 0 or not items:
            continue
        section_value = _greedy_mean(
            [(top if high else low, w) for low, top, w, m in items if m],
            [(top if high else low, w) for low, top, w, m in items if not m],
            high,
        )
        if section_value is None:
            continue
        target = mandatory_sections if any(m for *_, m in items) else optional_sections
        target.append((section_value, section.weight))
    result = _greedy_mean(mandatory_sections, optional_sections, high)
    return None if result is None else round(result, 1)
