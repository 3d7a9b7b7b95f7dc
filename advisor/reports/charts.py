"""Charts as pure functions returning altair charts, and their SVG export.

The same chart objects are shown in the app and exported to HTML and PDF, so
they name the bundled font: vl-convert measures and draws text with it, and
typst embeds the same file, so labels are never clipped or substituted.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import altair as alt

from scoring.compiled import verdict_for_score
from scoring.engine import ScoreResult
from scoring.insight import Sensitivity
from scoring.models import Thresholds, Verdict
from scoring.options import Costs, OptionsComparison

from .levers import PLAUSIBLE_CHANGE, VERDICT_COLOURS, Lever, plausible_levers

__all__ = [
    "FONT_DIR",
    "FONT_FAMILY",
    "PLAUSIBLE_CHANGE",
    "VERDICT_COLOURS",
    "Lever",
    "chart_svg",
    "cost_chart",
    "drivers_chart",
    "options_chart",
    "plausible_levers",
    "section_chart",
    "tornado_chart",
]

FONT_FAMILY = "DejaVu Sans"
FONT_DIR = Path(str(resources.files("advisor.reports") / "fonts"))

_FOR, _AGAINST = "#2f6f9f", "#b3261e"
_WIDTH = 460


def _config(chart: alt.TopLevelMixin) -> Any:
    return (
        chart.configure(font=FONT_FAMILY)
        # labelLimit 0: Vega never cuts a label itself (its cut splits characters outside
        # the Basic Multilingual Plane in two and the converter fails); _short does it.
        .configure_axis(
            labelFont=FONT_FAMILY,
            titleFont=FONT_FAMILY,
            labelFontSize=11,
            labelLimit=0,
            labelLineHeight=13,
        )
        .configure_title(font=FONT_FAMILY, fontSize=13, anchor="start")
        .configure_view(stroke=None)
        .configure_legend(labelFont=FONT_FAMILY, titleFont=FONT_FAMILY, labelLimit=0)
    )


def _band(value: float, thresholds: dict[str, float]) -> str:
    lines = Thresholds(recommend=thresholds["recommend"], adapt=thresholds["adapt"])
    return f"{verdict_for_score(value, lines).label} band"


def section_chart(result: ScoreResult, thresholds: dict[str, float]) -> Any:
    """Score per factor (0–100) with the verdict thresholds as reference lines."""
    rows = [
        {
            "factor": _short(s.title, 30),
            "score": s.score,
            "label": f"{s.score:.0f}",
            "band": _band(s.score, thresholds),
        }
        for s in result.sections
        if s.score is not None
    ]
    order = [str(r["factor"]) for r in rows]
    data = alt.Data(values=rows)
    colour = alt.Color(
        "band:N",
        scale=alt.Scale(
            domain=["Recommend band", "Adapt band", "Avoid band"],
            range=[VERDICT_COLOURS[v] for v in Verdict],
        ),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    y = alt.Y("factor:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    bars = (
        alt.Chart(data)
        .mark_bar(height=14)
        .encode(
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Score (0–100)"),
            y=y,
            color=colour,
            tooltip=[alt.Tooltip("factor:N"), alt.Tooltip("score:Q", format=".1f")],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=11, color="#222")
        .encode(x="score:Q", y=y, text="label:N")
    )
    rules = (
        alt.Chart(
            alt.Data(
                values=[
                    {"at": thresholds["recommend"], "name": "Recommend"},
                    {"at": thresholds["adapt"], "name": "Adapt"},
                ]
            )
        )
        .mark_rule(strokeDash=[4, 3], color="#555")
        .encode(x="at:Q")
    )
    chart = alt.layer(bars, labels, rules).properties(
        width=_WIDTH, height=alt.Step(22), title="Score by factor"
    )
    return _config(chart)


def _short(text: str, limit: int = 46) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def drivers_chart(result: ScoreResult) -> Any:
    """The answers that moved the score most, for (right) and against (left), in points."""
    drivers = [*result.drivers_for, *reversed(result.drivers_against)]
    rows = [
        {
            "answer": _wrap(c.prompt, 42),
            "question": c.prompt,
            "points": c.points,
            "direction": "For adoption" if c.points > 0 else "Against adoption",
            "detail": c.answer,
            "label": f"{c.points:+.1f}",
        }
        for c in drivers
    ]
    order = [str(r["answer"]) for r in rows]
    data = alt.Data(values=rows)
    y = alt.Y("answer:N", sort=order, title=None, axis=alt.Axis(labelLimit=0, labelExpr=_LINES))
    bars = (
        alt.Chart(data)
        .mark_bar(height=12)
        .encode(
            x=alt.X("points:Q", title="Points the answer adds to or takes from the score"),
            y=y,
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(
                    domain=["For adoption", "Against adoption"], range=[_FOR, _AGAINST]
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("question:N", title="Question"),
                alt.Tooltip("detail:N", title="Answer"),
                alt.Tooltip("points:Q", title="Points", format="+.2f"),
            ],
        )
    )
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color="#333").encode(x="x:Q")
    chart = alt.layer(bars, zero).properties(
        width=_WIDTH - 180, height=alt.Step(40), title="What drives the verdict"
    )
    return _config(chart)


def _wrap(text: str, width: int = 28) -> str:
    """Text broken into lines of about ``width`` characters (at spaces), joined by a newline;
    the axis splits it (labelExpr), so a long label is shown whole, never cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


