"""AppTest: numbers that add up — hours asked once, options answer only what differs, and
the same score for the same assessment and policy on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from advisor.reports.model import build_report
from scoring import load_rubric, parse_answers
from ui import keys

from .conftest import ROOT, shown

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
EXAMPLE = ROOT / "examples" / "support_triage_options.yaml"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    assert not at.exception
    return at


def _upload(app: AppTest, content: bytes) -> None:
    app.file_uploader(key=keys.ANSWERS_UPLOAD).set_value(
        ("options.yaml", content, "application/x-yaml")
    ).run()
    assert not app.exception


def _badge_scores(app: AppTest) -> list[str]:
    badges = [m.value for m in app.markdown if 'role="status"' in m.value]
    return [re.findall(r"\b\d{1,3}\.\d\b", shown(b))[0] for b in badges]


def _button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if shown(b.label) == label)


def _captions(app: AppTest) -> list[str]:
    return [shown(c.value) for c in app.caption]


def test_every_page_shows_the_reports_score_for_an_options_assessment(app: AppTest) -> None:
    """Report, Policy preview, the Assessments list and Re-score: one score, the headline
    option's, for the same assessment and policy."""
    expected = build_report(DEFAULT, parse_answers(EXAMPLE.read_bytes(), DEFAULT))
    score = f"{expected.result.score:.1f}"
    _upload(app, EXAMPLE.read_bytes())
    app.switch_page("ui/report.py").run()
    assert _badge_scores(app) == [score]
    app.switch_page("ui/policy.py").run()
    assert _badge_scores(app) == [score, score]  # before and after an edit: none yet
    app.switch_page("ui/assessments.py").run()
    assert any(c.startswith(f"Recommend · {score} · ") for c in _captions(app))
    app.switch_page("ui/policy.py").run()
    app.number_input(key=keys.threshold("recommend")).set_value(90.0).run()
    major, minor, patch = DEFAULT.version.split(".")
    _button(app, f"Publish as default v{major}.{minor}.{int(patch) + 1}").click().run()
    app.switch_page("ui/rescore.py").run()
    assert not app.exception
    assert _badge_scores(app) == [score, score]  # the verdict moves, the score does not


def test_hours_are_asked_once_on_options_and_costs(app: AppTest) -> None:
    _upload(app, EXAMPLE.read_bytes())
    app.switch_page("ui/options.py").run()
    captions = _captions(app)
    assert (
        "Hours come from the labour rows below: 122 hours a week today, 83 of them freed. "
        "Today's cost and each option's saving use these hours."
    ) in captions
    labels = [n.label for n in app.number_input]
    assert "Human review, hours a week" in " ".join(shown(m.value) for m in app.markdown)
    assert not any("hours per month" in label for label in labels)
    # Assess shows the figure the roles give instead of asking for it again.
    app.switch_page("ui/assess.py").run()
    labour_step = [s.id for s in DEFAULT.sections].index("labour")
    app.session_state[keys.STEP] = labour_step
    app.run()
    said = [shown(m.value) for m in app.markdown if "hours a week" in m.value]
    assert said == [
        "**83 hours a week**, from the labour rows on Options & costs (hours a week per role × "
        "the share the model takes over). Change it there."
    ]
    assert keys.answer("weekly_hours") not in [n.key for n in app.number_input]


def test_an_option_answers_only_what_differs_and_the_page_says_which_counts(
    app: AppTest,
) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["answers"]["accuracy_gain"] = "better"  # the shared answer on Assess
    hosted, self_hosted, _ = data["options"]
    del self_hosted["answers"]["accuracy_gain"]  # no answer of its own: Assess's counts
    hosted["answers"]["accuracy_gain"] = "much_better"  # its own, differing
    _upload(app, yaml.safe_dump(data).encode())
    app.switch_page("ui/options.py").run()
    label = DEFAULT.questions_by_id["accuracy_gain"].answer_label("better")
    captions = _captions(app)
    assert f"Counts: this option's answer (Assess says “{label}”)." in captions
    assert f"Counts: “{label}” from Assess; answer here only if it differs." in captions
