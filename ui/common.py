"""Small pieces every page shares: the error guard, the verdict badge, problem lists."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence

import streamlit as st

from scoring import AdvisorError, Verdict
from scoring.errors import Problem
from scoring.report.charts import VERDICT_COLOURS

log = logging.getLogger("adoption_advisor.ui")


def run_page(render: Callable[[], None]) -> None:
    """Run a page; an unexpected error shows a friendly message, never a traceback.

    Answers live in session state, so nothing is lost: the next click works again.
    """
    try:
        render()
    except AdvisorError as exc:
        show_problems("This input could not be used:", exc.problems)
    except Exception as exc:
        # Streamlit's own control flow (st.rerun, st.stop, page switches) must pass through.
        if type(exc).__module__.startswith("streamlit"):
            raise
        log.exception("unexpected error on a page")
        st.error(
            "Something went wrong on this page. Your answers are kept — try the last "
            "step again, or download your answers from the Assess page to be safe. "
            f"(Details for support: {type(exc).__name__})",
            icon=":material/warning:",
        )


def show_problems(heading: str, problems: Sequence[Problem]) -> None:
    lines = "\n".join(str(p) for p in problems)
    st.error(f"{heading}\n\n```\n{lines}\n```", icon=":material/error:")


def verdict_badge(verdict: Verdict, score: float, caption: str = "", compact: bool = False) -> None:
    """The verdict in words; the colour is an extra cue, never the only one."""
    colour = VERDICT_COLOURS[verdict]
    size = "1.15rem" if compact else "1.6rem"
    st.markdown(
        f"""<div role="status" aria-label="Verdict: {verdict.label}" style="border-left: .5rem solid {colour};
        background: #f6f6f8; padding: .8rem 1rem; border-radius: .3rem; margin-bottom: .5rem;">
        <div style="font-size: {size}; font-weight: 700; color: {colour};">
        Verdict: {verdict.label.upper()}</div>
        <div style="color: #333;">Score {score:.1f} / 100{(" · " + html.escape(caption)) if caption else ""}</div>
        </div>""",
        unsafe_allow_html=True,
    )
