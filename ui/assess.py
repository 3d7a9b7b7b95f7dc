"""Assess: the guided questionnaire, one step per rubric section."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from scoring import AdvisorError, Rubric, answers_to_yaml, parse_answers
from scoring.limits import MAX_NOTE_CHARS, MAX_TITLE_CHARS
from scoring.models import AnswerValue, AnyQuestion, Section
from ui import keys, state
from ui.common import callback, flash, plain, quantity, run_page, show_problems
from ui.widgets import AnswerSlot, answer_widget, heading
from ui.wording import refused_heading


def _section_label(index: int, section: Section, rubric: Rubric, counted: state.Progress) -> str:
    ids = [q for q in counted.shown if rubric.questions_by_id[q].section == section.id]
    done = sum(1 for q in ids if q in counted.answered)
    mark = "✓" if ids and done == len(ids) else f"{done}/{len(ids)}"
    return f"{index + 1}. {section.title} — {mark}"


# --- callbacks: widgets write into the session's answer store ---------------------------------


@callback
def _on_note(question_id: str) -> None:
    state.set_note(question_id, st.session_state[keys.note(question_id)])


@callback
def _on_title() -> None:
    state.set_title(st.session_state[keys.TITLE_INPUT])


@callback
def _on_person(block: str, key: str) -> None:
    # Blank removes the block: the memo then leaves the line out rather than naming nobody.
    state.set_extra(block, st.session_state[key].strip() or None)


@callback
def _go(step: int) -> None:
    st.session_state[keys.STEP] = step


@callback
def _on_jump() -> None:
    st.session_state[keys.STEP] = st.session_state[keys.JUMP_SECTION]


def _keep_answer(question_id: str) -> Callable[[AnswerValue | None], None]:
    def keep(value: AnswerValue | None) -> None:
        state.set_answer(question_id, value)

    return keep


# --- one question -----------------------------------------------------------------------------


def _question(number: int, question: AnyQuestion, compared: bool) -> None:
    with st.container(border=True):
        heading(question, number)
        if compared and question.per_option:
            st.caption(
                "Also answered per option on Options & costs, where an option's own answer "
                "replaces this one."
            )
        answer_widget(
            question,
            AnswerSlot(
                key=keys.answer(question.id),
                unknown_key=keys.unknown(question.id),
                label=plain(question.prompt),
                stored=state.answers().get(question.id),
                keep=_keep_answer(question.id),
            ),
        )
        note_key = keys.note(question.id)
        if note_key not in st.session_state:
            st.session_state[note_key] = state.notes().get(question.id, "")
        st.text_input(
            f"Note on: {plain(question.prompt)}",
            key=note_key,
            placeholder="Add a note for the report (optional)",
            max_chars=MAX_NOTE_CHARS,
            label_visibility="collapsed",
            on_change=_on_note,
            args=(question.id,),
        )


# --- import / export --------------------------------------------------------------------------


def _import_export() -> None:
    rubric = state.rubric()
    # Open while a refused file's problems are listed: a rerun that changes the page above
    # would otherwise fold it and hide them.
    with st.expander("Import or export answers", expanded=keys.UPLOAD_ERROR in st.session_state):
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
            # Any file is taken and checked here: a file the uploader itself refused (a PDF
            # picked by mistake) never reached the page, which then still showed the error
            # of the file before it. Now the error names the file just uploaded.
            type=None,
            key=keys.ANSWERS_UPLOAD,
            help="The file “Download answers” writes, edited or not.",
        )
        if upload is not None and st.session_state.get(keys.UPLOAD_SEEN) != upload.file_id:
            st.session_state[keys.UPLOAD_SEEN] = upload.file_id
            try:
                loaded = parse_answers(upload.getvalue(), rubric, upload.name)
            except AdvisorError as exc:
                st.session_state[keys.UPLOAD_ERROR] = (upload.name, exc.problems)
            else:
                st.session_state.pop(keys.UPLOAD_ERROR, None)
                state.replace_all(loaded)
                flash(f"Loaded {quantity(len(loaded.answers), 'answer')} from {upload.name}.")
                st.rerun()
        if upload is None:
            st.session_state.pop(keys.UPLOAD_SEEN, None)
        if refused := st.session_state.get(keys.UPLOAD_ERROR):
            name, problems = refused
            show_problems(
                refused_heading(name, "your current answers are unchanged"), problems, rubric
            )


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


def _progress_bar(counted: state.Progress) -> None:
    """Questions, not pages, counted as the report counts them (``state.progress``): "don't
    know" is still open."""
    done, total = len(counted.answered), len(counted.shown)
    text = f"{done} of {quantity(total, 'question')} answered"
    if counted.unknown:
        text += f" ({len(counted.unknown)} more marked “don't know”, still open)"
    st.progress(done / total if total else 0.0, text=text)


