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
from .limits import (
    MAX_NEXT_STEPS,
    MAX_OPTIONS_PER_QUESTION,
    MAX_QUESTIONS,
    MAX_RULES,
    MAX_SECTIONS,
    TEXT_PATTERN,
    forbidden_character,
)
from .models import QUESTION_KINDS, UNKNOWN, Rubric, SingleChoiceQuestion
from .source import CountLimits, Document, PathTuple, load_document, parse_document
from .text import format_number

__all__ = [
    "RUBRIC_COUNTS",
    "describe_path",
    "format_number",
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
    ("conditions",): "condition",
    ("adaptation", "rules"): "adaptation rule",
}


#: The rubric's counted lists, refused while the file is read once they pass their limit.
RUBRIC_COUNTS: CountLimits = {
    ("sections",): (MAX_SECTIONS, "sections in one rubric"),
    ("questions",): (MAX_QUESTIONS, "questions in one rubric"),
    ("questions", "*", "options"): (MAX_OPTIONS_PER_QUESTION, "options in one question"),
    ("questions", "*", "bands"): (MAX_OPTIONS_PER_QUESTION, "bands in one question"),
    ("hard_rules",): (MAX_RULES, "hard rules in one rubric"),
    ("conditions",): (MAX_RULES, "conditions in one rubric"),
    ("adaptation", "rules"): (MAX_RULES, "adaptation rules in one rubric"),
    **{
        ("next_steps", verdict): (MAX_NEXT_STEPS, f"next steps for {verdict}")
        for verdict in ("recommend", "adapt", "avoid")
    },
}


def load_rubric(path: str | Path, *, display_name: str | None = None) -> Rubric:
    """Read and validate a rubric file; raise :class:`RubricError` listing every problem."""
    return rubric_from_document(
        load_document(path, display_name=display_name, counts=RUBRIC_COUNTS)
    )


def parse_rubric(text: str | bytes, file: str = "<rubric>") -> Rubric:
    """Validate rubric text (e.g. an upload) the same way as a file."""
    return rubric_from_document(parse_document(text, file, counts=RUBRIC_COUNTS))


def rubric_from_document(doc: Document) -> Rubric:
    """The rubric a parsed document holds, checked field by field and across references;
    raise :class:`RubricError` with every problem located in the file."""
    problems = list(_cross_checks(doc))
    try:
        rubric = Rubric.model_validate(doc.data)
    except ValidationError as exc:
        problems = translate_validation_error(exc, doc, Rubric) + problems
    if problems:
        unique = list(dict.fromkeys(problems))
        raise RubricError(sorted(unique, key=lambda p: (p.line, p.column)))
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
        return f"number {format_number(value)}"
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
        return f"expected a number {words} {format_number(bound)}, found {_found(value)}"
    if kind == "finite_number":
        return f"expected a finite number, found {_found(value)}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == TEXT_PATTERN:
        code = forbidden_character(value) if isinstance(value, str) else None
        return f"expected printable text, found text with the character {code}"
    if kind == "string_unicode":
        return "expected valid Unicode text, found text with a lone surrogate"
    if kind == "string_pattern_mismatch":
        return (
            "expected an id of lower-case letters, digits and underscores starting with a letter, "
            f"found {_found(value)}"
        )
    if kind == "string_too_short" or (kind == "too_short" and isinstance(value, str)):
        return "expected non-empty text, found empty text"
    if kind == "too_short":
        if isinstance(value, str):
            return "expected non-empty text, found empty text"
        need = ctx.get("min_length", 1)
        return f"expected at least {need} item{'s' if need != 1 else ''}, found {len(value or [])}"
    if kind == "string_too_long":
        limit = int(ctx.get("max_length") or 0)
        size = len(value) if isinstance(value, str) else 0
        return f"expected at most {limit:,} characters, found {size:,}"
    if kind == "too_long":
        limit = int(ctx.get("max_length") or 0)
        if isinstance(value, str):
            return f"expected at most {limit:,} characters, found {len(value):,}"
        size = len(value) if isinstance(value, list | dict) else 0
        noun = "entries" if isinstance(value, dict) else "items"
        return f"expected at most {limit:,} {noun}, found {size:,}"
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
    if not real:
        model: type[BaseModel] | None = root
    elif root is Rubric:
        model = _model_for(list(real), node)
    else:
        model = _field_model(root, [step for step in real if isinstance(step, str)])
    if model is None:
        return []
    return [k for k in model.model_fields]


