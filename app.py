"""Adoption Advisor — Streamlit entry point (page config and navigation only)."""

from __future__ import annotations

import streamlit as st

from scoring import load_rubric
from scoring.rubrics import default_rubric_path

st.set_page_config(page_title="Adoption Advisor", page_icon="🧭", layout="wide")


@st.cache_resource
def _default_rubric():  # parsed once per process, not on every rerun
    return load_rubric(default_rubric_path())


def _home() -> None:
    rubric = _default_rubric()
    st.title("Adoption Advisor")
    st.write(
        "Decide whether, and how, to adopt a foundation model for one use case. "
        "The guided questionnaire arrives in the next release; today the command line "
        "scores answer files (see the README)."
    )
    st.caption(f"Active policy: {rubric.title} — {rubric.id} v{rubric.version}")
    for section in rubric.sections:
        count = sum(1 for q in rubric.questions if q.section == section.id)
        st.markdown(f"**{section.title}** ({count} questions) — {section.description}")


st.navigation([st.Page(_home, title="Home", icon="🧭", default=True)]).run()
