"""AppTest: the Report page's memo names who decides and who prepared it, shows the recorded
decision (and that it was taken on an earlier revision once the answers move on), and gives
the assessment's full link to copy."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from advisor.storage import Store, database_url
from ui import keys

from .conftest import ROOT, shown


def _markdown(at: AppTest) -> str:
    return " ".join(shown(m.value) for m in at.markdown).replace("**", "")


def test_the_memo_shows_owner_author_the_recorded_decision_and_a_link_to_copy() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.text_input(key="title_input").input("Clause search").run()
    at.text_input(key=keys.OWNER_INPUT).input("Dana Ortiz").run()
    at.text_input(key=keys.AUTHOR_INPUT).input("Sam Lee").run()
    at.radio(key="answer__use_pattern").set_value("internal_assistant").run()
    assert not at.exception
    assessment_id = at.session_state[keys.ASSESSMENT_ID]
    store = Store(database_url())
    revision = store.assessment(assessment_id).revision
    store.record_decision(
        assessment_id,
        expected_revision=revision,
        outcome="deferred",
        decided_by="Lee Chen",
        decided_on=dt.date(2026, 11, 20),
        note="Wait for the pilot's numbers.",
        report_sha256="0" * 64,
    )

    at.switch_page("ui/report.py").run()
    assert not at.exception
    text = _markdown(at)
    assert "Decision owner: Dana Ortiz" in text and "Prepared by: Sam Lee" in text
    assert "Decision recorded: Deferred by Lee Chen on 2026-11-20" in text
    assert "Wait for the pilot's numbers." in text
    assert "earlier" not in text and "edited since" not in text
    [link] = [c.value for c in at.code]
    assert link.endswith(f"?a={assessment_id}")

    # an edit after the decision: the memo says the decision was taken on an earlier revision
    at.switch_page("ui/assess.py").run()
    at.radio(key="answer__use_pattern").set_value("classify_extract").run()
    assert not at.exception
    at.switch_page("ui/report.py").run()
    assert not at.exception
    assert f"taken on revision {revision}; this report is of revision" in _markdown(at)


def test_a_report_without_an_open_assessment_shows_no_link() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page("ui/report.py").run()
    assert not at.exception
    assert [c.value for c in at.code] == []
