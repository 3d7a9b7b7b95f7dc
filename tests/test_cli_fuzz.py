"""No generated input file makes the CLI exit with anything but 0 (done) or 2 (bad input,
located message): never 1 ("internal error"), never a traceback, never non-JSON output.

Each kind of input is a :class:`Case`: a strategy that writes one file and the command
that reads it. The answers-file cases are here; backup cases (``adoption-advisor import``)
go in the marked section below and run through the same property.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from advisor.cli import main
from scoring import load_rubric
from scoring.limits import (
    MAX_ASSESSMENT_OPTIONS,
    MAX_HORIZON_MONTHS,
    MAX_HOURS,
    MAX_NOTE_CHARS,
    MAX_NUMBER,
    MAX_OPTION_TITLE_CHARS,
    MAX_ROLE_CHARS,
    MAX_TITLE_CHARS,
)

from .conftest import DATA
from .strategies import answers_for

RUBRIC = DATA / "small_rubric.yaml"
SMALL = load_rubric(RUBRIC)


@dataclass(frozen=True)
class Case:
    """One kind of generated input: ``files`` draws (file name, bytes); ``argv`` is the
    command for the file written at the given path (the second path is a scratch folder)."""

    name: str
    files: st.SearchStrategy[tuple[str, bytes]]
    argv: Callable[[Path, Path], list[str]]


# --- answers files ----------------------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(),  # inf, -inf, nan, 1e308 and friends
    st.sampled_from([MAX_NUMBER, MAX_NUMBER * 10, 0, -1]),
    st.sampled_from([21, 400, 4_000]).map(lambda digits: 10**digits - 1),  # 5,000: HOSTILE_YAML
)
TEXTS = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["unknown", "some", "lots", "", "yes", "2020-13-45", "![x](https://h/p)"]),
    st.integers(min_value=190, max_value=6_000).map(lambda n: "t" * n),
)
LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, TEXTS)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4),
    max_leaves=12,
)
QUESTION_IDS = st.sampled_from([*SMALL.questions_by_id, "unknown_question"])
ANSWER_VALUES = st.one_of(
    st.sampled_from(["none", "some", "lots", "nobody", "all", "unknown", "accuracy"]),
    st.lists(st.sampled_from(["accuracy", "fairness", "speed"]), max_size=3),
    NUMBERS,
    VALUES,
)
TOP_KEYS = [
    "rubric",
    "title",
    "answers",
    "notes",
    "options",
    "costs",
    "current_process",
    "hourly_rate",
    "currency",
    "horizon_months",
    "labour",
    "kind",
    "unexpected",
]


@st.composite
def _option(draw: st.DrawFn) -> Any:
    return {
        "id": draw(st.sampled_from(["hosted", "self", "Bad Id", ""])),
        "title": draw(TEXTS),
        **draw(st.fixed_dictionaries({}, optional={"baseline": st.booleans()})),
        "answers": draw(st.dictionaries(QUESTION_IDS, ANSWER_VALUES, max_size=3)),
        "costs": draw(
            st.dictionaries(
                st.sampled_from(["integration", "hosting_per_month", "x"]), NUMBERS, max_size=3
            )
        ),
    }


@st.composite
def answers_data(draw: st.DrawFn) -> dict[str, Any]:
    """An answers file's data: mostly the right shape, with wrong types, unknown keys,
    huge, infinite and NaN numbers and long strings mixed in."""
    data: dict[str, Any] = {
        "title": draw(TEXTS | VALUES),
        "answers": draw(st.dictionaries(QUESTION_IDS | TEXTS, ANSWER_VALUES, max_size=6) | VALUES),
    }
    for key in draw(st.lists(st.sampled_from(TOP_KEYS), max_size=5, unique=True)):
        if key == "options":
            data[key] = draw(st.lists(_option(), max_size=5) | VALUES)
        elif key == "notes":
            data[key] = draw(st.dictionaries(QUESTION_IDS, TEXTS | VALUES, max_size=3))
        elif key in {"costs", "current_process"}:
            # hours_per_month and review_hours_per_month: names from before hours were weekly.
            fields = [
                "integration",
                "hosting_per_month",
                "hours_per_month",
                "other_per_month",
                "review_hours_per_week",
                "review_hours_per_month",
            ]
            data[key] = draw(st.dictionaries(st.sampled_from(fields), NUMBERS, max_size=3))
        elif key == "labour":
            role = st.fixed_dictionaries(
                {"role": TEXTS, "hours_per_week": NUMBERS, "share_removed": NUMBERS}
            )
            data[key] = draw(st.lists(role, max_size=3) | VALUES)
        elif key == "kind":
            data[key] = "adoption-advisor-report"
        else:
            data[key] = draw(NUMBERS | TEXTS | VALUES)
    return data


MONEY = st.one_of(
    st.floats(min_value=0, max_value=MAX_NUMBER), st.sampled_from([0, 0.01, MAX_NUMBER])
)
HOURS = st.floats(min_value=0, max_value=MAX_HOURS)
#: Text a person could type: anything but control characters and noncharacters,
#: including characters beyond U+FFFF (emoji, 𝕕𝕠𝕦𝕓𝕝𝕖-𝕤𝕥𝕣𝕦𝕔𝕜 letters), which once broke
#: chart rendering when Vega cut a label in the middle of one.
TYPED = st.characters(exclude_categories=["Cc", "Cs"], exclude_characters="\ufffe\uffff")


@st.composite
def plausible_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid answers file at the edges: the longest titles and notes, the largest and
    smallest amounts, the longest horizon; the CLI should score it (exit 0)."""
    answers = draw(answers_for(SMALL))
    costs = st.fixed_dictionaries(
        {},
        optional={
            "integration": MONEY,
            "price_per_item": MONEY,
            "items_per_month": MONEY,
            "hosting_per_month": MONEY,
            "review_hours_per_week": HOURS,
        },
    )
    option_title = st.text(TYPED, min_size=1, max_size=MAX_OPTION_TITLE_CHARS)
    options = [
        {"id": f"option_{n}", "title": draw(option_title)}
        | ({"costs": draw(costs)} if n else {"baseline": True})
        for n in range(draw(st.integers(min_value=0, max_value=MAX_ASSESSMENT_OPTIONS)))
    ]
    data: dict[str, Any] = {
        "title": draw(st.text(TYPED, min_size=1, max_size=MAX_TITLE_CHARS)),
        "answers": answers.answers,
        "notes": draw(
            st.dictionaries(
                st.sampled_from(list(SMALL.questions_by_id)),
                st.text(TYPED, max_size=MAX_NOTE_CHARS),
                max_size=2,
            )
        ),
        "hourly_rate": draw(MONEY),
        "current_process": {"other_per_month": draw(MONEY)},
        "horizon_months": draw(st.integers(min_value=1, max_value=MAX_HORIZON_MONTHS)),
        "labour": [
            {
                "role": draw(st.text(TYPED, min_size=1, max_size=MAX_ROLE_CHARS)),
                "hours_per_week": draw(HOURS),
                "share_removed": draw(st.floats(0, 1)),
            }
        ],
    }
    if options:
        data["options"] = options
    return data


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, allow_nan=True, default=str).encode()


