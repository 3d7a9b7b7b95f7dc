"""Render a :class:`Report` to JSON, Markdown, HTML and PDF — pure functions, no streamlit.

User-written text (titles, notes) is escaped for HTML by jinja2's autoescaping,
escaped for Markdown by :func:`_md`, and reaches typst only as JSON data, never
as markup (after :func:`pdf_text` has dropped bidi controls and made very long words
breakable; emoji are drawn with the bundled Noto Emoji font).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import re
import threading
import unicodedata
from importlib import resources
from typing import Any

from scoring.errors import ReportError
from scoring.models import Verdict

from .charts import (
    FONT_DIR,
    chart_svg,
    cost_chart,
    drivers_chart,
    options_chart,
    section_chart,
    tornado_chart,
)
from .model import REPORT_FORMAT_VERSION, REPORT_KIND, Report

__all__ = ["FORMATS", "render", "render_html", "render_json", "render_markdown", "render_pdf"]

FORMATS = ("json", "md", "html", "pdf")


def report_data(report: Report) -> dict[str, Any]:
    """The JSON document: stable keys, documented in README.md ("JSON report")."""
    r = report.result
    return {
        "kind": REPORT_KIND,
        "format_version": REPORT_FORMAT_VERSION,
        "title": report.title,
        "generated": report.generated,
        "status": r.status,
        "verdict": r.verdict.value,
        "verdict_meaning": report.verdict_meaning,
        "decision": r.decision.model_dump(mode="json"),
        "score": r.score,
        "score_verdict": r.score_verdict.value,
        "thresholds": report.thresholds,
        "summary": report.summary,
        "sections": [s.model_dump(mode="json") for s in r.sections],
        "contributions": [c.model_dump(mode="json") for c in r.contributions],
        "drivers": {
            "for": [c.question for c in r.drivers_for],
            "against": [c.question for c in r.drivers_against],
        },
        "rules_applied": [x.model_dump(mode="json") for x in r.rules_applied],
        "conditions": [x.model_dump(mode="json") for x in r.conditions],
        "completeness": r.completeness.model_dump(mode="json"),
        "verdict_range": r.verdict_range.model_dump(mode="json"),
        "next_steps": list(r.next_steps),
        "adaptation": r.adaptation.model_dump(mode="json"),
        "policy": r.policy.model_dump(mode="json"),
        "warnings": list(r.warnings),
        "sensitivity": report.sensitivity.model_dump(mode="json"),
        "what_would_change": report.what_would_change.model_dump(mode="json"),
        "resolve_first": [i.model_dump(mode="json") for i in report.resolve_first],
        "main_option": report.main_option,
        "options": report.options.model_dump(mode="json") if report.options else None,
        "costs": report.costs.model_dump(mode="json") if report.costs else None,
        "labour": report.labour.model_dump(mode="json") if report.labour else None,
        "rubric": r.policy.id,
        "answers": report.answers,
        "notes": report.notes,
        "input": report.input,
    }


def render_json(report: Report) -> str:
    return json.dumps(report_data(report), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


# --- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]<>()#+!|~"} | {"\n": " ", "\r": " "})


def _md(text: str) -> str:
    """Escape text so Markdown shows it literally (and renders no HTML from it)."""
    return text.translate(_MD_SPECIAL).replace("&", "&amp;")


_STATUS = {
    "counted": "",
    "unknown": "don't know",
    "unanswered": "not answered",
    "hidden": "ignored: question hidden",
}


def render_markdown(report: Report) -> str:
    r = report.result
    h = report.headline
    if report.status == "provisional":
        lead = [f"**{_md(h.text)}**  ", f"{_md(report.verdict_meaning)}  "]
    else:
        lead = [f"**{_md(h.text)}** — {_md(report.verdict_meaning)}  "]
    out = [f"# {_md(report.title)}", "", *lead, _md(h.score_line), ""]
    if report.answer_first:
        out += ["**Answer these first:**", ""]
        out += [f"{i}. {_md(prompt)}" for i, prompt in enumerate(report.answer_first, 1)]
        out.append("")
    out += [_md(report.decision), ""]
    if report.conditions:
        out += [f"## {report.conditions_title}", ""]
        for c in report.conditions:
            out.append(f"- **{_md(c.title)}.** {_md(c.text)}" + ("  " if c.because else ""))
            if c.because:
                out.append(f"  {_md(c.because)}")
        out.append("")
    if report.rules:
        out += ["## Rules that hold", ""]
        for x in report.rules:
            line = f"- **{_md(x.title)}** — {_md(x.effect)}. {_md(x.reason)}"
            out.append(line + ("  " if x.because else ""))
            if x.because:
                out.append(f"  {_md(x.because)}")
        out.append("")
    out += ["## Why", "", _md(report.why), ""]
    rng = r.verdict_range
    if report.status == "final" and rng.open_questions and rng.worst != rng.best:
        out += [
            f"Verdict range while questions are open: **{rng.worst.label} – {rng.best.label}**"
            f"{'' if rng.exact else ' (bound)'}",
            "",
        ]
    out += ["## Drivers", ""]
    for title, items in (("For adoption", r.drivers_for), ("Against adoption", r.drivers_against)):
        out.append(f"**{title}**")
        out.append("")
        out += [f"- {_md(c.prompt)} — {_md(c.answer)} ({c.points:+.2f})" for c in items] or [
            "- none"
        ]
        out.append("")
    if report.risks:
        out += ["## Risk notes", ""]
        out += [f"- {_md(n.prompt)} — {_md(n.answer)}: {_md(n.risk)}" for n in report.risks]
        out.append("")
    out += ["## Next steps", ""]
    out += [f"{i}. {_md(step)}" for i, step in enumerate(r.next_steps, 1)]
    out += [
        "",
        "## Adaptation advice",
        "",
        f"**{_md(r.adaptation.label)}.** {_md(r.adaptation.rationale)}",
        "",
        *_md_insight(report),
        "## Score by factor",
        "",
        "| Factor | Weight | Score | Answered |",
        "|---|---:|---:|---:|",
    ]
    for s in r.sections:
        shown = "—" if s.score is None else f"{s.score:.1f}"
        out.append(f"| {_md(s.title)} | {s.weight:g} | {shown} | {s.answered}/{s.shown} |")
    out += [
        "",
        "## Answers",
        "",
        "| Factor | Question | Answer | Points | Note |",
        "|---|---|---|---:|---|",
    ]
    for row in report.rows:
        answer = row.answer if not _STATUS[row.status] else f"{row.answer} ({_STATUS[row.status]})"
        points = "" if row.points is None else f"{row.points:+.2f}"
        out.append(
            f"| {_md(row.section)} | {_md(row.prompt)} | {_md(answer)} | {points} | "
            f"{_md(row.note or '')} |"
        )
    if r.warnings:
        out += ["", "## Warnings", ""] + [f"- {_md(w)}" for w in r.warnings]
    p = r.policy
    out += [
        "",
        "## Policy",
        "",
        f"{_md(p.title)} — id `{p.id}`, version {_md(p.version)}, SHA-256 `{p.sha256}`  ",
        f"Generated {report.generated} by Adoption Advisor.",
        "",
    ]
    return "\n".join(out)


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {_md(currency)}"


def change_lines(report: Report) -> dict[str, str]:
    """One sentence each for moving the verdict up and down (shared by every format)."""
    found = report.what_would_change
    out = {}
    for key, change, word in (("up", found.up, "up"), ("down", found.down, "down")):
        if change is None:
            if (key == "up" and report.verdict is Verdict.RECOMMEND) or (
                key == "down" and report.verdict is Verdict.AVOID
            ):
                out[key] = f"Nothing can move it {word}: it is already {report.verdict.label}."
            else:
                bound = "" if found.exact else " (search stopped at its bound)"
                out[key] = (
                    f"No change to up to three actionable answers moves it {word} to "
                    f"exactly one level {'higher' if key == 'up' else 'lower'}{bound}."
                )
            continue
        steps = "; ".join(change.description)
        out[key] = f"{change.verdict.label} (score {change.score:.1f}) if: {steps}."
    return out


NOTHING_TO_RESOLVE = "Nothing to resolve: every question that could count is answered."


def suggestion_lines(report: Report) -> list[str]:
    """Where the cost and labour figures suggest an answer, next to the answer given."""
    lines = []
    given = report.input.get("answers", {})
    if report.costs is not None:
        for option in report.costs.options:
            if option.suggested_cost_profile is None:
                continue
            own: dict[str, Any] = next(
                (
                    o.get("answers", {})
                    for o in report.input.get("options", [])
                    if o.get("id") == option.id
                ),
                {},
            )
            answered = own.get("cost_profile", given.get("cost_profile", "not answered"))
            lines.append(
                f"{option.title}: the figures suggest cost profile “{option.suggested_cost_profile}” "
                f"(answered: “{answered}”)."
            )
    if report.labour is not None and report.labour.suggested_weekly_hours is not None:
        lines.append(
            f"The labour figures suggest {report.labour.suggested_weekly_hours:g} hours a week of "
            f"work the model takes over (answered: {given.get('weekly_hours', 'not answered')})."
        )
    return lines


def _md_insight(report: Report) -> list[str]:
    out = ["## How close the verdict is", "", _md(report.margin_sentence), ""]
    out += [f"- {_md(item.sentence)}" for item in report.sensitivity.items[:8]]
    lines = change_lines(report)
    out += [
        "",
        "## What would change the verdict",
        "",
        f"- **Up:** {_md(lines['up'])}",
        f"- **Down:** {_md(lines['down'])}",
        "",
    ]
    if report.resolve_first:
        out += [
            "## Resolve first",
            "",
            "| Question | Status | Reachable verdicts | Score range |",
            "|---|---|---|---|",
        ]
        for item in report.resolve_first:
            verdicts = ", ".join(v.label for v in item.verdicts)
            out.append(
                f"| {_md(item.prompt)} | {item.status} | {verdicts} | "
                f"{item.score_low:.1f}–{item.score_high:.1f} |"
            )
        out.append("")
    else:
        out += ["## Resolve first", "", NOTHING_TO_RESOLVE, ""]
    if report.options is not None:
        out += ["## Options side by side", "", _md(report.options.reason), ""]
        out += [
            "| Option | Verdict | Score | Capping rules | Adaptation |",
            "|---|---|---:|---|---|",
        ]
        for option in report.options.items:
            verdict = (
                "today's process (not scored)"
                if option.baseline
                else (option.verdict.label if option.verdict else "—")
            )
            score = "" if option.score is None else f"{option.score:.1f}"
            preferred = " (preferred)" if option.id == report.options.preferred else ""
            out.append(
                f"| {_md(option.title)}{preferred} | {verdict} | {score} | "
                f"{_md(', '.join(option.rules_applied) or '—')} | {_md(option.adaptation or '—')} |"
            )
        out.append("")
    if report.costs is not None:
        c = report.costs
        out += [
            "## Cost over time",
            "",
            f"Current process: {_money(c.current_monthly, c.currency)} a month. Horizon {c.horizon_months} months.",
            "",
            "| Option | One-time | Monthly | Break-even | Saving over the horizon |",
            "|---|---:|---:|---:|---:|",
        ]
        for o in c.options:
            if o.baseline:
                continue
            breakeven = (
                f"month {o.break_even_month}" if o.break_even_month else "not within the horizon"
            )
            out.append(
                f"| {_md(o.title)} | {_money(o.one_time, c.currency)} | {_money(o.monthly, c.currency)} | "
                f"{breakeven} | {_money(o.savings_at_horizon, c.currency)} |"
            )
        out.append("")
    if report.labour is not None:
        lab = report.labour
        out += [
            "## Labour freed",
            "",
            f"{lab.hours_freed:g} of {lab.hours_now:g} hours a week of repetitive work are freed.",
            "",
            "| Role | Hours a week | Share removed | Hours freed | Freed time goes to |",
            "|---|---:|---:|---:|---|",
        ]
        out += [
            f"| {_md(line.role)} | {line.hours_per_week:g} | {line.share_removed:.0%} | "
            f"{line.hours_freed:g} | {_md(line.moves_to)} |"
            for line in lab.roles
        ]
        out.append("")
    suggestions = suggestion_lines(report)
    if suggestions:
        out += ["**Suggested answers from the figures**", ""]
        out += [f"- {_md(line)}" for line in suggestions]
        out.append("")
    return out


# --- HTML -----------------------------------------------------------------------------------


@functools.cache
def _jinja_env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("advisor.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _charts(report: Report) -> dict[str, str]:
    charts = {
        "sections": chart_svg(section_chart(report.result, report.thresholds)),
        "drivers": chart_svg(drivers_chart(report.result)),
        "tornado": chart_svg(tornado_chart(report.sensitivity)),
    }
    if report.options is not None:
        charts["options"] = chart_svg(options_chart(report.options))
    if report.costs is not None:
        charts["costs"] = chart_svg(cost_chart(report.costs))
    return charts


def render_html(report: Report) -> str:
    """A self-contained page: inline CSS, inline SVG charts, A4 print styles, no network."""
    import markupsafe

    charts = {k: markupsafe.Markup(v) for k, v in _charts(report).items()}
    template = _jinja_env().get_template("report.html.j2")
    return str(
        template.render(
            report=report,
            r=report.result,
            charts=charts,
            colour=report.headline.colour,
            status=_STATUS,
            changes=change_lines(report),
            suggestions=suggestion_lines(report),
            nothing_to_resolve=NOTHING_TO_RESOLVE,
        )
    )


# --- PDF ------------------------------------------------------------------------------------


_TYPST_LOCK = threading.Lock()

# Explicit bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). One
# left open in a title would reverse the rest of its paragraph (the page footer), so they are
# dropped; the implicit bidi algorithm still orders right-to-left scripts correctly.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# typst breaks lines only at spaces and the like: a longer run of other characters would run
# past the page edge or its table cell. Runs this long get a zero-width break opportunity
# every _BREAK_EVERY characters; ordinary words are left alone.
_LONG_RUN = re.compile(r"[^\s\u200b]{25,}")
_BREAK_EVERY = 6
_ZWSP = "\u200b"
# JSON keys whose strings are not prose: SVG markup, a colour, a hash (copied from the PDF).
_NOT_PROSE = frozenset({"charts", "colour", "sha256"})


def _joins_previous(previous: str, char: str) -> bool:
    """True where a break between ``previous`` and ``char`` would split what is drawn as one
    character: combining marks, emoji sequences (ZWJ, variation selectors, skin tones, tags,
    flags) and Hangul syllables written as jamo."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or previous == "\u200d"
        or code in (0x200C, 0x200D)
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0000 <= code <= 0xE01EF  # tags and variation selectors supplement
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or (0x1F1E6 <= code <= 0x1F1FF and 0x1F1E6 <= ord(previous) <= 0x1F1FF)
        or 0x1160 <= code <= 0x11FF  # Hangul vowel and final jamo
        or 0xD7B0 <= code <= 0xD7FF
    )


