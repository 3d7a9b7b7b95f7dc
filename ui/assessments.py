"""Assessments: every saved assessment — search, filter, open, rename, duplicate, delete."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from advisor.reports.model import headline
from advisor.storage import Assessment
from scoring import Rubric, score, usable_answers
from scoring.errors import NotEnoughAnswers
from ui import keys, state
from ui.common import callback, flash, page_script, plain, quantity, run_page

PER_PAGE = 20
VERDICTS = ["recommend", "adapt", "avoid"]


@callback
def _open(item_id: str) -> None:
    state.open_assessment(state.store().assessment(item_id))
    st.session_state[keys.GO_ASSESS] = True


@callback
def _duplicate(item_id: str) -> None:
    copy = state.store().duplicate(item_id)
    flash(f"Duplicated as “{copy.title}”.")


@callback
def _ask_delete(item_id: str) -> None:
    st.session_state[keys.CONFIRM_DELETE] = item_id


@callback
def _delete(item_id: str) -> None:
    state.store().delete(item_id)
    st.session_state.pop(keys.CONFIRM_DELETE, None)
    if state.assessment_id() == item_id:
        state.new_assessment()
    flash("Deleted. It stays under “Show deleted” for 30 days.")


@callback
def _restore(item_id: str) -> None:
    state.store().restore(item_id)
    flash("Restored.")


@callback
def _rename(item_id: str) -> None:
    title = st.session_state.get(keys.rename(item_id), "").strip()
    if title:
        state.store().rename(item_id, title)
        if state.assessment_id() == item_id:
            state.open_assessment(state.store().assessment(item_id))
    st.session_state.pop(keys.RENAMING, None)


@callback
def _reset_page() -> None:
    st.session_state[keys.LIST_PAGE] = 1


@callback
def _to_page(page: int) -> None:
    st.session_state[keys.LIST_PAGE] = page


@callback
def _start_renaming(item_id: str) -> None:
    st.session_state[keys.RENAMING] = item_id


@callback
def _cancel_delete() -> None:
    st.session_state.pop(keys.CONFIRM_DELETE, None)


def _summary(item: Assessment, rubric: Rubric) -> str:
    """The verdict as the report's headline gives it (provisional included; with options,
    the main option's) and the answered count, counted as the Assess page and the report
    count (``state.progress``)."""
    usable, _ = usable_answers(rubric, item.title, item.answers, item.notes, item.extra)
    counted = state.progress(rubric, usable)
    answered = f"{len(counted.answered)} of {quantity(len(counted.shown), 'question')} answered"
    if item.verdict is None:
        return f"No verdict yet · {answered}"
    try:
        result = score(rubric, state.scored_answers(rubric, usable))
    except NotEnoughAnswers:
        return f"No verdict yet · {answered}"
    verdict = headline(result).text if result.status == "provisional" else result.verdict.label
    return f"{verdict} · {result.score:.1f} · {answered}"


def _row(item: Assessment, deleted: bool, rubric: Rubric, label: str) -> None:
    with st.container(border=True):
        info, actions = st.columns([3, 2])
        info.markdown(f"**{plain(item.title)}**")
        info.caption(
            f"{_summary(item, rubric)} · updated {item.updated_at:%Y-%m-%d %H:%M} UTC · "
            f"policy {plain(label)}"
        )
        # A row that wraps, not four fixed columns: those cut "Duplicate" to "Duplic…".
        buttons = actions.container(horizontal=True, horizontal_alignment="right")
        if deleted:
            buttons.button("Restore", key=f"restore_{item.id}", on_click=_restore, args=(item.id,))
            return
        buttons.button(
            "Open", key=f"open_{item.id}", on_click=_open, args=(item.id,), type="primary"
        )
        buttons.button(
            "Rename",
            key=f"ren_{item.id}",
            on_click=_start_renaming,
            args=(item.id,),
        )
        buttons.button("Duplicate", key=f"dup_{item.id}", on_click=_duplicate, args=(item.id,))
        buttons.button("Delete", key=f"del_{item.id}", on_click=_ask_delete, args=(item.id,))
        if st.session_state.get(keys.RENAMING) == item.id:
            st.text_input(
                "New title",
                value=item.title,
                key=keys.rename(item.id),
                on_change=_rename,
                args=(item.id,),
            )
        if st.session_state.get(keys.CONFIRM_DELETE) == item.id:
            st.warning(plain(f"Delete “{item.title}”? You can restore it for 30 days."))
            yes, no = st.columns(2)
            yes.button("Yes, delete", key=f"confirm_{item.id}", on_click=_delete, args=(item.id,))
            no.button(
                "Cancel",
                key=f"cancel_{item.id}",
                on_click=_cancel_delete,
            )


def render() -> None:
    """The Assessments page: search and filter, then open, rename, duplicate or delete."""
    if st.session_state.pop(keys.GO_ASSESS, False):
        st.switch_page(page_script("assess"))
    st.title("Assessments")
    search_col, verdict_col, date_col = st.columns([2, 2, 2])
    search = search_col.text_input("Search titles", key="list_search", on_change=_reset_page)
    verdicts = verdict_col.multiselect(
        "Verdict", VERDICTS, key="list_verdicts", format_func=str.capitalize, on_change=_reset_page
    )
    dates = date_col.date_input(
        "Updated between",
        value=[],  # no range until one is picked
        key="list_dates",
        on_change=_reset_page,
        max_value=dt.date.today() + dt.timedelta(days=1),
    )
    deleted = st.toggle("Show deleted", key="list_deleted", on_change=_reset_page)
    since = dates[0] if isinstance(dates, tuple) and len(dates) >= 1 else None
    until = dates[1] if isinstance(dates, tuple) and len(dates) == 2 else None
    page = int(st.session_state.setdefault(keys.LIST_PAGE, 1))
    items, total = state.store().list_assessments(
        search=search,
        verdicts=verdicts,
        since=since,
        until=until,
        deleted=deleted,
        page=page,
        per_page=PER_PAGE,
    )
    pages = max(1, -(-total // PER_PAGE))
    st.caption(f"{quantity(total, 'assessment')} · page {page} of {pages}")
    if not items:
        st.info("No assessments match." if total == 0 else "This page is empty.")
    versions = {pk: state.store().version(pk) for pk in {i.policy_pk for i in items}}
    for item in items:
        version = versions[item.policy_pk]
        _row(item, deleted, version.rubric(), version.label)
    back, _, forward = st.columns([1, 4, 1])
    back.button(
        "← Newer",
        disabled=page <= 1,
        on_click=_to_page,
        args=(page - 1,),
        key="list_prev",
    )
    forward.button(
        "Older →",
        disabled=page >= pages,
        on_click=_to_page,
        args=(page + 1,),
        key="list_next",
    )


run_page(render)