def _yaml_bytes(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True).encode()


#: YAML features a careless or hostile file might use, spliced into an otherwise fine file.
HOSTILE_YAML = st.sampled_from(
    [
        "<<: {gain: some}\n",
        "!!python/name:os.system gain: some\n",
        "base: &a {gain: some}\nother: *a\n",
        "title: !!int abc\n",
        "deep: " + "[" * 3_000 + "]" * 3_000 + "\n",
        "deep: " + "{a: " * 60 + "1" + "}" * 60 + "\n",
        "---\ntitle: second\n",
        "\tindented: with a tab\n",
        "answers:\n" + "".join(f"  q{i}: x\n" for i in range(1_100)),
        "big: " + "9" * 5_000 + "\n",
        "big: 1.0e+400\n",
        "? [a, b]\n: c\n",
        "title: \x85\u2028\ufeff\n",
    ]
)


@st.composite
def answers_files(draw: st.DrawFn) -> tuple[str, bytes]:
    forms = ["plausible", "plausible json", "yaml", "json", "yaml+hostile", "bytes"]
    form = draw(st.sampled_from(forms))
    event(f"answers file as {form}")
    if form.startswith("plausible"):
        plausible = draw(plausible_data())
        if form.endswith("json"):
            return "answers.json", _json_bytes(plausible)
        return "answers.yaml", _yaml_bytes(plausible)
    data = draw(answers_data())
    if form == "json":
        return "answers.json", _json_bytes(data)
    if form == "yaml+hostile":
        return "answers.yaml", _yaml_bytes(data) + draw(HOSTILE_YAML).encode()
    if form == "bytes":
        return "answers.yaml", draw(st.binary(max_size=200))
    return "answers.yaml", _yaml_bytes(data)


def _score(format_: str) -> Callable[[Path, Path], list[str]]:
    def argv(path: Path, scratch: Path) -> list[str]:
        command = ["score", str(path), "--rubric", str(RUBRIC), "--format", format_]
        return [*command, "-o", str(scratch / "report.pdf")] if format_ == "pdf" else command

    return argv


CASES = [
    Case("answers → json", answers_files(), _score("json")),
    Case("answers → md", answers_files(), _score("md")),
    Case("answers → html", answers_files(), _score("html")),
    Case("answers → pdf", answers_files(), _score("pdf")),
]

# --- backups ----------------------------------------------------------------------------------
# Backup cases (advisor/storage, `adoption-advisor import`) join the same property here, e.g.
#   CASES.append(Case("backup", backup_files(), lambda path, scratch: [
#       "import", str(path), "--database", f"sqlite:///{scratch / 'fuzz.db'}"]))


# --- the property -----------------------------------------------------------------------------


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} in JSON output")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_generated_file_makes_the_cli_fail_inside(
    case: Case, data: st.DataObject, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, content = data.draw(case.files, label="file")
    path = tmp_path / name
    path.write_bytes(content)
    code = main(case.argv(path, tmp_path))
    out, err = capsys.readouterr()
    event(f"exit {code}")
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert err.startswith("error: "), err
        assert out == ""
    elif "--format" in case.argv(path, tmp_path) and "json" in case.argv(path, tmp_path):
        _strict_json(out)
