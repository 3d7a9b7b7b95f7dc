"""Every input limit is one constant (scoring/limits.py), documented in rubric/README.md, and
enforced the same way by the models, the file reader, the CLI and the app's input boxes;
a long title never loses work, and hostile files are refused at once with one message."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from streamlit.testing.v1 import AppTest

from advisor.cli import main
from advisor.storage import Store, database_url
from scoring import (
    Answers,
    AnswersError,
    RubricError,
    limits,
    load_rubric,
    parse_answers,
    parse_rubric,
    source,
)
from scoring.answers import CostInputs, LabourRole, OptionAnswers, usable_answers
from scoring.errors import InputFileError
from scoring.limits import (
    MAX_ANSWER_ENTRIES,
    MAX_CURRENCY_CHARS,
    MAX_HOURS,
    MAX_MOVES_TO_CHARS,
    MAX_NOTE_CHARS,
    MAX_NUMBER,
    MAX_OPTION_TITLE_CHARS,
    MAX_PROBLEMS_REPORTED,
    MAX_QUESTIONS,
    MAX_ROLE_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    clip,
    more_problems,
)
from scoring.loader import format_number
from scoring.options import option_answers
from scoring.source import load_document, parse_document

from .conftest import DATA, ROOT

SMALL_TEXT = (DATA / "small_rubric.yaml").read_text()
SMALL = load_rubric(DATA / "small_rubric.yaml")
DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
README = (ROOT / "rubric" / "README.md").read_text()
LIMIT_NAMES = [name for name in limits.__all__ if name.startswith("MAX_")]


# --- one constant each, documented ------------------------------------------------------------


@pytest.mark.parametrize("name", LIMIT_NAMES)
def test_every_limit_is_documented_with_its_value(name: str) -> None:
    section = README.split("\n## Limits\n", 1)[1]
    row = re.search(rf"^\| `{name}` \| ([^|]+) \|", section, re.MULTILINE)
    assert row, f"{name} is missing from the Limits table in rubric/README.md"
    assert row.group(1).strip() == format_number(getattr(limits, name))


def test_clip_never_exceeds_the_limit_and_marks_the_cut() -> None:
    assert clip("short", 10) == "short"
    assert clip("x" * 11, 10) == "x" * 9 + "…"
    assert len(clip("word " * 100, 200)) <= 200


def test_problems_beyond_the_listed_ones_are_counted() -> None:
    assert more_problems(MAX_PROBLEMS_REPORTED) is None
    assert more_problems(MAX_PROBLEMS_REPORTED + 1) == "… and 1 more problem"
    assert more_problems(77_040) == "… and 76,990 more problems"


# --- the models read the same constants -------------------------------------------------------


def _accepts(model: type[BaseModel], data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("model", "field", "limit", "extra"),
    [
        (Answers, "title", MAX_TITLE_CHARS, {}),
        (Answers, "currency", MAX_CURRENCY_CHARS, {}),
        (OptionAnswers, "title", MAX_OPTION_TITLE_CHARS, {"id": "opt"}),
        (LabourRole, "role", MAX_ROLE_CHARS, {"hours_per_week": 1.0, "share_removed": 0.5}),
        (
            LabourRole,
            "moves_to",
            MAX_MOVES_TO_CHARS,
            {"role": "Agent", "hours_per_week": 1.0, "share_removed": 0.5},
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_text_fields_accept_their_limit_and_refuse_one_more(
    model: type[BaseModel], field: str, limit: int, extra: dict[str, Any]
) -> None:
    assert _accepts(model, {**extra, field: "a" * limit})
    assert not _accepts(model, {**extra, field: "a" * (limit + 1)})


def test_notes_accept_their_limit_and_refuse_one_more() -> None:
    assert _accepts(Answers, {"notes": {"gain": "n" * MAX_NOTE_CHARS}})
    assert not _accepts(Answers, {"notes": {"gain": "n" * (MAX_NOTE_CHARS + 1)}})


@pytest.mark.parametrize("field", ["integration", "price_per_item", "items_per_month"])
def test_money_and_volume_are_finite_and_at_most_the_largest_number(field: str) -> None:
    assert _accepts(CostInputs, {field: MAX_NUMBER})
    for bad in (MAX_NUMBER * 10, float("inf"), float("nan"), -1.0):
        assert not _accepts(CostInputs, {field: bad}), bad
    assert _accepts(CostInputs, {"review_hours_per_week": MAX_HOURS})
    assert not _accepts(CostInputs, {"review_hours_per_week": float("inf")})


def test_hourly_rate_is_finite_and_bounded() -> None:
    assert _accepts(Answers, {"hourly_rate": MAX_NUMBER})
    for bad in (MAX_NUMBER * 2, float("inf"), float("nan")):
        assert not _accepts(Answers, {"hourly_rate": bad})


def test_rubric_texts_and_band_bounds_use_the_limits() -> None:
    long_text = SMALL_TEXT.replace("Used by the tests.", "d" * (MAX_TEXT_CHARS + 1))
    with pytest.raises(RubricError, match=f"expected at most {MAX_TEXT_CHARS:,} characters"):
        parse_rubric(long_text, "r.yaml")
    at_limit = SMALL_TEXT.replace("        below: 100\n", "        below: 1.0e+12\n")
    assert parse_rubric(at_limit, "r.yaml").questions_by_id["volume"]
    for bound in (".nan", ".inf", "-.inf", "1.0e+13"):
        text = SMALL_TEXT.replace("        below: 100\n", f"        below: {bound}\n")
        with pytest.raises(RubricError, match=r"below: expected a (finite number|number at most)"):
            parse_rubric(text, "r.yaml")


def test_a_number_answer_beyond_the_largest_number_is_located() -> None:
    with pytest.raises(AnswersError) as info:
        parse_answers("answers:\n  volume: 10000000000000\n", SMALL, "a.yaml")
    assert str(info.value) == (
        "a.yaml:2:3: answers → volume: expected a number of at most 1,000,000,000,000, "
        "found 10,000,000,000,000"
    )


# --- a long title never loses work ------------------------------------------------------------


def test_the_joined_title_of_an_option_is_shortened_not_refused() -> None:
    answers = Answers(title="T" * MAX_TITLE_CHARS, answers={"gain": "some"})
    option = OptionAnswers(id="hosted", title="O" * MAX_OPTION_TITLE_CHARS)
    joined = option_answers(answers, option)
    assert len(joined.title) == MAX_TITLE_CHARS
    assert joined.title.startswith("T" * 100) and joined.title.endswith("…")


def test_usable_answers_shortens_a_long_title_and_note_and_keeps_the_answers() -> None:
    usable, problems = usable_answers(
        SMALL,
        "T" * 300,
        {"gain": "some", "volume": 120},
        {"gain": "n" * (MAX_NOTE_CHARS + 10)},
        {"options": [{"id": "a", "title": "O" * 500}]},
    )
    assert usable.answers == {"gain": "some", "volume": 120}
    assert len(usable.title) == MAX_TITLE_CHARS
    assert len(usable.notes["gain"]) == MAX_NOTE_CHARS
    assert len(usable.options[0].title) == MAX_OPTION_TITLE_CHARS
    assert [p.message for p in problems] == [
        "the title is shortened to 200 characters",
        "the note on 'gain' is shortened to 5,000 characters",
        f"the title of option {clip('O' * 500, 40)!r} is shortened to 120 characters",
    ]


def test_usable_answers_leaves_out_only_the_block_that_does_not_fit() -> None:
    usable, problems = usable_answers(
        SMALL,
        "Fine",
        {"gain": "lots", "volume": float("inf"), "review": 10**5000},
        {"gain": 5},  # type: ignore[dict-item]
        {"costs": {"integration": float("nan")}, "currency": "USD", "labour": "lots"},
    )
    assert usable.answers == {"gain": "lots"}
    assert usable.notes == {}
    assert usable.currency == "USD" and usable.costs is None and usable.labour == []
    messages = [p.message for p in problems]
    assert "expected a finite number, found inf" in messages
    assert "the cost figures could not be read: left out" in messages
    assert "the labour roles could not be read: left out" in messages


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.sampled_from([400, 5000]).map(lambda digits: -(10**digits))
    | st.floats()
    | st.text(max_size=300),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from([*SMALL.questions_by_id, "unknown", "x" * 300]) | st.text(max_size=10)


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=400) | JSON_VALUES,
    answers=st.dictionaries(KEYS, JSON_VALUES, max_size=6) | JSON_VALUES,
    notes=st.dictionaries(KEYS, JSON_VALUES, max_size=3) | JSON_VALUES,
    extra=st.dictionaries(
        st.sampled_from(
            ["options", "costs", "current_process", "hourly_rate", "currency", "labour", "other"]
        ),
        JSON_VALUES,
        max_size=4,
    )
    | JSON_VALUES,
)
def test_usable_answers_never_raises(title: Any, answers: Any, notes: Any, extra: Any) -> None:
    usable, problems = usable_answers(SMALL, title, answers, notes, extra)
    assert isinstance(usable, Answers)
    assert 1 <= len(usable.title) <= MAX_TITLE_CHARS
    assert set(usable.answers) <= set(SMALL.questions_by_id)
    assert all(isinstance(p.message, str) for p in problems)


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def test_input_boxes_stop_at_the_limits() -> None:
    at = _app()
    assert at.text_input(key="title_input").max_chars == MAX_TITLE_CHARS
    assert at.text_input(key="note__use_pattern").max_chars == MAX_NOTE_CHARS
    at.switch_page("ui/options.py").run()
    assert at.text_input(key="opt_title_0").max_chars == MAX_OPTION_TITLE_CHARS
    assert at.text_input(key="set_currency").max_chars == MAX_CURRENCY_CHARS
    assert at.text_input(key="role_0_role").max_chars == MAX_ROLE_CHARS
    assert at.text_input(key="role_0_moves_to").max_chars == MAX_MOVES_TO_CHARS


def test_a_300_character_title_never_stops_a_save() -> None:
    # The box stops at 200; set_value goes past it, as an older session or a script could.
    title = "Quarterly contract review " * 12  # 312 characters
    at = _app()
    at.text_input(key="title_input").set_value(title).run()
    at.radio(key="answer__use_pattern").set_value("internal_assistant").run()
    at.text_input(key="note__use_pattern").input("checked by legal").run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assessment_id = at.session_state["aa_id"]
    saved = Store(database_url()).assessment(assessment_id)
    assert saved.answers == {"use_pattern": "internal_assistant"}
    assert saved.notes == {"use_pattern": "checked by legal"}

    reloaded = _app(a=assessment_id)  # a new session, as after a reload
    assert reloaded.radio(key="answer__use_pattern").value == "internal_assistant"
    assert reloaded.text_input(key="note__use_pattern").value == "checked by legal"
    shown_title = reloaded.text_input(key="title_input").value
    assert shown_title and len(shown_title) <= MAX_TITLE_CHARS
    assert title.startswith(shown_title.rstrip("…"))


def test_a_full_title_and_a_full_option_title_still_save_and_report() -> None:
    at = _app()
    at.text_input(key="title_input").input("T" * MAX_TITLE_CHARS).run()
    at.radio(key="answer__use_pattern").set_value("classify_extract").run()
    at.switch_page("ui/options.py").run()
    at.text_input(key="opt_title_0").input("O" * MAX_OPTION_TITLE_CHARS).run()
    at.selectbox(key="opt_ans_0_hosting").set_value("external_api").run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    saved = Store(database_url()).assessment(at.session_state["aa_id"])
    assert saved.extra["options"][0]["answers"] == {"hosting": "external_api"}
    at.switch_page("ui/report.py").run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


def test_the_cli_scores_a_full_title_with_a_full_option_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((ROOT / "examples" / "support_triage_options.yaml").read_text())
    data["title"] = "T" * MAX_TITLE_CHARS
    for option in data["options"]:
        option["title"] = option["id"][0] * MAX_OPTION_TITLE_CHARS
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["score", str(path)]) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["title"] == "T" * MAX_TITLE_CHARS


# --- numbers ----------------------------------------------------------------------------------


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_json_output_is_strict_json_at_the_largest_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((ROOT / "examples" / "support_triage_options.yaml").read_text())
    data["answers"]["monthly_volume"] = int(MAX_NUMBER)
    data["hourly_rate"] = MAX_NUMBER
    data["current_process"] = {"other_per_month": MAX_NUMBER}
    for role in data["labour"]:
        role["hours_per_week"] = MAX_HOURS
    for option in data["options"]:
        if option.get("costs"):
            option["costs"] = {key: MAX_NUMBER for key in option["costs"]}
            option["costs"]["review_hours_per_week"] = MAX_HOURS
    path = tmp_path / "huge.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["score", str(path)]) == 0, capsys.readouterr().err
    report = _strict_json(capsys.readouterr().out)
    assert report["verdict"] in {"recommend", "adapt", "avoid"}


def test_rescore_with_a_23_digit_version_is_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["rescore", "99999999999999999999999", "--database", f"sqlite:///{tmp_path}/a.db"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: no policy version '99999999999999999999999'")
    assert "internal error" not in err and len(err.splitlines()) == 1


# --- scale: refused at once, with one message naming the limit --------------------------------


def _timed_refusal(call: Any) -> tuple[InputFileError, float]:
    started = time.perf_counter()
    with pytest.raises(InputFileError) as info:
        call()
    return info.value, time.perf_counter() - started


def test_a_1_mb_rubric_of_thousands_of_questions_is_refused_at_question_501(
    tmp_path: Path,
) -> None:
    head = SMALL_TEXT.split("questions:\n", 1)[0]
    question = (
        "- {{id: q{0}, section: value, kind: single, prompt: P, help: H, "
        "options: [{{id: a, label: A, score: 1}}, {{id: b, label: B, score: 2}}]}}\n"
    )
    body = "".join(question.format(i) for i in range(10_000))
    text = (head + "questions:\n" + body)[:999_000].rsplit("\n- ", 1)[0] + "\n"
    assert text.count("\n- {id: q") > 7_000
    path = tmp_path / "huge.yaml"
    path.write_text(text)
    error, seconds = _timed_refusal(lambda: load_rubric(path))
    first_question_line = head.count("\n") + 2
    assert [str(p) for p in error.problems] == [
        f"{path}:{first_question_line + MAX_QUESTIONS}:3: too many questions in one rubric: "
        "the limit is 500 (see 'Limits' in rubric/README.md)"
    ]
    assert seconds < 5, f"took {seconds:.1f} s"  # before: 18 s to accept 7,400 questions


def test_a_1_mb_answers_file_is_refused_at_entry_1001(tmp_path: Path) -> None:
    lines = [f"  unknown_{i}: x" for i in range(80_000)]
    text = ("title: big\nanswers:\n" + "\n".join(lines))[:999_000].rsplit("\n", 1)[0] + "\n"
    assert text.count("unknown_") > 50_000
    error, seconds = _timed_refusal(lambda: parse_answers(text, SMALL, "big.yaml"))
    assert [str(p) for p in error.problems] == [
        f"big.yaml:{MAX_ANSWER_ENTRIES + 3}:3: too many answers in one file: the limit is 1,000 "
        "(see 'Limits' in rubric/README.md)"
    ]
    assert seconds < 5, f"took {seconds:.1f} s"  # before: 13 s and 83,425 error lines


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "a: " + "{b: " * 50_000 + "1" + "}" * 50_000 + "\n",
        "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "end\n",
    ],
    ids=["flow lists", "flow mappings", "block mappings"],
)
@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_deep_nesting_is_refused_without_recursion(
    text: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if parser == "python":
        monkeypatch.setattr(source, "_EVENT_SOURCE", yaml.SafeLoader)
    error, seconds = _timed_refusal(lambda: parse_document(text, "deep.yaml"))
    assert len(error.problems) == 1
    assert error.problems[0].message == (
        "nested too deeply: more than 50 levels of lists and mappings inside each other; "
        "expected a flatter file"
    )
    assert seconds < 5


@pytest.mark.parametrize(
    "case",
    sorted((DATA / "broken" / "answers").glob("[12]*_*.yaml")),
    ids=lambda p: p.stem,
)
def test_the_pure_python_parser_gives_the_same_messages(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyYAML without libyaml (rare) reads through the same limits and checks."""

    def problems() -> list[str]:
        try:
            parse_answers(case.read_bytes(), SMALL, case.name)
        except (AnswersError, InputFileError) as exc:
            return [str(p) for p in exc.problems]
        return []

    fast = problems()
    monkeypatch.setattr(source, "_EVENT_SOURCE", yaml.SafeLoader)
    assert problems() == fast


