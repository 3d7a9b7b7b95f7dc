"""Invariants a decision meeting relies on (issue 9, item 6), checked with hypothesis on the
shipped rubric and on small random rubrics that the loader accepts.

What "holds", "shown" and "answered" mean is computed here independently of the engine,
from the rubric's documented rules (rubric/README.md), so an engine that drifts from them
fails. A failing example prints the rubric and the answers to reproduce it.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from scoring import Answers, Rubric, compiled, load_rubric, score
from scoring.answers import answers_from_data
from scoring.engine import ScoreResult, quick_verdict
from scoring.errors import NotEnoughAnswers
from scoring.models import (
    UNKNOWN,
    AdoptionCondition,
    Clause,
    Condition,
    HardRule,
    MultipleChoiceQuestion,
    NumberQuestion,
    Strategy,
    Verdict,
)

from .conftest import ROOT
from .strategies import (
    Verdicts,
    band_starts,
    points,
    rubric_document,
    scorable_answers,
    shares,
    small_rubrics,
    validated,
    value_for,
    weights,
)

SHIPPED = load_rubric(ROOT / "rubric" / "default.yaml")
RUBRICS = pytest.mark.parametrize("rubrics", ["shipped", "random"])
SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
#: The verdict clauses under which a higher score can never give a lower verdict: only
#: ``verdict: [avoid]`` (as in the shipped rubric). The loader accepts any verdicts, but an
#: adaptation rule like ``verdict: [recommend]`` → ``keep_current`` turns a Recommend score
#: into Avoid while an Adapt score stays Adapt (test_a_verdict_clause_above_its_cap_*).
MONOTONE: Verdicts = "avoid"
#: Completions enumerated per example at most; more open answers are filled in first.
BRUTE_FORCE_LIMIT = 3000

Values = Mapping[str, Any]


# --- the rubric's rules, computed independently of the engine --------------------------------


def _real(value: Any) -> bool:
    return value is not None and value != UNKNOWN


def _chosen(question: Any, value: Any) -> set[str]:
    """The option ids an answer picks; for a number, the id of the band it falls in."""
    if isinstance(question, NumberQuestion):
        for band in question.bands:
            if band.below is None or value < band.below:
                return {band.id}
        return {question.bands[-1].id}
    return set(value) if isinstance(value, list) else {value}


def _shown(rubric: Rubric, values: Values) -> set[str]:
    """Questions shown: no ``show_if``, or its question shown and answered with one of
    ``any_of`` (for multiple choice: any chosen option among them)."""
    shown: set[str] = set()
    for question in rubric.questions:
        rule = question.show_if
        if rule is None or (
            rule.question in shown
            and _real(values.get(rule.question))
            and _chosen(rubric.questions_by_id[rule.question], values[rule.question])
            & set(rule.any_of)
        ):
            shown.add(question.id)
    return shown


def _could_be_shown(rubric: Rubric, values: Values, question_id: str) -> bool:
    """Shown for some answers to the questions that are still open."""
    rule = rubric.questions_by_id[question_id].show_if
    if rule is None:
        return True
    if not _could_be_shown(rubric, values, rule.question):
        return False
    controller = values.get(rule.question)
    return not _real(controller) or bool(
        _chosen(rubric.questions_by_id[rule.question], controller) & set(rule.any_of)
    )


def _holds(node: Clause | Condition, rubric: Rubric, values: Values, shown: set[str]) -> bool:
    if isinstance(node, Clause) and node.question is not None:
        assert node.any_of is not None
        value = values.get(node.question)
        return (
            node.question in shown
            and _real(value)
            and bool(_chosen(rubric.questions_by_id[node.question], value) & set(node.any_of))
        )
    assert not (isinstance(node, Clause) and node.verdict is not None)
    children = [_holds(child, rubric, values, shown) for child in node.clauses]
    return all(children) if node.all is not None else any(children)


def _holding(
    items: list[HardRule] | list[AdoptionCondition], rubric: Rubric, values: Values
) -> list[str]:
    shown = _shown(rubric, values)
    return [i.id for i in items if i.enabled and _holds(i.when, rubric, values, shown)]


def _scored(question: Any, value: Any) -> bool:
    """The answer has a score (it is not "not applicable")."""
    if isinstance(question, NumberQuestion):
        (band_id,) = _chosen(question, value)
        return not next(b for b in question.bands if b.id == band_id).not_applicable
    flags = {o.id: o.not_applicable for o in question.options}
    return any(not flags[c] for c in _chosen(question, value))


def _counts_anything(rubric: Rubric, values: Values) -> bool:
    shown = _shown(rubric, values)
    weighted = {s.id for s in rubric.sections if s.weight > 0}
    return any(
        q.id in shown
        and _real(values.get(q.id))
        and q.weight > 0
        and q.section in weighted
        and _scored(q, values[q.id])
        for q in rubric.questions
    )


def _coverage(rubric: Rubric, values: Values) -> dict[str, float]:
    """Weighted section -> the answered share of its shown question weight (sections with
    no shown weight left out); answered = shown with a real answer or "not applicable",
    never "don't know"."""
    shown = _shown(rubric, values)
    coverage = {}
    for section in rubric.sections:
        if section.weight == 0:
            continue
        total = answered = 0.0
        for question in rubric.questions:  # in rubric order, as a person adds them up
            if question.section == section.id and question.id in shown:
                total += question.weight
                if _real(values.get(question.id)):
                    answered += question.weight
        if total > 0:
            coverage[section.id] = answered / total
    return coverage


def _short_sections(rubric: Rubric, values: Values) -> list[str]:
    """Weighted sections answered below the policy's minimum share."""
    minimum = rubric.finality.min_answered_share
    return [s for s, share in _coverage(rubric, values).items() if share < minimum]


