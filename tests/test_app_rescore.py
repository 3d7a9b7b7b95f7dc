"""Re-score: what the other policy version does differently is said in sentences with its
change note, and only the sections that moved are listed."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from scoring import load_answers, load_rubric, score
from scoring.policy import PolicyEdits, apply_edits, bump_version, section_changes
from ui import keys
from ui.state import scored_answers

from .conftest import ROOT, shown

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
V0, V1 = DEFAULT.version, bump_version(DEFAULT.version)
EXAMPLE = "sales_call_summaries.yaml"


def _button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if shown(b.label) == label)


def _texts(at: AppTest) -> str:
    return shown(" ".join(m.value for m in [*at.markdown, *at.caption]))


def _publish(at: AppTest, edit: Any, note: str) -> AppTest:
    """Load the example, publish an edit of the policy with ``note``, open Re-score."""
    content = (ROOT / "examples" / EXAMPLE).read_bytes()
    at.file_uploader(key=keys.ANSWERS_UPLOAD).set_value((EXAMPLE, content, "text/yaml")).run()
    at.switch_page("ui/policy.py").run()
    edit(at)
    at.text_input(key=keys.POLICY_NOTE).input(note).run()
    _button(at, f"Publish as default v{V1}").click().run()
    at.switch_page("ui/rescore.py").run()
    assert not at.exception
    return at


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()


def test_a_threshold_change_is_said_with_the_note_and_no_section_is_listed(app: AppTest) -> None:
    def stricter(at: AppTest) -> None:
        at.number_input(key=keys.threshold("recommend")).set_value(90.0).run()

    _publish(app, stricter, "Recommend only above 90 from Q3")
    texts = _texts(app)
    assert f"What default v{V1} does differently from default v{V0}" in texts
    recommend = DEFAULT.thresholds.recommend
    assert f"The Recommend threshold moved from {recommend:g} to 90." in texts
    assert "“Recommend only above 90 from Q3”" in texts
    assert "No section's score, weight or contribution moves" in texts
    assert not app.dataframe  # no table of sections that did not move
    badges = [m.value for m in app.markdown if 'role="status"' in m.value]
    assert "Verdict: RECOMMEND" in badges[0] and "Verdict: ADAPT" in badges[1]


def test_only_the_sections_that_moved_are_listed(app: AppTest) -> None:
    # A question's weight moves its own section's score and nothing else.
    weight = DEFAULT.questions_by_id["ml_staff"].weight * 3 + 1

    def heavier(at: AppTest) -> None:
        at.number_input(key=keys.question_weight("ml_staff")).set_value(weight).run()

    _publish(app, heavier, "")
    texts = _texts(app)
    assert "The weight of “" in texts
    assert f"default v{V1} was published without a change note." in texts
    assert "1 section moved" in texts
    table = app.dataframe[0].value
    assert list(table["Section"]) == ["Expertise"]
    # the same sections the scoring core marks as moved
    answers = scored_answers(DEFAULT, load_answers(ROOT / "examples" / EXAMPLE, DEFAULT))
    edited = apply_edits(DEFAULT, PolicyEdits(question_weights={"ml_staff": weight}))
    changes = section_changes(score(DEFAULT, answers), score(edited, answers))
    assert [c.title for c in changes if c.moved] == ["Expertise"]
    assert "Moved" not in table.columns
