"""Typed access to the session and the database: the open assessment and its policy.

Everything a person entered lives under keys that no widget owns (``aa_*``);
widgets are seeded from here and write back in their callbacks, which also save
the assessment (so a closed tab loses at most the last click). Streamlit drops a
widget's own state when the widget is not drawn on a run, so this is what makes
answers survive navigation. The URL carries the assessment's id (``?a=...``).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from pathlib import Path
from typing import Any

import streamlit as st

from scoring import Answers, Rubric, ScoreResult, load_rubric, score, usable_answers
from scoring.answers import EXTRA_KEYS
from scoring.errors import NotEnoughAnswers, Problem
from scoring.rubrics import default_rubric_path
from scoring.store import Assessment, EditConflict, NotFound, PolicyVersion, Store, database_url

ID, REVISION = "aa_id", "aa_revision"
ANSWERS, NOTES, TITLE, STEP = "aa_answers", "aa_notes", "aa_title", "aa_step"
POLICY, VERSION, CONFLICT = "aa_policy", "aa_policy_version", "aa_conflict"
EXTRA = "aa_extra"  # options, cost figures, current process, labour (answers-file blocks)
WIDGET_PREFIXES = ("answer__", "note__", "unknown__", "title_input")


@st.cache_resource(show_spinner=False)
def shipped_rubric(path: str) -> Rubric:
    """Rubric files are parsed once per process, not on every rerun."""
    return load_rubric(path)


@st.cache_resource(show_spinner="Opening the database…")
def _store(url: str) -> Store:
    store = Store(url)
    store.migrate()  # an empty machine gets its database here
    store.ensure_policy(shipped_rubric(str(default_rubric_path())))
    return store


def store() -> Store:
    from ui.auth import secret

    explicit = os.environ.get("ADVISOR_DATABASE_URL") or secret("ADVISOR_DATABASE_URL")
    return _store(database_url(explicit))


def init() -> None:
    """Session defaults, then the assessment the URL names (a reload or a shared link)."""
    ss = st.session_state
    ss.setdefault(ANSWERS, {})
    ss.setdefault(NOTES, {})
    ss.setdefault(TITLE, "Untitled assessment")
    ss.setdefault(STEP, 0)
    ss.setdefault(ID, None)
    ss.setdefault(EXTRA, {})
    wanted = st.query_params.get("a")
    if wanted and wanted != ss[ID]:
        try:
            open_assessment(store().assessment(wanted))
        except NotFound:
            st.query_params.pop("a", None)
            ss["aa_flash"] = (
                f"No saved assessment {wanted!r} (it may have been deleted); a new one is open."
            )
    if VERSION not in ss:
        use_version(_active_version())
    _freeze_long_lived_objects()


_FROZEN = {"modules": 0}
_FREEZE_LOCK = threading.Lock()


def _freeze_long_lived_objects() -> None:
    """Keep Streamlit's collection after every run cheap. Streamlit runs a full garbage
    collection when a script run ends (``runner.postScriptGC``); it walks every object in the
    process, and the libraries loaded here (pydantic, SQLAlchemy, altair, pandas) make about
    170,000 of them: ~100 ms of CPU a click, most of a rerun (benchmarks/bench_load.py). What
    exists once a module is loaded lives as long as the process, so it is frozen out of the
    collector's sight whenever a run has loaded new modules (a few times per process). Objects
    of the sessions alive at that moment are frozen too: if they form cycles, those few are
    never collected."""
    if len(sys.modules) <= _FROZEN["modules"]:
        return
    with _FREEZE_LOCK:
        if len(sys.modules) > _FROZEN["modules"]:
            _FROZEN["modules"] = len(sys.modules)
            gc.collect()
            gc.freeze()


def _active_version() -> PolicyVersion:
    active = store().active_version()
    assert active is not None  # ensure_policy ran when the store opened
    return active


# --- reading ----------------------------------------------------------------------------------


def answers() -> dict[str, Any]:
    result: dict[str, Any] = st.session_state[ANSWERS]
    return result


def notes() -> dict[str, str]:
    result: dict[str, str] = st.session_state[NOTES]
    return result


def extra() -> dict[str, Any]:
    result: dict[str, Any] = st.session_state[EXTRA]
    return result


def set_extra(key: str, value: Any) -> None:
    if value in (None, [], {}):
        extra().pop(key, None)
    else:
        extra()[key] = value
    save()


def title() -> str:
    return str(st.session_state[TITLE])


def assessment_id() -> str | None:
    value = st.session_state.get(ID)
    return str(value) if value else None


def policy() -> Rubric:
    rubric: Rubric = st.session_state[POLICY]
    return rubric


def policy_version() -> PolicyVersion:
    version: PolicyVersion = st.session_state[VERSION]
    return version


def conflict() -> Assessment | None:
    found: Assessment | None = st.session_state.get(CONFLICT)
    return found


def current_answers(rubric: Rubric | None = None) -> tuple[Answers, list[Problem]]:
    """The answers that fit the policy, as scoring sees them, and those set aside."""
    return usable_answers(rubric or policy(), title(), answers(), notes(), extra())


def current_result(rubric: Rubric | None = None) -> ScoreResult | None:
    """The score for the current answers (with options: the best adoption option's, as in
    the report), or None while nothing weighted is answered."""
    from scoring.options import headline_answers

    usable, _ = current_answers(rubric)
    scored, _, _ = headline_answers(rubric or policy(), usable)
    try:
        return score(rubric or policy(), scored)
    except NotEnoughAnswers:
        return None


def rubric_files() -> list[Path]:
    from scoring.rubrics import rubric_dir

    folder = rubric_dir()
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


# --- changing ---------------------------------------------------------------------------------


def use_version(version: PolicyVersion) -> None:
    st.session_state[VERSION] = version
    st.session_state[POLICY] = version.rubric()


def open_assessment(item: Assessment) -> None:
    """Show a saved assessment in this session (and in the URL)."""
    ss = st.session_state
    ss[ID], ss[REVISION] = item.id, item.revision
    ss[ANSWERS], ss[NOTES], ss[TITLE] = dict(item.answers), dict(item.notes), item.title
    ss[EXTRA] = dict(item.extra)
    ss[STEP] = 0
    ss.pop(CONFLICT, None)
    use_version(store().version(item.policy_pk))
    st.query_params["a"] = item.id
    forget_widgets()


def new_assessment() -> None:
    ss = st.session_state
    for key in (ID, REVISION, CONFLICT):
        ss.pop(key, None)
    ss[ID] = None
    ss[ANSWERS], ss[NOTES], ss[TITLE], ss[STEP] = {}, {}, "Untitled assessment", 0
    ss[EXTRA] = {}
    use_version(_active_version())
    st.query_params.pop("a", None)
    forget_widgets()


def set_answer(question_id: str, value: Any) -> None:
    if value is None or value == []:
        answers().pop(question_id, None)
    else:
        answers()[question_id] = value
    save()


def set_note(question_id: str, text: str) -> None:
    if text.strip():
        notes()[question_id] = text
    else:
        notes().pop(question_id, None)
    save()


def set_title(text: str) -> None:
    st.session_state[TITLE] = text.strip() or "Untitled assessment"
    save()


def replace_all(answers_model: Answers) -> None:
    """Load imported answers into the open assessment and reseed every widget."""
    st.session_state[ANSWERS] = dict(answers_model.answers)
    st.session_state[NOTES] = dict(answers_model.notes)
    st.session_state[TITLE] = answers_model.title
    dumped = answers_model.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    st.session_state[EXTRA] = {k: dumped[k] for k in EXTRA_KEYS if k in dumped}
    forget_widgets()
    save()


def save(*, overwrite: bool = False) -> None:
    """Autosave: create the assessment on its first answer, then save over the revision this
    session last saw. If someone else saved in between, nothing is overwritten: the conflict
    is kept for the page to show, with the choice to load theirs or overwrite with ours."""
    ss = st.session_state
    if ss.get(CONFLICT) is not None and not overwrite:
        return  # waiting for the person to choose; their edits stay in the session
    db = store()
    if ss.get(ID) is None:
        if not answers() and not notes() and not extra() and title() == "Untitled assessment":
            return
        item = db.create_assessment(
            title(), dict(answers()), dict(notes()), policy_version(), dict(extra())
        )
        ss[ID], ss[REVISION] = item.id, item.revision
        st.query_params["a"] = item.id
        return
    expected = ss[REVISION]
    if overwrite:
        expected = db.assessment(ss[ID]).revision
    try:
        item = db.save_assessment(
            ss[ID],
            expected_revision=expected,
            title=title(),
            answers=dict(answers()),
            notes=dict(notes()),
            policy=policy_version(),
            extra=dict(extra()),
        )
    except EditConflict as exc:
        ss[CONFLICT] = exc.current
        return
    ss[REVISION] = item.revision
    ss.pop(CONFLICT, None)


def move_to_version(version: PolicyVersion) -> None:
    use_version(version)
    save()


def forget_widgets() -> None:
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(WIDGET_PREFIXES):
            del st.session_state[key]
