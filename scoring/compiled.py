"""The compiled rubric: the one evaluation of answers behind every verdict.

:func:`compile_rubric` turns a :class:`~scoring.models.Rubric` into a
:class:`CompiledRubric` once per rubric object (cached while the rubric lives). Its
:meth:`~CompiledRubric.evaluate` gives the score, the score verdict and the verdict with
the rules, conditions and advice that hold — the formula documented in
:mod:`scoring.engine` and rubric/README.md. Everything that needs a verdict goes through
it: ``score()`` and its explanations, the verdict range, insight (sensitivity, what would
change, resolve first), options and the fast list path (``quick_verdict``).

What each question kind does with an answer (its score, the options it picks, its
possible answers) is the kind's own behaviour, in :mod:`scoring.models`; a score becomes
a verdict in one place, :func:`verdict_for_score`.

The public API of a :class:`CompiledRubric`:

* ``evaluate(values)`` -> :class:`Evaluation` (score, verdicts, what holds, what is shown,
  counted and answered, coverage);
* ``verdict_range(values)`` -> :class:`RangeFinding`; ``open_questions(values)`` and
  ``could_be_shown(values)``;
* ``question_score(id, value)``, ``answer_text(id, value)`` (label, risk notes, steps) and
  ``because(node, values, shown)`` (the questions that make a condition hold);
* ``decisive`` (questions a rule reads), ``stamp`` and ``sha256`` (the policy stamp).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from .models import (
    UNKNOWN,
    AnswerValue,
    AnyQuestion,
    Clause,
    Condition,
    Output,
    Rubric,
    Thresholds,
    Verdict,
)

__all__ = [
    "EXACT_RANGE_LIMIT",
    "AnswerText",
    "CompiledQuestion",
    "CompiledRubric",
    "Evaluation",
    "PolicyStamp",
    "RangeFinding",
    "answer_key",
    "compile_rubric",
    "verdict_for_score",
]

#: The verdict range is computed exactly when the open questions have at most this many
#: combinations of answers; above it, a bound (see ``CompiledRubric._range_bound``).
EXACT_RANGE_LIMIT = 2048

_RECOMMEND = Verdict.RECOMMEND.rank
_ADAPT = Verdict.ADAPT.rank


def verdict_for_score(score: float, thresholds: Thresholds) -> Verdict:
    """The score verdict: Recommend at or above ``thresholds.recommend``, Adapt at or above
    ``thresholds.adapt``, else Avoid. The one place a score becomes a verdict (scores are
    rounded to one decimal before they get here)."""
    if score >= thresholds.recommend:
        return Verdict.RECOMMEND
    if score >= thresholds.adapt:
        return Verdict.ADAPT
    return Verdict.AVOID


# A condition compiled to nested tuples, evaluated thousands of times in a verdict range,
# a sensitivity analysis or a re-score. The last item of each node is its test, a closure
# ``test(values, shown, rank) -> bool``: whether the condition holds for these answers,
# shown questions and verdict rank so far:
#   ("q", question_id, allowed_ids, question, test) | ("v", allowed_ranks, test)
#   | ("all", children, test) | ("any", children, test)
_Node = tuple[Any, ...]
_Test = Callable[[Mapping[str, AnswerValue], Mapping[str, bool], "int | None"], bool]


def _question_test(question_id: str, allowed: frozenset[str], question: AnyQuestion) -> _Test:
    picks_any = question.picks_any

    def test(
        values: Mapping[str, AnswerValue], shown: Mapping[str, bool], rank: int | None
    ) -> bool:
        value = values.get(question_id)
        return (
            shown.get(question_id, False)
            and value is not None
            and value != UNKNOWN
            and picks_any(value, allowed)
        )

    return test


def _group_test(children: tuple[_Node, ...], every: bool) -> _Test:
    if all(child[0] == "q" for child in children):
        return _question_group_test(children, every)
    tests = tuple(child[-1] for child in children)

    def test_all(
        values: Mapping[str, AnswerValue], shown: Mapping[str, bool], rank: int | None
    ) -> bool:
        for child in tests:  # noqa: SIM110 - a loop: no generator on the hottest path
            if not child(values, shown, rank):
                return False
        return True

    def test_any(
        values: Mapping[str, AnswerValue], shown: Mapping[str, bool], rank: int | None
    ) -> bool:
        for child in tests:  # noqa: SIM110 - a loop: no generator on the hottest path
            if child(values, shown, rank):
                return True
        return False

    return test_all if every else test_any


def _question_group_test(children: tuple[_Node, ...], every: bool) -> _Test:
    """A group of question clauses only (the usual rule) tested in one loop: the same test
    as its clauses' own, without a call per clause."""
    clauses = tuple((child[1], child[2], child[3].picks_any) for child in children)

    def test(
        values: Mapping[str, AnswerValue], shown: Mapping[str, bool], rank: int | None
    ) -> bool:
        get = values.get
        for question_id, allowed, picks_any in clauses:
            value = get(question_id)
            holds = (
                shown.get(question_id, False)
                and value is not None
                and value != UNKNOWN
                and picks_any(value, allowed)
            )
            if holds is not every:
                return not every
        return every

    return test


