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
* the verdict comes from the thresholds, then hard rules may cap it.

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
    "Contribution",
    "PolicyStamp",
    "RuleApplied",
    "ScoreResult",
    "SectionScore",
    "VerdictRange",
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
    id: str
    title: str
    cap: Verdict
    reason: str


class Completeness(_Out):
    shown: int
    answered: int
    unknown: int
    unanswered: int
    fraction: float


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


class PolicyStamp(_Out):
    id: str
    title: str
    version: str
    sha256: str


class ScoreResult(_Out):
    verdict: Verdict
    score_verdict: Verdict
    score: float
    sections: list[SectionScore]
    contributions: list[Contribution]
    drivers_for: list[Contribution]
    drivers_against: list[Contribution]
    rules_applied: list[RuleApplied]
    completeness: Completeness
    verdict_range: VerdictRange
    next_steps: list[str]
    adaptation: AdaptationAdvice
    policy: PolicyStamp
    warnings: list[str]


def visible_questions(rubric: Rubric, answers: Mapping[str, Any]) -> list[str]:
    """Ids of the questions shown for these answers, in rubric order (``show_if`` applied)."""
    shown = _visible(rubric, answers)
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
    """Id, version and the SHA-256 of the rubric's canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(
        rubric.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return PolicyStamp(id=rubric.id, title=rubric.title, version=rubric.version, sha256=digest)


# --- the core computation, shared by the real score and the verdict range -------------------

Value = str | list[str] | int | float


def _chosen_ids(question: AnyQuestion, value: Value) -> frozenset[str]:
    if isinstance(question, NumberQuestion):
        assert isinstance(value, int | float)
        return frozenset({_band_for(question, value)[0]})
    if isinstance(value, list):
        return frozenset(value)
    return frozenset({str(value)})


def _band_for(question: NumberQuestion, value: float) -> tuple[str, float]:
    for band in question.bands:
        if band.below is None or value < band.below:
            return band.id, band.score
    last = question.bands[-1]
    return last.id, last.score


def _question_score(question: AnyQuestion, value: Value) -> float:
    if isinstance(question, NumberQuestion):
        assert isinstance(value, int | float)
        return _band_for(question, value)[1]
    scores = {o.id: o.score for o in question.options}
    if isinstance(question, MultipleChoiceQuestion):
        chosen = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
        values = [scores[c] for c in chosen]
        if question.combine == "sum":
            return min(100.0, sum(values))
        return sum(values) / len(values)
    return scores[str(value)]


def _visible(rubric: Rubric, values: Mapping[str, Value]) -> dict[str, bool]:
    shown: dict[str, bool] = {}
    by_id = rubric.questions_by_id
    for question in rubric.questions:
        rule = question.show_if
        if rule is None:
            shown[question.id] = True
            continue
        controller = rule.question
        value = values.get(controller)
        shown[question.id] = (
            shown.get(controller, False)
            and value is not None
            and value != UNKNOWN
            and bool(_chosen_ids(by_id[controller], value) & set(rule.any_of))
        )
    return shown


def _condition_holds(
    condition: Condition,
    rubric: Rubric,
    values: Mapping[str, Value],
    shown: Mapping[str, bool],
    verdict: Verdict | None,
) -> bool:
    results = []
    for clause in condition.clauses:
        if clause.verdict is not None:
            results.append(verdict in clause.verdict)
            continue
        assert clause.question is not None and clause.any_of is not None
        value = values.get(clause.question)
        results.append(
            shown.get(clause.question, False)
            and value is not None
            and value != UNKNOWN
            and bool(
                _chosen_ids(rubric.questions_by_id[clause.question], value) & set(clause.any_of)
            )
        )
    return all(results) if condition.all is not None else any(results)


@dataclass
class _Evaluation:
    score: float | None
    raw_verdict: Verdict | None
    verdict: Verdict | None
    fired: list[int]
    shown: dict[str, bool]
    counted: dict[str, float]


# The rubric compiled to plain tuples and dicts: _evaluate runs thousands of times in a
# verdict range, a sensitivity analysis or a re-score, so it avoids pydantic attribute
# walks and rebuilding option tables on every call.


@dataclass(frozen=True)
class _CQ:
    id: str
    section: str
    weight: float
    kind: str  # choice | mean | sum | number
    scores: dict[str, float]
    bands: tuple[tuple[float | None, str, float], ...]
    controller: str | None
    reveal: frozenset[str]


@dataclass(frozen=True)
class _Compiled:
    questions: tuple[_CQ, ...]
    by_id: dict[str, _CQ]
    section_weights: tuple[tuple[str, float], ...]
    rules: tuple[tuple[int, int, bool, tuple[tuple[str, frozenset[str]], ...]], ...]
    recommend: float
    adapt: float


_COMPILED: dict[int, tuple[Rubric, _Compiled]] = {}


def _compile(rubric: Rubric) -> _Compiled:
    hit = _COMPILED.get(id(rubric))
    if hit is not None and hit[0] is rubric:
        return hit[1]
    questions = []
    for q in rubric.questions:
        if isinstance(q, NumberQuestion):
            kind, scores = "number", {}
            bands = tuple((b.below, b.id, b.score) for b in q.bands)
        else:
            kind = (
                ("sum" if q.combine == "sum" else "mean")
                if isinstance(q, MultipleChoiceQuestion)
                else "choice"
            )
            scores, bands = {o.id: o.score for o in q.options}, ()
        questions.append(
            _CQ(
                id=q.id,
                section=q.section,
                weight=q.weight,
                kind=kind,
                scores=scores,
                bands=bands,
                controller=q.show_if.question if q.show_if else None,
                reveal=frozenset(q.show_if.any_of) if q.show_if else frozenset(),
            )
        )
    rules = tuple(
        (
            index,
            Verdict(rule.cap).rank,
            rule.when.all is not None,
            tuple(
                (c.question, frozenset(c.any_of))
                for c in rule.when.clauses
                if c.question is not None and c.any_of is not None
            ),
        )
        for index, rule in enumerate(rubric.hard_rules)
        if rule.enabled
    )
    compiled = _Compiled(
        questions=tuple(questions),
        by_id={q.id: q for q in questions},
        section_weights=tuple((s.id, s.weight) for s in rubric.sections),
        rules=rules,
        recommend=rubric.thresholds.recommend,
        adapt=rubric.thresholds.adapt,
    )
    if len(_COMPILED) > 64:
        _COMPILED.clear()
    _COMPILED[id(rubric)] = (rubric, compiled)  # the rubric is kept alive, so ids stay unique
    return compiled


def _c_x(q: _CQ, value: Value) -> float:
    if q.kind == "choice":
        return q.scores[value]  # type: ignore[index]
    if q.kind == "number":
        for below, _, band_score in q.bands:
            if below is None or value < below:  # type: ignore[operator]
                return band_score
        return q.bands[-1][2]
    chosen: list[str] = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
    total = sum(q.scores[c] for c in chosen)
    return min(100.0, total) if q.kind == "sum" else total / len(chosen)


def _c_matches(q: _CQ, value: Value, allowed: frozenset[str]) -> bool:
    if q.kind == "number":
        for below, band_id, _ in q.bands:
            if below is None or value < below:  # type: ignore[operator]
                return band_id in allowed
        return q.bands[-1][1] in allowed
    if isinstance(value, list):
        return any(v in allowed for v in value)
    return value in allowed


_RANKED = {v.rank: v for v in Verdict}


def _evaluate(rubric: Rubric, values: Mapping[str, Value]) -> _Evaluation:
    c = _compile(rubric)
    shown: dict[str, bool] = {}
    counted: dict[str, float] = {}
    sums: dict[str, list[float]] = {}
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
        value = values.get(q.id)
        if visible and value is not None and value != UNKNOWN:
            x = _c_x(q, value)
            counted[q.id] = x
            if q.weight > 0:
                acc = sums.setdefault(q.section, [0.0, 0.0])
                acc[0] += q.weight * x
                acc[1] += q.weight
    total = weight = 0.0
    for section_id, section_weight in c.section_weights:
        section_sum = sums.get(section_id)
        if section_sum is not None and section_weight > 0:
            total += section_weight * section_sum[0] / section_sum[1]
            weight += section_weight
    if weight == 0:
        return _Evaluation(None, None, None, [], shown, counted)
    overall = round(total / weight, 1)
    raw = (
        Verdict.RECOMMEND
        if overall >= c.recommend
        else Verdict.ADAPT
        if overall >= c.adapt
        else Verdict.AVOID
    )
    rank = raw.rank
    fired = []
    for index, cap_rank, needs_all, clauses in c.rules:
        hits = (
            shown.get(qid, False)
            and (v := values.get(qid)) is not None
            and v != UNKNOWN
            and _c_matches(c.by_id[qid], v, allowed)
            for qid, allowed in clauses
        )
        if all(hits) if needs_all else any(hits):
            fired.append(index)
            rank = min(rank, cap_rank)
    return _Evaluation(overall, raw, _RANKED[rank], fired, shown, counted)


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


def _overall(rubric: Rubric, counted: Mapping[str, float]) -> float | None:
    sums = _section_scores(rubric, counted)
    total = weight = 0.0
    for section in rubric.sections:
        if section.id in sums and section.weight > 0:
            section_total, section_weight = sums[section.id]
            total += section.weight * section_total / section_weight
            weight += section.weight
    if weight == 0:
        return None
    return round(total / weight, 1)


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

    contributions = _contributions(rubric, values, evaluation)
    sections = _section_results(rubric, evaluation, contributions)
    rules = [rubric.hard_rules[i] for i in evaluation.fired]
    applied = [
        RuleApplied(id=r.id, title=r.title, cap=Verdict(r.cap), reason=r.reason)
        for r in rules
        if Verdict(r.cap).rank < evaluation.raw_verdict.rank
    ]
    ordered = sorted(contributions, key=lambda c: (-c.points, c.question))
    drivers_for = [c for c in ordered if c.points > 0][:DRIVER_COUNT]
    drivers_against = [c for c in reversed(ordered) if c.points < 0][:DRIVER_COUNT]

    next_steps = _next_steps(rubric, rules, contributions, evaluation.verdict)
    return ScoreResult(
        verdict=evaluation.verdict,
        score_verdict=evaluation.raw_verdict,
        score=evaluation.score,
        sections=sections,
        contributions=contributions,
        drivers_for=drivers_for,
        drivers_against=drivers_against,
        rules_applied=applied,
        completeness=_completeness(rubric, values, evaluation),
        verdict_range=_verdict_range(rubric, values, evaluation),
        next_steps=next_steps,
        adaptation=_adaptation(rubric, values, evaluation),
        policy=policy_stamp(rubric),
        warnings=warnings,
    )


def _answer_label(question: AnyQuestion, value: Value) -> str:
    if isinstance(question, NumberQuestion):
        band_id = _band_for(question, float(value))  # type: ignore[arg-type]
        label = next(b.label for b in question.bands if b.id == band_id[0])
        return f"{value:g} {question.unit} ({label})"
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
        answered = [q for q in shown if q.id in evaluation.counted]
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
                points=round(sum(c.points for c in contributions if c.section == section.id), 2),
            )
        )
    return out


def _completeness(
    rubric: Rubric, values: Mapping[str, Value], evaluation: _Evaluation
) -> Completeness:
    shown = [q.id for q in rubric.questions if evaluation.shown[q.id]]
    unknown = sum(1 for q in shown if values.get(q) == UNKNOWN)
    answered = sum(1 for q in shown if q in evaluation.counted)
    return Completeness(
        shown=len(shown),
        answered=answered,
        unknown=unknown,
        unanswered=len(shown) - answered - unknown,
        fraction=round(answered / len(shown), 3) if shown else 0.0,
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
    for rule in policy.rules:
        if _condition_holds(rule.when, rubric, values, evaluation.shown, evaluation.verdict):
            return AdaptationAdvice(
                strategy=rule.strategy,
                label=rule.strategy.label,
                rationale=rule.rationale,
                rule=rule.id,
            )
    return AdaptationAdvice(
        strategy=policy.default_strategy,
        label=policy.default_strategy.label,
        rationale=policy.default_rationale,
        rule=None,
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
        singles.append([o.id for o in question.options])
    return singles


def _open_questions(rubric: Rubric, values: Mapping[str, Value]) -> list[str]:
    """Questions without a real answer that could be shown for some answers to the others."""
    possible: dict[str, bool] = {}
    opened = []
    by_id = rubric.questions_by_id
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
        if (
            is_open
            and possible[question.id]
            and (question.weight > 0 or _in_any_rule(rubric, question.id))
        ):
            opened.append(question.id)
    return opened


def _in_any_rule(rubric: Rubric, question_id: str) -> bool:
    return any(
        clause.question == question_id
        for rule in rubric.hard_rules
        if rule.enabled
        for clause in rule.when.clauses
    ) or any(q.show_if is not None and q.show_if.question == question_id for q in rubric.questions)


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
    choices = [_possible_answers(by_id[q]) for q in opened]
    combinations = 1
    for options in choices:
        combinations *= len(options)
        if combinations > EXACT_RANGE_LIMIT:
            best, worst = _range_bound(rubric, values, opened)
            return VerdictRange(best=best, worst=worst, exact=False, open_questions=opened)
    best_rank, worst_rank = -1, 3
    trial = dict(values)
    for combo in itertools.product(*choices):
        trial.update(zip(opened, combo, strict=True))
        verdict = _evaluate(rubric, trial).verdict
        if verdict is not None:
            best_rank = max(best_rank, verdict.rank)
            worst_rank = min(worst_rank, verdict.rank)
    ranked = {v.rank: v for v in Verdict}
    return VerdictRange(
        best=ranked[best_rank], worst=ranked[worst_rank], exact=True, open_questions=opened
    )


def _range_bound(
    rubric: Rubric, values: Mapping[str, Value], opened: Sequence[str]
) -> tuple[Verdict, Verdict]:
    """A guaranteed bound on the verdict over every answer to the open questions.

    Each open question is treated as counting or not (it may stay hidden) with its best
    or worst option; answered questions whose visibility hangs on an open question are
    optional too. Within a section, and then across sections, the highest (lowest)
    weighted mean over the optional items is found greedily — exact for a weighted
    mean — which bounds every reachable score. Hard rules: the worst case assumes every
    rule that could still fire does; the best case only those that fire whatever the
    open answers are.
    """
    certain = _certainly_visible(rubric, values)
    open_set = set(opened)
    # section -> (lowest x, highest x, weight, counts whatever the open answers are)
    extremes: dict[str, list[tuple[float, float, float, bool]]] = {}
    for question in rubric.questions:
        if question.weight == 0:
            continue
        value = values.get(question.id)
        if question.id in open_set:
            scores = [_question_score(question, v) for v in _possible_answers(question)]
            low, high = min(scores), max(scores)
            mandatory = certain[question.id]
        elif value is not None and value != UNKNOWN and _maybe_visible(rubric, values, question.id):
            low = high = _question_score(question, value)
            mandatory = certain[question.id]
        else:
            continue
        extremes.setdefault(question.section, []).append((low, high, question.weight, mandatory))
    upper = _bound_overall(rubric, extremes, high=True)
    lower = _bound_overall(rubric, extremes, high=False)
    shown_now = _visible(rubric, values)
    best = verdict_for(upper, rubric) if upper is not None else Verdict.RECOMMEND
    worst = verdict_for(lower, rubric) if lower is not None else Verdict.AVOID
    for rule in rubric.hard_rules:
        if not rule.enabled:
            continue
        cap = Verdict(rule.cap)
        if _rule_certain(rule.when, rubric, values, certain, shown_now):
            best = min(best, cap, key=lambda v: v.rank)
        if _rule_possible(rule.when, rubric, values, open_set):
            worst = min(worst, cap, key=lambda v: v.rank)
    return best, worst


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


def _rule_certain(
    condition: Condition,
    rubric: Rubric,
    values: Mapping[str, Value],
    certain: Mapping[str, bool],
    shown: Mapping[str, bool],
) -> bool:
    checks = [
        clause.question is not None
        and certain.get(clause.question, False)
        and _condition_holds(Condition(all=[clause]), rubric, values, shown, None)
        for clause in condition.clauses
    ]
    return all(checks) if condition.all is not None else any(checks)


def _rule_possible(
    condition: Condition, rubric: Rubric, values: Mapping[str, Value], open_set: set[str]
) -> bool:
    checks = []
    for clause in condition.clauses:
        assert clause.question is not None and clause.any_of is not None
        if not _maybe_visible(rubric, values, clause.question):
            checks.append(False)
        elif clause.question in open_set:
            checks.append(True)
        else:
            value = values.get(clause.question)
            checks.append(
                value is not None
                and value != UNKNOWN
                and bool(
                    _chosen_ids(rubric.questions_by_id[clause.question], value) & set(clause.any_of)
                )
            )
    return all(checks) if condition.all is not None else any(checks)


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
