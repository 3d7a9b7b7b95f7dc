"""AppTest: the Policy page checks a draft against the reference decisions, and lets a
policy owner switch conditions off and set when a verdict is final."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from scoring.calibration import load_cases

from .conftest import ROOT

CASES = len(load_cases(ROOT / "examples" / "reference"))


@pytest.fixture
def policy() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("ui/policy.py").run()
    assert not at.exception
    return at


def _agreeing(at: AppTest) -> str:
    [metric] = [m for m in at.metric if m.label == "Known decisions the draft agrees with"]
    return str(metric.value)


def test_the_shipped_policy_agrees_with_every_reference_decision(policy: AppTest) -> None:
    assert _agreeing(policy) == f"{CASES} of {CASES}"
    assert any("importance, not strictness" in c.value for c in policy.caption)


def test_a_mis_tuned_draft_shows_which_known_decisions_it_breaks(policy: AppTest) -> None:
    policy.number_input(key="pol_th_recommend").set_value(95.0).run()
    assert not policy.exception
    agreeing = int(_agreeing(policy).split(" of ")[0])
    assert agreeing < CASES
    tables = [d.value for d in policy.dataframe if "Mismatch" in d.value.columns]
    assert len(tables) == 1
    assert "expected recommend, got adapt" in " ".join(tables[0]["Mismatch"])


def test_switching_a_condition_off_changes_the_check(policy: AppTest) -> None:
    policy.toggle(key="pol_cond_keep_data_in_house").set_value(False).run()
    policy.toggle(key="pol_cond_operations_for_self_hosting").set_value(False).run()
    assert not policy.exception
    assert int(_agreeing(policy).split(" of ")[0]) < CASES
    policy.slider(key="pol_finality").set_value(50).run()
    assert not policy.exception
