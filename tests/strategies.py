"""Hypothesis strategies: answers that are valid for a given rubric, and small random
rubrics that are valid because the loader says so."""

from __future__ import annotations

from typing import Any, Literal

from hypothesis import strategies as st

from scoring import Answers, Rubric
from scoring.loader import rubric_from_document
from scoring.models import UNKNOWN, Band, MultipleChoiceQuestion, NumberQuestion, Strategy
from scoring.source import Document


def band_starts(question: NumberQuestion) -> list[tuple[float, Band]]:
    """Each band an answer can reach, with the lowest number in it."""
    top = question.maximum if question.maximum is not None else float("inf")
    starts, low = [], question.minimum
    for band in question.bands:
        if low <= top:
            starts.append((low, band))
        if band.below is not None:
            low = band.below
    return starts


def value_for(question: Any) -> st.SearchStrategy[Any]:
    """A real answer (never 'unknown') to one question."""
    if isinstance(question, NumberQuestion):
        top = question.maximum if question.maximum is not None else 1_000_000
        # Band edges are where answers change meaning; plain integers rarely land near them.
        edges = [int(v) for v, _ in band_starts(question) if v == int(v)]
        return st.one_of(
            st.integers(min_value=int(question.minimum), max_value=int(top)),
            st.sampled_from(edges or [int(question.minimum)]),
        )
    ids = [o.id for o in question.options]
    if isinstance(question, MultipleChoiceQuestion):
        return st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True)
    return st.sampled_from(ids)


@st.composite
def answers_for(draw: st.DrawFn, rubric: Rubric, complete: bool = False) -> Answers:
    """Answers with some questions skipped or 'unknown' (unless ``complete``)."""
    values: dict[str, Any] = {}
    for question in rubric.questions:
        choice = (
            "answer" if complete else draw(st.sampled_from(["answer", "answer", "skip", "unknown"]))
        )
        if choice == "answer":
            values[question.id] = draw(value_for(question))
        elif choice == "unknown" and question.allow_unknown:
            values[question.id] = UNKNOWN
    always_shown = {q.id for q in rubric.questions if q.show_if is None}
    if not any(v != UNKNOWN for k, v in values.items() if k in always_shown):
        first = rubric.questions[0]
        values[first.id] = draw(value_for(first))
    return Answers(title="generated", answers=values)


def complete_open(draw: st.DrawFn, rubric: Rubric, answers: Answers) -> Answers:
    """Fill every skipped or 'unknown' question with a real answer."""
    values = dict(answers.answers)
    for question in rubric.questions:
        if values.get(question.id) in (None, UNKNOWN):
            values[question.id] = draw(value_for(question))
    return Answers(title=answers.title, answers=values)


# --- small random rubrics -------------------------------------------------------------------

_KINDS = ("single", "scale", "multiple", "number")
_VERDICTS = ("recommend", "adapt", "avoid")
#: Which verdict clauses adaptation rules get: none, only ``[avoid]``, or any verdicts.
Verdicts = Literal["avoid", "any"] | None
#: Weights, thresholds and scores are drawn on grids that floats represent exactly (quarters,
#: tenths of a point), so a share that sits exactly on a policy line is not lost to rounding.
weights = st.integers(0, 12).map(lambda v: v / 4)
points = st.integers(0, 1000).map(lambda v: v / 10)
shares = st.sampled_from([0.0, 0.5, 0.6, 0.75, 0.8, 1.0])


def _choices(question: dict[str, Any]) -> list[str]:
    key = "bands" if question["kind"] == "number" else "options"
    return [item["id"] for item in question[key]]


@st.composite
def _clause(
    draw: st.DrawFn, questions: list[dict[str, Any]], depth: int, verdicts: Verdicts
) -> dict[str, Any]:
    """One clause: a question test, a verdict test (adaptation rules only; ``verdicts``
    says which) or a nested group."""
    forms = ["question", "question"]
    if depth > 0:
        forms += ["all", "any"]
    if verdicts:
        forms.append("verdict")
    form = draw(st.sampled_from(forms))
    if form == "verdict":
        if verdicts == "avoid":
            return {"verdict": ["avoid"]}
        return {"verdict": draw(st.lists(st.sampled_from(_VERDICTS), min_size=1, unique=True))}
    if form in ("all", "any"):
        children = draw(st.lists(_clause(questions, depth - 1, verdicts), min_size=1, max_size=3))
        return {form: children}
    question = draw(st.sampled_from(questions))
    ids = _choices(question)
    return {
        "question": question["id"],
        "any_of": draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True)),
    }


