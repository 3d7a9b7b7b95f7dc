"""Reference decisions: score a folder of cases with known verdicts and compare.

A case file (format: examples/reference/README.md) holds a scenario in prose, the
expected verdict (and optionally the conditions, adaptation and rules it must show) and
an ordinary answers file. :func:`calibrate` scores every case under one rubric; the CLI's
``calibrate`` command, the test suite and the Policy page all use it, so a policy owner
sees what a draft does to known decisions before publishing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .answers import Answers, _from_document
from .engine import ScoreResult, score
from .errors import AdvisorError, AnswersError, NotEnoughAnswers, Problem
from .loader import translate_validation_error
from .models import (
    Identifier,
    Output,
    Rubric,
    Strategy,
    StrategyField,
    Strict,
    Text,
    Verdict,
    VerdictField,
)
from .source import Document, load_document

__all__ = [
    "LABELS",
    "Calibration",
    "CaseResult",
    "Expectation",
    "ReferenceCase",
    "calibrate",
    "calibration_text",
    "load_cases",
]

#: Rows and columns of the confusion matrix: the three verdicts, and "provisional" for a
#: result that is not final yet (its verdict is then not compared).
LABELS = ("recommend", "adapt", "avoid", "provisional")


class Expectation(Strict):
    """What a reference case must get."""

    verdict: VerdictField
    status: Literal["final", "provisional"] = "final"
    conditions: list[Identifier] = Field(default_factory=list)
    adaptation: StrategyField | None = None
    rules: list[Identifier] = Field(default_factory=list)
    why: Text | None = None


class _CaseFile(Strict):
    scenario: Text
    expected: Expectation
    answers: dict[str, Any]


# Verdict and Strategy are named in the field annotations above (as strings).
_CaseFile.model_rebuild(_types_namespace={"Verdict": Verdict, "Strategy": Strategy})


class ReferenceCase(BaseModel):
    """One case read from a file: ``name`` is the file's stem; ``answers`` is the answers
    part of the file, kept with its line numbers until a rubric checks it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    file: str
    scenario: str
    expected: Expectation
    answers: Document


class CaseResult(Output):
    """One reference case scored: what was expected, what the rubric gave, and why."""

    name: str
    file: str
    title: str
    expected: str  # a LABELS entry
    got: str  # a LABELS entry
    verdict: str | None
    status: str
    score: float | None
    decision: str
    rules: list[str]
    conditions: list[str]
    adaptation: str | None
    drivers_for: list[str]
    drivers_against: list[str]
    mismatches: list[str]

    @property
    def agrees(self) -> bool:
        """Whether verdict, conditions and adaptation all match the expectation."""
        return not self.mismatches


class Calibration(Output):
    """Every reference case in a folder scored under one rubric."""

    rubric: str
    version: str
    cases: list[CaseResult]

    @property
    def agreeing(self) -> int:
        """How many cases agree."""
        return sum(1 for c in self.cases if c.agrees)

    @property
    def disagreeing(self) -> list[CaseResult]:
        """The cases that do not agree, in folder order."""
        return [c for c in self.cases if not c.agrees]

    def matrix(self) -> dict[str, dict[str, int]]:
        """expected label -> got label -> number of cases."""
        table = {row: dict.fromkeys(LABELS, 0) for row in LABELS}
        for case in self.cases:
            table[case.expected][case.got] += 1
        return table

    def summary(self) -> str:
        """ "22 of 24 reference decisions agree"."""
        return f"{self.agreeing} of {len(self.cases)} reference decisions agree"


def load_cases(directory: str | Path) -> list[ReferenceCase]:
    """Every ``*.yaml``/``*.yml``/``*.json`` case in ``directory`` (README files are skipped),
    checked without a rubric; answers are checked against the rubric in :func:`calibrate`.

    Raises :class:`AdvisorError` listing every located problem across the folder."""
    folder = Path(directory)
    if not folder.is_dir():
        raise AdvisorError(Problem("expected a folder of reference case files", file=str(folder)))
    paths = sorted(
        p for p in folder.iterdir() if p.suffix in {".yaml", ".yml", ".json"} and p.is_file()
    )
    if not paths:
        raise AdvisorError(
            Problem("no case files (*.yaml, *.yml, *.json) in this folder", file=str(folder))
        )
    cases: list[ReferenceCase] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            cases.append(_load_case(path))
        except AdvisorError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AdvisorError(problems)
    return cases


def _load_case(path: Path) -> ReferenceCase:
    doc = load_document(path)
    try:
        case = _CaseFile.model_validate(doc.data)
    except ValidationError as exc:
        raise AdvisorError(translate_validation_error(exc, doc, _CaseFile)) from None
    return ReferenceCase(
        name=path.stem,
        file=str(path),
        scenario=case.scenario,
        expected=case.expected,
        answers=_sub_document(doc, "answers"),
    )


def _sub_document(doc: Document, key: str) -> Document:
    positions = {path[1:]: pos for path, pos in doc.positions.items() if path[:1] == (key,)}
    return Document(data=doc.data[key], file=doc.file, positions=positions)


