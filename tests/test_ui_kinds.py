"""AppTest: every question kind can be answered on every page that takes answers.

A custom rubric (tests/data/every_kind_rubric.yaml) marks a question of each kind
``per_option``: each is answered on Assess (the shared answer) and, per option, on Options &
costs, "don't know" included where the rubric allows it, and each answer reaches the
session and the database. The answered count agrees between Assess, the Assessments list
and the report.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from advisor.storage import Store, database_url
from scoring import load_answers, load_rubric, score, usable_answers
from scoring.models import QUESTION_KINDS, UNKNOWN, AnswerValue
from scoring.options import headline_answers
from ui import keys
from ui.widgets import WIDGETS

from .conftest import DATA, ROOT, shown

RUBRIC = load_rubric(DATA / "every_kind_rubric.yaml")
DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
DELIVERY = [s.id for s in RUBRIC.sections].index("delivery")

# (question, answer, as it is stored): every kind, and "don't know" through each widget
# that offers it ("not applicable" is an option or band like any other).
ANSWERS: list[tuple[str, AnswerValue, AnswerValue]] = [
    ("hosting", "in_house", "in_house"),
    ("hosting", UNKNOWN, UNKNOWN),
    ("review", "all", "all"),
    ("review", UNKNOWN, UNKNOWN),
    ("checks", ["accuracy", "robustness"], ["accuracy", "robustness"]),
    ("checks", ["nothing_to_check"], ["nothing_to_check"]),
    ("checks", UNKNOWN, UNKNOWN),
    ("latency", 30.0, 30),
    ("latency", 0.5, 0.5),
    ("latency", UNKNOWN, UNKNOWN),
    ("budget", 0.0, 0),
]


def _case_id(case: tuple[str, AnswerValue, AnswerValue]) -> str:
    question_id, value, _ = case
    return f"{RUBRIC.questions_by_id[question_id].kind}-{question_id}-{value}"


def _store() -> Store:
    return Store(database_url())


def _app(**query: str) -> AppTest:
    """The app with the every-kind rubric as the active policy version."""
    store = _store()
    store.migrate()
    active = store.active_version()
    if active is None or active.rubric_id != RUBRIC.id:
        store.publish(RUBRIC, author="tests", base_pk=None, activate=True)
    store.engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def _answer(at: AppTest, question_id: str, value: AnswerValue, key: str, unknown_key: str) -> None:
    """Answer through the widget the page drew for the question's kind, as a person would."""
    kind = RUBRIC.questions_by_id[question_id].kind
    if kind in ("single", "scale"):
        radios = [r for r in at.radio if r.key == key]
        widget: Any = radios[0] if radios else at.selectbox(key=key)
        widget.set_value(value).run()
    elif value == UNKNOWN:
        at.checkbox(key=unknown_key).check().run()
    elif kind == "multiple":
        at.multiselect(key=key).set_value(value).run()
    else:
        at.number_input(key=key).set_value(value).run()
    assert not at.exception, at.exception


def test_every_question_kind_has_a_widget() -> None:
    assert set(WIDGETS) == set(QUESTION_KINDS)


def test_the_rubric_asks_every_kind_per_option() -> None:
    kinds = {q.kind for q in RUBRIC.questions if q.per_option}
    assert kinds == set(QUESTION_KINDS)