def _breakable(match: re.Match[str]) -> str:
    run = match.group()
    out = [run[0]]
    since_break = 1
    for previous, char in itertools.pairwise(run):
        if since_break >= _BREAK_EVERY and not _joins_previous(previous, char):
            out.append(_ZWSP)
            since_break = 0
        out.append(char)
        since_break += 1
    return "".join(out)


def pdf_text(text: str) -> str:
    """Text as the PDF sets it: bidi controls dropped, very long words made breakable."""
    return _LONG_RUN.sub(_breakable, text.translate(_BIDI_CONTROLS))


def _pdf_safe(value: Any) -> Any:
    """Every string of the report data through :func:`pdf_text`, except the non-prose keys."""
    if isinstance(value, str):
        return pdf_text(value)
    if isinstance(value, dict):
        return {k: v if k in _NOT_PROSE else _pdf_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pdf_safe(v) for v in value]
    return value


@functools.cache
def _typst() -> tuple[Any, bytes]:
    """One compiler for the process: it loads the bundled fonts once (35 ms -> 6 ms a PDF).
    System fonts are ignored so the PDF is the same on every OS."""
    import typst

    compiler = typst.Compiler(font_paths=[str(FONT_DIR)], ignore_system_fonts=True)
    source = (resources.files("advisor.reports") / "templates" / "report.typ").read_bytes()
    return compiler, source


