"""Typed access to the session and the database: the open assessment and its policy.

Everything a person entered lives under keys that no widget owns (``aa_*``);
widgets are seeded from here and write back in their callbacks, which also save
the assessment (so a closed tab loses at most the last click). Streamlit drops a
widget's own state when the widget is not drawn on a run, so this is what makes
answers survive navigation. The URL carries the assessment's id (``?a=...``).

When the database cannot be used (down, corrupt, read-only, full), the page keeps
working on what is in the session: a save that fails is recorded (``unsaved_reason``)
and tried again on the next run, pages that need the database raise
:class:`DatabaseUnavailable`, and ``ui.common`` shows one banner with a download of the
answers. Until the database has been opened, the shipped policy stands in for the
active one.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import threading
from pathlib import Path
from typing import Any

import streamlit as st

from advisor.storage import (
    Assessment,
    DatabaseUnavailable,
    EditConflict,
    NotFound,
    PolicyVersion,
    Store,
    database_error,
    database_url,
)
from scoring import Answers, Rubric, ScoreResult, load_rubric, score, usable_answers
from scoring.answers import EXTRA_KEYS
from scoring.errors import NotEnoughAnswers, Problem
from scoring.rubrics import default_rubric_path

ID, REVISION = "aa_id", "aa_revision"
ANSWERS, NOTES, TITLE, STEP = "aa_answers", "aa_notes", "aa_title", "aa_step"
POLICY, VERSION, CONFLICT = "aa_policy", "aa_policy_version", "aa_conflict"
EXTRA = "aa_extra"  # options, cost figures, current process, labour (answers-file blocks)
WIDGET_PREFIXES = ("answer__", "note__", "unknown__", "title_input")
# Why the session's latest changes are not in the database (kept until a save succeeds).
UNSAVED = "aa_unsaved_reason"
# A database failure seen during this run (cleared when the run starts, in app.py).
FAILED_THIS_RUN = "aa_db_failed_this_run"
OFFLINE_PK = -1  # the pk of the stand-in version used before the database could be opened


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


def _url() -> str | None:
    from ui.auth import secret

    return os.environ.get("ADVISOR_DATABASE_URL") or secret("ADVISOR_DATABASE_URL") or None


def store() -> Store:
    """The database; raises :class:`DatabaseUnavailable` when it cannot be opened. Opening
    is tried again on the next run (a failure is not cached)."""
    try:
        return _store(database_url(_url()))
    except Exception as exc:
        unavailable = as_unavailable(exc)
        if unavailable is None:
            raise
        raise unavailable from exc


def as_unavailable(exc: BaseException) -> DatabaseUnavailable | None:
    """``exc`` as the database being unavailable (with the sentence saying why), or None
    when it is something else (a bug is not blamed on the database)."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    try:
        shown = database_url(_url())
    except DatabaseUnavailable as unusable:
        return unusable
    return database_error(exc, shown)


def record_failure(exc: DatabaseUnavailable) -> None:
    """Remember that the database failed in this run, for the banner."""
    st.session_state[FAILED_THIS_RUN] = str(exc)


def database_problem() -> str | None:
    """Why the database could not be used in this run or since the last good save; None
    while all is well."""
    found = st.session_state.get(FAILED_THIS_RUN) or st.session_state.get(UNSAVED)
    return str(found) if found else None


def unsaved() -> bool:
    return bool(st.session_state.get(UNSAVED))


def _pristine() -> bool:
    """Nothing entered in this session yet."""
    return (
        st.session_state.get(ID) is None
        and not answers()
        and not notes()
        and not extra()
        and title() == "Untitled assessment"
    )


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
    # A link is opened into an untouched session only: answers typed while the database
    # was down are never replaced by the saved ones when it comes back.
    if wanted and wanted != ss[ID] and _pristine():
        try:
            open_assessment(store().assessment(wanted))
        except NotFound:
            st.query_params.pop("a", None)
            ss["aa_flash"] = (
                f"No saved assessment {wanted!r} (it may have been deleted); a new one is open."
            )
        except DatabaseUnavailable as exc:
            record_failure(exc)
    if VERSION not in ss or policy_version().pk == OFFLINE_PK:
        try:
            if VERSION not in ss:
                use_version(_active_version())
            else:
                _stored_version(store())  # the database may be back
        except DatabaseUnavailable as exc:
            record_failure(exc)
            if VERSION not in ss:
                use_version(_shipped_version())
    if unsaved():
        save()  # the database may be back: try again what could not be saved
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


def _shipped_version() -> PolicyVersion:
    """The shipped policy as a version that is not (yet) in the database."""
    from scoring import policy_stamp

    rubric = shipped_rubric(str(default_rubric_path()))
    return PolicyVersion(
        pk=OFFLINE_PK,
        rubric_id=rubric.id,
        version=rubric.version,
        sha256=policy_stamp(rubric).sha256,
        title=rubric.title,
        author="the shipped policy file (the database is unavailable)",
        note="",
        created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        parent_pk=None,
        content=rubric.model_dump(mode="json", exclude_none=True),
    )


def _stored_version(db: Store) -> PolicyVersion:
    """The session's policy version as stored: the stand-in becomes the stored version with
    the same content, or the active one."""
    mine = policy_version()
    if mine.pk != OFFLINE_PK:
        return mine
    found = next((v for v in db.versions(mine.rubric_id) if v.sha256 == mine.sha256), None)
    found = found or _active_version()
    use_version(found)
    return found


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
    try:
        use_version(_active_version())
    except DatabaseUnavailable as exc:
        record_failure(exc)
        use_version(_shipped_version())
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
    is kept for the page to show, with the choice to load theirs or overwrite with ours.

    When the database is unavailable nothing is raised: the edits stay in the session, the
    reason is kept for the banner, and the next run tries again."""
    ss = st.session_state
    if ss.get(CONFLICT) is not None and not overwrite:
        return  # waiting for the person to choose; their edits stay in the session
    try:
        _save(overwrite)
    except Exception as exc:
        unavailable = as_unavailable(exc)
        if unavailable is None:
            raise
        ss[UNSAVED] = str(unavailable)
        record_failure(unavailable)
        return
    ss.pop(UNSAVED, None)


def _save(overwrite: bool) -> None:
    ss = st.session_state
    if _pristine():
        return  # an assessment is created with its first answer
    db = store()
    _stored_version(db)
    if ss.get(ID) is None:
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


def publish_policy(
    rubric: Rubric, *, note: str, base_pk: int | None, activate: bool
) -> PolicyVersion:
    """Publish ``rubric`` as a new version, for admins only (checked here, where the change
    is made, whatever the page showed)."""
    from ui import auth

    auth.require_admin("Publishing a policy")
    return store().publish(
        rubric, author=auth.author(), note=note, base_pk=base_pk, activate=activate
    )


def activate_policy(pk: int) -> None:
    """Make version ``pk`` the one new assessments use, for admins only."""
    from ui import auth

    auth.require_admin("Choosing the policy for new assessments")
    store().activate(pk)


def move_to_version(version: PolicyVersion) -> None:
    use_version(version)
    save()


def forget_widgets() -> None:
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(WIDGET_PREFIXES):
            del st.session_state[key]