def _every_answer(question: Any) -> list[Any]:
    """Every distinct answer: each option (each non-empty set for multiple choice), or one
    number in each band an answer can reach."""
    if isinstance(question, NumberQuestion):
        return [value for value, _ in band_starts(question)]
    ids = [o.id for o in question.options]
    if isinstance(question, MultipleChoiceQuestion):
        return [
            list(subset)
            for size in range(1, len(ids) + 1)
            for subset in itertools.combinations(ids, size)
        ]
    return ids


def _option_score(question: Any, value: Any) -> float | None:
    """The score of a single-valued answer, None when it is "not applicable"."""
    if isinstance(question, NumberQuestion):
        (band_id,) = _chosen(question, value)
        band = next(b for b in question.bands if b.id == band_id)
        return None if band.not_applicable else band.score
    option = next(o for o in question.options if o.id == value)
    return None if option.not_applicable else option.score


def _better_answers(question: Any, value: Any) -> list[Any]:
    """Answers scored at least as well as ``value`` by moving one choice to a better-scored
    option (neither "not applicable"); for a capped sum, also adding a scored option."""
    if isinstance(question, NumberQuestion):
        now = _option_score(question, value)
        if now is None:
            return []
        return [
            start
            for start, band in band_starts(question)
            if not band.not_applicable
            and band.score >= now
            and _chosen(question, start) != _chosen(question, value)
        ]
    options = {o.id: o for o in question.options}
    if not isinstance(question, MultipleChoiceQuestion):
        now = _option_score(question, value)
        if now is None:
            return []
        return [
            o.id
            for o in question.options
            if o.id != value and not o.not_applicable and o.score >= now
        ]
    better = []
    unchosen = [o for o in question.options if o.id not in value and not o.not_applicable]
    for position, current in enumerate(value):
        if options[current].not_applicable:
            continue
        for option in unchosen:
            if option.score >= options[current].score:
                better.append([*value[:position], option.id, *value[position + 1 :]])
    # Adding to a sum raises it only when it already counts: an answer made only of
    # "not applicable" choices is left out of the score, so adding one brings it in.
    if question.combine == "sum" and any(not options[c].not_applicable for c in value):
        better.extend([*value, option.id] for option in unchosen)
    return better


# --- helpers --------------------------------------------------------------------------------


def _answers(values: Values) -> Answers:
    return Answers(title="generated", answers=dict(values))


def _repro(rubric: Rubric, *answer_sets: Values) -> str:
    """The rubric (unless it is the shipped one) and the answers, to reproduce a failure."""
    parts = []
    if rubric is not SHIPPED:
        # JSON is YAML too, and hundreds of times faster to write for every example.
        parts.append(json.dumps(rubric_document(rubric)))
    for values in answer_sets:
        parts.append(json.dumps({"answers": dict(values)}, sort_keys=True))
    return "\n".join(parts)


