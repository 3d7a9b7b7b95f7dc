"""Re-score: the open assessment under another published policy version, side by side."""

from __future__ import annotations

import streamlit as st

from advisor.storage import PolicyVersion
from scoring import Rubric, ScoreResult
from scoring.policy import policy_differences, section_changes
from ui import state
from ui.common import callback, flash, plain, quantity, run_page, verdict_badge


def _what_changed(current: Rubric, current_label: str, other: PolicyVersion) -> None:
    """What the other version does differently, in sentences, and its change note: why the
    verdict below may move, before the numbers."""
    changes = policy_differences(current, other.rubric())
    with st.container(border=True):
        st.markdown(f"**What {plain(other.label)} does differently from {plain(current_label)}**")
        if changes:
            st.markdown("\n".join(f"- {plain(line)}" for line in changes))
        else:
            st.caption(
                "No threshold, weight, rule, condition or question differs: only wording or "
                "the version number, if anything."
            )
        if other.note.strip():
            st.markdown(
                f"Change note of {plain(other.label)} ({plain(other.author)}, "
                f"{other.created_at:%Y-%m-%d}): “{plain(other.note.strip())}”"
            )
        else:
            st.caption(plain(f"{other.label} was published without a change note."))


def _moved_sections(
    before: ScoreResult, after: ScoreResult, version_before: str, version_after: str
) -> None:
    """Only the sections whose score, weight or points moved; a sentence when none did."""
    moved = [c for c in section_changes(before, after) if c.moved]
    if not moved:
        st.caption(
            "No section's score, weight or contribution moves: any change in the verdict "
            "comes from the thresholds, rules or conditions above."
        )
        return
    st.markdown(f"**{quantity(len(moved), 'section')} moved**")
    st.dataframe(
        [
            {
                "Section": c.title,
                f"Score ({version_before})": _number(c.before),
                f"Score ({version_after})": _number(c.after),
                "Weight": f"{c.weight_before:g} → {c.weight_after:g}",
                "Points": f"{c.points_before:+.2f} → {c.points_after:+.2f}",
            }
            for c in moved
        ],
        hide_index=True,
    )


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _rules(before: ScoreResult, after: ScoreResult) -> None:
    """The hard rules that hold, by title, when they differ between the two versions."""
    rules_before = sorted(r.title for r in before.rules_applied)
    rules_after = sorted(r.title for r in after.rules_applied)
    if rules_before != rules_after:
        st.markdown(
            plain(
                f"Hard rules that hold: {'; '.join(rules_before) or 'none'} → "
                f"{'; '.join(rules_after) or 'none'}"
            )
        )


@callback
def _move(pk: int) -> None:
    state.move_to_version(state.store().version(pk))
    flash(f"The assessment now uses {state.policy_version().label}.")


def render() -> None:
    """The Re-score page: the open assessment under another policy version, side by side."""
    st.title("Re-score under another policy version")
    mine = state.policy_version()
    before = state.current_result()
    if before is None:
        st.info("Answer at least one question on the Assess page first.")
        return
    versions = [v for v in state.store().versions() if v.pk != mine.pk]
    if not versions:
        st.info(f"Only one policy version ({plain(mine.label)}) is published so far.")
        return
    labels = {v.pk: f"#{v.pk} {v.label} — {v.created_at:%Y-%m-%d} by {v.author}" for v in versions}
    chosen = st.selectbox(
        "Compare with", list(labels), format_func=labels.__getitem__, key="rescore_pk"
    )
    other = state.store().version(chosen)
    rubric = other.rubric()
    _what_changed(state.rubric(), mine.label, other)
    after = state.current_result(rubric)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Now: {plain(mine.label)}**")
        verdict_badge(before, compact=True)
    with right:
        st.markdown(f"**Under {plain(other.label)}**")
        if after is None:
            st.write("No question this version weighs is answered.")
            return
        verdict_badge(after, compact=True)
    _moved_sections(before, after, mine.version, other.version)
    _rules(before, after)
    st.button(
        f"Move this assessment to {plain(other.label)}",
        on_click=_move,
        args=(other.pk,),
        type="primary",
    )


run_page(render)
