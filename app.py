"""Adoption Advisor — Streamlit entry point: page config, session defaults, sidebar, navigation."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.common import callback, database_banner, plain, run_page, start_run

st.set_page_config(page_title="Adoption Advisor", page_icon="🧭", layout="wide")
start_run()

pages = [
    st.Page("ui/assess.py", title="Assess", icon=":material/checklist:", default=True),
    st.Page("ui/options.py", title="Options & costs", icon=":material/compare:"),
    st.Page("ui/report.py", title="Report", icon=":material/summarize:"),
    st.Page("ui/assessments.py", title="Assessments", icon=":material/folder_open:"),
    st.Page("ui/rescore.py", title="Re-score", icon=":material/compare_arrows:"),
    st.Page("ui/policy.py", title="Policy", icon=":material/tune:"),
]
navigation = st.navigation(pages)


def _sidebar() -> None:
    state.init()
    with st.sidebar:
        st.markdown("**Assessment**")
        st.text(state.title())  # user-written: shown as plain text, never as Markdown
        version = state.policy_version()
        st.markdown(f"**Policy**  \n`{version.rubric_id}` version {plain(version.version)}")
        st.caption(plain(version.title))
        st.button("New assessment", on_click=callback(state.new_assessment), icon=":material/add:")


run_page(_sidebar)
run_page(database_banner)  # above the page, when the database cannot be used
navigation.run()
