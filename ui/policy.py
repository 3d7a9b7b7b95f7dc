"""Policy: choose, upload or tune the active policy, with a live preview of the effect."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from scoring import AdvisorError, Rubric, parse_rubric, score
from scoring.errors import NotEnoughAnswers
from scoring.policy import PolicyEdits, apply_edits, rubric_to_yaml, section_changes
from scoring.rubrics import default_rubric_path, rubric_dir
from ui import state
from ui.common import run_page, show_problems, verdict_badge

EDITS = "aa_policy_edits"


def _edits() -> PolicyEdits:
    edits: PolicyEdits = st.session_state.setdefault(EDITS, PolicyEdits())
    return edits


def _forget_editor() -> None:
    st.session_state.pop(EDITS, None)
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(("pol_th_", "pol_sw_", "pol_qw_", "pol_rule_")):
            del st.session_state[key]


def _activate(rubric: Rubric, source: str) -> None:
    state.set_policy(rubric, source)
    _forget_editor()


# --- callbacks --------------------------------------------------------------------------------


def _on_threshold(name: str) -> None:
    setattr(_edits(), name, float(st.session_state[f"pol_th_{name}"]))


def _on_section_weight(section_id: str) -> None:
    _edits().section_weights[section_id] = float(st.session_state[f"pol_sw_{section_id}"])


def _on_question_weight(question_id: str) -> None:
    _edits().question_weights[question_id] = float(st.session_state[f"pol_qw_{question_id}"])


def _on_rule(rule_id: str) -> None:
    _edits().rules_enabled[rule_id] = bool(st.session_state[f"pol_rule_{rule_id}"])


def _on_choose_file() -> None:
    path = Path(st.session_state["pol_file"])
    try:
        rubric = state.shipped_rubric(str(path))
    except AdvisorError as exc:
        st.session_state["aa_policy_error"] = exc.problems
        return
    st.session_state.pop("aa_policy_error", None)
    _activate(rubric, f"rubric/{path.name}")


def _reset() -> None:
    path = default_rubric_path()
    _activate(state.shipped_rubric(str(path)), f"rubric/{path.name}")
    st.session_state.pop("aa_policy_error", None)


def _apply(edited: Rubric) -> None:
    _activate(edited, "edited in this session")


# --- page parts -------------------------------------------------------------------------------


def _seed(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _choose_and_upload(active: Rubric) -> None:
    files = state.rubric_files()
    left, right = st.columns([3, 2])
    with left:
        names = [str(p) for p in files]
        current = next((n for n in names if state.policy_source().endswith(Path(n).name)), None)
        st.session_state["pol_file"] = current
        st.selectbox(
            f"Policy files in {rubric_dir().name}/",
            names,
            key="pol_file",
            placeholder="An uploaded or edited policy is active",
            format_func=lambda n: Path(n).name,
            on_change=_on_choose_file,
        )
        st.button("Reset to the shipped default", on_click=_reset)
    with right:
        upload = st.file_uploader("Upload a policy (YAML)", type=["yaml", "yml"], key="pol_upload")
        if upload is not None and st.session_state.get("aa_policy_seen") != upload.file_id:
            st.session_state["aa_policy_seen"] = upload.file_id
            try:
                rubric = parse_rubric(upload.getvalue(), upload.name)
            except AdvisorError as exc:
                st.session_state["aa_policy_error"] = exc.problems
            else:
                st.session_state.pop("aa_policy_error", None)
                _activate(rubric, f"upload: {upload.name}")
                st.rerun()
        if upload is None:
            st.session_state.pop("aa_policy_seen", None)
    if problems := st.session_state.get("aa_policy_error"):
        show_problems("That policy was not loaded; the active policy is unchanged.", problems)


def _weight_input(
    label: str, key: str, weight: float, callback: Callable[[str], None], item_id: str
) -> None:
    _seed(key, float(weight))
    st.number_input(
        label, 0.0, 100.0, step=0.1, key=key, format="%g", on_change=callback, args=(item_id,)
    )


def _editor(active: Rubric) -> None:
    st.subheader("Thresholds")
    left, right = st.columns(2)
    _seed("pol_th_recommend", float(active.thresholds.recommend))
    _seed("pol_th_adapt", float(active.thresholds.adapt))
    left.number_input(
        "Recommend at or above",
        0.0,
        100.0,
        step=1.0,
        key="pol_th_recommend",
        on_change=_on_threshold,
        args=("recommend",),
    )
    right.number_input(
        "Adapt at or above (below is Avoid)",
        0.0,
        100.0,
        step=1.0,
        key="pol_th_adapt",
        on_change=_on_threshold,
        args=("adapt",),
    )

    st.subheader("Section weights")
    columns = st.columns(3)
    for index, section in enumerate(active.sections):
        with columns[index % 3]:
            _weight_input(
                section.title,
                f"pol_sw_{section.id}",
                section.weight,
                _on_section_weight,
                section.id,
            )

    st.subheader("Question weights")
    for section in active.sections:
        with st.expander(section.title):
            for question in active.questions:
                if question.section != section.id:
                    continue
                _weight_input(
                    question.prompt,
                    f"pol_qw_{question.id}",
                    question.weight,
                    _on_question_weight,
                    question.id,
                )

    st.subheader("Hard rules")
    for rule in active.hard_rules:
        key = f"pol_rule_{rule.id}"
        _seed(key, rule.enabled)
        st.toggle(
            f"{rule.title} (caps at {rule.cap})",
            key=key,
            on_change=_on_rule,
            args=(rule.id,),
            help=rule.reason,
        )


def _preview(active: Rubric, edited: Rubric | None) -> None:
    st.subheader("Preview for the current answers")
    usable, _ = state.current_answers(active)
    try:
        before = score(active, usable)
    except NotEnoughAnswers:
        st.info("Answer some questions on the Assess page to preview the effect of an edit.")
        return
    left, right = st.columns(2)
    with left:
        st.markdown("**Before** (active policy)")
        verdict_badge(before.verdict, before.score, f"{active.id} v{active.version}", compact=True)
    if edited is None:
        right.markdown("**After**")
        right.write("Fix the problems above to see the preview.")
        return
    after = score(edited, state.current_answers(edited)[0])
    with right:
        st.markdown("**After** (with your edits)")
        verdict_badge(after.verdict, after.score, f"{edited.id} v{edited.version}", compact=True)
    moved = [c for c in section_changes(before, after) if c.moved]
    if not moved:
        st.caption("No section moved.")
        return
    st.markdown("**Sections that moved**")
    st.dataframe(
        [
            {
                "Section": c.title,
                "Weight": f"{c.weight_before:g} → {c.weight_after:g}",
                "Score": f"{c.before if c.before is not None else '—'} → {c.after if c.after is not None else '—'}",
                "Points": f"{c.points_before:+.2f} → {c.points_after:+.2f}",
            }
            for c in moved
        ],
        hide_index=True,
    )


def render() -> None:
    active = state.policy()
    st.title("Policy")
    st.write(
        f"Active for this browser session: **{active.title}** — `{active.id}` version "
        f"**{active.version}** ({state.policy_source()}). Saving and publishing versions for a "
        "team comes with team mode."
    )
    _choose_and_upload(active)
    st.divider()

    edit_col, preview_col = st.columns([3, 2], gap="large")
    with edit_col:
        st.header("Tune this policy")
        _editor(active)
    edits = _edits()
    edited: Rubric | None = None
    with preview_col:
        if edits.is_empty():
            edited = active
        else:
            try:
                edited = apply_edits(active, edits)
            except AdvisorError as exc:
                show_problems("These edits do not make a valid policy:", exc.problems)
        _preview(active, edited)
        if edited is not None and not edits.is_empty():
            st.download_button(
                f"Download edited policy (YAML, version {edited.version})",
                data=lambda: rubric_to_yaml(edited),
                file_name=f"{edited.id}-{edited.version}.yaml",
                mime="application/x-yaml",
                on_click="ignore",
            )
            st.button(
                "Use the edited policy in this session",
                type="primary",
                on_click=_apply,
                args=(edited,),
            )
            st.button("Discard edits", on_click=_forget_editor)


run_page(render)
