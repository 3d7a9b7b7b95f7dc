"""Typed access to the session and the database: the open assessment and its policy.

Everything a person entered lives under keys that no widget owns (``aa_*``, listed with
what each holds in :mod:`ui.keys`);
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
from typing import Any, NamedTuple

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
from scoring import (
    Answers,
    Rubric,
    ScoreResult,
    load_rubric,
    score,
    usable_answers,
    visible_questions,
)
from scoring.answers import EXTRA_KEYS
from scoring.engine import answered_questions
from scoring.errors import NotEnoughAnswers, Problem
from scoring.limits import DEFAULT_TITLE
from scoring.models import UNKNOWN
from scoring.rubrics import default_rubric_path
from ui import keys
from ui.common import flash
from ui.keys import (
    ANSWERS,
    ASSESSMENT_ID,
    CONFLICT,
    EXTRA,
    FAILED_THIS_RUN,
    NOTES,
    POLICY_VERSION,
    REVISION,
    RUBRIC,
    STEP,
    TITLE,
    UNSAVED,
)

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
    """Whether the session holds changes the database does not."""
    return bool(st.session_state.get(UNSAVED))


def is_blank() -> bool:
    """Nothing entered in this session yet: no saved assessment open, no answer, note, title
    or other block (the Assess page's first-visit introduction is shown only then)."""
    return _pristine()


def _pristine() -> bool:
    """Nothing entered in this session yet."""
    return (
        st.session_state.get(ASSESSMENT_ID) is None
        and not answers()
        and not notes()
        and not extra()
        and title() == DEFAULT_TITLE
    )


def init() -> None:
    """Session defaults, then the assessment the URL names (a reload or a shared link)."""
    ss = st.session_state
    ss.setdefault(ANSWERS, {})
    ss.setdefault(NOTES, {})
    ss.setdefault(TITLE, DEFAULT_TITLE)
    ss.setdefault(STEP, 0)
    ss.setdefault(ASSESSMENT_ID, None)
    ss.setdefault(EXTRA, {})
    wanted = st.query_params.get("a")
    # A link is opened into an untouched session only: answers typed while the database
    # was down are never replaced by the saved ones when it comes back.
    if wanted and wanted != ss[ASSESSMENT_ID] and _pristine():
        try:
            open_assessment(store().assessment(wanted))
        except NotFound:
            st.query_params.pop("a", None)
            flash(
                f"No saved assessment {wanted!r} (it may have been deleted); a new one is open.",
                "warning",
            )
        except DatabaseUnavailable as exc:
            record_failure(exc)
    if POLICY_VERSION not in ss or policy_version().pk == OFFLINE_PK:
        try:
            if POLICY_VERSION not in ss:
                use_version(_active_version())
            else:
                _stored_version(store())  # the database may be back
        except DatabaseUnavailable as exc:
            record_failure(exc)
            if POLICY_VERSION not in ss:
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
    """Every answer given in this session, by question id (some may not fit the policy)."""
    result: dict[str, Any] = st.session_state[ANSWERS]
    return result


def notes() -> dict[str, str]:
    """The notes by question id."""
    result: dict[str, str] = st.session_state[NOTES]
    return result


def extra() -> dict[str, Any]:
    """The answers file's other blocks: options, cost figures, labour, currency …"""
    result: dict[str, Any] = st.session_state[EXTRA]
    return result


def set_extra(key: str, value: Any) -> None:
    """Set one block of :func:`extra` (an empty one is removed) and save."""
    if value in (None, [], {}):
        extra().pop(key, None)
    else:
        extra()[key] = value
    save()


def title() -> str:
    """The open assessment's title."""
    return str(st.session_state[TITLE])


def assessment_id() -> str | None:
    """The open assessment's id; None until its first answer saves it."""
    value = st.session_state.get(ASSESSMENT_ID)
    return str(value) if value else None


def rubric() -> Rubric:
    """The rubric of the open assessment's policy version (:func:`policy_version`)."""
    found: Rubric = st.session_state[RUBRIC]
    return found


def policy_version() -> PolicyVersion:
    """The policy version the open assessment is scored under."""
    version: PolicyVersion = st.session_state[POLICY_VERSION]
    return version


def conflict() -> Assessment | None:
    """The other session's save this session's last save ran into, or None."""
    found: Assessment | None = st.session_state.get(CONFLICT)
    return found


def current_answers(under: Rubric | None = None) -> tuple[Answers, list[Problem]]:
    """The answers that fit the rubric (the session's, or ``under``), as scoring sees them,
    and those set aside."""
    from ui.prices import active_catalogue  # ui.prices reads the store from here

    catalogue = active_catalogue()
    return usable_answers(under or rubric(), title(), answers(), notes(), extra(), catalogue)


def current_result(under: Rubric | None = None) -> ScoreResult | None:
    """The score for the current answers (with options: the best adoption option's, as in
    the report), or None while nothing weighted is answered."""
    used = under or rubric()
    try:
        return score(used, scored_answers(used, current_answers(used)[0]))
    except NotEnoughAnswers:
        return None


def scored_answers(used: Rubric, usable: Answers) -> Answers:
    """The answers the headline verdict is scored on: with options compared, the best
    adoption option's (shared answers, then the option's own), else ``usable`` itself."""
    from scoring.options import headline_answers

    scored, _, _ = headline_answers(used, usable)
    return scored


class Progress(NamedTuple):
    """How much of what is shown is answered, counted the one way every page and export
    counts (``scoring.engine.answered_questions`` on the answers the verdict is scored on),
    so the Assess page, the Assessments list and the report give the same figures."""

    shown: list[str]
    """The questions shown, in rubric order."""
    answered: set[str]
    """Those answered: a real answer or "not applicable"."""
    unknown: set[str]
    """Those answered "don't know" (still open)."""
    possible: list[str]
    """The questions shown, and those that would be shown for some answer to the open
    questions (a follow-up of a question not yet answered), in rubric order: the most that
    can still be asked. Answering never adds to it, so a total built on it does not jump up
    as follow-up questions appear; it only shrinks when an answer rules follow-ups out."""

    @property
    def to_go(self) -> int:
        """At most this many questions are left to answer (see :attr:`possible`)."""
        return len(self.possible) - len(self.answered)


def progress(used: Rubric, usable: Answers) -> Progress:
    """How far the answers ``usable`` (from :func:`current_answers` or a saved assessment's
    usable answers) are, under ``used``."""
    from scoring.compiled import compile_rubric

    values = scored_answers(used, usable).answers
    shown = visible_questions(used, values)
    could = compile_rubric(used).could_be_shown(values)
    return Progress(
        shown=shown,
        answered=set(answered_questions(used, values)),
        unknown={q for q in shown if values.get(q) == UNKNOWN},
        possible=[q.id for q in used.questions if could[q.id]],
    )


def rubric_files() -> list[Path]:
    """The rubric files a policy draft can start from (``ADVISOR_RUBRIC_DIR`` or rubric/)."""
    from scoring.rubrics import rubric_dir

    folder = rubric_dir()
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


# --- changing ---------------------------------------------------------------------------------


def use_version(version: PolicyVersion) -> None:
    """Score the open assessment under ``version`` from now on (not saved)."""
    st.session_state[POLICY_VERSION] = version
    st.session_state[RUBRIC] = version.rubric()


def open_assessment(item: Assessment) -> None:
    """Show a saved assessment in this session (and in the URL)."""
    ss = st.session_state
    ss[ASSESSMENT_ID], ss[REVISION] = item.id, item.revision
    ss[ANSWERS], ss[NOTES], ss[TITLE] = dict(item.answers), dict(item.notes), item.title
    ss[EXTRA] = dict(item.extra)
    ss[STEP] = 0
    ss.pop(CONFLICT, None)
    use_version(store().version(item.policy_pk))
    st.query_params["a"] = item.id
    forget_widgets()


def new_assessment() -> None:
    """Start an empty assessment under the active policy version (saved with its first
    answer)."""
    ss = st.session_state
    for key in (ASSESSMENT_ID, REVISION, CONFLICT):
        ss.pop(key, None)
    ss[ASSESSMENT_ID] = None
    ss[ANSWERS], ss[NOTES], ss[TITLE], ss[STEP] = {}, {}, DEFAULT_TITLE, 0
    ss[EXTRA] = {}
    try:
        use_version(_active_version())
    except DatabaseUnavailable as exc:
        record_failure(exc)
        use_version(_shipped_version())
    st.query_params.pop("a", None)
    forget_widgets()


def set_answer(question_id: str, value: Any) -> None:
    """Keep ``value`` as the answer to a question (None or an empty list removes it) and
    save."""
    if value is None or value == []:
        answers().pop(question_id, None)
    else:
        answers()[question_id] = value
    save()


def set_note(question_id: str, text: str) -> None:
    """Keep the note on a question (blank removes it) and save."""
    if text.strip():
        notes()[question_id] = text
    else:
        notes().pop(question_id, None)
    save()


def set_title(text: str) -> None:
    """Rename the open assessment (blank: the default title) and save."""
    st.session_state[TITLE] = text.strip() or DEFAULT_TITLE
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
    if ss.get(ASSESSMENT_ID) is None:
        item = db.create_assessment(
            title(), dict(answers()), dict(notes()), policy_version(), dict(extra())
        )
        ss[ASSESSMENT_ID], ss[REVISION] = item.id, item.revision
        st.query_params["a"] = item.id
        return
    expected = ss[REVISION]
    if overwrite:
        expected = db.assessment(ss[ASSESSMENT_ID]).revision
    try:
        item = db.save_assessment(
            ss[ASSESSMENT_ID],
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
    """Score the open assessment under ``version`` and save it so."""
    use_version(version)
    save()


def forget_widgets() -> None:
    """Forget the Assess and Options & costs widgets' own state, so each is seeded again from
    the session's answers (after loading another assessment or an answers file)."""
    prefixes = (*keys.ASSESS_WIDGETS, *keys.OPTION_WIDGETS)
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(prefixes):
            del st.session_state[key]
