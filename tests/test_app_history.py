"""AppTest: History & decision — record a decision on a revision, see it flagged once the
answers move on, compare with the revision it was taken on."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from advisor.storage import Store, database_url
from scoring import load_rubric

from .conftest import ROOT, shown

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")


def _label(question_id: str, option_id: str) -> str:
    question: Any = DEFAULT.questions_by_id[question_id]
    return str(next(o.label for o in question.options if o.id == option_id))


def test_a_decision_is_recorded_on_a_revision_and_flagged_when_the_answers_move_on() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.text_input(key="title_input").input("Clause search").run()
    at.radio(key="answer__use_pattern").set_value("internal_assistant").run()
    assessment_id = at.session_state["aa_id"]

    at.switch_page("ui/history.py").run()
    assert not at.exception
    assert any("No decision is recorded yet" in c.value for c in at.caption)
    at.radio(key="decision_outcome").set_value("approved_with_conditions")
    at.text_input(key="decision_by").input("Dana Ortiz")
    at.text_area(key="decision_note").input("Lawyers read every hit.")
    next(b for b in at.button if shown(b.label) == "Record decision").click().run()
    assert not at.exception
    assert any("Recorded: Approved with conditions by Dana Ortiz" in s.value for s in at.success)
    [decision] = Store(database_url()).decisions(assessment_id)
    assert (decision.outcome, decision.decided_by, decision.revision) == (
        "approved_with_conditions",
        "Dana Ortiz",
        2,  # created by the title, then one answer
    )
    assert len(decision.report_sha256) == 64

    at.switch_page("ui/assess.py").run()
    at.radio(key="answer__use_pattern").set_value("automated_decision").run()
    at.switch_page("ui/history.py").run()
    assert not at.exception
    assert any(
        "The decision was taken on revision 2; the assessment has changed since (now revision 3)"
        in w.value
        for w in at.warning
    )
    page = "\n".join(m.value for m in at.markdown)
    assert "Approved with conditions" in page and "Dana Ortiz" in page
    at.selectbox(key="history_compare").set_value(2).run()
    [table] = [t for t in at.table if "Question" in t.value.columns]
    row = table.value.iloc[0]
    assert row["Question"] == DEFAULT.questions_by_id["use_pattern"].prompt
    assert row["Revision 2"] == _label("use_pattern", "internal_assistant")
    assert row["Now"] == _label("use_pattern", "automated_decision")


def test_without_a_saved_assessment_the_page_says_where_to_start() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page("ui/history.py").run()
    assert not at.exception
    assert any("history starts with the first save" in i.value for i in at.info)


def test_a_page_that_fails_while_loading_shows_a_friendly_message_not_a_traceback(
    monkeypatch: Any,
) -> None:
    import scoring.history

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    # The page's own import fails, before any of its code runs.
    monkeypatch.delattr(scoring.history, "answer_changes")
    at.switch_page("ui/history.py").run()
    assert not at.exception
    assert any("Something went wrong on this page" in e.value for e in at.error)
    assert any("ImportError" in e.value for e in at.error)