@st.composite
def _condition(
    draw: st.DrawFn, questions: list[dict[str, Any]], verdicts: Verdicts = None
) -> dict[str, Any]:
    key = draw(st.sampled_from(["all", "any"]))
    return {key: draw(st.lists(_clause(questions, 2, verdicts), min_size=1, max_size=3))}


@st.composite
def _question(draw: st.DrawFn, index: int, section: str, kind: str) -> dict[str, Any]:
    question: dict[str, Any] = {
        "id": f"q{index}",
        "section": section,
        "kind": kind,
        "prompt": f"Question {index}?",
        "help": "Generated.",
        "weight": draw(weights),
        "allow_unknown": draw(st.booleans()),
    }
    if kind == "number":
        count = draw(st.integers(1, 3))
        edges = sorted(draw(st.sets(st.integers(1, 100), min_size=count - 1, max_size=count - 1)))
        bands = []
        for position in range(count):
            band: dict[str, Any] = {"id": f"b{position}", "label": f"Band {position}"}
            if position < count - 1:
                band["below"] = edges[position]
            band["score"] = draw(points)
            bands.append(band)
        if count > 1 and draw(st.booleans()):  # e.g. "0 hours: does not apply"
            bands[draw(st.integers(0, count - 1))]["not_applicable"] = True
        question.update(unit="items", minimum=0, bands=bands)
        return question
    # Multiple choice stays at three options so every completion can be enumerated.
    count = draw(st.integers(2, 3 if kind == "multiple" else 4))
    options = [
        {"id": "abcd"[position], "label": f"Option {position}", "score": draw(points)}
        for position in range(count)
    ]
    if draw(st.integers(0, 2)) == 0:
        options[draw(st.integers(0, count - 1))]["not_applicable"] = True
    question["options"] = options
    if kind == "multiple":
        question["combine"] = draw(st.sampled_from(["mean", "sum"]))
    return question


