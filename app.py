"""Adoption Advisor — Streamlit entry point: page config, session defaults, sidebar, navigation."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.common import run_page

st.set_page_config(page_title="Adoption Advisor", page_icon=":material/explore:", layout="wide")
state.init()

pages = [
    st.Page("ui/assess.py", title="Assess", icon=":material/checklist:", default=True),
    st.Page("ui/report.py", title="Report", icon=":material/summarize:"),
    st.Page("ui/policy.py", title="Policy", icon=":material/tune:"),
]
navigation = st.navigation(pages)


def _sidebar() -> None:
    with st.sidebar:
        rubric = state.policy()
        st.markdown("**Assessment**")
        st.text(state.title())  # user-written: shown as plain text, never as Markdown
        st.markdown(f"**Active policy**  \n`{rubric.id}` version {rubric.version}")
        st.caption(rubric.title)


run_page(_sidebar)
navigation.run()