def _field_model(root: type[BaseModel], keys: Sequence[str]) -> type[BaseModel] | None:
    """The model a chain of field names leads to (``Optional`` and ``list`` unwrapped)."""
    import typing

    model: type[BaseModel] | None = root
    for key in keys:
        field = model.model_fields.get(key) if model is not None else None
        if field is None:
            return None
        candidates = [field.annotation]
        model = None
        while candidates:
            annotation = candidates.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                model = annotation
                break
            candidates.extend(typing.get_args(annotation))
    return model


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
        ("conditions",): m.AdoptionCondition,
        ("finality",): m.Finality,
        ("questions", "show_if"): m.ShowIf,
        ("questions", "options"): m.Option,
        ("questions", "bands"): m.Band,
    }
    key = tuple(names)
    if key in table:
        return table[key]
    if key == ("questions",) and isinstance(node, dict):
        return m.QUESTION_KINDS.get(str(node.get("kind")), m.SingleChoiceQuestion)
    if key[-1] in {"when"}:
        return m.Condition
    if key[-1] in {"all", "any"}:
        return m.Clause
    return None


# --- checks across the document -------------------------------------------------------------
#
# These run on the raw data, guarding every access, so they report alongside pydantic's
# shape errors in the same pass: a wrong type in one question does not hide a dangling
# reference in another. Values of the wrong type are skipped here (pydantic names them).


def _items(data: Any, *keys: str) -> list[tuple[int, dict[str, Any]]]:
    node = data
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, list):
        return []
    return [(i, item) for i, item in enumerate(node) if isinstance(item, dict)]


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _number(item: dict[str, Any], key: str) -> float | None:
    value = item.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _choices_field(question: dict[str, Any]) -> str:
    """Where a question (as written in the file) lists its choices: by its kind."""
    kind = QUESTION_KINDS.get(str(question.get("kind")), SingleChoiceQuestion)
    return kind.choices_field


def _choices(question: dict[str, Any]) -> list[str]:
    key = _choices_field(question)
    return [i for _, item in _items(question, key) if (i := _text(item, "id"))]


def _cross_checks(doc: Document) -> Iterable[Problem]:
    data = doc.data
    sections = _items(data, "sections")
    questions = _items(data, "questions")
    for loc, noun in (
        (("sections",), "section"),
        (("questions",), "question"),
        (("hard_rules",), "hard rule"),
        (("conditions",), "condition"),
        (("adaptation", "rules"), "adaptation rule"),
    ):
        yield from _duplicates(doc, list(loc), _items(data, *loc), noun)
    yield from _check_thresholds(doc)

    weights = [w for _, s in sections if (w := _number(s, "weight")) is not None]
    if weights and len(weights) == len(sections) and all(w == 0 for w in weights):
        yield problem_at(doc, ["sections"], "expected at least one section with a weight above 0")

    section_ids = [sid for _, s in sections if (sid := _text(s, "id"))]
    all_ids = {qid for _, q in questions if (qid := _text(q, "id"))}
    earlier: dict[str, dict[str, Any]] = {}
    per_section: dict[str, list[float]] = {sid: [] for sid in section_ids}
    for qi, question in questions:
        base: list[Any] = ["questions", qi]
        section = _text(question, "section")
        if section is not None and section not in per_section:
            yield problem_at(
                doc,
                [*base, "section"],
                f"unknown section {section!r}; expected one of: {', '.join(sorted(section_ids))}",
            )
        elif section is not None:
            weight = _number(question, "weight")
            per_section[section].append(1.0 if "weight" not in question else (weight or 0.0))
        if _choices_field(question) == "bands":
            yield from _check_bands(doc, base, question)
        else:
            options = _items(question, "options")
            yield from _duplicates(doc, [*base, "options"], options, "option")
            for oi, option in options:
                if option.get("id") == UNKNOWN:
                    yield problem_at(
                        doc,
                        [*base, "options", oi, "id"],
                        f'{UNKNOWN!r} is reserved for "don\'t know"; choose another option id',
                    )
        show_if = question.get("show_if")
        target = _text(show_if, "question") if isinstance(show_if, dict) else None
        if isinstance(show_if, dict) and target is not None:
            if target not in earlier:
                where = "later in the file" if target in all_ids else "not defined"
                yield problem_at(
                    doc,
                    [*base, "show_if", "question"],
                    f"show_if refers to question {target!r}, which is {where}; "
                    "expected a question defined before this one",
                )
            else:
                yield from _check_choices(
                    doc,
                    [*base, "show_if", "any_of"],
                    target,
                    earlier[target],
                    show_if.get("any_of"),
                )
        if (qid := _text(question, "id")) is not None:
            earlier.setdefault(qid, question)

    for si, section_item in sections:
        sid = _text(section_item, "id")
        if sid is None or sid not in per_section:
            continue
        if not per_section[sid]:
            yield problem_at(doc, ["sections", si], f"section {sid!r} has no questions")
        elif all(w == 0 for w in per_section[sid]):
            yield problem_at(
                doc,
                ["sections", si],
                "every question in this section has weight 0; expected at least one above 0",
            )
        per_section[sid] = []  # a duplicated section id is reported once, above

    for ri, rule in _items(data, "hard_rules"):
        yield from _check_condition(
            doc, ["hard_rules", ri, "when"], rule.get("when"), earlier, False
        )
    for ci, condition in _items(data, "conditions"):
        yield from _check_condition(
            doc, ["conditions", ci, "when"], condition.get("when"), earlier, False
        )
    for ri, arule in _items(data, "adaptation", "rules"):
        yield from _check_condition(
            doc, ["adaptation", "rules", ri, "when"], arule.get("when"), earlier, True
        )


