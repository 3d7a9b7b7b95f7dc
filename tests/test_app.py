"""AppTest: every page, the full journey, uploads, conditional questions, the policy editor."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from advisor.cli import main
from advisor.reports.charts import plausible_levers
from advisor.reports.model import build_report
from scoring import Answers, Rubric, load_answers, load_rubric
from scoring.compiled import compile_rubric
from scoring.models import UNKNOWN, MultipleChoiceQuestion, NumberQuestion
from scoring.policy import bump_version
from ui import keys

from .conftest import ROOT, shown

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
# Assessments answered question by question (options are entered on their own page).
SINGLE = [p for p in EXAMPLES if "\noptions:" not in p.read_text()]
DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
V0 = DEFAULT.version  # the shipped policy's version
V1 = bump_version(V0)  # the version an edit of it publishes as


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    assert not at.exception
    return at


def _set(at: AppTest, question: Any, value: Any) -> None:
    key = keys.answer(question.id)
    if value == UNKNOWN and isinstance(question, MultipleChoiceQuestion | NumberQuestion):
        at.checkbox(key=keys.unknown(question.id)).check().run()
    elif isinstance(question, MultipleChoiceQuestion):
        at.multiselect(key=key).set_value(list(value)).run()
    elif isinstance(question, NumberQuestion):
        at.number_input(key=key).set_value(float(value)).run()
    else:
        at.radio(key=key).set_value(value).run()
    assert not at.exception


def fill_through_widgets(at: AppTest, rubric: Rubric, answers: Answers) -> None:
    """Answer every question the way a person would: section by section, clicking Next."""
    for step, section in enumerate(rubric.sections):
        assert at.session_state[keys.STEP] == step
        for question in rubric.questions:
            if question.section == section.id and question.id in answers.answers:
                _set(at, question, answers.answers[question.id])
        for question_id, note in answers.notes.items():
            if rubric.questions_by_id[question_id].section == section.id:
                at.text_input(key=keys.note(question_id)).input(note).run()
        if step < len(rubric.sections) - 1:
            at.button(key="nav_next").click().run()


def _page_verdict(at: AppTest) -> str:
    badges = [m.value for m in at.markdown if 'role="status"' in m.value]
    assert len(badges) == 1
    match = re.search(r"Verdict: (RECOMMEND|ADAPT|AVOID)</div>", badges[0])
    assert match, badges[0]
    return match.group(1).lower()


def test_every_page_runs(app: AppTest) -> None:
    assert app.title[0].value == "Assess a use case"
    assert app.radio(key="answer__use_pattern").label
    app.switch_page("ui/report.py").run()
    assert not app.exception
    assert "Answer at least one question" in app.info[0].value
    app.switch_page("ui/policy.py").run()
    assert not app.exception
    assert app.title[0].value == "Policy"
    sidebar = shown(" ".join(m.value for m in [*app.sidebar.markdown, *app.sidebar.caption]))
    assert DEFAULT.title in sidebar and f"Version {V0}" in sidebar
    assert "`default`" not in sidebar  # the policy's id is not how a PM names it


@pytest.mark.parametrize("example", SINGLE, ids=lambda p: p.stem)
def test_full_journey_matches_the_cli(
    example: Path, app: AppTest, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = load_answers(example, DEFAULT)
    app.text_input(key="title_input").input(answers.title).run()
    fill_through_widgets(app, DEFAULT, answers)
    assert app.session_state[keys.ANSWERS] == answers.answers
    assert app.session_state[keys.NOTES] == answers.notes

    app.switch_page("ui/report.py").run()
    assert not app.exception
    assert main(["score", str(example.relative_to(ROOT))]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert _page_verdict(app) == cli["verdict"]
    assert f"Score {cli['score']:.1f} / 100" in " ".join(m.value for m in app.markdown)
    # factors and drivers; the sensitivity chart only when a plausible change flips the verdict
    report = build_report(DEFAULT, answers)
    flips = bool(plausible_levers(report.sensitivity))
    assert len(app.get("vega_lite_chart")) == (3 if flips else 2)
    subheaders = [h.value for h in app.subheader]
    for heading in ("How close the verdict is", "What would change the verdict", "Resolve first"):
        assert heading in subheaders


def test_answers_survive_moving_between_steps_and_pages(app: AppTest) -> None:
    app.radio(key="answer__use_pattern").set_value("classify_extract").run()
    app.text_input(key="note__use_pattern").input("routing only").run()
    app.button(key="nav_next").click().run()
    app.button(key="nav_next").click().run()
    app.switch_page("ui/policy.py").run()
    app.switch_page("ui/assess.py").run()
    app.button(key="nav_back").click().run()
    app.button(key="nav_back").click().run()
    assert app.radio(key="answer__use_pattern").value == "classify_extract"
    assert app.text_input(key="note__use_pattern").value == "routing only"


def test_jump_to_a_section_and_progress_counts_questions(app: AppTest) -> None:
    app.radio(key="answer__use_pattern").set_value("classify_extract").run()
    could = compile_rubric(DEFAULT).could_be_shown({"use_pattern": "classify_extract"})
    assert (
        app.progress[0].proto.text
        == f"1 question answered · at most {sum(could.values()) - 1} to go"
    )
    app.pills(key="jump_section").set_value(5).run()
    assert app.header[0].value == "Incremental costs and risks"
    assert app.session_state[keys.STEP] == 5


def test_conditional_question_appears_and_hidden_answer_does_not_count(app: AppTest) -> None:
    app.pills(key="jump_section").set_value(5).run()
    assert not any(r.key == "answer__provider_terms" for r in app.radio)
    app.radio(key="answer__hosting").set_value("external_api").run()
    app.radio(key="answer__provider_terms").set_value("negotiated").run()
    app.switch_page("ui/report.py").run()
    with_terms = next(m.value for m in app.markdown if "Score" in m.value)

    app.switch_page("ui/assess.py").run()
    app.radio(key="answer__hosting").set_value("self_hosted").run()
    assert not any(r.key == "answer__provider_terms" for r in app.radio)
    assert app.session_state[keys.ANSWERS]["provider_terms"] == "negotiated"  # kept, not lost
    app.switch_page("ui/report.py").run()
    badge = next(m.value for m in app.markdown if "Score" in m.value)
    # hosting alone: the section scores what self_hosted scores, and so does the whole
    hosting: Any = DEFAULT.questions_by_id["hosting"]
    alone = next(o.score for o in hosting.options if o.id == "self_hosted")
    assert f"Score {alone:.1f} / 100" in badge and badge != with_terms
    assert any("provider_terms" in shown(c.value) and "ignored" in c.value for c in app.caption)


def test_bad_upload_shows_located_error_and_keeps_answers(app: AppTest) -> None:
    app.radio(key="answer__use_pattern").set_value("internal_assistant").run()
    bad = b"title: Broken\nanswers:\n  use_pattern: robots\n"
    app.file_uploader(key="answers_upload").set_value(("bad.yaml", bad, "application/x-yaml")).run()
    assert not app.exception
    errors = [shown(e.value) for e in app.error]
    assert any(
        e.startswith("bad.yaml was not loaded; your current answers are unchanged.")
        and "In bad.yaml, line 3, the answer to “Which description fits how the model will be "
        "used?”: 'robots' is not one of its options; expected one of: “Staff use it"
        in e
        for e in errors
    )
    assert app.session_state[keys.ANSWERS] == {"use_pattern": "internal_assistant"}
    assert app.radio(key="answer__use_pattern").value == "internal_assistant"


def test_good_upload_replaces_answers_and_reseeds_widgets(app: AppTest) -> None:
    content = (ROOT / "examples" / "sales_call_summaries.yaml").read_bytes()
    app.file_uploader(key="answers_upload").set_value(
        ("sales.yaml", content, "application/x-yaml")
    ).run()
    assert not app.exception
    assert app.session_state[keys.TITLE] == "Sales-call summaries into the CRM"
    assert app.radio(key="answer__use_pattern").value == "internal_assistant"
    assert app.text_input(key="title_input").value == "Sales-call summaries into the CRM"
    # the file stays in the uploader; a later edit must not be overwritten by it
    app.radio(key="answer__use_pattern").set_value("classify_extract").run()
    app.run()
    assert app.session_state[keys.ANSWERS]["use_pattern"] == "classify_extract"


def _load_example(app: AppTest, name: str) -> None:
    content = (ROOT / "examples" / name).read_bytes()
    app.file_uploader(key="answers_upload").set_value((name, content, "application/x-yaml")).run()


def test_policy_edit_changes_the_preview(app: AppTest) -> None:
    _load_example(app, "sales_call_summaries.yaml")
    app.switch_page("ui/policy.py").run()
    badges = [m.value for m in app.markdown if 'role="status"' in m.value]
    assert len(badges) == 2 and badges[0] == badges[1]  # no edit yet
    assert "Verdict: RECOMMEND" in badges[0]
    app.number_input(key="pol_th_recommend").set_value(78.0).run()  # stricter: 77.3 adapts
    assert not app.exception
    badges = [m.value for m in app.markdown if 'role="status"' in m.value]
    assert "Verdict: RECOMMEND" in badges[0] and "Verdict: ADAPT" in badges[1]
    assert f"v{V1}" in badges[1]
    app.number_input(key="pol_sw_expertise").set_value(5.0).run()
    table = app.dataframe[0].value
    assert "Expertise" in list(table["Section"])


def test_policy_edit_errors_name_the_field(app: AppTest) -> None:
    _load_example(app, "invoice_extraction.yaml")
    app.switch_page("ui/policy.py").run()
    app.number_input(key="pol_th_adapt").set_value(90.0).run()
    assert not app.exception
    errors = shown(" ".join(e.value for e in app.error))
    assert (
        "“Adapt at or above (below is Avoid)”: expected the adapt threshold (90) to be at most"
        in errors
    )


def _button(app: AppTest, label: str) -> Any:
    return next(b for b in app.button if shown(b.label) == label)


def test_hard_rule_switch_publish_and_new_assessments_use_it(app: AppTest) -> None:
    _load_example(app, "credit_limit_decisions.yaml")
    app.switch_page("ui/policy.py").run()
    for rule in (
        "automated_high_stakes",
        "explanations_for_automated_decisions",
        "no_incremental_benefit",
    ):
        app.toggle(key=f"pol_rule_{rule}").set_value(False).run()
    badges = [m.value for m in app.markdown if 'role="status"' in m.value]
    assert "Verdict: AVOID" in badges[0] and "Verdict: ADAPT" in badges[1]
    app.text_input(key="pol_note").input("trial without three rules").run()
    _button(app, f"Publish as default v{V1}").click().run()
    assert not app.exception
    assert any(f"Published default v{V1}" in shown(s.value) for s in app.success)
    assert f"New assessments use **default v{V1}**" in shown(app.markdown[0].value)
    # the open assessment keeps the version it was scored with
    assert app.session_state[keys.POLICY_VERSION].version == V0
    _button(app, "New assessment").click().run()
    assert f"Version {V1}" in shown(" ".join(c.value for c in app.sidebar.caption))


def test_policy_upload_bad_file_keeps_the_draft(app: AppTest) -> None:
    app.switch_page("ui/policy.py").run()
    broken = (ROOT / "tests/data/broken/rubric/17_thresholds_out_of_order.yaml").read_bytes()
    app.file_uploader(key="pol_upload").set_value(("mine.yaml", broken, "application/x-yaml")).run()
    assert not app.exception
    errors = shown(" ".join(e.value for e in app.error))
    assert "mine.yaml was not loaded; your draft is unchanged." in errors
    assert "In mine.yaml, line 7, at thresholds → adapt: expected the adapt threshold" in errors
    assert shown(app.header[0].value) == f"Draft: default from published default v{V0}"


def test_upload_a_policy_publish_it_and_start_over(app: AppTest) -> None:
    app.switch_page("ui/policy.py").run()
    small = (ROOT / "tests/data/small_rubric.yaml").read_bytes()
    app.file_uploader(key="pol_upload").set_value(("small.yaml", small, "application/x-yaml")).run()
    assert shown(app.header[0].value) == "Draft: small from upload small.yaml"
    _button(app, "Publish as small v0.1").click().run()
    assert "New assessments use **small v0.1**" in shown(app.markdown[0].value)
    _button(app, "New assessment").click().run()
    app.switch_page("ui/assess.py").run()
    assert app.header[0].value == "Value"
    app.switch_page("ui/policy.py").run()
    _button(app, "Reset the draft to the shipped default").click().run()
    assert (
        shown(app.header[0].value) == "Draft: default from the shipped default rubric/default.yaml"
    )


def test_unexpected_error_shows_a_friendly_message_and_keeps_answers(app: AppTest) -> None:
    app.radio(key="answer__use_pattern").set_value("internal_assistant").run()
    good_rubric = app.session_state[keys.RUBRIC]
    app.session_state[keys.RUBRIC] = "not a rubric"  # simulate a bug somewhere below the page
    app.run()
    assert not app.exception
    assert any("Something went wrong" in e.value for e in app.error)
    assert app.session_state[keys.ANSWERS] == {"use_pattern": "internal_assistant"}
    app.session_state[keys.RUBRIC] = good_rubric
    app.run()
    assert not app.error
    assert app.radio(key="answer__use_pattern").value == "internal_assistant"


def test_start_a_draft_from_a_rubric_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "default.yaml").write_bytes((ROOT / "rubric" / "default.yaml").read_bytes())
    (tmp_path / "small.yaml").write_bytes((ROOT / "tests/data/small_rubric.yaml").read_bytes())
    monkeypatch.setenv("ADVISOR_RUBRIC_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.switch_page("ui/policy.py").run()
    choice = at.selectbox(key="pol_file")
    assert [Path(str(o)).name for o in choice.options] == ["default.yaml", "small.yaml"]
    choice.set_value(str(tmp_path / "small.yaml")).run()
    assert not at.exception
    assert shown(at.header[0].value) == "Draft: small from file rubric/small.yaml"


@pytest.mark.parametrize(
    "text",
    [
        "![x](http://example.invalid/p.png) <img src=x> [a](b) **b** _i_ ~s~ `c` $x$ :red[r] a|b",
        "# heading\n1. item\n- item\n> quote\nline\n===\n&copy; :smile: -> www.example.invalid",
    ],
)
def test_escaped_text_reads_as_typed(text: str) -> None:
    from ui.common import plain

    assert shown(plain(text)) == text


def test_plain_punctuation_stays_readable_in_accessible_names() -> None:
    # widget labels become accessible names unrendered: only what Markdown acts on is escaped
    from ui.common import plain

    text = "Who looks at the model's output first? (e.g. a team, 3 people; 50% or more)"
    assert plain(text) == text


@pytest.mark.parametrize(
    ("count", "noun", "plural", "said"),
    [
        (0, "assessment", None, "0 assessments"),
        (1, "assessment", None, "1 assessment"),
        (2, "question", None, "2 questions"),
        (1200, "answer", None, "1,200 answers"),
        (1, "policy", "policies", "1 policy"),
        (3, "policy", "policies", "3 policies"),
    ],
)
def test_counts_read_in_the_right_number(
    count: int, noun: str, plural: str | None, said: str
) -> None:
    from ui.common import quantity

    assert quantity(count, noun, plural) == said


# Every page keeps its session keys in ui/keys.py; none is left elsewhere.
KEYS_ELSEWHERE: dict[str, set[str]] = {}


def test_every_kept_session_key_is_named_in_ui_keys() -> None:
    found = {
        str(path.relative_to(ROOT)): set(re.findall(r"[\"'](aa_\w+)[\"']", path.read_text()))
        for path in sorted((ROOT / "ui").glob("*.py"))
        if path.name != "keys.py"
    }
    assert {page: names for page, names in found.items() if names} == KEYS_ELSEWHERE