def _valid(rubric: Rubric, values: Values) -> Values:
    """The answers as the answers checker accepts them (a failure here is a test bug)."""
    return answers_from_data({"answers": dict(values)}, rubric, file="<generated>").answers


def _reweighted(data: st.DataObject, rubric: Rubric) -> Rubric:
    """``rubric`` with random section and question weights and random thresholds."""
    document = rubric_document(rubric)
    for section in document["sections"]:
        section["weight"] = data.draw(weights)
    if all(s["weight"] == 0 for s in document["sections"]):
        document["sections"][0]["weight"] = 1.0
    for question in document["questions"]:
        question["weight"] = data.draw(weights)
    for section in document["sections"]:
        own = [q for q in document["questions"] if q["section"] == section["id"]]
        if all(q["weight"] == 0 for q in own):
            own[0]["weight"] = 0.25
    adapt = data.draw(points)
    recommend = data.draw(st.integers(round(adapt * 10), 1000).map(lambda v: v / 10))
    document["thresholds"] = {"recommend": recommend, "adapt": adapt}
    return validated(document)


def _draw_case(
    data: st.DataObject, rubrics: str, verdicts: Verdicts = "any"
) -> tuple[Rubric, Values]:
    """The shipped rubric (not drawn: its repr would fill a failure report) or a small
    random one, with valid answers that give a score. Random rubrics' adaptation rules may
    name any verdicts unless ``verdicts`` is "avoid" (see MONOTONE)."""
    rubric = SHIPPED if rubrics == "shipped" else data.draw(small_rubrics(verdicts))
    values = _valid(rubric, data.draw(scorable_answers(rubric)).answers)
    note(_repro(rubric, values))
    return rubric, values


# --- 1. a better-scored answer ----------------------------------------------------------------


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_a_better_scored_answer_never_lowers_the_verdict_unless_a_reason_it_fires_is_named(
    rubrics: str, data: st.DataObject
) -> None:
    """Moving one answer to a better-scored option raises the score or keeps it; the
    verdict drops only when a hard rule, an adoption condition or capping adaptation advice
    newly holds on the new answer, and the result names it with that question among its
    reasons. Moves that show or hide other questions are left out: they change what counts.
    Random rubrics write verdict clauses as ``[avoid]`` only (see MONOTONE)."""
    rubric, values = _draw_case(data, rubrics, MONOTONE)
    shown = _shown(rubric, values)
    moves = [
        (question.id, better)
        for question in rubric.questions
        if question.id in shown and _real(values.get(question.id))
        for better in _better_answers(question, values[question.id])
        if _shown(rubric, {**values, question.id: better}) == shown
    ]
    if not moves:
        return
    question_id, better = data.draw(st.sampled_from(moves))
    moved = _valid(rubric, {**values, question_id: better})
    note(_repro(rubric, moved))
    before, after = score(rubric, _answers(values)), score(rubric, _answers(moved))
    assert after.score >= before.score
    assert after.score_verdict.rank >= before.score_verdict.rank
    if after.verdict.rank >= before.verdict.rank:
        return
    floor = before.verdict.rank
    reasons: list[tuple[str, list[str]]] = [
        (f"rule {r.id}", r.because) for r in after.rules_applied if r.cap.rank < floor
    ]
    assert not {r.id for r in after.rules_applied if r.cap.rank < floor} & {
        r.id for r in before.rules_applied
    }
    if before.verdict is Verdict.RECOMMEND:
        new = [c for c in after.conditions if c.source == "condition"]
        assert not {c.id for c in new} & {c.id for c in before.conditions}
        reasons += [(f"condition {c.id}", c.because) for c in new]
    advice = after.adaptation
    if (
        advice.rule is not None
        and advice.strategy.cap is not None
        and advice.strategy.cap.rank < floor
    ):
        reasons.append((f"adaptation rule {advice.rule}", advice.because))
    assert any(question_id in because for _, because in reasons), (
        f"{before.verdict} -> {after.verdict} after {question_id} = {better!r}; "
        f"named: {reasons}; adaptation: {advice.rule} ({advice.strategy})"
    )


