"""The baseline for benchmarks/bench_load.py: a bare Streamlit page with the widgets of the
Assess page's first step (sidebar, title box, section picker, four radios with five options,
one number with "don't know", five note boxes, back/next, download and upload), whose
callbacks only keep the value in the session. No database, no scoring.

Run alone: streamlit run benchmarks/bare_page.py
"""

from __future__ import annotations

import streamlit as st

OPTIONS = [
    "Staff use it to draft, summarise or answer questions, then decide themselves",
    "It classifies, routes or extracts fields from documents or records",
    "It produces text or images that customers see in our product",
    "Its output decides outcomes for people or money with no step in between",
    "Don't know",
]
QUESTIONS = ["use_pattern", "output_audience", "modality", "value_clarity"]
SECTIONS = [f"{i}. Section {i} — 0/4" for i in range(1, 10)]

st.set_page_config(page_title="Bare page", layout="wide")
answers = st.session_state.setdefault("answers", {})


def _keep(key: str) -> None:
    answers[key] = st.session_state[key]


with st.sidebar:
    st.markdown("**Assessment**")
    st.text("Untitled assessment")
    st.markdown("**Policy**  \n`default` version 1")
    st.button("New assessment")

st.title("Assess a use case")
st.text_input("Assessment title", key="title_input", on_change=_keep, args=("title_input",))
st.caption("Answers are kept in this session only")
st.progress(0.0, text="0 of 38 questions answered")
st.selectbox("Go to section", SECTIONS, key="jump_section")
st.header("Use and value")
st.write("What the model would do, for whom, and what that is worth.")
with st.expander("Still open in this section: 5 of 5"):
    st.markdown("\n".join(f"- Question {q}?" for q in QUESTIONS))
for number, question in enumerate(QUESTIONS[:2], start=1):
    with st.container(border=True):
        st.markdown(f"**{number}. Question {question}?**")
        st.caption("Help text for this question.")
        key = f"answer__{question}"
        st.radio(question, OPTIONS, index=None, key=key, on_change=_keep, args=(key,))
        st.text_input(f"Note on {question}", key=f"note__{question}")
with st.container(border=True):
    st.markdown("**3. About how many items a month?**")
    st.number_input("items per month", min_value=0.0, value=None, key="answer__monthly_volume")
    st.checkbox("Don't know", key="unknown__monthly_volume")
    st.text_input("Note on monthly_volume", key="note__monthly_volume")
for number, question in enumerate(QUESTIONS[2:], start=4):
    with st.container(border=True):
        st.markdown(f"**{number}. Question {question}?**")
        st.caption("Help text for this question.")
        key = f"answer__{question}"
        st.radio(question, OPTIONS, index=None, key=key, on_change=_keep, args=(key,))
        st.text_input(f"Note on {question}", key=f"note__{question}")
left, _, right = st.columns([1, 4, 1])
left.button("← Back", key="nav_back")
right.button("Next →", key="nav_next")
with st.expander("Import or export answers"):
    st.download_button("Download answers (YAML)", data=b"answers: {}\n", file_name="a.yaml")
    st.file_uploader("Upload an answers file (YAML or JSON)", key="answers_upload")