def _title_and_people() -> None:
    """The title, and who takes the decision and who prepared it: the memo names both."""
    if keys.TITLE_INPUT not in st.session_state:
        st.session_state[keys.TITLE_INPUT] = state.title()
    for key, block in ((keys.OWNER_INPUT, "owner"), (keys.AUTHOR_INPUT, "author")):
        if key not in st.session_state:
            st.session_state[key] = str(state.extra().get(block) or "")
    title, owner, author = st.columns([2, 1, 1])
    title.text_input(
        "Assessment title", key=keys.TITLE_INPUT, max_chars=MAX_TITLE_CHARS, on_change=_on_title
    )
    owner.text_input(
        "Decision owner",
        key=keys.OWNER_INPUT,
        max_chars=MAX_TITLE_CHARS,
        placeholder="Who takes the decision",
        help="Named on the report's first page, as the person the decision is for.",
        on_change=_on_person,
        args=("owner", keys.OWNER_INPUT),
    )
    author.text_input(
        "Prepared by",
        key=keys.AUTHOR_INPUT,
        max_chars=MAX_TITLE_CHARS,
        placeholder="Your name",
        help="Named on the report's first page, as who prepared the assessment.",
        on_change=_on_person,
        args=("author", keys.AUTHOR_INPUT),
    )


def render() -> None:
    """The Assess page: title, progress, one section's questions, import and export."""
    rubric = state.rubric()
    sections = rubric.sections
    usable, _ = state.current_answers()
    counted = state.progress(rubric, usable)
    compared = any(not o.baseline for o in usable.options)
    step = min(max(int(st.session_state[keys.STEP]), 0), len(sections) - 1)

    st.title("Assess a use case")
    _conflict_banner()
    _title_and_people()
    version = state.policy_version()
    if state.assessment_id():
        st.caption(f"Saved automatically after every answer · policy {plain(version.label)}")
    else:
        st.caption(f"Saved automatically from the first answer · policy {plain(version.label)}")
    _progress_bar(counted)

    st.session_state[keys.JUMP_SECTION] = step
    # Labels computed now: format_func may also be called outside this run.
    labels = [_section_label(i, s, rubric, counted) for i, s in enumerate(sections)]
    st.selectbox(
        "Go to section",
        range(len(sections)),
        key=keys.JUMP_SECTION,
        format_func=labels.__getitem__,
        on_change=_on_jump,
    )

    section = sections[step]
    st.header(plain(section.title))
    st.markdown(plain(section.description))
    in_section = [
        rubric.questions_by_id[q]
        for q in counted.shown
        if rubric.questions_by_id[q].section == section.id
    ]
    open_prompts = [
        q.prompt + (" (don't know)" if q.id in counted.unknown else "")
        for q in in_section
        if q.id not in counted.answered
    ]
    if open_prompts:
        with st.expander(f"Still open in this section: {len(open_prompts)} of {len(in_section)}"):
            st.markdown("\n".join(f"- {plain(p)}" for p in open_prompts))
    else:
        st.success("Every question in this section is answered.", icon=":material/check:")

    number = sum(
        1
        for q in counted.shown
        if rubric.sections.index(rubric.sections_by_id[rubric.questions_by_id[q].section]) < step
    )
    for offset, question in enumerate(in_section, start=1):
        _question(number + offset, question, compared)

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
