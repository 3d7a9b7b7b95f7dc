"""First contact on Assess: the introduction of a first visit (what the tool does, how long
it takes, what the verdicts mean, a blank start or an example), the row of sections, a
progress total that answering never raises, and the next step after the last section."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from advisor.storage import Store, database_url
from scoring import Answers, load_answers, load_rubric, usable_answers
from scoring.models import UNKNOWN
from ui import examples as examples_module
from ui import keys, state

from .conftest import ROOT, shown

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def _intro_text(at: AppTest) -> str:
    return shown(" ".join(m.value for m in at.markdown))


def _has_intro(at: AppTest) -> bool:
    return any(b.key == "intro_blank" for b in at.button)


# --- the introduction -----------------------------------------------------------------------


def test_a_first_visit_says_what_the_tool_does_how_long_and_what_the_verdicts_mean() -> None:
    at = _app()
    assert _has_intro(at)
    text = _intro_text(at)
    assert "about 15 minutes" in text
    for verdict in ("Recommend", "Adapt", "Avoid"):
        assert f"**{verdict}**" in text
    assert "keep today's process" in text  # Avoid, in words
    assert "The report lists them." in text  # Adapt's conditions
    # the questionnaire is right below it: nothing has to be dismissed to start answering
    assert at.radio(key=keys.answer("use_pattern"))


def test_start_blank_puts_the_introduction_away_for_the_session() -> None:
    at = _app()
    at.button(key="intro_blank").click().run()
    assert not _has_intro(at)
    assert at.session_state[keys.ANSWERS] == {}
    at.switch_page("ui/report.py").run()
    at.switch_page("ui/assess.py").run()
    assert not _has_intro(at)


def test_answering_or_opening_a_link_shows_no_introduction() -> None:
    at = _app()
    at.radio(key=keys.answer("use_pattern")).set_value("internal_assistant").run()
    assert not _has_intro(at)
    assert not _has_intro(_app(a=at.session_state[keys.ASSESSMENT_ID]))


def test_start_from_an_example_loads_it_as_a_new_saved_assessment() -> None:
    at = _app()
    choice = at.selectbox(key=keys.INTRO_EXAMPLE)
    titles = {str(p): load_answers(p, DEFAULT).title for p in EXAMPLES}
    assert choice.options == list(titles.values())  # the files' titles, as the list shows them
    sales = str(ROOT / "examples" / "sales_call_summaries.yaml")
    choice.set_value(sales).run()
    at.button(key="intro_load_example").click().run()
    assert not at.exception
    expected = load_answers(sales, DEFAULT)
    assert at.session_state[keys.ANSWERS] == expected.answers
    assert at.text_input(key=keys.TITLE_INPUT).value == expected.title
    said = " ".join(shown(s.value) for s in at.success)
    assert (
        f"Started from the example “{expected.title}” with {len(expected.answers)} questions answered."
        in said
    )
    assert not _has_intro(at)
    saved = Store(database_url()).assessment(at.session_state[keys.ASSESSMENT_ID])
    assert saved.answers == expected.answers


def test_without_an_examples_folder_only_the_blank_start_is_offered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(examples_module, "examples_dir", lambda: None)
    at = _app()
    assert _has_intro(at)
    assert not any(s.key == keys.INTRO_EXAMPLE for s in at.selectbox)
    assert not any(b.key == "intro_load_example" for b in at.button)


def test_the_examples_folder_is_found_beside_the_package_in_a_checkout() -> None:
    assert examples_module.examples_dir() == ROOT / "examples"


def test_only_examples_that_fit_the_policy_are_offered(tmp_path: Path) -> None:
    small = load_rubric(ROOT / "tests" / "data" / "small_rubric.yaml")
    assert examples_module.examples(small, "small-stamp") == []  # written for the default
    assert len(examples_module.examples(DEFAULT, "default-stamp")) == len(EXAMPLES)


# --- the row of sections --------------------------------------------------------------------


def test_every_section_is_one_click_away_with_its_answered_count() -> None:
    at = _app()
    stepper = at.pills(key=keys.JUMP_SECTION)
    labels = [shown(label) for label in stepper.options]
    assert len(labels) == len(DEFAULT.sections)
    assert labels[0].startswith("1. Use and value · 0/")
    stepper.set_value(3).run()
    assert at.header[0].value == DEFAULT.sections[3].title
    assert at.session_state[keys.STEP] == 3
    expertise: list[Any] = [q for q in DEFAULT.questions if q.section == DEFAULT.sections[3].id]
    for question in expertise:  # answer every question of the section shown
        at.radio(key=keys.answer(question.id)).set_value(question.options[0].id).run()
    stepper = at.pills(key=keys.JUMP_SECTION)
    done = stepper.proto.options[3]
    assert (done.content_icon, shown(done.content)) == (":material/check:", "4. Expertise")
    assert not stepper.proto.options[4].content_icon  # not complete: a count instead


# --- a total that answering never raises ------------------------------------------------------


def _in_order(answers: Answers) -> list[Answers]:
    """The answers as a person gives them: one more question at a time, in rubric order."""
    given: dict[str, Any] = {}
    steps = []
    for question in DEFAULT.questions:
        if question.id in answers.answers:
            given[question.id] = answers.answers[question.id]
            usable, _ = usable_answers(DEFAULT, answers.title, dict(given), {}, {})
            steps.append(usable)
    return steps


def test_the_progress_total_never_rises_while_answering_though_the_shown_count_does() -> None:
    rose = False
    for example in EXAMPLES:
        answers = load_answers(example, DEFAULT)
        answers = answers.model_copy(update={"options": []})  # shared answers only
        totals, shown_counts = [], []
        for usable in _in_order(answers):
            counted = state.progress(DEFAULT, usable)
            totals.append(len(counted.possible))
            shown_counts.append(len(counted.shown))
            assert set(counted.shown) <= set(counted.possible)
        assert totals == sorted(totals, reverse=True), example.name
        rose = rose or any(b > a for a, b in itertools.pairwise(shown_counts))
    # the count of questions shown does jump as follow-ups appear: the reason for the total
    assert rose


def test_the_bar_says_how_many_are_answered_and_at_most_how_many_are_left() -> None:
    at = _app()
    counted = state.progress(DEFAULT, usable_answers(DEFAULT, "t", {}, {}, {})[0])
    assert at.progress[0].proto.text == f"0 questions answered · at most {counted.to_go} to go"
    at.radio(key=keys.answer("use_pattern")).set_value(UNKNOWN).run()
    assert at.progress[0].proto.text.endswith("(1 of them marked “Don't know”)")


# --- the next step --------------------------------------------------------------------------


def test_after_the_last_section_the_next_step_is_options_then_the_report() -> None:
    at = _app()
    at.pills(key=keys.JUMP_SECTION).set_value(len(DEFAULT.sections) - 1).run()
    assert not any(b.key == "nav_next" for b in at.button)
    next_step = at.button(key="nav_options")
    assert next_step.label == "Next: Options & costs →"
    assert next_step.proto.type == "primary"
    next_step.click().run()
    assert not at.exception
    assert at.title[0].value == "Options & costs"
    at.button(key="nav_report").click().run()
    assert not at.exception
    assert at.title[0].value == "Report"