@pytest.mark.parametrize("case", ANSWERS, ids=_case_id)
def test_each_kind_is_answered_on_assess_and_saved(
    case: tuple[str, AnswerValue, AnswerValue],
) -> None:
    question_id, value, stored = case
    at = _app()
    at.pills(key=keys.JUMP_SECTION).set_value(DELIVERY).run()
    _answer(at, question_id, value, keys.answer(question_id), keys.unknown(question_id))
    assert at.session_state[keys.ANSWERS] == {question_id: stored}
    saved = _store().assessment(at.session_state[keys.ASSESSMENT_ID])
    assert saved.answers == {question_id: stored}
    assert usable_answers(RUBRIC, saved.title, saved.answers, saved.notes)[1] == []

    reloaded = _app(a=saved.id)  # the saved answer seeds the widget in a new session
    reloaded.pills(key=keys.JUMP_SECTION).set_value(DELIVERY).run()
    kind = RUBRIC.questions_by_id[question_id].kind
    if stored == UNKNOWN and kind in ("multiple", "number"):
        assert reloaded.checkbox(key=keys.unknown(question_id)).value is True
    elif kind == "number":
        assert reloaded.number_input(key=keys.answer(question_id)).value == value
    elif kind == "multiple":
        assert reloaded.multiselect(key=keys.answer(question_id)).value == value
    else:
        assert reloaded.radio(key=keys.answer(question_id)).value == value


def _two_options(at: AppTest) -> None:
    at.switch_page("ui/options.py").run()
    at.text_input(key=keys.option_title(0)).input("Hosted").run()
    at.text_input(key=keys.option_title(1)).input("In house").run()
    assert not at.exception


@pytest.mark.parametrize("case", ANSWERS, ids=_case_id)
def test_each_kind_is_answered_per_option_and_saved(
    case: tuple[str, AnswerValue, AnswerValue],
) -> None:
    question_id, value, stored = case
    at = _app()
    at.radio(key=keys.answer("audience")).set_value("staff").run()
    _two_options(at)
    # the second option's answer only: the first keeps none, the shared answers are untouched
    key, unknown_key = keys.option_answer(1, question_id), keys.option_unknown(1, question_id)
    _answer(at, question_id, value, key, unknown_key)
    options = at.session_state[keys.EXTRA]["options"]
    assert options[0].get("answers", {}) == {}
    assert options[1]["answers"] == {question_id: stored}
    assert at.session_state[keys.ANSWERS] == {"audience": "staff"}
    saved = _store().assessment(at.session_state[keys.ASSESSMENT_ID])
    assert saved.extra["options"][1]["answers"] == {question_id: stored}
    usable, problems = usable_answers(RUBRIC, saved.title, saved.answers, saved.notes, saved.extra)
    assert problems == []
    assert usable.options[1].answers == {question_id: stored}

    reloaded = _app(a=saved.id)  # the saved answer seeds the widget in a new session
    reloaded.switch_page("ui/options.py").run()
    kind = RUBRIC.questions_by_id[question_id].kind
    if stored == UNKNOWN and kind in ("multiple", "number"):
        assert reloaded.checkbox(key=unknown_key).value is True
    elif kind == "number":
        assert reloaded.number_input(key=key).value == value
    elif kind == "multiple":
        assert reloaded.multiselect(key=key).value == value
    else:
        assert reloaded.selectbox(key=key).value == value


def test_dont_know_is_offered_only_where_the_rubric_allows_it() -> None:
    at = _app()
    at.pills(key=keys.JUMP_SECTION).set_value(DELIVERY).run()
    _two_options(at)
    assert at.selectbox(key=keys.option_answer(0, "hosting")).options[-1] == "Don't know"
    boxes = {c.key for c in at.checkbox}
    for slot in (0, 1):
        assert keys.option_unknown(slot, "checks") in boxes
        assert keys.option_unknown(slot, "latency") in boxes
        assert keys.option_unknown(slot, "budget") not in boxes  # allow_unknown: false


def test_ticking_dont_know_off_again_keeps_the_answer_in_the_widget() -> None:
    at = _app()
    _two_options(at)
    at.multiselect(key=keys.option_answer(0, "checks")).set_value(["accuracy"]).run()
    at.checkbox(key=keys.option_unknown(0, "checks")).check().run()
    assert at.session_state[keys.EXTRA]["options"][0]["answers"] == {"checks": UNKNOWN}
    assert at.multiselect(key=keys.option_answer(0, "checks")).disabled
    at.checkbox(key=keys.option_unknown(0, "checks")).uncheck().run()
    assert at.session_state[keys.EXTRA]["options"][0]["answers"] == {"checks": ["accuracy"]}


