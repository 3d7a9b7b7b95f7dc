"""Decision insight: how close the verdict is to flipping, what would change it, and which
open question to resolve first. Pure functions over a rubric and answers.

Definitions (also in rubric/README.md):

* **Sensitivity.** For each section weight (others fixed) and each threshold, the range in
  which the verdict holds. The overall score is a weighted mean, so as one weight ``w``
  moves it goes monotonically towards that section's score; the verdict flips where the
  rounded score crosses a threshold, i.e. where the exact score crosses the threshold
  minus 0.05. Those points are solved exactly; hard-rule caps are applied on each side.
* **What would change the verdict.** The fewest answer changes, among questions the
  rubric marks ``actionable``, that move the verdict exactly one level up (or down);
  ties go to the smallest total step (options moved along their list, or 1 for
  answering an open question), then to the larger move of the score. The search is
  exhaustive over up to :data:`MAX_CHANGED_QUESTIONS` questions and stops after
  :data:`SEARCH_BUDGET` evaluations (``exact`` says whether it finished).
* **Resolve first.** Each unanswered or "don't know" question that could be shown,
  scored with every possible answer while the others stay as they are; ranked by how
  many verdicts the answers reach, then by how far they move the score.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from .answers import Answers
from .compiled import CompiledRubric, compile_rubric, verdict_for_score
from .engine import ScoreResult
from .models import UNKNOWN, AnswerValue, AnyQuestion, Output, Rubric, Verdict

__all__ = [
    "MAX_CHANGED_QUESTIONS",
    "SEARCH_BUDGET",
    "AnswerChange",
    "ResolveItem",
    "Sensitivity",
    "SensitivityItem",
    "WhatWouldChange",
    "resolve_first",
    "sensitivity",
    "what_would_change",
]

#: What would change the verdict changes at most this many answers.
MAX_CHANGED_QUESTIONS = 3
#: Evaluations the what-would-change search may spend before it stops (``exact`` False).
SEARCH_BUDGET = 1500
_ROUNDING = 0.05  # the score is rounded to one decimal before it meets a threshold
_RECOMMEND, _ADAPT, _AVOID = Verdict.RECOMMEND.rank, Verdict.ADAPT.rank, Verdict.AVOID.rank


class SensitivityItem(Output):
    """How far one section weight or threshold can move before the verdict changes:
    ``low`` and ``high`` bound the range in which ``holds`` stays (None: no limit)."""

    kind: str  # "section_weight" | "threshold"
    id: str
    label: str
    current: float
    low: float | None  # None: no lower limit within the valid range
    high: float | None  # None: no upper limit
    holds: Verdict
    sentence: str


class Sensitivity(Output):
    """How close the verdict is to flipping: the score's margin to the nearest threshold
    that matters, and each weight and threshold, the most sensitive first."""

    verdict: Verdict
    score: float
    margin: float | None
    margin_sentence: str
    items: list[SensitivityItem]


class AnswerChange(Output):
    """The smallest set of answer changes found that moves the verdict one level: the
    answers (question id -> new answer), the steps they take and the score they give."""

    verdict: Verdict
    changes: dict[str, Any]
    steps: int
    score: float
    description: list[str]


class WhatWouldChange(Output):
    """The smallest changes to actionable answers that move the verdict one level up and
    one level down (None where none exists); ``exact`` when the search finished."""

    up: AnswerChange | None
    down: AnswerChange | None
    exact: bool
    actionable: list[str]


class ResolveItem(Output):
    """One open question scored with each of its possible answers: the verdicts they reach
    and the range of scores."""

    question: str
    prompt: str
    status: str  # "unknown" | "unanswered"
    verdicts: list[Verdict]
    score_low: float
    score_high: float


# --- sensitivity ---------------------------------------------------------------------------


def sensitivity(rubric: Rubric, answers: Answers, result: ScoreResult) -> Sensitivity:
    """How far each section weight and threshold can move before the verdict changes, and
    the score's margin to the nearest threshold that changes it (``result`` is
    ``score(rubric, answers)``)."""
    # Rules, conditions and advice cap the verdict whatever the weights and thresholds.
    cap = compile_rubric(rubric).evaluate(answers.answers).ceiling.rank
    verdict = result.verdict
    items = [*_weight_items(rubric, answers, result, cap), *_threshold_items(rubric, result, cap)]
    items.sort(key=_tightness)
    margin, margin_sentence = _margin(rubric, result, cap)
    return Sensitivity(
        verdict=verdict,
        score=result.score,
        margin=margin,
        margin_sentence=margin_sentence,
        items=items,
    )


def _tightness(item: SensitivityItem) -> float:
    """Relative room before the verdict flips (smallest first: the most sensitive)."""
    rooms = []
    scale = max(abs(item.current), 1.0)
    if item.low is not None:
        rooms.append((item.current - item.low) / scale)
    if item.high is not None:
        rooms.append((item.high - item.current) / scale)
    return min(rooms) if rooms else float("inf")


def _weight_items(
    rubric: Rubric, answers: Answers, result: ScoreResult, cap: int
) -> list[SensitivityItem]:
    sums = compile_rubric(rubric).evaluate(answers.answers).section_sums
    t = rubric.thresholds
    counted = [
        (s.id, s.weight, sums[s.id][0] / sums[s.id][1]) for s in rubric.sections if s.id in sums
    ]
    items = []
    for section in rubric.sections:
        if section.id not in sums:
            continue
        own = sums[section.id][0] / sums[section.id][1]
        others = [(w, x) for sid, w, x in counted if sid != section.id and w > 0]
        a = sum(w * x for w, x in others)
        b = sum(w for w, _ in others)

        def final(weight: float, a: float = a, b: float = b, own: float = own) -> int:
            if b + weight == 0:
                return -1  # nothing weighted: no score at all
            score = round((a + weight * own) / (b + weight), 1)
            return min(verdict_for_score(score, t).rank, cap)

        points = []
        for threshold in (t.recommend - _ROUNDING, t.adapt - _ROUNDING):
            if own != threshold:
                w = (threshold * b - a) / (own - threshold)
                if w > 0:
                    points.append(w)
        low, high = _constant_run(final, section.weight, sorted(set(points)))
        holds = result.verdict
        title = section.title
        if low is None and high is None:
            sentence = f"{holds.label} holds whatever the weight of {title}."
        elif high is not None and low is None:
            sentence = f"{holds.label} holds unless the weight of {title} rises above {high:.2f}."
        elif low is not None and high is None:
            sentence = f"{holds.label} holds unless the weight of {title} falls below {low:.2f}."
        else:
            sentence = (
                f"{holds.label} holds while the weight of {title} stays between "
                f"{low:.2f} and {high:.2f}."
            )
        items.append(
            SensitivityItem(
                kind="section_weight",
                id=section.id,
                label=f"Weight of {title}",
                current=section.weight,
                low=low,
                high=high,
                holds=holds,
                sentence=sentence,
            )
        )
    return items


def _constant_run(
    final: Any, current: float, points: Sequence[float]
) -> tuple[float | None, float | None]:
    """The interval of weights (above 0) around ``current`` where ``final`` does not change.

    ``final`` is constant between consecutive critical points, so it is sampled once inside
    each interval; walking outwards, the first interval that differs ends the run."""
    edges = [0.0, *sorted(points), float("inf")]
    spans = list(itertools.pairwise(edges))

    def sample(i: int) -> float:
        lo, hi = spans[i]
        return lo * 2 + 1 if hi == float("inf") else (lo + hi) / 2

    here = final(current)
    index = next(i for i, (lo, hi) in enumerate(spans) if lo <= current < hi)
    if final(sample(index)) != here and index + 1 < len(spans):
        index += 1  # ``current`` sits exactly on a critical point
    low = high = None
    for i in range(index - 1, -1, -1):
        if final(sample(i)) != here:
            low = spans[i][1]
            break
    for i in range(index + 1, len(spans)):
        if final(sample(i)) != here:
            high = spans[i][0]
            break
    return low, high


def _threshold_items(rubric: Rubric, result: ScoreResult, cap: int) -> list[SensitivityItem]:
    t = rubric.thresholds
    s = result.score
    holds = result.verdict
    items = []
    # Recommend threshold moves within [adapt, 100]; Adapt within [0, recommend].
    for name, current, lower, upper in (
        ("recommend", t.recommend, t.adapt, 100.0),
        ("adapt", t.adapt, 0.0, t.recommend),
    ):

        def final(value: float, name: str = name) -> int:
            moved = t.model_copy(update={name: value})
            return min(verdict_for_score(s, moved).rank, cap)

        here = final(current)
        low = high = None
        label = f"{name.capitalize()} threshold"
        if current <= s:  # the score is at or above this threshold
            if s < upper and final(min(upper, s + 0.1)) != here:
                high = s
        elif s >= lower and final(s) != here:
            low = s
        if high is not None:
            sentence = f"{holds.label} holds unless the {name.capitalize()} threshold rises above {high:.1f}."
        elif low is not None:
            sentence = f"{holds.label} holds unless the {name.capitalize()} threshold drops to {low:.1f} or below."
        else:
            sentence = f"{holds.label} holds wherever the {name.capitalize()} threshold is set."
        items.append(
            SensitivityItem(
                kind="threshold",
                id=name,
                label=label,
                current=current,
                low=low,
                high=high,
                holds=holds,
                sentence=sentence,
            )
        )
    return items


def _margin(rubric: Rubric, result: ScoreResult, cap: int) -> tuple[float | None, str]:
    t = rubric.thresholds
    s = result.score
    here = min(verdict_for_score(s, t).rank, cap)
    candidates = []
    for name, threshold in (("Recommend", t.recommend), ("Adapt", t.adapt)):
        probe = threshold - 0.1 if s >= threshold else threshold
        if min(verdict_for_score(probe, t).rank, cap) != here:
            side = "above" if s >= threshold else "below"
            candidates.append(
                (
                    abs(s - threshold),
                    f"{abs(s - threshold):.1f} points {side} the {name} threshold ({threshold:g})",
                )
            )
    if not candidates:
        return None, f"No score change alone would change the verdict{_capped_by(result, cap)}."
    margin, sentence = min(candidates)
    return round(margin, 1), f"The score is {sentence}."


def _capped_by(result: ScoreResult, cap: int) -> str:
    """Why a top score would not lift the verdict: the hard rule or the adaptation advice
    that hold it at Avoid (conditions stop at Adapt, so a lower score still changes it)."""
    if cap >= _RECOMMEND:
        return ""
    ceiling = Verdict.from_rank(cap).label
    rules = [rule.title for rule in result.rules_applied if rule.cap.rank == cap]
    if rules:
        return f"; the hard rule '{rules[0]}' holds it at {ceiling} whatever the score"
    return f"; the adaptation advice holds it at {ceiling} whatever the score"


# --- what would change the verdict ------------------------------------------------------------


def _alternatives(question: AnyQuestion, current: AnswerValue | None) -> list[AnswerValue]:
    """The possible answers that differ from ``current``."""
    if current is None or current == UNKNOWN:
        return question.possible_answers()
    return [c for c in question.possible_answers() if not question.same_answer(c, current)]


def what_would_change(
    rubric: Rubric,
    answers: Answers,
    result: ScoreResult,
    *,
    max_questions: int = MAX_CHANGED_QUESTIONS,
) -> WhatWouldChange:
    """The fewest changes to actionable answers that move the verdict exactly one level up
    and one level down (see the module docstring for the order of preference)."""
    values: dict[str, AnswerValue] = dict(answers.answers)
    # Hidden questions stay candidates: changing an actionable question may reveal them.
    actionable = [q.id for q in rubric.questions if q.actionable]
    budget = [SEARCH_BUDGET]
    current_rank = result.verdict.rank
    found: dict[int, AnswerChange | None] = {}
    exact = True
    for direction in (1, -1):
        target = current_rank + direction
        if not _AVOID <= target <= _RECOMMEND:
            found[direction] = None
            continue
        best, finished = _search(
            rubric, values, actionable, target, direction, max_questions, budget
        )
        exact = exact and finished
        found[direction] = best
    return WhatWouldChange(up=found[1], down=found[-1], exact=exact, actionable=actionable)


def _search(
    rubric: Rubric,
    values: dict[str, AnswerValue],
    actionable: list[str],
    target: int,
    direction: int,
    max_questions: int,
    budget: list[int],
) -> tuple[AnswerChange | None, bool]:
    by_id = rubric.questions_by_id
    compiled = compile_rubric(rubric)
    controllers = {q.show_if.question for q in rubric.questions if q.show_if}
    in_rules = compiled.decisive
    if _fixed_cap(compiled, values, actionable) < target:
        return None, True  # a rule no actionable answer can switch off caps below the target
    options = {q: _alternatives(by_id[q], values.get(q)) for q in actionable}
    extreme = {}
    for q in actionable:
        scored = [(_score_of(compiled, q, v), i, v) for i, v in enumerate(options[q])]
        if scored:
            extreme[q] = (max(scored) if direction > 0 else min(scored))[2]
    for size in range(1, max_questions + 1):
        best: tuple[int, float, list[str], dict[str, AnswerValue]] | None = None
        for combo in itertools.combinations(actionable, size):
            if any(not options[q] for q in combo):
                continue
            if size > 1 and not _may_reach(
                compiled, values, combo, target, direction, extreme, controllers, in_rules, budget
            ):
                continue
            for assignment in itertools.product(*(options[q] for q in combo)):
                if budget[0] <= 0:
                    return _finish(compiled, values, best), False
                budget[0] -= 1
                trial = dict(values)
                trial.update(zip(combo, assignment, strict=True))
                evaluation = compiled.evaluate(trial)
                if evaluation.verdict is None or evaluation.verdict.rank != target:
                    continue
                steps = sum(
                    by_id[q].change_steps(values.get(q), v)
                    for q, v in zip(combo, assignment, strict=True)
                )
                key = (
                    steps,
                    -direction * (evaluation.score or 0.0),
                    list(combo),
                    dict(zip(combo, assignment, strict=True)),
                )
                if best is None or key[:3] < best[:3]:
                    best = key
        if best is not None:
            return _finish(compiled, values, best), True
    return None, True


def _fixed_cap(
    compiled: CompiledRubric, values: Mapping[str, AnswerValue], actionable: Sequence[str]
) -> int:
    """The lowest cap among firing rules whose questions (and the questions that show them)
    are all outside ``actionable``: no change the search may make can lift it."""
    rubric = compiled.rubric
    evaluation = compiled.evaluate(values)
    movable = set(actionable)

    def fixed(question_id: str | None) -> bool:
        while question_id is not None:
            if question_id in movable:
                return False
            show_if = rubric.questions_by_id[question_id].show_if
            question_id = show_if.question if show_if else None
        return True

    caps = [
        Verdict(rubric.hard_rules[i].cap).rank
        for i in evaluation.rules
        if all(fixed(q) for q in rubric.hard_rules[i].when.question_ids())
    ]
    caps += [
        _ADAPT
        for i in evaluation.conditions
        if all(fixed(q) for q in rubric.conditions[i].when.question_ids())
    ]
    return min(caps, default=_RECOMMEND)


def _score_of(compiled: CompiledRubric, question_id: str, value: AnswerValue) -> float:
    x = compiled.question_score(question_id, value)
    return 50.0 if x is None else float(x)  # "not applicable" is neutral


def _may_reach(
    compiled: CompiledRubric,
    values: dict[str, AnswerValue],
    combo: Sequence[str],
    target: int,
    direction: int,
    extreme: Mapping[str, AnswerValue],
    controllers: set[str],
    in_rules: frozenset[str],
    budget: list[int],
) -> bool:
    """False only when no answers to ``combo`` can reach ``target``: the score is monotone
    in each answer's score and rules only lower a verdict, so the extreme options bound the
    reachable score verdict. Questions that show or hide others break that, so they (and,
    going down, questions a rule names) are never pruned."""
    if any(q in controllers for q in combo):
        return True
    if direction < 0 and any(q in in_rules for q in combo):
        return True
    trial = dict(values)
    trial.update({q: extreme[q] for q in combo})
    budget[0] -= 1
    evaluation = compiled.evaluate(trial)
    if evaluation.score_verdict is None:
        return True
    reachable = evaluation.score_verdict.rank
    return reachable >= target if direction > 0 else reachable <= target


def _finish(
    compiled: CompiledRubric,
    values: Mapping[str, AnswerValue],
    best: tuple[int, float, list[str], dict[str, AnswerValue]] | None,
) -> AnswerChange | None:
    if best is None:
        return None
    steps, _, _, changes = best
    trial = dict(values)
    trial.update(changes)
    evaluation = compiled.evaluate(trial)
    assert evaluation.verdict is not None and evaluation.score is not None
    by_id = compiled.rubric.questions_by_id
    return AnswerChange(
        verdict=evaluation.verdict,
        changes=dict(changes),
        steps=steps,
        score=evaluation.score,
        description=[f"{by_id[q].prompt} → {by_id[q].short_label(v)}" for q, v in changes.items()],
    )


# --- resolve first ----------------------------------------------------------------------------


def resolve_first(rubric: Rubric, answers: Answers) -> list[ResolveItem]:
    """The open questions worth answering first: each scored with every possible answer
    while the others stay; most verdicts reached first, then the widest score range."""
    compiled = compile_rubric(rubric)
    values: dict[str, AnswerValue] = dict(answers.answers)
    items = []
    for question_id in compiled.open_questions(values):
        question = rubric.questions_by_id[question_id]
        verdicts = set()
        scores = []
        for candidate in question.possible_answers():
            trial = dict(values)
            trial[question_id] = candidate
            evaluation = compiled.evaluate(trial)
            if evaluation.verdict is not None and evaluation.score is not None:
                verdicts.add(evaluation.verdict)
                scores.append(evaluation.score)
        if not scores:
            continue
        items.append(
            ResolveItem(
                question=question_id,
                prompt=question.prompt,
                status="unknown" if values.get(question_id) == UNKNOWN else "unanswered",
                verdicts=sorted(verdicts, key=lambda v: -v.rank),
                score_low=min(scores),
                score_high=max(scores),
            )
        )
    items.sort(key=lambda i: (-len(i.verdicts), -(i.score_high - i.score_low), i.question))
    return items