def _check_thresholds(doc: Document) -> Iterable[Problem]:
    thresholds = doc.data.get("thresholds")
    if not isinstance(thresholds, dict):
        return
    adapt, recommend = _number(thresholds, "adapt"), _number(thresholds, "recommend")
    if adapt is None or recommend is None or not (0 <= adapt <= 100 and 0 <= recommend <= 100):
        return
    if adapt > recommend:
        yield problem_at(
            doc,
            ["thresholds", "adapt"],
            f"expected the adapt threshold ({adapt:g}) to be at most the "
            f"recommend threshold ({recommend:g})",
        )


def _duplicates(
    doc: Document, loc: list[Any], items: list[tuple[int, dict[str, Any]]], noun: str
) -> Iterable[Problem]:
    first: dict[str, int] = {}
    for index, item in items:
        item_id = _text(item, "id")
        if item_id is None:
            continue
        if item_id in first:
            line = doc.position((*loc, first[item_id]))[0]
            yield problem_at(
                doc,
                [*loc, index, "id"],
                f"duplicate {noun} id {item_id!r} (first used on line {line}); expected unique ids",
            )
        else:
            first[item_id] = index


def _check_bands(doc: Document, base: list[Any], question: dict[str, Any]) -> Iterable[Problem]:
    bands = _items(question, "bands")
    yield from _duplicates(doc, [*base, "bands"], bands, "band")
    previous = _number(question, "minimum") or 0.0
    last = len(bands) - 1
    for position, (bi, band) in enumerate(bands):
        below = _number(band, "below")
        if position < last and "below" not in band:
            yield problem_at(
                doc,
                [*base, "bands", bi],
                "missing required key 'below' (only the last band may leave it out)",
            )
        elif position == last and "below" in band:
            yield problem_at(
                doc,
                [*base, "bands", bi, "below"],
                "the last band must leave out 'below' so every number falls in a band",
            )
        elif below is not None:
            if below <= previous:
                yield problem_at(
                    doc,
                    [*base, "bands", bi, "below"],
                    f"expected bands in increasing order: 'below' must be more than {previous:g}, "
                    f"found {below:g}",
                )
            previous = below


def _check_choices(
    doc: Document, loc: list[Any], question_id: str, question: dict[str, Any], chosen: Any
) -> Iterable[Problem]:
    if not isinstance(chosen, list):
        return
    known = _choices(question)
    for index, option_id in enumerate(chosen):
        if isinstance(option_id, str) and option_id not in known:
            yield problem_at(
                doc,
                [*loc, index],
                f"question {question_id!r} has no option {option_id!r}; "
                f"expected one of: {', '.join(known)}",
            )


def _check_condition(
    doc: Document,
    loc: list[Any],
    condition: Any,
    questions: dict[str, dict[str, Any]],
    verdict_allowed: bool,
) -> Iterable[Problem]:
    if not isinstance(condition, dict):
        return
    present = [k for k in ("all", "any") if k in condition]
    if len(present) != 1:
        yield problem_at(doc, loc, "expected exactly one of 'all' or 'any'")
        return
    yield from _check_clauses(doc, loc, condition, present[0], questions, verdict_allowed)


def _check_clauses(
    doc: Document,
    loc: list[Any],
    group: dict[str, Any],
    key: str,
    questions: dict[str, dict[str, Any]],
    verdict_allowed: bool,
) -> Iterable[Problem]:
    for ci, clause in _items(group, key):
        here = [*loc, key, ci]
        forms = [
            name
            for name, present in (
                ("verdict", "verdict" in clause),
                ("question", "question" in clause or "any_of" in clause),
                ("all", "all" in clause),
                ("any", "any" in clause),
            )
            if present
        ]
        if len(forms) > 1:
            yield problem_at(
                doc,
                here,
                "expected one form of clause — 'question' with 'any_of', 'verdict', 'all' or "
                f"'any' — found {', '.join(repr(f) for f in forms)} together",
            )
            continue
        if forms in (["all"], ["any"]):
            yield from _check_clauses(doc, here, clause, forms[0], questions, verdict_allowed)
            continue
        if "verdict" in clause:
            if not verdict_allowed:
                yield problem_at(
                    doc,
                    [*here, "verdict"],
                    "a hard rule or condition cannot depend on the verdict it caps; "
                    "expected a clause with 'question' and 'any_of'",
                )
            continue
        for required in ("question", "any_of"):
            if required not in clause:
                yield problem_at(doc, here, f"missing required key {required!r}")
        target = _text(clause, "question")
        if target is None:
            continue
        if target not in questions:
            yield problem_at(
                doc,
                [*here, "question"],
                f"unknown question {target!r}; expected the id of a question in this rubric",
            )
        else:
            yield from _check_choices(
                doc, [*here, "any_of"], target, questions[target], clause.get("any_of")
            )