def test_options_answered_with_every_kind_are_scored_per_option() -> None:
    at = _app()
    at.radio(key=keys.answer("audience")).set_value("staff").run()
    _two_options(at)
    for slot, answers in enumerate(
        [
            {"hosting": "provider", "review": "all", "checks": ["accuracy"], "latency": 90.0},
            {"hosting": "in_house", "review": "none", "checks": UNKNOWN, "budget": 0.0},
        ]
    ):
        for question_id, value in answers.items():
            key = keys.option_answer(slot, question_id)
            _answer(at, question_id, value, key, keys.option_unknown(slot, question_id))
    saved = _store().assessment(at.session_state[keys.ASSESSMENT_ID])
    assert [o["answers"] for o in saved.extra["options"]] == [
        {"hosting": "provider", "review": "all", "checks": ["accuracy"], "latency": 90},
        {"hosting": "in_house", "review": "none", "checks": UNKNOWN, "budget": 0},
    ]
    usable, _ = usable_answers(RUBRIC, saved.title, saved.answers, saved.notes, saved.extra)
    scored, main, _ = headline_answers(RUBRIC, usable)
    assert main == "Hosted"
    assert saved.verdict == score(RUBRIC, scored).verdict


# --- one count of "answered" on every page ------------------------------------------------------


def _assess_count(at: AppTest) -> str:
    """How many are answered on Assess. Its total is the most that can still be asked (no
    jump as follow-ups appear), so only the answered count is compared with the others."""
    at.switch_page("ui/assess.py").run()
    text = at.progress[0].proto.text
    found = re.match(r"(?:All )?(\d+) questions? answered", text)
    assert found, text
    return found.group(1)


def _answered(count: str) -> str:
    """The answered number of "3 of 6 questions"."""
    return count.split(" of ")[0]


def _report_count(at: AppTest) -> str:
    at.switch_page("ui/report.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown if 'role="status"' in m.value)
    found = re.search(r"(\d+ of \d+ questions?) answered", text)
    assert found, text
    return found.group(1)


def _list_count(at: AppTest) -> str:
    at.switch_page("ui/assessments.py").run()
    found = re.search(r"(\d+ of \d+ questions?) answered", at.caption[1].value)
    assert found, at.caption[1].value
    return found.group(1)


def test_per_option_answers_count_as_the_report_counts_them() -> None:
    at = _app()
    at.radio(key=keys.answer("audience")).set_value("staff").run()
    _two_options(at)
    at.selectbox(key=keys.option_answer(0, "hosting")).set_value("provider").run()
    at.selectbox(key=keys.option_answer(0, "review")).set_value("all").run()
    at.checkbox(key=keys.option_unknown(0, "latency")).check().run()
    # The first option (the main one) has two answers of its own: with the shared one,
    # three of six are answered, and the "don't know" stays open.
    assert _assess_count(at) == "3"
    # six questions and none is a follow-up: at most three to go, the "don't know" among them
    text = at.progress[0].proto.text
    assert text == "3 questions answered · at most 3 to go (1 of them marked “Don't know”)"
    assert _list_count(at) == "3 of 6 questions"
    assert _report_count(at) == "3 of 6 questions"


def test_an_example_with_options_counts_the_same_on_assess_list_and_report() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    name = "support_triage_options.yaml"
    content = (ROOT / "examples" / name).read_bytes()
    at.file_uploader(key=keys.ANSWERS_UPLOAD).set_value((name, content, "application/x-yaml"))
    at.run()
    loaded = load_answers(ROOT / "examples" / name, DEFAULT)
    said = f"Loaded {len(loaded.answers)} answers from {name}."
    assert any(shown(s.value) == said for s in at.success)
    scored, _, _ = headline_answers(DEFAULT, loaded)
    completeness = score(DEFAULT, scored).completeness
    expected = f"{completeness.answered} of {completeness.shown} questions"
    assert _assess_count(at) == _answered(expected)
    assert _list_count(at) == expected
    assert _report_count(at) == expected
