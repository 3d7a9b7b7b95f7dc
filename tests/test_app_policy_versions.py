"""Policy page: after a publish the version selector shows the new active version; what a
draft and a version change is said in sentences, with the version's change note."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from scoring import load_rubric
from scoring.policy import bump_version
from ui import keys

from .conftest import ROOT, shown

V0 = load_rubric(ROOT / "rubric" / "default.yaml").version
V1 = bump_version(V0)


@pytest.fixture
def policy() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.switch_page("ui/policy.py").run()
    assert not at.exception
    return at


def _button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if shown(b.label) == label)


def _texts(at: AppTest) -> str:
    return shown(" ".join(m.value for m in [*at.markdown, *at.caption]))


def _selector(at: AppTest) -> Any:
    return next(s for s in at.selectbox if s.label == "Version for new assessments")


def _publish_stricter(at: AppTest, note: str) -> None:
    at.number_input(key=keys.threshold("recommend")).set_value(80.0).run()
    at.text_input(key=keys.POLICY_NOTE).input(note).run()
    _button(at, f"Publish as default v{V1}").click().run()
    assert not at.exception


def test_after_a_publish_the_selector_shows_the_new_active_version(policy: AppTest) -> None:
    assert _selector(policy).value == 1
    assert _button(policy, "Activate").disabled
    _publish_stricter(policy, "stricter Recommend")
    selector = _selector(policy)
    assert selector.value == 2  # the new version, not the one it replaced
    assert selector.format_func(selector.value) == f"#2 default v{V1}"
    assert _button(policy, "Activate").disabled  # one click cannot undo the publish
    # choosing the earlier version again is still possible, and says what it would undo
    selector.set_value(1).run()
    assert not _button(policy, "Activate").disabled
    _button(policy, "Activate").click().run()
    assert f"New assessments use **default v{V0}**" in shown(policy.markdown[0].value)
    assert _selector(policy).value == 1
    assert any(f"New assessments now use default v{V0}" in shown(s.value) for s in policy.success)


def test_the_draft_says_what_it_changes_from_its_base(policy: AppTest) -> None:
    assert "What the draft changes" not in _texts(policy)  # nothing to publish yet
    policy.number_input(key=keys.threshold("recommend")).set_value(80.0).run()
    policy.toggle(key=keys.rule_switch("no_incremental_benefit")).set_value(False).run()
    texts = _texts(policy)
    assert f"What the draft changes from default v{V0}" in texts
    recommend = load_rubric(ROOT / "rubric" / "default.yaml").thresholds.recommend
    assert f"The Recommend threshold moved from {recommend:g} to 80." in texts
    assert "Hard rule switched off:" in texts


def test_a_version_shows_its_change_note_and_what_it_changed(policy: AppTest) -> None:
    texts = _texts(policy)
    assert "The first version of this policy" in texts
    _publish_stricter(policy, "Recommend needs 80 after the Q3 review")
    texts = _texts(policy)
    assert "Change note: “Recommend needs 80 after the Q3 review”" in texts
    assert f"What it changed from default v{V0}:" in texts
    assert "The Recommend threshold moved from" in texts


def test_a_database_on_an_older_policy_is_told_the_app_ships_a_newer_one() -> None:
    """An existing database keeps its active policy when the app ships a new one; the
    Policy page says so and opens the shipped policy as the draft, ready to publish."""
    import os

    from advisor.storage import Store

    shipped = load_rubric(ROOT / "rubric" / "default.yaml")
    older = shipped.model_copy(
        update={
            "version": "1.9.0",
            "thresholds": shipped.thresholds.model_copy(update={"recommend": 70}),
        }
    )
    db = Store(os.environ["ADVISOR_DATABASE_URL"])
    db.migrate()
    db.publish(older, author="last year", note="", base_pk=None)
    db.engine.dispose()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.switch_page("ui/policy.py").run()
    assert not at.exception
    notice = f"This app ships a newer policy: default v{V0}"
    assert notice in _texts(at)
    _button(at, "Open the shipped policy as the draft").click().run()
    _button(at, f"Publish as default v{V0}").click().run()
    assert not at.exception
    assert notice not in _texts(at)
    assert f"New assessments use **default v{V0}**" in _texts(at)
