"""Files -> validated models, with every error located (file, line, column, path).

pydantic checks the shape; this module checks what pydantic cannot see
(duplicate ids, references between questions, rules and sections, threshold
order) and translates every problem into our own words.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import Problem, RubricError
from .models import (
    UNKNOWN,
    Condition,
    NumberQuestion,
    Rubric,
)
from .source import Document, PathTuple, load_document, parse_document

__all__ = [
    "describe_path",
    "load_rubric",
    "parse_rubric",
    "problem_at",
    "rubric_from_document",
    "translate_validation_error",
]

# List items that have an id are named by it, as people name them.
_NAMED_ITEMS = {
    ("sections",): "section",
    ("questions",): "question",
    ("hard_rules",): "hard rule",
    ("adaptation", "rules"): "adaptation rule",
}


def load_rubric(path: str | Path, *, display_name: str | None = None) -> Rubric:
    """Read and validate a rubric file; raise :class:`RubricError` listing every problem."""
    return rubric_from_document(load_document(path, display_name=display_name))


def parse_rubric(text: str | bytes, file: str = "<rubric>") -> Rubric:
    """Validate rubric text (e.g. an upload) the same way as a file."""
    return rubric_from_document(parse_document(text, file))


def rubric_from_document(doc: Document) -> Rubric:
    try:
        rubric = Rubric.model_validate(doc.data)
    except ValidationError as exc:
        raise RubricError(translate_validation_error(exc, doc, Rubric)) from None
    problems = list(_cross_checks(rubric, doc))
    if problems:
        raise RubricError(problems)
    return rubric


def describe_path(data: Any, loc: Sequence[Any]) -> tuple[str, PathTuple]:
    """Human breadcrumb for ``loc`` plus the path of real keys in ``data``.

    ``('questions', 3, 'single', 'options', 2, 'score')`` becomes
    ``question 'latency_budget' → options[2] → score``: list items with an id
    are named by it, and the discriminator tag pydantic inserts is dropped.
    """
    parts: list[str] = []
    real: list[str | int] = []
    node: Any = data
    for step in loc:
        if isinstance(node, dict) and step in node:
            real.append(step)
            node = node[step]
            parts.append(str(step))
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            real.append(step)
            item = node[step]
            noun = _NAMED_ITEMS.get(tuple(k for k in real[:-1] if isinstance(k, str)))
            if noun and isinstance(item, dict) and isinstance(item.get("id"), str):
                if parts:
                    parts.pop()
                parts.append(f"{noun} {item['id']!r}")
            else:
                if parts:
                    parts[-1] = f"{parts[-1]}[{step}]"
                else:
                    parts.append(f"[{step}]")
            node = item
        elif isinstance(node, dict) and isinstance(step, str) and step == node.get("kind"):
            continue  # pydantic's discriminator tag, not a key in the file
        elif isinstance(step, str) and step in {"str", "int", "float", "bool", "list", "dict"}:
            continue  # a union member's name, not a key in the file
        else:
            parts.append(str(step))
            node = None
    return " → ".join(parts), tuple(real)


def problem_at(doc: Document, loc: Sequence[Any], message: str) -> Problem:
    """A :class:`Problem` at ``loc`` in ``doc`` (its nearest located ancestor)."""
    path_text, real = describe_path(doc.data, loc)
    line, column = doc.position(real)
    return Problem(message, file=doc.file, line=line, column=column, path=path_text)


def translate_validation_error(
    exc: ValidationError, doc: Document, root: type[BaseModel]
) -> list[Problem]:
    """pydantic's errors in our words, located; ``root`` is the model the document is."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        if error["type"] == "union_tag_invalid":
            loc.append("kind")
        message = _message(error, doc, loc, root)
        if message is None:
            continue
        problem = problem_at(doc, loc, message)
        key = (problem.path, problem.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def _found(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _message(
    error: ErrorDetails, doc: Document, loc: list[Any], root: type[BaseModel]
) -> str | None:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    if kind == "extra_forbidden":
        key = loc[-1]
        allowed = _allowed_keys(doc.data, loc[:-1], root)
        hint = ""
        close = difflib.get_close_matches(str(key), allowed, n=1)
        if close:
            hint = f" (did you mean {close[0]!r}?)"
        return f"unknown key {key!r}; expected one of: {', '.join(allowed)}{hint}"
    if kind in _EXPECTED:
        hint = ""
        if kind == "string_type" and isinstance(value, bool):
            # YAML 1.1 reads yes/no/on/off as booleans; the fix is to quote the word.
            hint = " (YAML reads yes/no/on/off/true/false as true or false; put the word in quotes)"
        return f"expected {_EXPECTED[kind]}, found {_found(value)}{hint}"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bound = next(iter(ctx.values()))
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        return f"expected a number {words} {bound:g}, found {_found(value)}"
    if kind == "string_pattern_mismatch":
        return (
            "expected an id of lower-case letters, digits and underscores starting with a letter, "
            f"found {_found(value)}"
        )
    if kind == "too_short":
        if isinstance(value, str):
            return "expected non-empty text, found empty text"
        need = ctx.get("min_length", 1)
        return f"expected at least {need} item{'s' if need != 1 else ''}, found {len(value or [])}"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} characters or items"
    if kind in {"literal_error", "enum"}:
        return f"expected one of {ctx.get('expected')}, found {_found(value)}"
    if kind == "union_tag_invalid":
        return f"expected kind one of {ctx.get('expected_tags')}, found {_found(ctx.get('tag'))}"
    if kind == "union_tag_not_found":
        return "missing required key 'kind' (one of 'single', 'scale', 'multiple', 'number')"
    if kind.startswith("model_") or kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return f"{error['msg']}, found {_found(value)}"


def _allowed_keys(data: Any, loc: Sequence[Any], root: type[BaseModel]) -> list[str]:
    """The keys the model at ``loc`` accepts, found by following the schema."""
    _, real = describe_path(data, loc)
    node: Any = data
    for step in real:
        node = node[step]
    model = root if not real else _model_for(list(real), node) if root is Rubric else None
    if model is None:
        return []
    return [k for k in model.model_fields]


def _model_for(real: list[Any], node: Any) -> type[BaseModel] | None:
    from . import models as m

    names = [k for k in real if isinstance(k, str)]
    table: dict[tuple[str, ...], type[BaseModel]] = {
        ("thresholds",): m.Thresholds,
        ("sections",): m.Section,
        ("adaptation",): m.AdaptationPolicy,
        ("adaptation", "rules"): m.AdaptationRule,
        ("next_steps",): m.VerdictSteps,
        ("hard_rules",): m.HardRule,
        ("questions", "show_if"): m.ShowIf,
        ("questions", "options"): m.Option,
        ("questions", "bands"): m.Band,
    }
    key = tuple(names)
    if key in table:
        return table[key]
    if key == ("questions",) and isinstance(node, dict):
        kinds: dict[str, type[BaseModel]] = {
            "single": m.SingleChoiceQuestion,
            "scale": m.ScaleQuestion,
            "multiple": m.MultipleChoiceQuestion,
            "number": m.NumberQuestion,
        }
        return kinds.get(str(node.get("kind")), m.SingleChoiceQuestion)
    if key[-1] in {"when"}:
        return m.Condition
    if key[-1] in {"all", "any"}:
        return m.Clause
    return None


# --- checks across the document -------------------------------------------------------------


def _cross_checks(rubric: Rubric, doc: Document) -> Iterable[Problem]:
    yield from _duplicates(doc, ["sections"], [s.id for s in rubric.sections], "section")
    yield from _duplicates(doc, ["questions"], [q.id for q in rubric.questions], "question")
    yield from _duplicates(doc, ["hard_rules"], [r.id for r in rubric.hard_rules], "hard rule")
    yield from _duplicates(
        doc, ["adaptation", "rules"], [r.id for r in rubric.adaptation.rules], "adaptation rule"
    )

    if rubric.thresholds.adapt > rubric.thresholds.recommend:
        yield problem_at(
            doc,
            ["thresholds", "adapt"],
            f"expected the adapt threshold ({rubric.thresholds.adapt:g}) to be at most the "
            f"recommend threshold ({rubric.thresholds.recommend:g})",
        )
    if rubric.sections and all(s.weight == 0 for s in rubric.sections):
        yield problem_at(doc, ["sections"], "expected at least one section with a weight above 0")

    section_ids = {s.id for s in rubric.sections}
    earlier: dict[str, Any] = {}
    per_section: dict[str, list[float]] = {s: [] for s in section_ids}
    for qi, question in enumerate(rubric.questions):
        base = ["questions", qi]
        if question.section not in section_ids:
            yield problem_at(
                doc,
                [*base, "section"],
                f"unknown section {question.section!r}; expected one of: {', '.join(sorted(section_ids))}",
            )
        else:
            per_section[question.section].append(question.weight)
        if isinstance(question, NumberQuestion):
            yield from _check_bands(doc, base, question)
        else:
            yield from _duplicates(
                doc, [*base, "options"], [o.id for o in question.options], "option"
            )
            for oi, option in enumerate(question.options):
                if option.id == UNKNOWN:
                    yield problem_at(
                        doc,
                        [*base, "options", oi, "id"],
                        f'{UNKNOWN!r} is reserved for "don\'t know"; choose another option id',
                    )
        if question.show_if is not None:
            target = question.show_if.question
            if target not in earlier:
                where = "later in the file" if target in rubric.questions_by_id else "not defined"
                yield problem_at(
                    doc,
                    [*base, "show_if", "question"],
                    f"show_if refers to question {target!r}, which is {where}; "
                    "expected a question defined before this one",
                )
            else:
                yield from _check_choices(
                    doc, [*base, "show_if", "any_of"], earlier[target], question.show_if.any_of
                )
        earlier[question.id] = question

    for section in rubric.sections:
        weights = per_section.get(section.id, [])
        si = rubric.sections.index(section)
        if not weights:
            yield problem_at(doc, ["sections", si], f"section {section.id!r} has no questions")
        elif all(w == 0 for w in weights):
            yield problem_at(
                doc,
                ["sections", si],
                "every question in this section has weight 0; expected at least one above 0",
            )

    for ri, rule in enumerate(rubric.hard_rules):
        yield from _check_condition(doc, ["hard_rules", ri, "when"], rule.when, rubric, False)
    for ri, arule in enumerate(rubric.adaptation.rules):
        yield from _check_condition(
            doc, ["adaptation", "rules", ri, "when"], arule.when, rubric, True
        )


def _duplicates(doc: Document, loc: list[Any], ids: list[str], noun: str) -> Iterable[Problem]:
    first: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        if item_id in first:
            line = doc.position((*loc, first[item_id]))[0]
            yield problem_at(
                doc,
                [*loc, index, "id"],
                f"duplicate {noun} id {item_id!r} (first used on line {line}); expected unique ids",
            )
        else:
            first[item_id] = index


def _check_bands(doc: Document, base: list[Any], question: NumberQuestion) -> Iterable[Problem]:
    yield from _duplicates(doc, [*base, "bands"], [b.id for b in question.bands], "band")
    previous = question.minimum
    last = len(question.bands) - 1
    for bi, band in enumerate(question.bands):
        if bi < last and band.below is None:
            yield problem_at(
                doc,
                [*base, "bands", bi],
                "missing required key 'below' (only the last band may leave it out)",
            )
        elif bi == last and band.below is not None:
            yield problem_at(
                doc,
                [*base, "bands", bi, "below"],
                "the last band must leave out 'below' so every number falls in a band",
            )
        elif band.below is not None:
            if band.below <= previous:
                yield problem_at(
                    doc,
                    [*base, "bands", bi, "below"],
                    f"expected bands in increasing order: 'below' must be more than {previous:g}, "
                    f"found {band.below:g}",
                )
            previous = band.below


def _choice_ids(question: Any) -> list[str]:
    if isinstance(question, NumberQuestion):
        return [b.id for b in question.bands]
    return [o.id for o in question.options]


def _check_choices(
    doc: Document, loc: list[Any], question: Any, chosen: list[str]
) -> Iterable[Problem]:
    known = _choice_ids(question)
    for index, option_id in enumerate(chosen):
        if option_id not in known:
            yield problem_at(
                doc,
                [*loc, index],
                f"question {question.id!r} has no option {option_id!r}; "
                f"expected one of: {', '.join(known)}",
            )


def _check_condition(
    doc: Document, loc: list[Any], condition: Condition, rubric: Rubric, verdict_allowed: bool
) -> Iterable[Problem]:
    if (condition.all is None) == (condition.any is None):
        yield problem_at(doc, loc, "expected exactly one of 'all' or 'any'")
        return
    key = "all" if condition.all is not None else "any"
    for ci, clause in enumerate(condition.clauses):
        here = [*loc, key, ci]
        if clause.verdict is not None:
            if not verdict_allowed:
                yield problem_at(
                    doc,
                    [*here, "verdict"],
                    "a hard rule cannot depend on the verdict it caps; "
                    "expected a clause with 'question' and 'any_of'",
                )
            if clause.question is not None or clause.any_of is not None:
                yield problem_at(
                    doc, here, "expected either 'verdict' or 'question' with 'any_of', not both"
                )
            continue
        if clause.question is None or clause.any_of is None:
            missing = "question" if clause.question is None else "any_of"
            yield problem_at(doc, here, f"missing required key {missing!r}")
            continue
        target = rubric.questions_by_id.get(clause.question)
        if target is None:
            yield problem_at(
                doc,
                [*here, "question"],
                f"unknown question {clause.question!r}; expected the id of a question in this rubric",
            )
        else:
            yield from _check_choices(doc, [*here, "any_of"], target, clause.any_of)
