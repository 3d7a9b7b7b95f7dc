"""History & decision: the open assessment's revisions over time, a comparison with an
earlier revision, and the decision recorded on it (who decided what, on which report)."""

from __future__ import annotations

import datetime as dt
import hashlib

import streamlit as st

from advisor.storage import DECISION_LABELS, DECISION_OUTCOMES, Assessment, Decision, Revision
from scoring import Verdict, usable_answers
from scoring.history import answer_changes
from ui import auth, state
from ui.common import callback, flash, plain, run_page
from ui.prices import active_catalogue

#: How each kind of change reads in the history table.
CHANGES = {
    "created": "Created",
    "saved": "Answers saved",
    "renamed": "Renamed",
    "deleted": "Deleted",
    "restored": "Restored",
    "re-scored": "Moved to another policy version",
    "imported": "Imported from a backup",
}


def report_sha256(item: Assessment) -> str:
    """The SHA-256 of the JSON report of ``item`` as saved: what a decision was taken on."""
    from advisor.reports.model import build_report
    from advisor.reports.render import render_json

    rubric = state.store().version(item.policy_pk).rubric()
    # Priced from the catalogue the Report page uses, so the hash is of the report read.
    catalogue = active_catalogue()
    answers, _ = usable_answers(rubric, item.title, item.answers, item.notes, item.extra, catalogue)
    report = build_report(rubric, answers, catalogue=catalogue)
    return hashlib.sha256(render_json(report).encode()).hexdigest()


def _verdict(verdict: str | None, score: float | None) -> str:
    if verdict is None or score is None:
        return "No verdict yet"
    return f"{Verdict(verdict).label} · {score:.1f}"


@callback
def _record(item_id: str, revision: int) -> None:
    ss = st.session_state
    item = state.store().assessment(item_id)
    decision = state.store().record_decision(
        item_id,
        expected_revision=revision,
        outcome=ss["decision_outcome"],
        decided_by=ss["decision_by"],
        decided_on=ss["decision_on"],
        note=ss.get("decision_note", ""),
        report_sha256=report_sha256(item),
    )
    flash(
        f"Recorded: {decision.label} by {decision.decided_by} on "
        f"{decision.decided_on:%d %B %Y}, on revision {decision.revision}."
    )


def _decisions(item: Assessment, decisions: list[Decision]) -> None:
    st.subheader("Decision")
    if not decisions:
        st.caption("No decision is recorded yet.")
    for decision in reversed(decisions):
        with st.container(border=True):
            st.markdown(
                f"**{plain(decision.label)}** — {plain(decision.decided_by)}, "
                f"{decision.decided_on:%d %B %Y}"
            )
            if decision.note:
                st.text(decision.note)  # written by a person: shown literally
            st.caption(
                f"Taken on revision {decision.revision} · verdict then "
                f"{_verdict(decision.verdict, decision.score)} · report SHA-256 "
                f"{decision.report_sha256[:12]}…"
            )
    if decisions and decisions[-1].revision != item.revision:
        st.warning(
            f"The decision was taken on revision {decisions[-1].revision}; the assessment "
            f"has changed since (now revision {item.revision}). Compare the two below, and "
            "record the decision again if it still stands."
        )


def _record_form(item: Assessment) -> None:
    if not auth.is_admin():
        st.caption("Recording a decision needs the admin role (see the Policy page).")
        return
    with st.form("decision_form"):
        st.markdown(f"**Record the decision on revision {item.revision}**")
        st.radio(
            "Outcome",
            DECISION_OUTCOMES,
            format_func=DECISION_LABELS.__getitem__,
            key="decision_outcome",
            horizontal=True,
        )
        # The decision owner named on Assess is who normally records it.
        decided_by = str(item.extra.get("owner") or auth.author())
        st.text_input("Decided by", value=decided_by, key="decision_by", max_chars=200)
        st.date_input("Date of the decision", value=dt.date.today(), key="decision_on")
        st.text_area("Note (conditions, reasons)", key="decision_note", max_chars=5000)
        st.form_submit_button(
            "Record decision",
            type="primary",
            on_click=_record,
            args=(item.id, item.revision),
        )


def _history(item: Assessment, history: list[Revision]) -> None:
    st.subheader("Revisions")
    store = state.store()
    labels = {pk: store.version(pk).label for pk in {r.policy_pk for r in history}}
    st.dataframe(
        [
            {
                "Revision": r.revision,
                "Change": CHANGES.get(r.change, r.change),
                "When (UTC)": f"{r.saved_at:%Y-%m-%d %H:%M}",
                "Verdict": _verdict(r.verdict, r.score),
                "Policy version": labels[r.policy_pk],
            }
            for r in reversed(history)
        ],
        hide_index=True,
        width="stretch",
    )
    earlier = [r for r in history if r.revision != item.revision]
    if not earlier:
        return
    st.subheader("Compare with an earlier revision")
    by_number = {r.revision: r for r in earlier}
    chosen = st.selectbox(
        "Earlier revision",
        sorted(by_number, reverse=True),
        format_func=lambda n: (
            f"Revision {n} — {CHANGES.get(by_number[n].change, by_number[n].change)}, "
            f"{by_number[n].saved_at:%Y-%m-%d %H:%M}"
        ),
        key="history_compare",
    )
    before = by_number[chosen]
    left, right = st.columns(2)
    left.metric(f"Revision {before.revision}", _verdict(before.verdict, before.score))
    right.metric(f"Now (revision {item.revision})", _verdict(item.verdict, item.score))
    if before.policy_pk != item.policy_pk:
        st.caption(
            plain(
                f"Scored under {labels[before.policy_pk]} then and "
                f"{store.version(item.policy_pk).label} now."
            )
        )
    rubric = store.version(item.policy_pk).rubric()
    changes = answer_changes(rubric, before.answers, item.answers)
    if before.title != item.title:
        st.caption(plain(f"Title: “{before.title}” → “{item.title}”"))
    if not changes:
        st.caption("No answer differs.")
        return
    # A static table: long prompts and labels wrap instead of being cut.
    st.table(
        [
            {"Question": c.prompt, f"Revision {before.revision}": c.before, "Now": c.after}
            for c in changes
        ]
    )


def render() -> None:
    """The page."""
    st.title("History & decision")
    item_id = state.assessment_id()
    if item_id is None:
        st.info("Answer a question on the Assess page first: history starts with the first save.")
        return
    store = state.store()
    item = store.assessment(item_id)
    st.caption(plain(f"{item.title} · revision {item.revision}"))
    _decisions(item, store.decisions(item_id))
    _record_form(item)
    _history(item, store.history(item_id))


run_page(render)
