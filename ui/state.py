"""Typed access to the session: answers, notes, title, step and the active policy.

Everything a person entered lives under keys that no widget owns (``aa_*``);
widgets are seeded from here and write back in their callbacks. Streamlit drops a
widget's own state when the widget is not drawn on a run (another step, another
page), so this is what makes answers survive navigation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from scoring import Answers, Rubric, ScoreResult, load_rubric, score, usable_answers
from scoring.errors import NotEnoughAnswers, Problem
from scoring.rubrics import default_rubric_path

ANSWERS, NOTES, TITLE, STEP = "aa_answers", "aa_notes", "aa_title", "aa_step"
POLICY, POLICY_SOURCE, DRAFT = "aa_policy", "aa_policy_source", "aa_draft"
WIDGET_PREFIXES = ("answer__", "note__", "unknown__", "title_input")


@st.cache_resource(show_spinner=False)
def shipped_rubric(path: str) -> Rubric:
    """Rubric files are parsed once per process, not on every rerun."""
    return load_rubric(path)


def init() -> None:
    ss = st.session_state
    ss.setdefault(ANSWERS, {})
    ss.setdefault(NOTES, {})
    ss.setdefault(TITLE, "Untitled assessment")
    ss.setdefault(STEP, 0)
    if POLICY not in ss:
        path = default_rubric_path()
        ss[POLICY] = shipped_rubric(str(path))
        ss[POLICY_SOURCE] = f"rubric/{path.name}"


def answers() -> dict[str, Any]:
    result: dict[str, Any] = st.session_state[ANSWERS]
    return result


def notes() -> dict[str, str]:
    result: dict[str, str] = st.session_state[NOTES]
    return result


def title() -> str:
    return str(st.session_state[TITLE])


def policy() -> Rubric:
    rubric: Rubric = st.session_state[POLICY]
    return rubric


def policy_source() -> str:
    return str(st.session_state.get(POLICY_SOURCE, ""))


def set_policy(rubric: Rubric, source: str) -> None:
    st.session_state[POLICY] = rubric
    st.session_state[POLICY_SOURCE] = source
    st.session_state.pop(DRAFT, None)


def set_answer(question_id: str, value: Any) -> None:
    if value is None or value == []:
        answers().pop(question_id, None)
    else:
        answers()[question_id] = value


def set_note(question_id: str, text: str) -> None:
    if text.strip():
        notes()[question_id] = text
    else:
        notes().pop(question_id, None)


def replace_all(answers_model: Answers) -> None:
    """Load imported answers and reseed every widget from them."""
    st.session_state[ANSWERS] = dict(answers_model.answers)
    st.session_state[NOTES] = dict(answers_model.notes)
    st.session_state[TITLE] = answers_model.title
    forget_widgets()


def forget_widgets() -> None:
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(WIDGET_PREFIXES):
            del st.session_state[key]


def current_answers(rubric: Rubric | None = None) -> tuple[Answers, list[Problem]]:
    """The answers that fit the policy, as scoring sees them, and those set aside."""
    return usable_answers(rubric or policy(), title(), answers(), notes())


def current_result(rubric: Rubric | None = None) -> ScoreResult | None:
    """The score for the current answers, or None while nothing weighted is answered."""
    usable, _ = current_answers(rubric)
    try:
        return score(rubric or policy(), usable)
    except NotEnoughAnswers:
        return None


def rubric_files() -> list[Path]:
    from scoring.rubrics import rubric_dir

    folder = rubric_dir()
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