# --- paths that are not files -----------------------------------------------------------------


def _run_cli_with_timeout(argv: list[str], seconds: float) -> int:
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(main(argv)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert result, f"adoption-advisor {' '.join(argv)} did not return within {seconds} s"
    return result[0]


def test_a_fifo_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    assert _run_cli_with_timeout(["validate", str(fifo)], 10) == 2
    expected = f"error: {fifo}: is a pipe (FIFO); expected a YAML or JSON file\n"
    assert capsys.readouterr().err == expected
    assert _run_cli_with_timeout(["score", str(fifo), "--rubric", str(fifo)], 10) == 2


def test_a_directory_or_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="is a directory; expected a YAML or JSON file"):
        load_document(tmp_path)
    if Path("/dev/null").exists():
        with pytest.raises(InputFileError, match="is a device; expected a YAML or JSON file"):
            load_document("/dev/null")


# --- characters -------------------------------------------------------------------------------


def test_json_escapes_of_characters_beyond_u_ffff_read_as_written() -> None:
    text = json.dumps({"title": "Triage 😀 \\ud83d", "answers": {"gain": "some"}})
    assert "\\ud83d\\ude00" in text  # how json.dumps writes the emoji
    assert parse_answers(text, SMALL, "a.json").title == "Triage 😀 \\ud83d"


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x18", "\x1b", "\ufffe"])
def test_text_that_cannot_be_shown_is_refused_in_files_and_dropped_from_a_save(
    character: str,
) -> None:
    text = json.dumps({"title": f"Review{character}queue", "answers": {"gain": "some"}})
    with pytest.raises(InputFileError) as info:
        parse_answers(text, SMALL, "a.json")
    code = f"U+{ord(character):04X}"
    assert str(info.value) == (
        f"a.json:1:11: text with the character {code}, which cannot be shown; "
        "expected printable text"
    )
    assert not _accepts(Answers, {"title": f"Review{character}queue"})
    usable, _ = usable_answers(
        SMALL,
        f"Review{character}queue",
        {},
        {"gain": f"a{character}b"},
        {"options": [{"id": "a", "title": f"Hosted{character}"}]},
    )
    assert usable.title == "Reviewqueue"
    assert usable.notes == {"gain": "ab"}
    assert usable.options[0].title == "Hosted"