# --- 2. hidden questions ----------------------------------------------------------------------


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_answers_to_hidden_questions_change_nothing_but_warnings(
    rubrics: str, data: st.DataObject
) -> None:
    """Changing, removing or "don't know"-ing the answer to a hidden question leaves the
    result as it was, except the warnings that name ignored answers. The verdict range (and
    the status, decision and next steps that follow from it) may change only while the
    question can still be shown (its controlling answer is open): the range is over the
    answers to come, in which the stored answer would count."""
    rubric, values = _draw_case(data, rubrics)
    hidden = [q for q in rubric.questions if q.id not in _shown(rubric, values)]
    if not hidden:
        return
    question = data.draw(st.sampled_from(hidden))
    replacement = data.draw(
        st.one_of(
            st.none(),
            st.just(UNKNOWN) if question.allow_unknown else st.none(),
            value_for(question),
        )
    )
    rest = {k: v for k, v in values.items() if k != question.id}
    changed = _valid(rubric, rest if replacement is None else {**rest, question.id: replacement})
    note(_repro(rubric, changed))
    before, after = score(rubric, _answers(values)), score(rubric, _answers(changed))
    ignored = {"warnings"}
    if _could_be_shown(rubric, values, question.id):
        # The range, and what follows from it: a short verdict no open answer can change is
        # final, and the decision text and first next step of a provisional one quote it.
        ignored |= {"verdict_range", "status", "decision", "next_steps"}
    assert after.model_dump(exclude=ignored) == before.model_dump(exclude=ignored)
    assert [w for w in after.warnings if repr(question.id) not in w] == [
        w for w in before.warnings if repr(question.id) not in w
    ]


# --- 3. the verdict range ---------------------------------------------------------------------


def _completion_verdicts(rubric: Rubric, values: Values) -> set[Verdict]:
    open_ids = [q.id for q in rubric.questions if not _real(values.get(q.id))]
    reached = set()
    for combo in itertools.product(*(_every_answer(rubric.questions_by_id[q]) for q in open_ids)):
        quick = quick_verdict(
            rubric, _answers({**values, **dict(zip(open_ids, combo, strict=True))})
        )
        if quick is not None:
            reached.add(quick[0])
    return reached


