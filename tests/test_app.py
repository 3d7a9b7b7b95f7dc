"""The app starts and shows the active policy (the full app arrives with issue 3)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from .conftest import ROOT


def test_app_runs_and_names_the_policy() -> None:
    at = AppTest.from_file(str(ROOT / "app.py")).run(timeout=30)
    assert not at.exception
    assert at.title[0].value == "Adoption Advisor"
    assert "default v1.0.0" in at.caption[0].value
