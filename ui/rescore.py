"""Re-score: the open assessment under another published policy version, side by side."""

from __future__ import annotations

import streamlit as st

from scoring.policy import section_changes
from ui import state
from ui.common import callback, flash, plain, run_page, verdict_badge


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
    st.dataframe(
        [
            {
                "Section": c.title,
                f"Score ({mine.version})": c.before,
                f"Score ({other.version})": c.after,
                "Weight": f"{c.weight_before:g} → {c.weight_after:g}",
                "Points": f"{c.points_before:+.2f} → {c.points_after:+.2f}",
                "Moved": "yes" if c.moved else "",
            }
            for c in section_changes(before, after)
        ],
        hide_index=True,
    )
    rules_before = {r.id for r in before.rules_applied}
    rules_after = {r.id for r in after.rules_applied}
    if rules_before != rules_after:
        st.markdown(
            plain(
                f"Hard rules that hold: {', '.join(sorted(rules_before)) or 'none'} → "
                f"{', '.join(sorted(rules_after)) or 'none'}"
            )
        )
    st.button(
        f"Move this assessment to {plain(other.label)}",
        on_click=_move,
        args=(other.pk,),
        type="primary",
    )


run_page(render)