@st.composite
def rubric_data(draw: st.DrawFn, verdicts: Verdicts = "avoid") -> dict[str, Any]:
    """A small random rubric as the dict a YAML file would give: 2–3 sections, 3–6
    questions of every kind (some shown only for some answers, some with a "not
    applicable" option or band), up to 3 hard rules and 3 adoption conditions with nested
    all/any clauses, adaptation rules (capping strategies and ``verdict`` clauses among
    them), random weights, thresholds and finality.

    ``verdicts``: "avoid" writes verdict clauses as ``verdict: [avoid]``, like the shipped
    rubric; "any" names any verdicts, which the loader accepts too."""
    section_count = draw(st.integers(2, 3))
    count = draw(st.integers(3, 6))
    # Every section gets a question; the first question is always shown, weighted and in a
    # weighted section, so some answers always give a score.
    owners = list(range(section_count)) + draw(
        st.lists(
            st.integers(0, section_count - 1),
            min_size=count - section_count,
            max_size=count - section_count,
        )
    )
    owners = [0, *draw(st.permutations(owners[1:]))]
    sections = [
        {
            "id": f"s{index}",
            "title": f"Section {index}",
            "description": "Generated.",
            "weight": draw(weights),
        }
        for index in range(section_count)
    ]
    if sections[0]["weight"] == 0:
        sections[0]["weight"] = 1.0
    questions: list[dict[str, Any]] = []
    for index, owner in enumerate(owners):
        question = draw(_question(index, f"s{owner}", draw(st.sampled_from(_KINDS))))
        if questions and draw(st.integers(0, 2)) == 0:
            controller = draw(st.sampled_from(questions))
            ids = _choices(controller)
            question["show_if"] = {
                "question": controller["id"],
                "any_of": draw(
                    st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True)
                ),
            }
        questions.append(question)
    if questions[0]["weight"] == 0:
        questions[0]["weight"] = 1.0
    for index in range(section_count):
        own = [q for q in questions if q["section"] == f"s{index}"]
        if all(q["weight"] == 0 for q in own):
            own[0]["weight"] = 0.5
    adapt = draw(points)
    recommend = draw(st.integers(round(adapt * 10), 1000).map(lambda v: v / 10))
    data: dict[str, Any] = {
        "id": "generated",
        "title": "Generated rubric",
        "version": "1",
        "description": "A small random rubric.",
        "thresholds": {"recommend": recommend, "adapt": adapt},
        "sections": sections,
        "questions": questions,
        "finality": {"min_answered_share": draw(shares)},
    }
    rules = []
    for index in range(draw(st.integers(0, 3))):
        rules.append(
            {
                "id": f"rule{index}",
                "title": f"Rule {index}",
                "when": draw(_condition(questions)),
                "cap": draw(st.sampled_from(["adapt", "avoid"])),
                "reason": "Generated.",
                "enabled": draw(st.integers(0, 4)) > 0,
            }
        )
    data["hard_rules"] = rules
    data["conditions"] = [
        {
            "id": f"cond{index}",
            "title": f"Condition {index}",
            "text": "Generated.",
            "when": draw(_condition(questions)),
            "enabled": draw(st.integers(0, 4)) > 0,
        }
        for index in range(draw(st.integers(0, 3)))
    ]
    strategies = [s.value for s in Strategy]
    data["adaptation"] = {
        # Most rubrics start from a strategy that caps nothing, like the shipped one.
        "default_strategy": draw(
            st.sampled_from(["prompt_hosted", "ground_in_data"]) | st.sampled_from(strategies)
        ),
        "default_rationale": "Generated.",
        "rules": [
            {
                "id": f"advice{index}",
                "when": draw(_condition(questions, verdicts)),
                "strategy": draw(st.sampled_from(strategies)),
                "rationale": "Generated.",
            }
            for index in range(draw(st.integers(0, 3)))
        ],
    }
    return data


def validated(data: dict[str, Any]) -> Rubric:
    """The rubric the loader makes of ``data``; a RubricError here is a generator bug."""
    return rubric_from_document(Document(data=data, file="<generated>"))


def small_rubrics(verdicts: Verdicts = "avoid") -> st.SearchStrategy[Rubric]:
    return rubric_data(verdicts).map(validated)


def rubric_document(rubric: Rubric) -> dict[str, Any]:
    """``rubric`` back as the dict a file would give, to edit and validate again."""
    return rubric.model_dump(mode="json", exclude_none=True)


@st.composite
def scorable_answers(draw: st.DrawFn, rubric: Rubric, open_share: float = 0.5) -> Answers:
    """Valid answers with about ``open_share`` of the questions skipped or "don't know" and
    at least one counted answer (an always-shown, weighted question with a scored answer), so
    ``score`` gives a result."""
    values: dict[str, Any] = {}
    for question in rubric.questions:
        if draw(st.floats(0, 1)) >= open_share:
            values[question.id] = draw(value_for(question))
        elif question.allow_unknown and draw(st.booleans()):
            values[question.id] = UNKNOWN
    weighted = {s.id for s in rubric.sections if s.weight > 0}
    anchors = [
        q for q in rubric.questions if q.show_if is None and q.weight > 0 and q.section in weighted
    ]
    anchor = draw(st.sampled_from(anchors))
    values[anchor.id] = draw(scored_value_for(anchor))
    return Answers(title="generated", answers=values)


def scored_value_for(question: Any) -> st.SearchStrategy[Any]:
    """A real answer that is scored (not "not applicable")."""
    if isinstance(question, NumberQuestion):
        return st.sampled_from([v for v, b in band_starts(question) if not b.not_applicable])
    ids = [o.id for o in question.options if not o.not_applicable]
    if isinstance(question, MultipleChoiceQuestion):
        return st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True)
    return st.sampled_from(ids)
