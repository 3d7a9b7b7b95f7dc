"""The Streamlit app: page config, session defaults, sidebar, navigation.

``app.py`` in a checkout and ``adoption-advisor app`` from an installed wheel both run
:func:`main`; Streamlit runs the whole script again on every click, so the entry scripts call
it rather than doing the work at import time (an import runs once per process).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import state
from ui.common import callback, database_banner, plain, run_page, start_run

#: The page scripts, found beside this module so the app runs from a checkout or a wheel.
PAGES_DIR = Path(__file__).resolve().parent


def _pages() -> list[st.Page]:
    def page(name: str, title: str, icon: str, *, default: bool = False) -> st.Page:
        return st.Page(PAGES_DIR / f"{name}.py", title=title, icon=icon, default=default)

    return [
        page("assess", "Assess", ":material/checklist:", default=True),
        page("options", "Options & costs", ":material/compare:"),
        page("report", "Report", ":material/summarize:"),
        page("history", "History & decision", ":material/history:"),
        page("assessments", "Assessments", ":material/folder_open:"),
        page("rescore", "Re-score", ":material/compare_arrows:"),
        page("policy", "Policy", ":material/tune:"),
    ]


def _keep_link() -> None:
    """Keep the open assessment's id in the URL on every page: Streamlit drops query
    parameters when the page changes, and a reload or a copied link must reopen it."""
    opened = state.assessment_id()
    if opened is not None and st.query_params.get("a") != opened:
        st.query_params["a"] = opened


def _sidebar() -> None:
    state.init()
    _keep_link()
    with st.sidebar:
        st.markdown("**Assessment**")
        st.text(state.title())  # user-written: shown as plain text, never as Markdown
        version = state.policy_version()
        # The policy by its title and version number, as a PM names it (not its id in code).
        st.markdown(f"**Policy**  \n{plain(version.title)}")
        st.caption(f"Version {plain(version.version)}")
        st.button("New assessment", on_click=callback(state.new_assessment), icon=":material/add:")


def main() -> None:
    """Run one pass of the app: page config, navigation, sidebar, the chosen page."""
    st.set_page_config(page_title="Adoption Advisor", page_icon="🧭", layout="wide")
    start_run()
    navigation = st.navigation(_pages())
    run_page(_sidebar)
    run_page(database_banner)  # above the page, when the database cannot be used
    # Through run_page: an error while a page module loads (not only while it renders)
    # reaches the person as a friendly message, never as a traceback.
    run_page(navigation.run)


if __name__ == "__main__":  # ``streamlit run ui/main.py``, as ``adoption-advisor app`` does
    main()
