"""Assess: the decision owner and the author are typed beside the title, saved with the
assessment (its extra blocks "owner" and "author"), reopened by a link, exported and
loaded from an answers file."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from advisor.storage import Store, database_url
from scoring import answers_to_yaml, load_rubric, parse_answers, usable_answers
from ui import keys

from .conftest import ROOT


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def test_owner_and_author_are_saved_and_reopened() -> None:
    at = _app()
    at.text_input(key=keys.OWNER_INPUT).input("Dana Ortiz").run()
    at.text_input(key=keys.AUTHOR_INPUT).input("  Sam Lee ").run()
    assert not at.exception
    extra = at.session_state[keys.EXTRA]
    assert (extra["owner"], extra["author"]) == ("Dana Ortiz", "Sam Lee")
    assessment_id = at.session_state[keys.ASSESSMENT_ID]
    saved = Store(database_url()).assessment(assessment_id)
    assert (saved.extra["owner"], saved.extra["author"]) == ("Dana Ortiz", "Sam Lee")

    reloaded = _app(a=assessment_id)  # a reload or a shared link
    assert reloaded.text_input(key=keys.OWNER_INPUT).value == "Dana Ortiz"
    assert reloaded.text_input(key=keys.AUTHOR_INPUT).value == "Sam Lee"

    reloaded.text_input(key=keys.OWNER_INPUT).input("   ").run()  # blank: no owner at all
    assert "owner" not in reloaded.session_state[keys.EXTRA]
    assert "owner" not in Store(database_url()).assessment(assessment_id).extra


def test_an_answers_file_brings_its_owner_and_author_and_the_download_keeps_them() -> None:
    at = _app()
    content = (
        b"title: Contract search\nowner: Ana Pereira\nauthor: Lee Chan\n"
        b"answers:\n  use_pattern: internal_assistant\n"
    )
    at.file_uploader(key=keys.ANSWERS_UPLOAD).set_value(("a.yaml", content, "text/yaml")).run()
    assert at.text_input(key=keys.OWNER_INPUT).value == "Ana Pereira"
    assert at.text_input(key=keys.AUTHOR_INPUT).value == "Lee Chan"
    at.text_input(key=keys.AUTHOR_INPUT).input("Lee Chan, Product").run()

    rubric = load_rubric(ROOT / "rubric" / "default.yaml")
    extra = at.session_state[keys.EXTRA]
    assert extra["author"] == "Lee Chan, Product"
    # an answers file made from the session (as "Download answers" makes it) keeps both
    usable, _ = usable_answers(rubric, "Contract search", {}, {}, extra)
    again = parse_answers(answers_to_yaml(usable), rubric)
    assert (again.owner, again.author) == ("Ana Pereira", "Lee Chan, Product")


def test_the_decision_owner_is_who_the_decision_form_starts_with() -> None:
    at = _app()
    at.text_input(key=keys.OWNER_INPUT).input("Dana Ortiz").run()
    at.switch_page("ui/history.py").run()
    assert not at.exception
    assert at.text_input(key="decision_by").value == "Dana Ortiz"
