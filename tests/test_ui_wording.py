"""Problems said as sentences (ui.wording): where, about which question by its prompt, and
the options by the labels the Assess page shows; uploads name the file just uploaded."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from scoring import AdvisorError, load_rubric, parse_answers, parse_rubric
from scoring.errors import Problem
from scoring.policy import PolicyEdits, apply_edits
from ui import keys
from ui.wording import problem_sentence, refused_heading

from .conftest import ROOT, shown

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")


def _problems(text: bytes, file: str = "bad.yaml") -> list[Problem]:
    with pytest.raises(AdvisorError) as caught:
        parse_answers(text, DEFAULT, file)
    return caught.value.problems


def _label(question_id: str, option_id: str) -> str:
    question: Any = DEFAULT.questions_by_id[question_id]
    return next(o.label for o in question.options if o.id == option_id)


def test_an_unknown_option_names_the_question_by_prompt_and_the_options_by_label() -> None:
    [problem] = _problems(b"title: Broken\nanswers:\n  use_pattern: robots\n")
    question: Any = DEFAULT.questions_by_id["use_pattern"]
    labels = [f"“{o.label}” ({o.id})" for o in question.options]
    assert problem_sentence(problem, DEFAULT) == (
        "In bad.yaml, line 3, the answer to “Which description fits how the model will be "
        "used?”: 'robots' is not one of its options; expected one of: "
        + ", ".join(labels)
        + " or “Don't know” (unknown)."
    )


def test_a_multiple_choice_answer_and_an_option_answer_are_named_too() -> None:
    [wrong_item] = _problems(b"answers:\n  evaluation_dimensions: [accuracy, speedy]\n")
    said = problem_sentence(wrong_item, DEFAULT)
    assert said.startswith("In bad.yaml, line 2, the answer to “Which qualities")
    assert "'speedy' is not one of its options" in said
    assert f"“{_label('evaluation_dimensions', 'accuracy')}” (accuracy)" in said
    per_option, shared = _problems(
        b"title: x\noptions:\n  - id: a\n    title: A\n    answers:\n"
        b"      hosting: moon\n      use_pattern: robots\n"
    )
    assert problem_sentence(per_option, DEFAULT).startswith(
        "In bad.yaml, line 6, option 1's answer to “Where would the model run?”: 'moon' is not"
    )
    assert "question 'use_pattern'" not in problem_sentence(shared, DEFAULT)
    assert "the question “Which description fits" in problem_sentence(shared, DEFAULT)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            b"foo: 1\n",
            "In bad.yaml, line 1, at foo: unknown key 'foo'; expected one of: rubric, title, "
            "owner, author, answers, notes, options, costs, current_process, hourly_rate, "
            "currency, horizon_months, labour, exchange_rates.",
        ),
        (
            b"%PDF-1.4 \x00\x01",
            "In bad.yaml: not a text file (NUL byte at offset 9); expected YAML or JSON text.",
        ),
        (
            b"notes:\n  nope: hi\n",
            "In bad.yaml, line 2, at notes → nope: unknown question 'nope'; expected a question "
            "id of this rubric.",
        ),
    ],
)
def test_what_is_not_about_a_question_keeps_the_core_wording_as_a_sentence(
    text: bytes, said: str
) -> None:
    assert problem_sentence(_problems(text)[0], DEFAULT) == said


def test_policy_editor_problems_name_the_editor_fields() -> None:
    def said(edits: PolicyEdits) -> list[str]:
        with pytest.raises(AdvisorError) as caught:
            apply_edits(DEFAULT, edits)
        return [problem_sentence(p, DEFAULT) for p in caught.value.problems]

    assert said(PolicyEdits(adapt=90.0)) == [
        "“Adapt at or above (below is Avoid)”: expected the adapt threshold (90) to be at most "
        f"the recommend threshold ({DEFAULT.thresholds.recommend:g})."
    ]
    expertise = {q.id: 0.0 for q in DEFAULT.questions if q.section == "expertise"}
    assert said(PolicyEdits(question_weights=expertise)) == [
        "The section “Expertise”: every question in this section has weight 0; expected at "
        "least one above 0."
    ]


def test_a_rubric_file_problem_keeps_its_ids() -> None:
    broken = ROOT / "tests/data/broken/rubric/14_show_if_unknown_option.yaml"
    with pytest.raises(AdvisorError) as caught:
        parse_rubric(broken.read_bytes(), "mine.yaml")
    assert problem_sentence(caught.value.problems[0]) == (
        "In mine.yaml, line 71, at question 'reviewer_skill' → show_if → any_of[1]: question "
        "'review' has no option 'everyone'; expected one of: nobody, sample, all."
    )


def test_the_heading_names_the_file_and_a_wrong_kind_of_file() -> None:
    assert refused_heading("a.yaml", "kept") == "a.yaml was not loaded; kept."
    assert refused_heading("report.PDF", "kept") == (
        "report.PDF was not loaded: it is not a YAML or JSON file, the only kind read here. Kept."
    )


# --- on the pages ---------------------------------------------------------------------------


def _errors(at: AppTest) -> str:
    return shown(" ".join(e.value for e in at.error))


def test_after_a_bad_answers_file_a_pdf_is_named_not_the_file_before() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    upload = at.file_uploader(key=keys.ANSWERS_UPLOAD)
    upload.set_value(("bad.yaml", b"answers:\n  use_pattern: robots\n", "text/yaml")).run()
    assert "bad.yaml was not loaded" in _errors(at)
    pdf = b"%PDF-1.7\n\x00\x01\x02 a report"
    at.file_uploader(key=keys.ANSWERS_UPLOAD).set_value(("report.pdf", pdf, "application/pdf"))
    at.run()
    assert not at.exception
    errors = _errors(at)
    assert "report.pdf was not loaded: it is not a YAML or JSON file" in errors
    assert "In report.pdf: not a text file" in errors
    assert "bad.yaml" not in errors
    assert "```" not in errors and "<code>" not in errors  # sentences, not code blocks


def test_a_wrong_policy_file_is_named_on_the_policy_page() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.switch_page("ui/policy.py").run()
    at.file_uploader(key=keys.POLICY_UPLOAD).set_value(
        ("memo.pdf", b"%PDF-1.7\n\x00\x01", "application/pdf")
    ).run()
    assert not at.exception
    errors = _errors(at)
    assert "memo.pdf was not loaded: it is not a YAML or JSON file" in errors
    assert "Your draft is unchanged." in errors
