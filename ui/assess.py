"""Assess: the guided questionnaire, one step per rubric section."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from scoring import AdvisorError, Rubric, answers_to_yaml, parse_answers
from scoring.answers import WEEKLY_HOURS_QUESTION, hours_freed_per_week
from scoring.limits import MAX_NOTE_CHARS, MAX_TITLE_CHARS
from scoring.models import AnswerValue, AnyQuestion, Section
from ui import keys, prices, state
from ui.common import callback, flash, page_script, plain, quantity, run_page, show_problems
from ui.examples import examples, load_example
from ui.widgets import AnswerSlot, answer_widget, heading
from ui.wording import refused_heading


def _section_label(index: int, section: Section, rubric: Rubric, counted: state.Progress) -> str:
    """The section's number, title and how many of its questions are answered, counted
    against the most it can ask (``Progress.possible``), like the progress bar."""
    ids = [q for q in counted.possible if rubric.questions_by_id[q].section == section.id]
    done = sum(1 for q in ids if q in counted.answered)
    numbered = plain(f"{index + 1}. {section.title}")  # "1." must not start a Markdown list
    if done == len(ids):
        return f":material/check: {numbered}"
    return f"{numbered} · {done}/{len(ids)}"


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
    chosen = st.session_state[keys.JUMP_SECTION]
    if chosen is not None:  # a section stays chosen; None only if the browser sends it
        st.session_state[keys.STEP] = chosen


def _keep_answer(question_id: str) -> Callable[[AnswerValue | None], None]:
    def keep(value: AnswerValue | None) -> None:
        state.set_answer(question_id, value)

    return keep


def _answer(question: AnyQuestion) -> None:
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


def _from_labour_roles(question: AnyQuestion) -> str | None:
    """The hours a week answer, when the labour roles on Options & costs give it: the hours
    are asked once, there (see scoring.answers.with_labour_hours)."""
    if question.id != WEEKLY_HOURS_QUESTION:
        return None
    usable, _ = state.current_answers()
    if not usable.labour:
        return None
    freed = hours_freed_per_week(usable.labour)
    return (
        f"**{freed:,g} hours a week**, from the labour rows on Options & costs "
        "(hours a week per role × the share the model takes over). Change it there."
    )


# --- one question -----------------------------------------------------------------------------


def _question(number: int, question: AnyQuestion, compared: bool) -> None:
    with st.container(border=True):
        heading(question, number)
        if compared and question.per_option:
            st.caption(
                "Also answered per option on Options & costs, where an option's own answer "
                "replaces this one."
            )
        derived = _from_labour_roles(question)
        if derived is not None:
            st.markdown(derived)
        else:
            _answer(question)
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
                # Checked against the catalogue options are priced from here (the company's
                # offerings too), not the shipped one alone.
                loaded = parse_answers(
                    upload.getvalue(), rubric, upload.name, catalogue=prices.active_catalogue()
                )
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
    """Answered questions, counted as every page counts them (``state.progress``; "don't
    know" is still open), against the most that can still be asked.

    Counted against the questions shown, the total would jump each time an answer brings in
    a follow-up question (36 → 38 → 40 → 38 of one session), and "3 of 36" would read as
    further along than it is. Counting the follow-ups that can still appear gives a total
    that answering never raises: "at most" is honest, because an answer that rules
    follow-ups out only makes the rest shorter."""
    done, possible = len(counted.answered), len(counted.possible)
    if counted.to_go == 0:
        text = f"All {quantity(done, 'question')} answered"
    else:
        text = f"{quantity(done, 'question')} answered · at most {counted.to_go:,} to go"
        if counted.unknown:
            text += f" ({len(counted.unknown):,} of them marked “Don't know”)"
    st.progress(done / possible if possible else 0.0, text=text)


def _stepper(rubric: Rubric, counted: state.Progress, step: int) -> None:
    """Every section in a row, each with its answered count: where you are, what is done,
    one click to any section."""
    st.session_state[keys.JUMP_SECTION] = step
    # Labels computed now: format_func may also be called outside this run.
    labels = [_section_label(i, s, rubric, counted) for i, s in enumerate(rubric.sections)]
    st.pills(
        "Sections",
        range(len(rubric.sections)),
        key=keys.JUMP_SECTION,
        format_func=labels.__getitem__,
        required=True,
        on_change=_on_jump,
        label_visibility="collapsed",
        width="stretch",
    )


# --- first contact ----------------------------------------------------------------------------

#: What the three verdicts mean, said for someone who has not seen the tool before.
VERDICT_MEANINGS = (
    (
        "Recommend",
        "Go ahead with a model for this use case now, starting with a pilot that runs the "
        "evaluation the report names.",
    ),
    (
        "Adapt",
        "Go ahead only once named conditions hold: for example a specialised or self-hosted "
        "model, a person reviewing the output, or evaluation data you do not have yet. The "
        "report lists them.",
    ),
    (
        "Avoid",
        "Do not adopt a model for this use case now: keep today's process or a task-specific "
        "model. The report says what would have to change.",
    ),
)


@callback
def _intro_done() -> None:
    st.session_state[keys.INTRO_DONE] = True


@callback
def _start_from_example() -> None:
    chosen = st.session_state.get(keys.INTRO_EXAMPLE)
    rubric = state.rubric()
    found = [e for e in examples(rubric, state.policy_version().sha256) if e.path == chosen]
    if not found:
        return
    loaded = load_example(found[0], rubric)
    state.replace_all(loaded)
    st.session_state[keys.INTRO_DONE] = True
    st.session_state[keys.STEP] = 0
    # Counted as the progress bar counts (per-option answers included), so the two agree.
    answered = len(state.progress(rubric, state.current_answers()[0]).answered)
    flash(
        f"Started from the example “{loaded.title}” with {quantity(answered, 'question')} "
        "answered. Change any answer, and the title, to fit your own use case."
    )


def _intro(rubric: Rubric) -> None:
    """On the first visit of a session, before anything is entered: what the tool does, how
    long it takes, what the verdicts mean, and a blank start or an example to start from."""
    if st.session_state.get(keys.INTRO_DONE):
        return
    if not state.is_blank():  # something was entered, or a link opened a saved assessment
        st.session_state[keys.INTRO_DONE] = True
        return
    with st.container(border=True, key="intro"):
        st.markdown(
            "**Should we adopt a foundation model for this use case, and how?** Answer "
            "questions about one use case: what it is for, how the work is done today, your "
            "data, skills, costs and risks. Your company's policy scores the answers and gives "
            "a verdict with its reasons; the Report turns it into a memo for the decision "
            "meeting. It takes about 15 minutes, and every answer is saved as you go, so you "
            "can stop and come back."
        )
        for column, (verdict, meaning) in zip(
            st.columns(len(VERDICT_MEANINGS)), VERDICT_MEANINGS, strict=True
        ):
            column.markdown(f"**{verdict}**  \n{meaning}")
        fitting = examples(rubric, state.policy_version().sha256)
        blank, example, load = st.columns([2, 3, 2], vertical_alignment="bottom")
        blank.button(
            "Start with a blank assessment",
            key="intro_blank",
            type="primary",
            on_click=_intro_done,
            width="stretch",
        )
        if not fitting:
            return
        titles = {e.path: e.title for e in fitting}
        example.selectbox(
            "…or start from an example",
            list(titles),
            key=keys.INTRO_EXAMPLE,
            format_func=titles.__getitem__,  # shown as typed, never as Markdown
        )
        load.button(
            "Start from this example",
            key="intro_load_example",
            on_click=_start_from_example,
            width="stretch",
        )


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


def _step_buttons(step: int, count: int) -> None:
    """Back and Next between sections; after the last one, the next step of the journey:
    Options & costs (then the Report), or the Report straight away."""
    back, _, forward = st.columns([1, 3, 2])
    back.button(
        "← Back",
        key="nav_back",
        disabled=step == 0,
        on_click=_go,
        args=(step - 1,),
        width="stretch",
    )
    if step < count - 1:
        forward.button(
            "Next →",
            key="nav_next",
            type="primary",
            on_click=_go,
            args=(step + 1,),
            width="stretch",
        )
        return
    if forward.button(
        "Next: Options & costs →",
        key="nav_options",
        type="primary",
        width="stretch",
        help="Compare ways of adopting, with their costs over time and the work they free.",
    ):
        st.switch_page(page_script("options"))
    forward.page_link(page_script("report"), label="or go straight to the Report")


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
    _intro(rubric)
    _title_and_people()
    version = state.policy_version()
    if state.assessment_id():
        st.caption(f"Saved automatically after every answer · policy {plain(version.label)}")
    else:
        st.caption(f"Saved automatically from the first answer · policy {plain(version.label)}")
    _progress_bar(counted)
    _stepper(rubric, counted, step)

    section = sections[step]
    st.header(plain(section.title))
    st.markdown(plain(section.description))
    in_section = [
        rubric.questions_by_id[q]
        for q in counted.shown
        if rubric.questions_by_id[q].section == section.id
    ]
    open_prompts = [
        plain(q.prompt) + (" — marked “Don't know”" if q.id in counted.unknown else "")
        for q in in_section
        if q.id not in counted.answered
    ]
    follow_ups = sum(
        1
        for q in counted.possible
        if rubric.questions_by_id[q].section == section.id and q not in counted.shown
    )
    later = (
        f", and up to {quantity(follow_ups, 'follow-up question')} depending on your answers"
        if follow_ups
        else ""
    )
    if open_prompts:
        label = f"Still open in this section: {len(open_prompts)} of {len(in_section)}{later}"
        with st.expander(label):
            st.markdown("\n".join(f"- {p}" for p in open_prompts))
    elif follow_ups:
        st.info(f"Every question shown is answered{later}.", icon=":material/info:")
    else:
        st.success("Every question in this section is answered.", icon=":material/check:")

    number = sum(
        1
        for q in counted.shown
        if rubric.sections.index(rubric.sections_by_id[rubric.questions_by_id[q].section]) < step
    )
    for offset, question in enumerate(in_section, start=1):
        _question(number + offset, question, compared)

    _step_buttons(step, len(sections))
    _import_export()


run_page(render)