def _compile_clause(clause: Clause, by_id: Mapping[str, AnyQuestion]) -> _Node:
    if clause.verdict is not None:
        ranks = frozenset(Verdict(v).rank for v in clause.verdict)
        return ("v", ranks, lambda values, shown, rank: rank in ranks)
    if clause.question is not None and clause.any_of is not None:
        allowed, question = frozenset(clause.any_of), by_id[clause.question]
        test = _question_test(clause.question, allowed, question)
        return ("q", clause.question, allowed, question, test)
    every = clause.all is not None
    children = tuple(_compile_clause(c, by_id) for c in clause.clauses)
    return ("all" if every else "any", children, _group_test(children, every))


def _compile_condition(condition: Condition, by_id: Mapping[str, AnyQuestion]) -> _Node:
    every = condition.all is not None
    children = tuple(_compile_clause(c, by_id) for c in condition.clauses)
    return ("all" if every else "any", children, _group_test(children, every))


def _question_clauses(node: _Node) -> tuple[tuple[str, _Test], ...]:
    """Every question clause in a compiled condition, in the order written."""
    if node[0] == "q":
        return ((node[1], node[-1]),)
    if node[0] == "v":
        return ()
    return tuple(clause for child in node[1] for clause in _question_clauses(child))


def _is_open(value: AnswerValue | None) -> bool:
    return value is None or value == UNKNOWN


@dataclass(frozen=True, slots=True)
class CompiledQuestion:
    """One question as evaluation reads it: the model (its kind's behaviour) and where it
    sits — section, weight, the question that shows it and the answers that do."""

    question: AnyQuestion
    id: str
    section: str
    #: The position of its section in the rubric.
    section_index: int
    weight: float
    controller: str | None
    reveal: frozenset[str]
    #: The lowest and highest score its possible answers give (None when every answer is
    #: "not applicable"), and whether some answer is "not applicable": for the range bound.
    low: float | None
    high: float | None
    may_be_not_applicable: bool


@dataclass(slots=True)
class Evaluation:
    """Score, verdicts and what holds, for one set of answers (see
    :meth:`CompiledRubric.evaluate`). ``score`` and the verdicts are None when no question
    with a weight above 0 counts."""

    score: float | None
    score_verdict: Verdict | None
    verdict: Verdict | None
    #: Indexes into ``rubric.hard_rules`` of the enabled rules that hold.
    rules: list[int]
    #: Indexes into ``rubric.conditions`` of the enabled adoption conditions that hold.
    conditions: list[int]
    #: Index into ``rubric.adaptation.rules`` of the advice given; None: the default.
    advice: int | None
    #: The verdict a score above every threshold would get: what the rules, conditions and
    #: advice allow. Sensitivity holds it fixed while weights and thresholds move.
    ceiling: Verdict
    #: A weighted section has less than the policy's answered share of its shown weight.
    provisional: bool
    #: Question id -> shown for these answers (``show_if`` applied).
    shown: dict[str, bool]
    #: Question id -> score x, for shown questions with a scored answer.
    counted: dict[str, float]
    #: Shown questions with a real answer, "not applicable" included.
    answered: set[str]
    #: Section id -> the answered share of its shown question weight.
    coverage: dict[str, float]
    #: Section id -> (weighted sum of x, sum of weights) over counted questions with a
    #: weight above 0: the section's score is their ratio.
    section_sums: dict[str, tuple[float, float]]
    #: Section id -> (questions shown, questions answered), for sections with one shown.
    counts: dict[str, tuple[int, int]]
    #: Shown questions answered "don't know".
    unknown: int


class PolicyStamp(Output):
    """Which policy scored a result: the rubric's id, title, version and content hash."""

    id: str
    title: str
    version: str
    sha256: str


class AnswerText(NamedTuple):
    """What a report says about one answer (see :meth:`CompiledRubric.answer_text`)."""

    label: str
    risk: str | None
    next_steps: list[str]