#: Axis labels holding "\n" are drawn as several lines.
_LINES = "split(datum.label, '\\n')"


def tornado_chart(sensitivity: Sensitivity) -> Any:
    """How far each plausible lever (see :func:`plausible_levers`) has to move, in % of its
    value, before the verdict flips; the shortest bars are the closest calls."""
    rows = [
        {
            "label": _wrap(f"{lever.label}, {'lowered' if lever.change < 0 else 'raised'}"),
            "change": round(lever.change, 1),
            "text": f"{lever.change:+.0f} %",
            "sentence": lever.sentence,
        }
        for lever in plausible_levers(sensitivity)
    ]
    order = [str(r["label"]) for r in rows]
    data = alt.Data(values=rows)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=0, labelExpr=_LINES))
    x = alt.X(
        "change:Q",
        title="Change that flips the verdict (% of today's value)",
        scale=alt.Scale(domain=[-PLAUSIBLE_CHANGE, PLAUSIBLE_CHANGE]),
    )
    bars = (
        alt.Chart(data)
        .mark_bar(height=12, color=_FOR, opacity=0.85)
        .encode(x=x, x2=alt.datum(0), y=y, tooltip=[alt.Tooltip("sentence:N", title="Flips")])
    )
    labels = (
        alt.Chart(data)
        .mark_text(fontSize=10, color="#222", dy=-10)
        .encode(x="change:Q", y=y, text="text:N")
    )
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color="#333").encode(x="x:Q")
    chart = alt.layer(bars, labels, zero).properties(
        width=_WIDTH - 140, height=alt.Step(34), title="How close the verdict is to flipping"
    )
    return _config(chart)


def options_chart(comparison: OptionsComparison) -> Any:
    """Score of each option, coloured and labelled by its verdict."""
    rows = [
        {
            "option": _short(i.title, 40),
            "score": i.score,
            "verdict": i.verdict.label if i.verdict else "",
            "label": f"{i.verdict.label} {i.score:.1f}"
            if i.verdict and i.score is not None
            else "",
        }
        for i in comparison.items
        if not i.baseline and i.score is not None
    ]
    data = alt.Data(values=rows)
    y = alt.Y(
        "option:N", sort=[str(r["option"]) for r in rows], title=None, axis=alt.Axis(labelLimit=0)
    )
    bars = (
        alt.Chart(data)
        .mark_bar(height=14)
        .encode(
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Score (0–100)"),
            y=y,
            color=alt.Color(
                "verdict:N",
                scale=alt.Scale(
                    domain=[v.label for v in Verdict], range=[VERDICT_COLOURS[v] for v in Verdict]
                ),
                legend=None,
            ),
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=11, color="#222")
        .encode(x="score:Q", y=y, text="label:N")
    )
    chart = alt.layer(bars, labels).properties(
        width=_WIDTH - 140, height=alt.Step(24), title="Options side by side"
    )
    return _config(chart)