@pytest.mark.parametrize("limit", [compiled.EXACT_RANGE_LIMIT, 0], ids=["exact", "bound"])
@SETTINGS
@given(data=st.data())
def test_the_verdict_range_holds_the_verdict_of_every_completion(
    limit: int, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Brute force on small random rubrics: every way of answering the open questions
    (each option, each set of options, a number in each band) gives a verdict inside the
    range; an exact range is reached at both ends. ``limit`` 0 forces the bound."""
    monkeypatch.setattr(compiled, "EXACT_RANGE_LIMIT", limit)
    rubric, values = _draw_case(data, "random")
    values = dict(values)
    for question in rubric.questions:  # keep the enumeration small: answer some more first
        sizes = [len(_every_answer(q)) for q in rubric.questions if not _real(values.get(q.id))]
        if math.prod(sizes) <= BRUTE_FORCE_LIMIT:
            break
        if not _real(values.get(question.id)):
            values[question.id] = data.draw(value_for(question))
    note(_repro(rubric, values))
    result = score(rubric, _answers(values))
    verdict_range = result.verdict_range
    if limit == 0 and verdict_range.open_questions:
        assert not verdict_range.exact
    reached = _completion_verdicts(rubric, values)
    ranks = sorted(v.rank for v in reached)
    assert verdict_range.worst.rank <= ranks[0], (verdict_range, reached)
    assert ranks[-1] <= verdict_range.best.rank, (verdict_range, reached)
    if verdict_range.exact:
        assert (verdict_range.worst.rank, verdict_range.best.rank) == (ranks[0], ranks[-1])


@pytest.mark.parametrize("limit", [compiled.EXACT_RANGE_LIMIT, 0], ids=["exact", "bound"])
@pytest.mark.parametrize("open_share", [0.1, 0.5])
@SETTINGS
@given(data=st.data())
def test_on_the_shipped_rubric_completions_land_inside_the_verdict_range(
    limit: int, open_share: float, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped rubric has too many completions to enumerate: a few random ones per
    example, with few open questions (the exact range) and many (the bound)."""
    monkeypatch.setattr(compiled, "EXACT_RANGE_LIMIT", limit)
    values = _valid(SHIPPED, data.draw(scorable_answers(SHIPPED, open_share)).answers)
    note(_repro(SHIPPED, values))
    verdict_range = score(SHIPPED, _answers(values)).verdict_range
    for _ in range(3):
        full = dict(values)
        for question in SHIPPED.questions:
            if not _real(full.get(question.id)):
                full[question.id] = data.draw(value_for(question))
        verdict = score(SHIPPED, _answers(full)).verdict
        assert verdict_range.worst.rank <= verdict.rank <= verdict_range.best.rank, _repro(
            SHIPPED, full
        )


# --- 4. thresholds ----------------------------------------------------------------------------


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_raising_a_threshold_never_raises_the_verdict(rubrics: str, data: st.DataObject) -> None:
    """Random rubrics write verdict clauses as ``[avoid]`` only (see MONOTONE)."""
    rubric, values = _draw_case(data, rubrics, MONOTONE)
    document = rubric_document(rubric)
    adapt, recommend = rubric.thresholds.adapt, rubric.thresholds.recommend
    new_recommend = data.draw(st.floats(recommend, 100).map(lambda v: round(v, 1)))
    new_recommend = max(new_recommend, recommend)
    new_adapt = data.draw(st.floats(adapt, new_recommend).map(lambda v: round(v, 1)))
    new_adapt = min(max(new_adapt, adapt), new_recommend)
    document["thresholds"] = {"recommend": new_recommend, "adapt": new_adapt}
    stricter = validated(document)
    note(f"thresholds: recommend {new_recommend}, adapt {new_adapt}")
    before, after = score(rubric, _answers(values)), score(stricter, _answers(values))
    assert after.score == before.score
    assert after.score_verdict.rank <= before.score_verdict.rank
    assert after.verdict.rank <= before.verdict.rank


# --- 5. caps ----------------------------------------------------------------------------------


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_caps_hold_under_any_weights_and_thresholds(rubrics: str, data: st.DataObject) -> None:
    """Whatever the weights and thresholds: a hard rule that holds caps the verdict at its
    cap, an adoption condition that holds at Adapt; disabled ones cap nothing."""
    rubric, values = _draw_case(data, rubrics)
    reweighted = _reweighted(data, rubric)
    note(_repro(reweighted, values))
    try:
        result = score(reweighted, _answers(values))
    except NotEnoughAnswers:
        assert not _counts_anything(reweighted, values)
        return
    rules = {r.id: r for r in reweighted.hard_rules}
    for rule_id in _holding(reweighted.hard_rules, reweighted, values):
        assert result.verdict.rank <= Verdict(rules[rule_id].cap).rank
    if _holding(reweighted.conditions, reweighted, values):
        assert result.verdict.rank <= Verdict.ADAPT.rank
    disabled = {r.id for r in reweighted.hard_rules if not r.enabled}
    disabled |= {c.id for c in reweighted.conditions if not c.enabled}
    named = {r.id for r in result.rules_applied} | {c.id for c in result.conditions}
    assert not disabled & named


# --- 6. verdict and adaptation advice ---------------------------------------------------------


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_the_verdict_and_the_adaptation_advice_agree(rubrics: str, data: st.DataObject) -> None:
    """Advice to specialise a model (fine-tune, bespoke) is a condition of adoption: never
    Recommend, and listed as a condition; advice to keep the current process means Avoid."""
    rubric, values = _draw_case(data, rubrics)
    result = score(rubric, _answers(values))
    strategy = result.adaptation.strategy
    from_advice = [c for c in result.conditions if c.source == "adaptation"]
    if strategy in (Strategy.FINETUNE_SMALL, Strategy.TRAIN_BESPOKE):
        assert result.verdict is not Verdict.RECOMMEND
        assert from_advice
    else:
        assert not from_advice
    if strategy is Strategy.KEEP_CURRENT:
        assert result.verdict is Verdict.AVOID


# --- 7. conditions and rules named --------------------------------------------------------------


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_adapt_over_a_recommend_score_names_its_conditions_and_every_holding_rule_is_named(
    rubrics: str, data: st.DataObject
) -> None:
    """Adapt where the score alone gives Recommend lists at least one condition. Every hard
    rule that holds is in ``rules_applied`` — also when the score alone is already Avoid —
    with the questions that make it hold, and nothing else is; likewise every adoption
    condition that holds is listed."""
    rubric, values = _draw_case(data, rubrics)
    result = score(rubric, _answers(values))
    if result.verdict is Verdict.ADAPT and result.score_verdict is Verdict.RECOMMEND:
        assert result.conditions
    assert [r.id for r in result.rules_applied] == _holding(rubric.hard_rules, rubric, values)
    shown = _shown(rubric, values)
    for rule in result.rules_applied:
        assert rule.because
        assert set(rule.because) <= {q for q in shown if _real(values.get(q))}
        assert rule.binding == (rule.cap.rank < result.score_verdict.rank)
    held = [c.id for c in result.conditions if c.source == "condition"]
    assert held == _holding(rubric.conditions, rubric, values)
    from_rules = [c.id for c in result.conditions if c.source == "rule"]
    assert from_rules == [r.id for r in result.rules_applied if r.cap is Verdict.ADAPT]


# --- 8. provisional -----------------------------------------------------------------------------


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_a_verdict_is_provisional_exactly_when_a_weighted_section_is_short_of_answers(
    rubrics: str, data: st.DataObject
) -> None:
    """The policy's minimum share is set on a section's answered share, or just above it,
    in most examples: "below" is tested where it matters, at the line."""
    rubric, values = _draw_case(data, rubrics)
    achieved = sorted(set(_coverage(rubric, values).values()))
    lines = [*achieved, *(math.nextafter(v, 1.0) for v in achieved if v < 1)]
    minimum = data.draw(st.sampled_from(lines) | shares if lines else shares)
    document = rubric_document(rubric)
    document["finality"] = {"min_answered_share": minimum}
    rubric = validated(document)
    note(f"min_answered_share: {minimum!r}")
    result = score(rubric, _answers(values))
    short = _short_sections(rubric, values)
    # Short of answers is provisional unless no open answer could change the verdict.
    settled = result.verdict_range.best is result.verdict_range.worst
    assert result.status == ("provisional" if short and not settled else "final")
    assert result.completeness.sections_short == short


# --- 9. determinism and range -------------------------------------------------------------------


def _scores_in_range(result: ScoreResult) -> None:
    assert 0 <= result.score <= 100
    assert all(s.score is None or 0 <= s.score <= 100 for s in result.sections)
    assert all(0 <= c.score <= 100 for c in result.contributions)
    assert 0 <= result.completeness.fraction <= 1


@RUBRICS
@SETTINGS
@given(data=st.data())
def test_scoring_is_deterministic_and_scores_stay_between_0_and_100(
    rubrics: str, data: st.DataObject
) -> None:
    """Same rubric and answers, same result to the byte: scored twice, with the answers in
    another order, and with the rubric read back from its own document."""
    rubric, values = _draw_case(data, rubrics)
    first = score(rubric, _answers(values))
    _scores_in_range(first)
    assert score(rubric, _answers(values)).model_dump_json() == first.model_dump_json()
    shuffled = dict(data.draw(st.permutations(list(values.items()))))
    assert score(rubric, _answers(shuffled)).model_dump_json() == first.model_dump_json()
    again = validated(rubric_document(rubric))
    assert score(again, _answers(values)).model_dump_json() == first.model_dump_json()


# --- examples the properties found ----------------------------------------------------------


def _tiny(questions: list[dict[str, Any]], **extra: Any) -> Rubric:
    """A one-section rubric (Recommend from 60, Adapt from 40) around ``questions``."""
    return validated(
        {
            "id": "tiny",
            "title": "Tiny",
            "version": "1",
            "description": "An example the properties found.",
            "thresholds": {"recommend": 60, "adapt": 40},
            "sections": [{"id": "s", "title": "S", "description": "d", "weight": 1}],
            "questions": questions,
            "adaptation": {"default_strategy": "prompt_hosted", "default_rationale": "r"},
            **extra,
        }
    )


def _single(question_id: str, **scores: float) -> dict[str, Any]:
    return {
        "id": question_id,
        "section": "s",
        "kind": "single",
        "prompt": "p",
        "help": "h",
        "options": [{"id": o, "label": o.title(), "score": v} for o, v in scores.items()],
    }


def test_a_set_of_options_no_single_option_stands_for_is_inside_the_exact_range() -> None:
    """A rule needing two options of one multiple-choice question holds only for the set."""
    both = {"all": [{"question": "m", "any_of": ["a"]}, {"question": "m", "any_of": ["b"]}]}
    rubric = _tiny(
        [
            _single("base", x=90, y=10),
            {**_single("m", a=90, b=90), "kind": "multiple"},
        ],
        hard_rules=[{"id": "both", "title": "B", "reason": "r", "cap": "avoid", "when": both}],
    )
    verdict_range = score(rubric, _answers({"base": "x"})).verdict_range
    assert score(rubric, _answers({"base": "x", "m": ["a", "b"]})).verdict is Verdict.AVOID
    assert (verdict_range.exact, verdict_range.worst) == (True, Verdict.AVOID)


@pytest.mark.parametrize(
    ("strategy", "verdict", "decided_by"),
    [
        ("finetune_small", Verdict.ADAPT, "conditions"),
        ("keep_current", Verdict.AVOID, "adaptation"),
    ],
)
def test_advice_that_lowered_the_verdict_is_the_advice_reported(
    strategy: str, verdict: Verdict, decided_by: str
) -> None:
    """``verdict: [recommend]`` no longer holds once the advice lowered the verdict; the
    report still names that advice, not the default one picked at the lower verdict."""
    rule = {"id": "if_recommend", "when": {"all": [{"verdict": ["recommend"]}]}}
    rubric = _tiny(
        [_single("q", low=50, high=90)],
        adaptation={
            "default_strategy": "prompt_hosted",
            "default_rationale": "r",
            "rules": [{**rule, "strategy": strategy, "rationale": "r"}],
        },
    )
    result = score(rubric, _answers({"q": "high"}))
    assert (result.score_verdict, result.verdict) == (Verdict.RECOMMEND, verdict)
    assert (result.adaptation.rule, result.adaptation.strategy) == ("if_recommend", strategy)
    assert result.decision.kind == decided_by
    if verdict is Verdict.ADAPT:
        assert [c.source for c in result.conditions] == ["adaptation"]


def test_a_verdict_clause_above_its_cap_lets_a_higher_score_give_a_lower_verdict() -> None:
    """Why the monotone properties use ``verdict: [avoid]`` only: the loader accepts this
    rubric, and its rule turns a Recommend score into Avoid while an Adapt score stays
    Adapt (the report names the rule)."""
    keep = {"id": "keep", "when": {"all": [{"verdict": ["recommend"]}]}}
    rubric = _tiny(
        [_single("q", low=50, high=90)],
        adaptation={
            "default_strategy": "prompt_hosted",
            "default_rationale": "r",
            "rules": [{**keep, "strategy": "keep_current", "rationale": "r"}],
        },
    )
    low, high = score(rubric, _answers({"q": "low"})), score(rubric, _answers({"q": "high"}))
    assert (low.verdict, high.verdict) == (Verdict.ADAPT, Verdict.AVOID)
    assert high.adaptation.rule == "keep"


@pytest.mark.parametrize("limit", [compiled.EXACT_RANGE_LIMIT, 0], ids=["exact", "bound"])
def test_the_range_keeps_a_lower_score_that_escapes_advice_above_it(
    limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``verdict: [recommend]`` → keep today's process, the best answer to the open
    question gives Avoid and the worst gives Adapt: the best case of the range is Adapt,
    whether enumerated or bounded (the bound had read the advice at the top score only)."""
    monkeypatch.setattr(compiled, "EXACT_RANGE_LIMIT", limit)
    keep = {"id": "keep", "when": {"all": [{"verdict": ["recommend"]}]}}
    rubric = _tiny(
        [_single("fixed", mid=50, other=0), _single("open", low=30, high=90)],
        adaptation={
            "default_strategy": "prompt_hosted",
            "default_rationale": "r",
            "rules": [{**keep, "strategy": "keep_current", "rationale": "r"}],
        },
    )
    verdicts = {
        score(rubric, _answers({"fixed": "mid", "open": o})).verdict for o in ("low", "high")
    }
    assert verdicts == {Verdict.ADAPT, Verdict.AVOID}
    verdict_range = score(rubric, _answers({"fixed": "mid"})).verdict_range
    assert (verdict_range.worst, verdict_range.best) == (Verdict.AVOID, Verdict.ADAPT)
    assert verdict_range.exact is (limit > 0)
