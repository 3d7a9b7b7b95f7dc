"""Report: the verdict with its reasons, charts, and the four downloads."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import streamlit as st

from advisor.reports.charts import (
    cost_chart,
    drivers_chart,
    options_chart,
    section_chart,
    tornado_chart,
)
from advisor.reports.model import Report, build_report
from advisor.reports.render import NOTHING_TO_RESOLVE, change_lines, suggestion_lines
from scoring import Answers, ScoreResult
from scoring.insight import Sensitivity
from ui import state
from ui.common import callback, plain, run_page, verdict_badge

_FORMATS = (
    ("pdf", "PDF", "application/pdf"),
    ("html", "HTML", "text/html"),
    ("md", "Markdown", "text/markdown"),
    ("json", "JSON", "application/json"),
)


class _Job:
    """Counts finished builds of one format. Streamlit runs the download callable on its own
    thread (Streamlit commands inside it are ignored), so the rerun that the click starts
    shows the spinner and waits here until a build newer than the one it saw has finished."""

    def __init__(self) -> None:
        self.finished = 0
        self._cond = threading.Condition()

    def finish(self) -> None:
        with self._cond:
            self.finished += 1
            self._cond.notify_all()

    def wait_beyond(self, seen: int, timeout: float) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self.finished > seen, timeout)


def _builder(report: Report, fmt: str, job: _Job) -> Callable[[], bytes]:
    def build() -> bytes:
        # This runs on a server thread while the page's own run may still be importing
        # pandas (for its tables); altair takes a half-imported pandas from sys.modules and
        # fails ("partially initialized module 'pandas'"). Importing it here waits for the
        # import in progress to finish.
        import pandas  # type: ignore[import-untyped]  # noqa: F401

        from advisor.reports.render import render  # imported on the first download only

        try:
            return render(report, fmt)
        finally:
            job.finish()

    return build


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _file_stem(title: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()
    return stem[:60] or "assessment"


@callback
def _waiting(fmt: str, label: str, seen: int) -> None:
    st.session_state["aa_waiting_download"] = (fmt, label, seen)


def _downloads(report: Report) -> None:
    jobs: dict[str, _Job] = st.session_state.setdefault(
        "aa_download_jobs", {fmt: _Job() for fmt, _, _ in _FORMATS}
    )
    waiting = st.session_state.pop("aa_waiting_download", None)
    if waiting is not None:
        fmt, label, seen = waiting
        with st.spinner(f"Making the {label} file…"):
            jobs[fmt].wait_beyond(seen, timeout=60)
    columns = st.columns(len(_FORMATS))
    for column, (fmt, label, mime) in zip(columns, _FORMATS, strict=True):
        column.download_button(
            label,
            data=_builder(report, fmt, jobs[fmt]),
            file_name=f"{_file_stem(report.title)}.{fmt}",
            mime=mime,
            key=f"download_{fmt}",
            on_click=_waiting,
            args=(fmt, label, jobs[fmt].finished),
            icon=":material/download:",
            width="stretch",
        )


@st.cache_data(max_entries=64, show_spinner=False)
def _chart_specs(result_json: str, recommend: float, adapt: float) -> tuple[dict[str, Any], ...]:
    """The two chart specs for a result. st.altair_chart would validate each spec against
    the Vega-Lite schema on every rerun (~35 ms a chart); the tests validate these specs."""
    result = ScoreResult.model_validate_json(result_json)
    thresholds = {"recommend": recommend, "adapt": adapt}
    return (
        section_chart(result, thresholds).to_dict(validate=False),
        drivers_chart(result).to_dict(validate=False),
    )


@st.cache_data(max_entries=32, show_spinner=False)
def _report(_rubric: Any, answers_json: str, policy_sha: str) -> Report:
    """The report for these answers under this policy (the rubric itself is identified by its
    SHA-256, so it is not hashed on every rerun)."""
    del policy_sha
    return build_report(_rubric, Answers.model_validate_json(answers_json))


def _insight(report: Report) -> None:
    st.subheader("How close the verdict is")
    st.markdown(plain(report.margin_sentence))
    st.vega_lite_chart(_tornado_spec(report.sensitivity.model_dump_json()), theme=None)
    with st.expander("Every weight and threshold"):
        st.markdown("\n".join(f"- {plain(item.sentence)}" for item in report.sensitivity.items))
    st.subheader("What would change the verdict")
    lines = change_lines(report)
    st.markdown(f"- **Up:** {plain(lines['up'])}\n- **Down:** {plain(lines['down'])}")
    st.subheader("Resolve first")
    if not report.resolve_first:
        st.write(NOTHING_TO_RESOLVE)
    else:
        st.dataframe(
            [
                {
                    "Question": i.prompt,
                    "Status": i.status,
                    "Reachable verdicts": ", ".join(v.label for v in i.verdicts),
                    "Score range": f"{i.score_low:.1f}–{i.score_high:.1f}",
                }
                for i in report.resolve_first
            ],
            hide_index=True,
        )
    if report.options is not None:
        st.subheader("Options side by side")
        st.markdown(plain(report.options.reason))
        st.dataframe(
            [
                {
                    "Option": o.title
                    + (" (preferred)" if o.id == report.options.preferred else ""),
                    "Verdict": "today's process"
                    if o.baseline
                    else (o.verdict.label if o.verdict else "—"),
                    "Score": o.score,
                    "Capping rules": ", ".join(o.rules_applied) or "—",
                    "Adaptation": o.adaptation or "—",
                }
                for o in report.options.items
            ],
            hide_index=True,
        )
        st.vega_lite_chart(options_chart(report.options).to_dict(validate=False), theme=None)
    if report.costs is not None:
        c = report.costs
        st.subheader("Cost over time")
        st.markdown(
            plain(
                f"Current process: {c.current_monthly:,.0f} {c.currency} a month; horizon {c.horizon_months} months."
            )
        )
        st.dataframe(
            [
                {
                    "Option": o.title,
                    f"One-time ({c.currency})": o.one_time,
                    f"Monthly ({c.currency})": o.monthly,
                    "Break-even": f"month {o.break_even_month}"
                    if o.break_even_month
                    else "not within the horizon",
                    f"Saving over {c.horizon_months} months ({c.currency})": o.savings_at_horizon,
                    "Suggested cost profile": o.suggested_cost_profile or "—",
                }
                for o in c.options
                if not o.baseline
            ],
            hide_index=True,
        )
        st.vega_lite_chart(cost_chart(c).to_dict(validate=False), theme=None)
    if suggestions := suggestion_lines(report):
        st.markdown(
            "**Suggested answers from the figures**\n"
            + "\n".join(f"- {plain(line)}" for line in suggestions)
        )
    if report.labour is not None:
        lab = report.labour
        st.subheader("Labour freed")
        st.write(
            f"{lab.hours_freed:g} of {lab.hours_now:g} hours a week of repetitive work are freed."
        )
        st.dataframe(
            [
                {
                    "Role": line.role,
                    "Hours a week": line.hours_per_week,
                    "Share removed": f"{line.share_removed:.0%}",
                    "Hours freed": line.hours_freed,
                    "Freed time goes to": line.moves_to,
                }
                for line in lab.roles
            ],
            hide_index=True,
        )


@st.cache_data(max_entries=64, show_spinner=False)
def _tornado_spec(sensitivity_json: str) -> dict[str, Any]:
    return dict(
        tornado_chart(Sensitivity.model_validate_json(sensitivity_json)).to_dict(validate=False)
    )


def render() -> None:
    rubric = state.policy()
    st.title("Report")
    usable, set_aside = state.current_answers()
    result = state.current_result()
    if result is None:
        st.info("Answer at least one question on the Assess page to see a verdict.")
        st.page_link("ui/assess.py", label="Go to the questionnaire →")
        return
    report = _report(rubric, usable.model_dump_json(), state.policy_version().sha256)
    result = report.result  # with options: the best adoption option's result

    verdict_badge(result)
    st.markdown(plain(report.verdict_meaning))
    if report.answer_first:
        st.markdown(
            "**Answer these first:**\n"
            + "\n".join(f"{i}. {plain(p)}" for i, p in enumerate(report.answer_first, 1))
        )
    st.markdown(f"**{plain(report.decision)}**")
    _downloads(report)
    vr = result.verdict_range
    still_open = result.completeness.shown - result.completeness.answered
    if report.status == "final" and still_open and vr.best != vr.worst:
        st.warning(
            f"{_count(still_open, 'question is', 'questions are')} still open: once answered, "
            f"the verdict could be anything from **{vr.worst.label}** to **{vr.best.label}**"
            f"{'' if vr.exact else ' (an estimated bound)'}."
        )
    if set_aside:
        st.warning(
            _count(
                len(set_aside),
                "answer does not fit the active policy and is",
                "answers do not fit the active policy and are",
            )
            + " left out: "
            + "; ".join(plain(p.message) for p in set_aside)
        )

    if report.conditions:
        st.subheader(report.conditions_title)
        st.markdown(
            "\n".join(
                f"- **{plain(c.title)}.** {plain(c.text)}"
                + (f"  \n  _{plain(c.because)}_" if c.because else "")
                for c in report.conditions
            )
        )
    if report.rules:
        st.subheader("Rules that hold")
        for rule in report.rules:
            text = f"**{plain(rule.title)}** — {plain(rule.effect)}.  \n{plain(rule.reason)}"
            if rule.because:
                text += f"  \n_{plain(rule.because)}_"
            if rule.capped:
                st.error(text, icon=":material/lock:")
            else:
                st.info(text)

    st.subheader("Why")
    st.markdown(plain(report.why))

    left, right = st.columns(2)
    with left:
        st.markdown("**For adoption**")
        for c in result.drivers_for:
            st.markdown(f"- {plain(c.prompt)} — **{plain(c.answer)}** ({c.points:+.2f})")
        if not result.drivers_for:
            st.write("None")
    with right:
        st.markdown("**Against adoption**")
        for c in result.drivers_against:
            st.markdown(f"- {plain(c.prompt)} — **{plain(c.answer)}** ({c.points:+.2f})")
        if not result.drivers_against:
            st.write("None")
    if report.risks:
        st.subheader("Risk notes")
        st.markdown(
            "\n".join(
                f"- {plain(n.prompt)} — **{plain(n.answer)}**: {plain(n.risk)}"
                for n in report.risks
            )
        )

    st.subheader("Next steps")
    st.markdown("\n".join(f"{i}. {plain(step)}" for i, step in enumerate(result.next_steps, 1)))
    st.subheader("Adaptation advice")
    st.markdown(f"**{plain(result.adaptation.label)}.** {plain(result.adaptation.rationale)}")
    _insight(report)

    sections_spec, drivers_spec = _chart_specs(
        result.model_dump_json(), report.thresholds["recommend"], report.thresholds["adapt"]
    )
    # theme=None: the same look as in the HTML and PDF exports.
    st.vega_lite_chart(sections_spec, theme=None)
    st.vega_lite_chart(drivers_spec, theme=None)

    with st.expander("Answers and notes", expanded=False):
        st.dataframe(
            [
                {
                    "Factor": row.section,
                    "Question": row.prompt,
                    "Answer": row.answer,
                    "Status": row.status,
                    "Points": row.points,
                    "Note": row.note or "",
                }
                for row in report.rows
            ],
            hide_index=True,
        )
    p = result.policy
    version = state.policy_version()
    st.caption(
        plain(
            f"Scored with policy {p.title} — id {p.id}, version {p.version} (published "
            f"{version.created_at:%Y-%m-%d} by {version.author}), SHA-256 {p.sha256} · "
            f"generated {report.generated}"
        )
    )
    for warning in result.warnings:
        st.caption(f"Note: {plain(warning)}")


run_page(render)
