"""Assess: the guided questionnaire, one step per rubric section."""

from __future__ import annotations

from typing import Any

import streamlit as st

from scoring import AdvisorError, answers_to_yaml, parse_answers, visible_questions
from scoring.engine import answered_questions
from scoring.limits import MAX_NOTE_CHARS, MAX_TITLE_CHARS
from scoring.models import UNKNOWN, AnyQuestion, MultipleChoiceQuestion, NumberQuestion
from ui import state
from ui.common import callback, plain, run_page, show_problems

DONT_KNOW = "Don't know"


def _progress(shown: list[str], answered: set[str]) -> tuple[int, int, int]:
    """(answered, "don't know", shown): progress counts questions, not pages, the way the
    report does (``answered_questions``): "don't know" is still open."""
    answers = state.answers()
    done = sum(1 for q in shown if q in answered)
    unknown = sum(1 for q in shown if answers.get(q) == UNKNOWN)
    return done, unknown, len(shown)


def _section_label(
    index: int, section: Any, shown: list[str], rubric: Any, answered: set[str]
) -> str:
    ids = [q for q in shown if rubric.questions_by_id[q].section == section.id]
    done = sum(1 for q in ids if q in answered)
    mark = "✓" if ids and done == len(ids) else f"{done}/{len(ids)}"
    return f"{index + 1}. {section.title} — {mark}"


# --- callbacks: widgets write into the session's answer store ---------------------------------


@callback
def _on_choice(question_id: str) -> None:
    state.set_answer(question_id, st.session_state[f"answer__{question_id}"])


@callback
def _on_multi(question_id: str) -> None:
    if st.session_state.get(f"unknown__{question_id}"):
        state.set_answer(question_id, UNKNOWN)
    else:
        state.set_answer(question_id, list(st.session_state[f"answer__{question_id}"]))


@callback
def _on_number(question_id: str) -> None:
    if st.session_state.get(f"unknown__{question_id}"):
        state.set_answer(question_id, UNKNOWN)
        return
    value = st.session_state[f"answer__{question_id}"]
    if value is not None and float(value).is_integer():
        value = int(value)
    state.set_answer(question_id, value)


@callback
def _on_note(question_id: str) -> None:
    state.set_note(question_id, st.session_state[f"note__{question_id}"])


@callback
def _on_title() -> None:
    state.set_title(st.session_state["title_input"])


@callback
def _go(step: int) -> None:
    st.session_state[state.STEP] = step


@callback
def _on_jump() -> None:
    st.session_state[state.STEP] = st.session_state["jump_section"]


# --- one question -----------------------------------------------------------------------------


