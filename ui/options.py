"""Options & costs: compare up to four ways of adopting, with cost figures and labour.

Questions the policy marks as option-specific are answered here once per option; every
other question is answered once on the Assess page. Everything is saved as you type,
like the answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from scoring import visible_questions
from scoring.answers import labour_hours
from scoring.limits import (
    MAX_ASSESSMENT_OPTIONS,
    MAX_CURRENCY_CHARS,
    MAX_MOVES_TO_CHARS,
    MAX_OPTION_TITLE_CHARS,
    MAX_ROLE_CHARS,
)
from scoring.models import UNKNOWN, AnswerValue, AnyQuestion
from ui import keys, state
from ui.common import callback, page_script, plain, run_page
from ui.widgets import AnswerSlot, answer_widget, heading
from ui.wording import problem_sentence

MAX_OPTIONS = MAX_ASSESSMENT_OPTIONS
MAX_ROLES = 6
COST_FIELDS = [
    ("integration", "Integration (one-time)"),
    ("adaptation", "Adaptation or fine-tuning (one-time)"),
    ("evaluation", "Building the evaluation (one-time)"),
    ("price_per_item", "Provider price per item"),
    ("items_per_month", "Items per month (empty: the volume answer)"),
    ("hosting_per_month", "Hosting per month"),
    ("maintenance_per_month", "Maintenance per month"),
    ("review_hours_per_week", "Human review, hours a week"),
    ("other_per_month", "Other per month"),
]


def _options() -> list[dict[str, Any]]:
    """The options as kept in the session (changed in place, then saved with set_extra)."""
    found: list[dict[str, Any]] = state.extra().setdefault("options", [])
    return found


def _slug(title: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", title.casefold()).strip("_")[:40] or "option"
    if not base[0].isalpha():
        base = f"option_{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


# --- callbacks: write into the session's extra block, then save ---------------------------------


@callback
def _on_option_title(slot: int) -> None:
    options = _options()
    title = st.session_state[keys.option_title(slot)].strip()
    if slot < len(options):
        if title:
            options[slot]["title"] = title
        else:
            options.pop(slot)
            _forget_option_widgets()
    elif title:
        taken = {o["id"] for o in options}
        options.append({"id": _slug(title, taken), "title": title})
    state.set_extra("options", options)


@callback
def _on_baseline(slot: int) -> None:
    options = _options()
    if slot < len(options):
        options[slot]["baseline"] = bool(st.session_state[keys.option_baseline(slot)])
        if options[slot]["baseline"]:
            options[slot].pop("answers", None)
            options[slot].pop("costs", None)
        else:
            options[slot].pop("baseline", None)
        state.set_extra("options", options)


def _keep_option_answer(slot: int, question_id: str) -> Callable[[AnswerValue | None], None]:
    def keep(value: AnswerValue | None) -> None:
        option = _options()[slot]
        answers = option.setdefault("answers", {})
        if value is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = value
        state.set_extra("options", _options())

    return keep


@callback
def _on_cost(slot: int, field: str) -> None:
    option = _options()[slot]
    value = st.session_state[keys.option_cost(slot, field)]
    costs = option.setdefault("costs", {})
    if value is None:
        costs.pop(field, None)
    else:
        costs[field] = float(value)
    state.set_extra("options", _options())


@callback
def _on_setting(key: str) -> None:
    value = st.session_state[keys.cost_setting(key)]
    if key == "other_per_month":
        process = dict(state.extra().get("current_process") or {})
        process[key] = float(value or 0)
        state.set_extra("current_process", process)
    elif key == "horizon_months":
        state.set_extra(key, int(value))
    elif key == "currency":
        state.set_extra(key, (value or "EUR").strip()[:8] or "EUR")
    else:
        state.set_extra(key, None if value is None else float(value))


@callback
def _on_role(row: int, field: str) -> None:
    roles: list[dict[str, Any]] = list(state.extra().get("labour") or [])
    while len(roles) <= row:
        roles.append({"role": "", "hours_per_week": 0.0, "share_removed": 0.0})
    value = st.session_state[keys.labour_role(row, field)]
    if field == "share_removed":
        value = float(value) / 100
    roles[row][field] = value if isinstance(value, str) else float(value or 0)
    kept = [r for r in roles if str(r.get("role", "")).strip()]
    state.set_extra("labour", kept)


def _forget_option_widgets() -> None:
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(keys.OPTION_WIDGETS):
            del st.session_state[key]


def _seed(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


# --- page parts -----------------------------------------------------------------------------


def _option_slots() -> None:
    st.subheader("Options")
    options = _options()
    shown = min(len(options) + 1, MAX_OPTIONS)
    for slot in range(shown):
        left, right = st.columns([4, 1])
        current = options[slot] if slot < len(options) else {}
        _seed(keys.option_title(slot), current.get("title", ""))
        left.text_input(
            f"Option {slot + 1}",
            key=keys.option_title(slot),
            max_chars=MAX_OPTION_TITLE_CHARS,
            placeholder="e.g. Hosted large model, prompted" if slot == 0 else "Add another option",
            on_change=_on_option_title,
            args=(slot,),
        )
        if slot < len(options):
            _seed(keys.option_baseline(slot), bool(current.get("baseline")))
            right.checkbox(
                "Today's process",
                key=keys.option_baseline(slot),
                on_change=_on_baseline,
                args=(slot,),
                help="Stands for keeping the current process: not scored; its cost is today's.",
            )


def _option_answers() -> None:
    rubric = state.rubric()
    options = [(i, o) for i, o in enumerate(_options()) if not o.get("baseline")]
    per_option = [q for q in rubric.questions if q.per_option]
    if not options or not per_option:
        return
    st.subheader("Answers that differ between options")
    st.caption(
        "The other questions describe the shared context and are answered on the Assess page. "
        "A question an option does not ask (see its conditions) is greyed out."
    )
    shown = {
        slot: set(visible_questions(rubric, {**state.answers(), **option.get("answers", {})}))
        for slot, option in options
    }
    shared = state.answers()
    header = st.columns(len(options))
    for column, (_, option) in zip(header, options, strict=True):
        column.markdown(f"**{plain(option['title'])}**")
    for question in per_option:
        heading(question)
        columns = st.columns(len(options))
        for column, (slot, option) in zip(columns, options, strict=True):
            asked = question.id in shown[slot]
            with column:
                answer_widget(
                    question,
                    AnswerSlot(
                        key=keys.option_answer(slot, question.id),
                        unknown_key=keys.option_unknown(slot, question.id),
                        label=f"{plain(option['title'])}: {plain(question.prompt)}",
                        stored=option.get("answers", {}).get(question.id),
                        keep=_keep_option_answer(slot, question.id),
                        compact=True,
                        disabled=not asked,
                        placeholder="" if asked else "not asked",
                    ),
                )
                if asked:
                    st.caption(_which_counts(question, option, shared))


def _said(question: AnyQuestion, value: AnswerValue) -> str:
    return "Don't know" if value == UNKNOWN else question.answer_label(value)


def _which_counts(
    question: AnyQuestion, option: dict[str, Any], shared: dict[str, AnswerValue]
) -> str:
    """Which answer this option is scored with: its own, else the one given on Assess."""
    own = option.get("answers", {}).get(question.id)
    common = shared.get(question.id)
    if own is not None and common is not None and not question.same_answer(own, common):
        return f"Counts: this option's answer (Assess says “{_said(question, common)}”)."
    if own is not None:
        return "Counts: this option's answer."
    if common is not None:
        return f"Counts: “{_said(question, common)}” from Assess; answer here only if it differs."
    return "Not answered yet, here or on Assess."


def _costs() -> None:
    options = [(i, o) for i, o in enumerate(_options()) if not o.get("baseline")]
    extra = state.extra()
    st.subheader("Costs")
    process = extra.get("current_process") or {}
    st.caption(_hours_caption())
    cols = st.columns(4)
    settings = [
        ("hourly_rate", "Hourly rate", extra.get("hourly_rate")),
        ("other_per_month", "Today: other costs a month", process.get("other_per_month", 0.0)),
        ("horizon_months", "Horizon (months)", extra.get("horizon_months", 36)),
    ]
    for column, (key, label, value) in zip(cols, settings, strict=False):
        _seed(keys.cost_setting(key), value)
        if key == "horizon_months":
            column.number_input(
                label,
                1,
                120,
                step=1,
                key=keys.cost_setting(key),
                on_change=_on_setting,
                args=(key,),
            )
        else:
            column.number_input(
                label, 0.0, step=1.0, key=keys.cost_setting(key), on_change=_on_setting, args=(key,)
            )
    _seed(keys.cost_setting("currency"), extra.get("currency", "EUR"))
    cols[3].text_input(
        "Currency",
        key=keys.cost_setting("currency"),
        max_chars=MAX_CURRENCY_CHARS,
        on_change=_on_setting,
        args=("currency",),
    )
    if not options:
        st.caption("Add an option above to enter its cost figures.")
        return
    columns = st.columns([2, *[1] * len(options)])
    columns[0].markdown("&nbsp;")
    for column, (_, option) in zip(columns[1:], options, strict=True):
        column.markdown(f"**{plain(option['title'])}**")
    for field, label in COST_FIELDS:
        columns = st.columns([2, *[1] * len(options)])
        columns[0].write(label)
        for column, (slot, option) in zip(columns[1:], options, strict=True):
            key = keys.option_cost(slot, field)
            _seed(key, (option.get("costs") or {}).get(field))
            column.number_input(
                f"{plain(option['title'])}: {label}",
                min_value=0.0,
                step=100.0 if "hours" not in field else 1.0,
                key=key,
                label_visibility="collapsed",
                on_change=_on_cost,
                args=(slot, field),
            )


def _hours_caption() -> str:
    """Where today's hours come from: the labour rows below, else the Assess answer."""
    rubric = state.rubric()
    usable, _ = state.current_answers()
    now, freed = labour_hours(rubric, usable)
    if usable.labour:
        return (
            f"Hours come from the labour rows below: {now:,g} hours a week today, "
            f"{freed:,g} of them freed. Today's cost and each option's saving use these hours."
        )
    if now:
        return (
            f"Hours come from your answer on Assess: {now:,g} hours a week, all taken over "
            "by the model. Split them by role under Labour to say what stays with people."
        )
    return (
        "Enter today's hours under Labour (per role, a week): today's cost and each "
        "option's saving are computed from them."
    )