def cost_chart(costs: Costs) -> Any:
    """Cumulative cost per option against the current process; dots mark break-even (the
    month is in the cost table beside it: labels on the chart ran over the lines)."""
    rows = [
        {"month": m, "cost": value, "series": "Current process"}
        for m, value in enumerate(costs.current_cumulative)
    ]
    marks: list[dict[str, Any]] = []
    for option in costs.options:
        if option.baseline:
            continue
        rows += [
            {"month": m, "cost": v, "series": option.title} for m, v in enumerate(option.cumulative)
        ]
        if option.break_even_month is not None:
            marks.append(
                {
                    "month": option.break_even_month,
                    "cost": option.cumulative[option.break_even_month],
                    "series": option.title,
                    "label": f"{_short(option.title, 44)}: breaks even in month "
                    f"{option.break_even_month}",
                    "late": option.break_even_month > costs.horizon_months / 2,
                    # each label a line above the one before, so close ones never overlap
                    "dy": -14 * len(marks) - 12,
                }
            )
    lines = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X(
                "month:Q",
                title="Month",
                scale=alt.Scale(domain=[0, costs.horizon_months], nice=False),
            ),
            y=alt.Y("cost:Q", title=f"Cumulative cost ({costs.currency})"),
            color=alt.Color(
                "series:N", legend=alt.Legend(title=None, orient="bottom", direction="vertical")
            ),
            strokeDash=alt.condition(
                alt.datum.series == "Current process", alt.value([5, 4]), alt.value([1, 0])
            ),
        )
    )
    layers = [lines]
    if marks:
        points = alt.Chart(alt.Data(values=marks)).mark_point(size=70, filled=True, color="#222")
        layers.append(points.encode(x="month:Q", y="cost:Q", tooltip=["series:N", "label:N"]))
    chart = alt.layer(*layers).properties(width=_WIDTH, height=220, title="Cost over time")
    return _config(chart)


def cost_band_chart(costs: Costs) -> Any:
    """Cumulative cost of each option with usage figures as a band (the smallest and largest
    across the costed cases) around its expected line, against the current process.
    Break-even is given as a range in the text beside it, not drawn on the lines."""
    rows = [
        {"month": m, "cost": value, "low": value, "high": value, "series": "Current process"}
        for m, value in enumerate(costs.current_cumulative)
    ]
    for option in costs.options:
        if option.baseline or option.usage is None:
            continue
        name = _short(option.title, 44)
        rows += [
            {"month": m, "cost": band.expected, "low": band.low, "high": band.high, "series": name}
            for m, band in enumerate(option.usage.cost.cumulative)
        ]
    x = alt.X(
        "month:Q", title="Month", scale=alt.Scale(domain=[0, costs.horizon_months], nice=False)
    )
    colour = alt.Color(
        "series:N", legend=alt.Legend(title=None, orient="bottom", direction="vertical")
    )
    base = alt.Chart(alt.Data(values=rows))
    bands = base.mark_area(opacity=0.22).encode(
        x=x,
        y=alt.Y("low:Q", title=f"Cumulative cost ({costs.currency})"),
        y2="high:Q",
        color=colour,
    )
    lines = base.mark_line(strokeWidth=2).encode(
        x=x,
        y="cost:Q",
        color=colour,
        strokeDash=alt.condition(
            alt.datum.series == "Current process", alt.value([5, 4]), alt.value([1, 0])
        ),
        tooltip=["series:N", "month:Q", "low:Q", "cost:Q", "high:Q"],
    )
    chart = alt.layer(bands, lines).properties(
        width=_WIDTH, height=220, title="Cost over time: expected, with the range of cases"
    )
    return _config(chart)


@functools.cache
def _fonts_registered() -> bool:
    import vl_convert as vlc

    vlc.register_font_directory(str(FONT_DIR))
    return True


def chart_svg(chart: Any) -> str:
    """Render a chart to SVG with vl-convert (imported only when a chart is exported).

    Measuring text in the bundled font costs vl-convert ~80 ms a chart here, so the
    SVG of a spec is kept: exporting HTML and then PDF of one report draws each chart once.
    """
    # Validation against the Vega-Lite schema costs ~35 ms a chart; the tests validate these specs.
    spec = chart.to_dict(validate=False) if hasattr(chart, "to_dict") else chart
    return _svg(json.dumps(spec, sort_keys=True))


@functools.lru_cache(maxsize=32)
def _svg(spec_json: str) -> str:
    import vl_convert as vlc

    _fonts_registered()
    return str(vlc.vegalite_to_svg(spec_json))


def warm_up() -> None:
    """Start vl-convert's engine and load the bundled fonts (about a second the first time
    in a process) by drawing an empty chart."""
    _svg(json.dumps({"mark": "point", "data": {"values": []}}))