class RangeFinding(NamedTuple):
    """The best and worst verdict the open questions can still give; ``exact`` when every
    completion was scored, else a guaranteed bound."""

    best: Verdict
    worst: Verdict
    exact: bool
    open_questions: list[str]


_NO_SCORE_CEILING = Verdict.RECOMMEND
_VERDICT_OF_RANK = {verdict.rank: verdict for verdict in Verdict}
_MAX_REMEMBERED_LABELS = 4096


class CompiledRubric:
    """A rubric prepared for evaluation: questions in order with where they sit, rules,
    conditions and adaptation rules compiled to fast trees. Build it with
    :func:`compile_rubric`, which caches it per rubric object."""

    def __init__(self, rubric: Rubric) -> None:
        by_id = rubric.questions_by_id
        self.rubric = rubric
        self.thresholds = rubric.thresholds
        self.min_answered_share = rubric.finality.min_answered_share
        #: Section id -> its position in the rubric.
        self.section_position = {s.id: i for i, s in enumerate(rubric.sections)}
        self.questions: tuple[CompiledQuestion, ...] = tuple(
            _compile_question(q, self.section_position) for q in rubric.questions
        )
        self.by_id: dict[str, CompiledQuestion] = {q.id: q for q in self.questions}
        self.section_weights: tuple[tuple[str, float], ...] = tuple(
            (s.id, s.weight) for s in rubric.sections
        )
        #: Section id -> its weight.
        self.section_weight: dict[str, float] = dict(self.section_weights)
        self.rule_nodes = {
            index: _compile_condition(rule.when, by_id)
            for index, rule in enumerate(rubric.hard_rules)
            if rule.enabled
        }
        self.condition_nodes = {
            index: _compile_condition(condition.when, by_id)
            for index, condition in enumerate(rubric.conditions)
            if condition.enabled
        }
        self.advice_nodes = {
            index: _compile_condition(rule.when, by_id)
            for index, rule in enumerate(rubric.adaptation.rules)
        }
        # (index, cap rank, condition) in rubric order
        self.rules = tuple(
            (index, Verdict(rubric.hard_rules[index].cap).rank, node)
            for index, node in self.rule_nodes.items()
        )
        self.conditions = tuple(self.condition_nodes.items())
        self.advice = tuple(
            (index, _rank(rubric.adaptation.rules[index].strategy.cap), node)
            for index, node in self.advice_nodes.items()
        )
        self.default_advice_cap = _rank(rubric.adaptation.default_strategy.cap)
        # The same with each condition's test alone, for evaluate.
        self._rule_tests = tuple((index, cap, node[-1]) for index, cap, node in self.rules)
        self._condition_tests = tuple((index, node[-1]) for index, node in self.conditions)
        self._advice_tests = tuple((index, cap, node[-1]) for index, cap, node in self.advice)
        found = {q for r in rubric.hard_rules if r.enabled for q in r.when.question_ids()}
        found |= {q for c in rubric.conditions if c.enabled for q in c.when.question_ids()}
        found |= {q for r in rubric.adaptation.rules for q in r.when.question_ids()}
        found |= {q.show_if.question for q in rubric.questions if q.show_if is not None}
        #: Questions a hard rule, an adoption condition, an adaptation rule or a ``show_if``
        #: reads: their answers can change the verdict even with weight 0.
        self.decisive: frozenset[str] = frozenset(found)
        # What evaluate reads per question, flattened: it runs thousands of times per
        # verdict range, sensitivity search or re-score.
        # A ``show_if`` on a later or unknown question (the loader refuses both) never shows.
        earlier: set[str] = set()
        plan = []
        for q in self.questions:
            picks_any = _never
            if q.controller in earlier:
                picks_any = self.by_id[q.controller].question.picks_any
            plan.append(
                (
                    q.id,
                    q.section_index,
                    q.weight,
                    q.controller,
                    q.reveal,
                    q.question.scorer,
                    picks_any,
                )
            )
            earlier.add(q.id)
        self._plan = tuple(plan)
        self._question_ids = tuple(q.id for q in self.questions)
        # Questions whose answer can change the verdict: a weight above 0, or read by a rule.
        self._may_change_verdict = tuple(
            q.id for q in self.questions if q.weight > 0 or q.id in self.decisive
        )
        self._labels: dict[tuple[str, Hashable], AnswerText] = {}
        self._clauses: dict[int, tuple[tuple[str, _Test], ...]] = {}
        self._completion_cache: dict[tuple[str, int], list[AnswerValue] | None] = {}

    # --- the evaluation -------------------------------------------------------------------

    def evaluate(self, values: Mapping[str, AnswerValue]) -> Evaluation:
        """Score, verdict and the reasons for it, in the order a verdict is built:

        1. the weighted mean gives the score and, through the thresholds, the score verdict;
        2. every hard rule that holds caps it (Adapt or Avoid);
        3. every adoption condition that holds caps it at Adapt;
        4. the adaptation advice for that verdict caps it too (specialising a model is at
           most Adapt; keeping today's process is Avoid), repeated until it is stable.
        """
        # Every question shown to start with (one allocation); hidden ones are marked below.
        shown = dict.fromkeys(self._question_ids, True)
        counted: dict[str, float] = {}
        answered: set[str] = set()
        # Per section, by position: shown weight, answered weight, sum of weight × x and of
        # weight over counted questions, shown questions and answered ones.
        count = len(self.section_weights)
        shown_weight, answered_weight = [0.0] * count, [0.0] * count
        weighted_x, counted_weight = [0.0] * count, [0.0] * count
        shown_count, answered_count = [0] * count, [0] * count
        unknown = 0
        get = values.get
        for qid, section, weight, controller, reveal, score_of, picks_any in self._plan:
            if controller is not None:
                controlling = get(controller)
                if not (
                    controlling is not None
                    and controlling != UNKNOWN
                    and picks_any(controlling, reveal)
                    and shown[controller]
                ):
                    shown[qid] = False
                    continue
            shown_count[section] += 1
            shown_weight[section] += weight
            value = get(qid)
            if value is None:
                continue
            if value == UNKNOWN:
                unknown += 1
                continue
            answered.add(qid)
            answered_count[section] += 1
            answered_weight[section] += weight
            x = score_of(value)
            if x is None:
                continue
            counted[qid] = x
            if weight > 0:
                weighted_x[section] += weight * x
                counted_weight[section] += weight
        coverage: dict[str, float] = {}
        counts: dict[str, tuple[int, int]] = {}
        section_sums: dict[str, tuple[float, float]] = {}
        provisional = False
        total = weight = 0.0
        for index, (section_id, section_weight) in enumerate(self.section_weights):
            share = 1.0
            if shown_count[index]:
                counts[section_id] = (shown_count[index], answered_count[index])
                whole = shown_weight[index]
                share = coverage[section_id] = answered_weight[index] / whole if whole > 0 else 1.0
            if section_weight > 0 and share < self.min_answered_share:
                provisional = True
            if counted_weight[index] > 0:
                section_sums[section_id] = (weighted_x[index], counted_weight[index])
                if section_weight > 0:
                    total += section_weight * weighted_x[index] / counted_weight[index]
                    weight += section_weight
        if weight == 0:
            return Evaluation(
                None,
                None,
                None,
                [],
                [],
                None,
                _NO_SCORE_CEILING,
                True,
                shown,
                counted,
                answered,
                coverage,
                section_sums,
                counts,
                unknown,
            )
        overall = round(total / weight, 1)
        score_verdict = verdict_for_score(overall, self.thresholds)
        cap = _RECOMMEND
        rules = []
        for index, cap_rank, test in self._rule_tests:
            if test(values, shown, None):
                rules.append(index)
                if cap_rank < cap:
                    cap = cap_rank
        conditions = []
        for index, test in self._condition_tests:
            if test(values, shown, None):
                conditions.append(index)
                if cap > _ADAPT:
                    cap = _ADAPT
        score_rank = score_verdict.rank
        rank, advice = self._settle_advice(values, shown, score_rank if score_rank < cap else cap)
        # A score at or above the cap starts from the cap itself: the same settling.
        ceiling = rank if score_rank >= cap else self._settle_advice(values, shown, cap)[0]
        return Evaluation(
            overall,
            score_verdict,
            _VERDICT_OF_RANK[rank],
            rules,
            conditions,
            advice,
            _VERDICT_OF_RANK[ceiling],
            provisional,
            shown,
            counted,
            answered,
            coverage,
            section_sums,
            counts,
            unknown,
        )

    def _settle_advice(
        self, values: Mapping[str, AnswerValue], shown: Mapping[str, bool], rank: int
    ) -> tuple[int, int | None]:
        """Pick the adaptation advice for the verdict ``rank`` and lower the verdict to the
        advice's cap, until the advice is stable; returns (rank, advice rule index or None).

        When advice lowered the verdict and the advice picked at the lower verdict does not
        itself cap it there (a rule whose ``verdict`` clause held only above it), the advice
        that lowered it is returned: the report names what decided the verdict, and verdict
        and advice agree."""
        lowered, lowered_by = False, None
        while True:
            advice, advice_cap = None, self.default_advice_cap
            for index, rule_cap, test in self._advice_tests:
                if test(values, shown, rank):
                    advice, advice_cap = index, rule_cap
                    break
            if advice_cap is None or advice_cap >= rank:
                if lowered and advice_cap != rank:
                    return rank, lowered_by
                return rank, advice
            rank = advice_cap  # lower only, so this ends within three rounds
            lowered, lowered_by = True, advice

    def because(
        self, node: _Node, values: Mapping[str, AnswerValue], shown: Mapping[str, bool]
    ) -> list[str]:
        """The questions whose answers make a holding condition true: the PM's "because"
        (each question clause that holds, in the order written, each question once)."""
        clauses = self._clauses.get(id(node))
        if clauses is None:  # the nodes live as long as this object, so their ids stay theirs
            clauses = self._clauses[id(node)] = _question_clauses(node)
        return list(dict.fromkeys(qid for qid, test in clauses if test(values, shown, None)))

    def question_score(self, question_id: str, value: AnswerValue) -> float | None:
        """The score x of one answer (None for "not applicable")."""
        return self.by_id[question_id].question.score_of(value)

    def answer_text(self, question_id: str, value: AnswerValue) -> AnswerText:
        """What a report says about one answer, remembered per answer (reports repeat the
        same few answers): its label and risk notes (``answer_label`` and ``risk_of`` of
        the question's kind) and the next steps of its options.

        The steps are those of the options whose label is among the answer's "; "-joined
        labels, as reports always listed them: a label that itself contains "; " (the
        shipped ``cost_profile`` → ``mostly_recurring``) never matches, so its step is not
        listed, and a band's ``next_step`` is never listed. Matching the chosen ids instead
        would list both, and change existing reports."""
        key = (question_id, answer_key(value))
        found = self._labels.get(key)
        if found is None:
            question = self.by_id[question_id].question
            label = question.answer_label(value)
            parts = label.split("; ")
            steps = [
                o.next_step
                for o in getattr(question, "options", ())
                if o.next_step and o.label in parts
            ]
            found = AnswerText(label, question.risk_of(value), steps)
            if len(self._labels) >= _MAX_REMEMBERED_LABELS:
                self._labels.clear()  # numbers are unbounded; keep the memory bounded
            self._labels[key] = found
        return found

    # --- visibility -----------------------------------------------------------------------

    def could_be_shown(self, values: Mapping[str, AnswerValue]) -> dict[str, bool]:
        """Question id -> shown for some answers to the open questions: its ``show_if``
        question could be shown and is open or answered with one of ``any_of``."""
        possible = _CouldBeShown(self, values)
        return {q.id: possible[q.id] for q in self.questions}

    def open_questions(self, values: Mapping[str, AnswerValue]) -> list[str]:
        """Questions without a real answer that could be shown for some answers to the
        others and can change the verdict (a weight above 0, or read by a rule)."""
        return self._open_questions(values, _CouldBeShown(self, values))

    def _open_questions(
        self, values: Mapping[str, AnswerValue], possible: _CouldBeShown
    ) -> list[str]:
        get = values.get
        return [
            qid
            for qid in self._may_change_verdict
            if ((value := get(qid)) is None or value == UNKNOWN) and possible[qid]
        ]

    # --- verdict range --------------------------------------------------------------------

    def verdict_range(
        self, values: Mapping[str, AnswerValue], evaluation: Evaluation | None = None
    ) -> RangeFinding:
        """The best and worst verdict over every answer the open questions can still get.

        Exact (every completion scored) while the completions number at most
        :data:`EXACT_RANGE_LIMIT`; above it, a guaranteed bound. The bound holds every
        completion, so enumeration stops once completions reach both its ends, and a bound
        of one verdict is already exact."""
        evaluation = evaluation or self.evaluate(values)
        possible = _CouldBeShown(self, values)
        opened = self._open_questions(values, possible)
        verdict = evaluation.verdict
        assert verdict is not None
        if not opened:
            return RangeFinding(verdict, verdict, True, [])
        choices: list[list[AnswerValue]] = []
        combinations = 1
        limit = EXACT_RANGE_LIMIT
        for question_id in opened:
            options = self._completion_answers(question_id, limit)
            combinations *= limit + 1 if options is None else len(options)
            if options is None or combinations > limit:
                best, worst = self._range_bound(values, opened, evaluation.shown, possible)
                return RangeFinding(best, worst, False, opened)
            choices.append(options)
        bound_best, bound_worst = self._range_bound(values, opened, evaluation.shown, possible)
        if bound_best is bound_worst:
            return RangeFinding(bound_best, bound_worst, True, opened)
        best_rank, worst_rank = -1, _RECOMMEND + 1
        target = (bound_best.rank, bound_worst.rank)
        trial = dict(values)
        for combo in self._completions(opened, choices):
            trial.update(zip(opened, combo, strict=True))
            found = self.evaluate(trial).verdict
            if found is not None:
                best_rank = max(best_rank, found.rank)
                worst_rank = min(worst_rank, found.rank)
                if (best_rank, worst_rank) == target:
                    break
        return RangeFinding(
            Verdict.from_rank(best_rank), Verdict.from_rank(worst_rank), True, opened
        )

    def _completion_answers(self, question_id: str, limit: int) -> list[AnswerValue] | None:
        """The question's ``completion_answers(limit)``, kept: they depend on the rubric only.
        Callers do not change the list."""
        key = (question_id, limit)
        if key not in self._completion_cache:
            question = self.by_id[question_id].question
            self._completion_cache[key] = question.completion_answers(limit)
        return self._completion_cache[key]

    def _completions(
        self, opened: Sequence[str], choices: Sequence[list[AnswerValue]]
    ) -> Iterable[tuple[AnswerValue, ...]]:
        """Every completion; the best- and worst-scored first, as they most often reach the
        ends of the range (the rest follow, duplicates included: they change nothing)."""
        extremes = []
        for high in (True, False):
            combo = []
            for question_id, options in zip(opened, choices, strict=True):
                question = self.by_id[question_id].question
                scored = [(question.score_of(v), i) for i, v in enumerate(options)]
                ranked = [(x, -i if high else i) for x, i in scored if x is not None]
                pick = (max(ranked) if high else min(ranked))[1] if ranked else 0
                combo.append(options[abs(pick)])
            extremes.append(tuple(combo))
        yield from extremes
        yield from itertools.product(*choices)

    def _range_bound(
        self,
        values: Mapping[str, AnswerValue],
        opened: Sequence[str],
        certain: Mapping[str, bool],
        possible: Mapping[str, bool],
    ) -> tuple[Verdict, Verdict]:
        """A guaranteed bound (best, worst) on the verdict over every answer to ``opened``.

        Each open question is treated as counting or not (it may stay hidden or be answered
        "not applicable") with its best or worst option; answered questions whose visibility
        hangs on an open question are optional too. Within a section, and then across
        sections, the highest (lowest) weighted mean over the optional items is found
        greedily — exact for a weighted mean — which bounds every reachable score. Caps: the
        worst case assumes every rule, condition and capping advice that could still hold
        does; the best case only the rules and conditions that hold whatever the open answers
        are. ``certain``: shown whatever they are (the evaluation's ``shown``); ``possible``:
        shown for some of them."""
        open_set = set(opened)
        # Per section, by position: the items that count whatever the open answers are,
        # summed (highest and lowest weight × x, weight), and those that may be left out
        # as (lowest x, highest x, weight); whether the section has any item at all.
        count = len(self.section_weights)
        fixed_high, fixed_low, fixed_weight = [0.0] * count, [0.0] * count, [0.0] * count
        has_fixed, has_items = [False] * count, [False] * count
        free: list[list[tuple[float, float, float]]] = [[] for _ in range(count)]
        get = values.get
        for qid, section, weight, _, _, score_of, _ in self._plan:
            if weight == 0:
                continue
            if qid in open_set:
                q = self.by_id[qid]
                if q.low is None or q.high is None:
                    continue
                low, high = q.low, q.high
                # A "not applicable" answer leaves the question out, like a hidden one.
                mandatory = certain[qid] and not q.may_be_not_applicable
            else:
                value = get(qid)
                if value is None or value == UNKNOWN or not possible[qid]:
                    continue
                x = score_of(value)
                if x is None:
                    continue
                low = high = x
                mandatory = certain[qid]
            has_items[section] = True
            if mandatory:
                has_fixed[section] = True
                fixed_high[section] += high * weight
                fixed_low[section] += low * weight
                fixed_weight[section] += weight
            else:
                free[section].append((low, high, weight))
        upper, lower = self._bound_overall(
            has_items, has_fixed, fixed_high, fixed_low, fixed_weight, free
        )
        best = verdict_for_score(upper, self.thresholds) if upper is not None else Verdict.RECOMMEND
        worst = verdict_for_score(lower, self.thresholds) if lower is not None else Verdict.AVOID
        best_rank, worst_rank = best.rank, worst.rank
        caps = [(cap, node) for _, cap, node in self.rules]
        caps += [(_ADAPT, node) for _, node in self.conditions]
        for cap, node in caps:
            state = self._tri(node, values, open_set, certain, possible)
            if state is True:
                best_rank = min(best_rank, cap)
            if state is not False:
                worst_rank = min(worst_rank, cap)
        # Advice: the first rule that holds at the verdict so far picks it. A verdict clause
        # can make advice hold at a higher verdict and not at a lower one ("keep today's
        # process" when the score says Recommend), so the best case is the best over every
        # verdict the score, rules and conditions may leave (from the worst case so far up
        # to the best), each with the most lenient advice that could be picked there.
        best_rank = max(
            self._lenient_advice(values, open_set, certain, possible, rank)
            for rank in range(worst_rank, best_rank + 1)
        )
        # For the worst case, any capping advice that could hold.
        for _, advice_cap, node in self.advice:
            if advice_cap is None or advice_cap >= worst_rank:
                continue
            # It lowers the verdict only if it can hold at a verdict above its own cap. Its
            # verdict clauses are read at each such verdict: within an ``any`` group a
            # verdict clause it cannot meet leaves its question clauses free to hold.
            if any(
                self._tri(node, values, open_set, certain, possible, rank) is not False
                for rank in range(advice_cap + 1, _RECOMMEND + 1)
            ):
                worst_rank = advice_cap
        if self.default_advice_cap is not None:
            worst_rank = min(worst_rank, self.default_advice_cap)
        best_rank = max(best_rank, worst_rank)
        return Verdict.from_rank(best_rank), Verdict.from_rank(worst_rank)

    def _lenient_advice(
        self,
        values: Mapping[str, AnswerValue],
        open_set: set[str],
        certain: Mapping[str, bool],
        possible: Mapping[str, bool],
        rank: int,
    ) -> int:
        """The highest verdict advice can leave at the verdict ``rank``: capped only by an
        advice rule that holds whatever the open answers are, with no rule before it that
        might hold (else the default strategy's cap)."""
        for _, advice_cap, node in self.advice:
            state = self._tri(node, values, open_set, certain, possible, rank)
            if state is None:
                return rank
            if state is True:
                return rank if advice_cap is None else min(rank, advice_cap)
        cap = self.default_advice_cap
        return rank if cap is None else min(rank, cap)

    def _tri(
        self,
        node: _Node,
        values: Mapping[str, AnswerValue],
        open_set: set[str],
        certain: Mapping[str, bool],
        possible: Mapping[str, bool],
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
            if not possible[qid]:
                return False
            if qid in open_set:
                return None
            value = values.get(qid)
            if value is None or value == UNKNOWN:
                return False
            if not node[3].picks_any(value, node[2]):
                return False
            return True if certain.get(qid, False) else None
        # "all": False as soon as a part is False, True when every part is; "any": True as
        # soon as a part is True, False when every part is; else undecided.
        every = kind == "all"
        decided = True
        for child in node[1]:
            state = self._tri(child, values, open_set, certain, possible, rank)
            if state is (not every):
                return state
            if state is None:
                decided = False
        return every if decided else None

    def _bound_overall(
        self,
        has_items: Sequence[bool],
        has_fixed: Sequence[bool],
        fixed_high: Sequence[float],
        fixed_low: Sequence[float],
        fixed_weight: Sequence[float],
        free: Sequence[list[tuple[float, float, float]]],
    ) -> tuple[float | None, float | None]:
        """The highest and the lowest overall score the items allow (see ``_range_bound``):
        per section the best (worst) weighted mean of its fixed items plus any of its free
        ones, then the same across sections."""
        # Per direction (highest, lowest): sections that count whatever the open answers
        # are, and sections that may be left out, as (section value, section weight).
        mandatory: tuple[list[tuple[float, float]], list[tuple[float, float]]] = ([], [])
        optional: tuple[list[tuple[float, float]], list[tuple[float, float]]] = ([], [])
        for index, (_, section_weight) in enumerate(self.section_weights):
            if section_weight == 0 or not has_items[index]:
                continue
            target = mandatory if has_fixed[index] else optional
            items = free[index]
            for direction, (total, high) in enumerate(
                ((fixed_high[index], True), (fixed_low[index], False))
            ):
                ordered = (
                    sorted(
                        ((top if high else low, w) for low, top, w in items),
                        key=_first,
                        reverse=high,
                    )
                    if items
                    else ()
                )
                section_value = _greedy(total, fixed_weight[index], ordered, high)
                if section_value is not None:
                    target[direction].append((section_value, section_weight))
        upper = _greedy_mean(mandatory[0], optional[0], True)
        lower = _greedy_mean(mandatory[1], optional[1], False)
        return (
            None if upper is None else round(upper, 1),
            None if lower is None else round(lower, 1),
        )

    # --- the policy stamp -----------------------------------------------------------------

    @cached_property
    def stamp(self) -> PolicyStamp:
        """The rubric's id, title, version and :attr:`sha256`: which policy scored a result."""
        rubric = self.rubric
        return PolicyStamp(
            id=rubric.id, title=rubric.title, version=rubric.version, sha256=self.sha256
        )

    @cached_property
    def sha256(self) -> str:
        """The SHA-256 of the rubric's canonical JSON (see :func:`scoring.engine.policy_stamp`):
        every value equal to its field's default left out, keys sorted, no spaces."""
        canonical = json.dumps(
            self.rubric.model_dump(mode="json", exclude_defaults=True),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _CouldBeShown(dict[str, bool]):
    """Question id -> shown for some answers to the open questions (see
    :meth:`CompiledRubric.could_be_shown`), worked out for a question when first asked."""

    def __init__(self, compiled: CompiledRubric, values: Mapping[str, AnswerValue]) -> None:
        super().__init__()
        self._compiled = compiled
        self._answers = values

    def __missing__(self, question_id: str) -> bool:
        q = self._compiled.by_id[question_id]
        controller = q.controller
        if controller is None:
            found = True
        else:
            controlling = self._answers.get(controller)
            found = (
                _is_open(controlling)
                or self._compiled.by_id[controller].question.picks_any(controlling, q.reveal)  # type: ignore[arg-type]
            ) and self[controller]
        self[question_id] = found
        return found


def answer_key(value: AnswerValue) -> Hashable:
    """An answer as a dictionary key that tells apart every answer whose label differs: a
    list as a tuple, a float by its text (``-0.0`` is written "-0")."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, float):
        return ("float", repr(value))
    return value


def _never(value: AnswerValue, ids: frozenset[str]) -> bool:
    return False


def _rank(verdict: Verdict | None) -> int | None:
    return None if verdict is None else verdict.rank


def _compile_question(q: AnyQuestion, section_position: Mapping[str, int]) -> CompiledQuestion:
    scored = [q.score_of(v) for v in q.possible_answers()]
    scores = [x for x in scored if x is not None]
    return CompiledQuestion(
        question=q,
        id=q.id,
        section=q.section,
        section_index=section_position[q.section],
        weight=q.weight,
        controller=q.show_if.question if q.show_if else None,
        reveal=frozenset(q.show_if.any_of) if q.show_if else frozenset(),
        low=min(scores) if scores else None,
        high=max(scores) if scores else None,
        may_be_not_applicable=len(scores) != len(scored),
    )


def _greedy_mean(
    mandatory: Sequence[tuple[float, float]], optional: Sequence[tuple[float, float]], high: bool
) -> float | None:
    """Highest (or lowest) weighted mean of all mandatory (value, weight) items plus any
    subset of the optional ones; adding items best-first while they improve it is exact."""
    total = weight = 0.0
    for v, w in mandatory:
        total += v * w
        weight += w
    ordered = sorted(optional, key=_first, reverse=high) if optional else ()
    return _greedy(total, weight, ordered, high)


def _first(item: tuple[float, float]) -> float:
    return item[0]


def _greedy(
    total: float, weight: float, ordered: Iterable[tuple[float, float]], high: bool
) -> float | None:
    """The mean of ``total`` over ``weight`` with items of ``ordered`` (best first) added
    while each improves it (see :func:`_greedy_mean`)."""
    for value, item_weight in ordered:
        if weight == 0 or (value > total / weight if high else value < total / weight):
            total += value * item_weight
            weight += item_weight
        else:
            break
    return total / weight if weight else None


# Compiled rubrics by the id of their rubric, each with a weak reference that drops the
# entry when the rubric goes; the reference also tells a reused id from the same object.
_Cache = dict[int, tuple[weakref.ref[Rubric], "CompiledRubric"]]
_CACHE: _Cache = {}


def compile_rubric(rubric: Rubric) -> CompiledRubric:
    """The rubric compiled for evaluation; built once per rubric object and kept while the
    rubric lives. Rubrics are frozen, so a changed policy is a new object."""
    key = id(rubric)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is rubric:
        return hit[1]
    compiled = CompiledRubric(rubric)

    # The cache is bound here: at interpreter exit the module's globals may be gone.
    def forget(ref: weakref.ref[Rubric], key: int = key, cache: _Cache = _CACHE) -> None:
        entry = cache.get(key)
        if entry is not None and entry[0] is ref:
            del cache[key]

    _CACHE[key] = (weakref.ref(rubric, forget), compiled)
    return compiled