def _labour() -> None:
    st.subheader("Labour")
    st.caption(
        "Repetitive work per role today, the share the model removes, and where the time goes."
    )
    roles = list(state.extra().get("labour") or [])
    for row in range(min(len(roles) + 1, MAX_ROLES)):
        current = roles[row] if row < len(roles) else {}
        cols = st.columns([2, 1, 1, 3])
        for column, (field, label, value) in zip(
            cols,
            [
                ("role", "Role", current.get("role", "")),
                ("hours_per_week", "Hours a week", current.get("hours_per_week", 0.0)),
                (
                    "share_removed",
                    "Share removed (%)",
                    round(100 * current.get("share_removed", 0.0)),
                ),
                ("moves_to", "Freed time goes to", current.get("moves_to", "")),
            ],
            strict=True,
        ):
            key = keys.labour_role(row, field)
            _seed(key, value)
            if field in ("role", "moves_to"):
                column.text_input(
                    label,
                    key=key,
                    max_chars=MAX_ROLE_CHARS if field == "role" else MAX_MOVES_TO_CHARS,
                    on_change=_on_role,
                    args=(row, field),
                )
            elif field == "share_removed":
                column.number_input(
                    label, 0, 100, step=5, key=key, on_change=_on_role, args=(row, field)
                )
            else:
                column.number_input(
                    label, 0.0, step=1.0, key=key, on_change=_on_role, args=(row, field)
                )


def render() -> None:
    """The Options & costs page: options, their own answers, cost figures, labour."""
    st.title("Options & costs")
    st.write(
        "Compare up to four ways of adopting — for example a hosted large model, a "
        "self-hosted fine-tuned one, and keeping today's process — with what each costs "
        "over time and how much repetitive work it frees. The Report compares them."
    )
    _, problems = state.current_answers()
    for problem in problems:
        if "options" in problem.path or not problem.path:
            st.warning(plain(problem_sentence(problem, state.rubric())))
    _option_slots()
    _option_answers()
    _costs()
    _labour()
    st.divider()
    _, forward = st.columns([4, 2])
    if forward.button("Next: the Report →", key="nav_report", type="primary", width="stretch"):
        st.switch_page(page_script("report"))


run_page(render)
