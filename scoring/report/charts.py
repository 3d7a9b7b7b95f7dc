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

from ..engine import ScoreResult
from ..models import Verdict

__all__ = [
    "FONT_DIR",
    "FONT_FAMILY",
    "VERDICT_COLOURS",
    "chart_svg",
    "drivers_chart",
    "section_chart",
]

FONT_FAMILY = "DejaVu Sans"
FONT_DIR = Path(str(resources.files("scoring.report") / "fonts"))

#: Verdict colours; every use also prints the verdict's name, so colour is never the only cue.
VERDICT_COLOURS = {
    Verdict.RECOMMEND: "#1a7f37",
    Verdict.ADAPT: "#b26a00",
    Verdict.AVOID: "#b3261e",
}
_FOR, _AGAINST = "#2f6f9f", "#b3261e"
_WIDTH = 460


def _config(chart: alt.TopLevelMixin) -> Any:
    return (
        chart.configure(font=FONT_FAMILY)
        .configure_axis(labelFont=FONT_FAMILY, titleFont=FONT_FAMILY, labelFontSize=11)
        .configure_title(font=FONT_FAMILY, fontSize=13, anchor="start")
        .configure_view(stroke=None)
        .configure_legend(labelFont=FONT_FAMILY, titleFont=FONT_FAMILY)
    )


def _band(value: float, thresholds: dict[str, float]) -> str:
    if value >= thresholds["recommend"]:
        return "Recommend band"
    if value >= thresholds["adapt"]:
        return "Adapt band"
    return "Avoid band"


def section_chart(result: ScoreResult, thresholds: dict[str, float]) -> Any:
    """Score per factor (0–100) with the verdict thresholds as reference lines."""
    rows = [
        {
            "factor": s.title,
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
    y = alt.Y("factor:N", sort=order, title=None, axis=alt.Axis(labelLimit=190))
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
            "answer": _short(c.prompt),
            "points": c.points,
            "direction": "For adoption" if c.points > 0 else "Against adoption",
            "detail": c.answer,
            "label": f"{c.points:+.1f}",
        }
        for c in drivers
    ]
    order = [str(r["answer"]) for r in rows]
    data = alt.Data(values=rows)
    y = alt.Y("answer:N", sort=order, title=None, axis=alt.Axis(labelLimit=280))
    bars = (
        alt.Chart(data)
        .mark_bar(height=12)
        .encode(
            x=alt.X("points:Q", title="Points above or below a neutral 50"),
            y=y,
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(
                    domain=["For adoption", "Against adoption"], range=[_FOR, _AGAINST]
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=["answer:N", "detail:N", alt.Tooltip("points:Q", format="+.2f")],
        )
    )
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color="#333").encode(x="x:Q")
    chart = alt.layer(bars, zero).properties(
        width=_WIDTH - 160, height=alt.Step(20), title="What drives the verdict"
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