def _answers_for(case: ReferenceCase, rubric: Rubric) -> Answers:
    raw = case.answers
    try:
        # A fresh Document each time: reading answers may normalise its data in place.
        return _from_document(Document(raw.data, raw.file, dict(raw.positions)), rubric)
    except AnswersError as exc:
        raise AnswersError([_prefixed(p, "answers") for p in exc.problems]) from None


def _prefixed(problem: Problem, key: str) -> Problem:
    path = f"{key} → {problem.path}" if problem.path else key
    return replace(problem, path=path)


def calibrate(rubric: Rubric, cases: Sequence[ReferenceCase]) -> Calibration:
    """Score every case under ``rubric`` and compare with what it expects.

    Raises :class:`AdvisorError` when a case's answers do not fit the rubric (every such
    case is named), since a case that cannot be scored cannot be compared."""
    results: list[CaseResult] = []
    problems: list[Problem] = []
    for case in cases:
        try:
            answers = _answers_for(case, rubric)
        except AdvisorError as exc:
            problems.extend(exc.problems)
            continue
        results.append(_compare(rubric, case, answers))
    if problems:
        raise AdvisorError(problems)
    return Calibration(rubric=rubric.id, version=rubric.version, cases=results)


def _label(status: str, verdict: str | None) -> str:
    return "provisional" if status == "provisional" or verdict is None else verdict


def _compare(rubric: Rubric, case: ReferenceCase, answers: Answers) -> CaseResult:
    expected = case.expected
    want = _label(expected.status, expected.verdict.value)
    try:
        result: ScoreResult | None = score(rubric, answers)
    except NotEnoughAnswers:
        result = None
    if result is None:
        got, verdict, status = "provisional", None, "provisional"
    else:
        verdict, status = result.verdict.value, result.status
        got = _label(status, verdict)
    mismatches: list[str] = []
    if got != want:
        mismatches.append(f"expected {want}, got {got}")
    if result is not None and expected.status == "final":
        mismatches.extend(_detail_mismatches(rubric, expected, result))
    return CaseResult(
        name=case.name,
        file=case.file,
        title=answers.title,
        expected=want,
        got=got,
        verdict=verdict,
        status=status,
        score=None if result is None else result.score,
        decision="no weighted question is answered" if result is None else result.decision.text,
        rules=[] if result is None else [r.id for r in result.rules_applied],
        conditions=[] if result is None else [c.id for c in result.conditions],
        adaptation=None if result is None else result.adaptation.strategy.value,
        drivers_for=[] if result is None else [c.question for c in result.drivers_for[:3]],
        drivers_against=[] if result is None else [c.question for c in result.drivers_against[:3]],
        mismatches=mismatches,
    )


def _detail_mismatches(rubric: Rubric, expected: Expectation, result: ScoreResult) -> Iterable[str]:
    known_conditions = {c.id for c in rubric.conditions} | {r.id for r in rubric.hard_rules}
    got_conditions = {c.id for c in result.conditions}
    for condition in expected.conditions:
        if condition in got_conditions:
            continue
        if condition not in known_conditions and not condition.startswith("adaptation_"):
            yield f"expects condition {condition!r}, which this rubric does not define"
        else:
            yield f"expects condition {condition!r} among the conditions"
    got_rules = {r.id for r in result.rules_applied}
    for rule in expected.rules:
        if rule not in got_rules:
            yield f"expects rule {rule!r} to hold"
    if expected.adaptation is not None and expected.adaptation != result.adaptation.strategy:
        yield (
            f"expects adaptation {expected.adaptation.value!r}, "
            f"got {result.adaptation.strategy.value!r}"
        )


def calibration_text(calibration: Calibration) -> str:
    """The confusion matrix and every disagreeing case with its score, drivers and the
    rule, condition or gate that decided it: what ``adoption-advisor calibrate`` prints."""
    lines = [
        f"Calibration of {calibration.rubric} v{calibration.version}: {calibration.summary()}.",
        "",
        "expected \\ got " + "".join(f"{label:>13}" for label in LABELS),
    ]
    for row, counts in calibration.matrix().items():
        lines.append(f"{row:<15}" + "".join(f"{counts[label]:>13}" for label in LABELS))
    for case in calibration.disagreeing:
        score_text = "no score" if case.score is None else f"score {case.score:g}"
        lines += [
            "",
            f"DISAGREES {case.name} ({case.file}): {case.title}",
            f"  {'; '.join(case.mismatches)}",
            f"  {score_text}, {case.status}: {case.decision}",
            f"  rules holding: {', '.join(case.rules) or 'none'}",
            f"  conditions: {', '.join(case.conditions) or 'none'}",
            f"  adaptation: {case.adaptation or '-'}",
            f"  drivers for: {', '.join(case.drivers_for) or 'none'}; "
            f"against: {', '.join(case.drivers_against) or 'none'}",
        ]
    return "\n".join(lines) + "\n"