def render_pdf(report: Report) -> bytes:
    """A PDF made by typst from the bundled template; data goes in as JSON, never as markup."""
    data = report_data(report)
    data["charts"] = _charts(report)
    data["changes"] = change_lines(report)
    data["suggestions"] = suggestion_lines(report)
    data["nothing_to_resolve"] = NOTHING_TO_RESOLVE
    data["colour"] = report.headline.colour
    # The sentences the memo is laid out from, as the report model words them.
    data["view"] = report.model_dump(
        mode="json",
        include={
            "headline",
            "answer_first",
            "decision",
            "conditions_title",
            "conditions",
            "rules",
            "risks",
            "margin_sentence",
            "why",
            "status",
        },
    )
    data["rows"] = [
        row.model_dump(mode="json") | {"status_text": _STATUS[row.status]} for row in report.rows
    ]
    data["drivers_detail"] = {
        "for": [c.model_dump(mode="json") for c in report.result.drivers_for],
        "against": [c.model_dump(mode="json") for c in report.result.drivers_against],
    }
    data = _pdf_safe(data)
    compiler, source = _typst()
    try:
        with _TYPST_LOCK:
            pdf: Any = compiler.compile(
                input=source,
                # The report date, not the clock: the same report gives the same bytes.
                timestamp=int(
                    dt.datetime.combine(
                        dt.date.fromisoformat(report.generated), dt.time(), dt.UTC
                    ).timestamp()
                ),
                sys_inputs={"report": json.dumps(data, ensure_ascii=False)},
                pdf_tags=False,
            )
    except Exception as exc:  # typst raises its own error types; keep them in our family
        raise ReportError(f"the PDF could not be made: {exc}") from exc
    assert isinstance(pdf, bytes)
    return pdf


def render(report: Report, fmt: str) -> bytes:
    """Render to ``fmt`` (one of :data:`FORMATS`) as bytes ready to write or download."""
    if fmt == "pdf":
        return render_pdf(report)
    renderers = {"json": render_json, "md": render_markdown, "html": render_html}
    if fmt not in renderers:
        raise ReportError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    return renderers[fmt](report).encode("utf-8")