def _seed(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _question(number: int, question: AnyQuestion) -> None:
    value = state.answers().get(question.id)
    with st.container(border=True):
        st.markdown(f"**{number}. {plain(question.prompt)}**")
        st.caption(plain(question.help))
        key = f"answer__{question.id}"
        if isinstance(question, MultipleChoiceQuestion):
            _multiple(question, value, key)
        elif isinstance(question, NumberQuestion):
            _number(question, value, key)
        else:
            # radio options are rendered as Markdown (selectbox and multiselect options are not)
            labels = {o.id: plain(o.label) for o in question.options} | {UNKNOWN: DONT_KNOW}
            ids = [o.id for o in question.options] + ([UNKNOWN] if question.allow_unknown else [])
            _seed(key, value if value in ids else None)
            st.radio(
                plain(question.prompt),
                ids,
                key=key,
                format_func=labels.__getitem__,
                horizontal=question.kind == "scale",
                label_visibility="collapsed",
                on_change=_on_choice,
                args=(question.id,),
            )
        _seed(f"note__{question.id}", state.notes().get(question.id, ""))
        st.text_input(
            f"Note on: {plain(question.prompt)}",
            key=f"note__{question.id}",
            placeholder="Add a note for the report (optional)",
            max_chars=MAX_NOTE_CHARS,
            label_visibility="collapsed",
            on_change=_on_note,
            args=(question.id,),
        )


def _multiple(question: MultipleChoiceQuestion, value: Any, key: str) -> None:
    labels = {o.id: o.label for o in question.options}
    unknown = value == UNKNOWN
    _seed(key, list(value) if isinstance(value, list) else [])
    st.multiselect(
        plain(question.prompt),
        list(labels),
        key=key,
        format_func=labels.__getitem__,
        placeholder="Choose one or more",
        label_visibility="collapsed",
        disabled=unknown,
        on_change=_on_multi,
        args=(question.id,),
    )
    if question.allow_unknown:
        _seed(f"unknown__{question.id}", unknown)
        st.checkbox(
            DONT_KNOW, key=f"unknown__{question.id}", on_change=_on_multi, args=(question.id,)
        )


def _number(question: NumberQuestion, value: Any, key: str) -> None:
    unknown = value == UNKNOWN
    _seed(key, float(value) if isinstance(value, int | float) else None)
    st.number_input(
        f"{plain(question.prompt)} ({plain(question.unit)})",
        key=key,
        min_value=float(question.minimum),
        max_value=float(question.maximum) if question.maximum is not None else None,
        step=1.0,
        format="%g",
        placeholder=question.unit,
        disabled=unknown,
        on_change=_on_number,
        args=(question.id,),
    )
    if question.allow_unknown:
        _seed(f"unknown__{question.id}", unknown)
        st.checkbox(
            DONT_KNOW, key=f"unknown__{question.id}", on_change=_on_number, args=(question.id,)
        )


# --- import / export --------------------------------------------------------------------------


def _import_export() -> None:
    rubric = state.policy()
    # Open while it has news: a rerun that changes the page above would otherwise fold it
    # and hide the message.
    news = "aa_upload_ok" in st.session_state or "aa_upload_error" in st.session_state
    with st.expander("Import or export answers", expanded=news):
        usable, _ = state.current_answers()
        exported = usable.model_copy(update={"rubric": rubric.id})
        st.download_button(
            "Download answers (YAML)",
            data=lambda: answers_to_yaml(exported),
            file_name="answers.yaml",
            mime="application/x-yaml",
            on_click="ignore",
        )
        upload = st.file_uploader(
            "Upload an answers file (YAML or JSON)",
            type=["yaml", "yml", "json"],
            key="answers_upload",
        )
        if upload is not None and st.session_state.get("aa_upload_seen") != upload.file_id:
            st.session_state["aa_upload_seen"] = upload.file_id
            try:
                loaded = parse_answers(upload.getvalue(), rubric, upload.name)
            except AdvisorError as exc:
                st.session_state["aa_upload_error"] = exc.problems
            else:
                st.session_state.pop("aa_upload_error", None)
                state.replace_all(loaded)
                st.session_state["aa_upload_ok"] = (upload.name, len(loaded.answers))
                st.rerun()
        if upload is None:
            st.session_state.pop("aa_upload_seen", None)
        if problems := st.session_state.get("aa_upload_error"):
            show_problems("The file was not loaded; your current answers are unchanged.", problems)
        if ok := st.session_state.pop("aa_upload_ok", None):
            st.success(plain(f"Loaded {ok[1]} answers from {ok[0]}."))


# --- the page ---------------------------------------------------------------------------------


@callback
def _load_theirs() -> None:
    theirs = state.conflict()
    if theirs is not None:
        state.open_assessment(theirs)


@callback
def _keep_mine() -> None:
    state.save(overwrite=True)


def _conflict_banner() -> None:
    theirs = state.conflict()
    if theirs is None:
        return
    st.warning(
        f"This assessment was changed elsewhere (saved {theirs.updated_at:%Y-%m-%d %H:%M} UTC, "
        f"revision {theirs.revision}) while you were editing. Your latest changes are kept on "
        "this page but not saved. Choose which version to keep:",
        icon=":material/sync_problem:",
    )
    left, right = st.columns(2)
    left.button("Load the other version (drop my unsaved changes)", on_click=_load_theirs)
    right.button("Keep mine (overwrite the other version)", on_click=_keep_mine, type="primary")


def render() -> None:
    rubric = state.policy()
    sections = rubric.sections
    shown = visible_questions(rubric, state.answers())
    step = min(max(int(st.session_state[state.STEP]), 0), len(sections) - 1)

    st.title("Assess a use case")
    if flash := st.session_state.pop("aa_flash", None):
        st.warning(plain(flash))
    _conflict_banner()
    _seed("title_input", state.title())
    st.text_input(
        "Assessment title", key="title_input", max_chars=MAX_TITLE_CHARS, on_change=_on_title
    )
    version = state.policy_version()
    if state.assessment_id():
        st.caption(f"Saved automatically after every answer · policy {plain(version.label)}")
    else:
        st.caption(f"Saved automatically from the first answer · policy {plain(version.label)}")

    answered = set(answered_questions(rubric, state.answers()))
    done, unknown, total = _progress(shown, answered)
    text = f"{done} of {total} questions answered"
    if unknown:
        text += f" ({unknown} more marked “don't know”, still open)"
    st.progress(done / total if total else 0.0, text=text)

    st.session_state["jump_section"] = step
    # Labels computed now: format_func may also be called outside this run.
    labels = [_section_label(i, s, shown, rubric, answered) for i, s in enumerate(sections)]
    st.selectbox(
        "Go to section",
        range(len(sections)),
        key="jump_section",
        format_func=labels.__getitem__,
        on_change=_on_jump,
    )

    section = sections[step]
    st.header(plain(section.title))
    st.markdown(plain(section.description))
    in_section = [
        rubric.questions_by_id[q] for q in shown if rubric.questions_by_id[q].section == section.id
    ]
    open_prompts = [
        q.prompt + (" (don't know)" if state.answers().get(q.id) == UNKNOWN else "")
        for q in in_section
        if q.id not in answered
    ]
    if open_prompts:
        with st.expander(f"Still open in this section: {len(open_prompts)} of {len(in_section)}"):
            st.markdown("\n".join(f"- {plain(p)}" for p in open_prompts))
    else:
        st.success("Every question in this section is answered.", icon=":material/check:")

    number = sum(
        1
        for q in shown
        if rubric.sections.index(rubric.sections_by_id[rubric.questions_by_id[q].section]) < step
    )
    for offset, question in enumerate(in_section, start=1):
        _question(number + offset, question)

    back, _, forward = st.columns([1, 4, 1])
    back.button(
        "← Back",
        key="nav_back",
        disabled=step == 0,
        on_click=_go,
        args=(step - 1,),
        width="stretch",
    )
    if step < len(sections) - 1:
        forward.button(
            "Next →",
            key="nav_next",
            type="primary",
            on_click=_go,
            args=(step + 1,),
            width="stretch",
        )
    else:
        forward.page_link("ui/report.py", label="See the report →")

    _import_export()


run_page(render)
