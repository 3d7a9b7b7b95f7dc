"""Small pieces every page shares: the error guard, the verdict badge, problem lists."""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable, Sequence
from typing import ParamSpec

import streamlit as st

from scoring import AdvisorError, Verdict
from scoring.errors import Problem
from scoring.report.charts import VERDICT_COLOURS

log = logging.getLogger("adoption_advisor.ui")


P = ParamSpec("P")
CALLBACK_ERROR = "aa_callback_error"


def callback(function: Callable[P, None]) -> Callable[P, None]:
    """Guard a widget callback: callbacks run before the page script, outside run_page, so
    an error there would reach the person as a traceback. Keep it for the page instead."""

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            function(*args, **kwargs)
        except AdvisorError as exc:
            st.session_state[CALLBACK_ERROR] = ("problems", exc.problems)
        except Exception as exc:
            if type(exc).__module__.startswith("streamlit"):
                raise
            log.exception("unexpected error in a callback")
            st.session_state[CALLBACK_ERROR] = ("unexpected", type(exc).__name__)

    return guarded


def _show_callback_error() -> None:
    found = st.session_state.pop(CALLBACK_ERROR, None)
    if found is None:
        return
    kind, detail = found
    if kind == "problems":
        show_problems("That change could not be made:", detail)
    else:
        _friendly(detail)


def _friendly(name: str) -> None:
    st.error(
        "Something went wrong on this page. Your answers are kept — try the last "
        "step again, or download your answers from the Assess page to be safe. "
        f"(Details for support: {name})",
        icon=":material/warning:",
    )


def run_page(render: Callable[[], None]) -> None:
    """Run a page; an unexpected error shows a friendly message, never a traceback.

    Answers live in session state, so nothing is lost: the next click works again.
    """
    try:
        _show_callback_error()
        render()
    except AdvisorError as exc:
        show_problems("This input could not be used:", exc.problems)
    except Exception as exc:
        # Streamlit's own control flow (st.rerun, st.stop, page switches) must pass through.
        if type(exc).__module__.startswith("streamlit"):
            raise
        log.exception("unexpected error on a page")
        _friendly(type(exc).__name__)


# Streamlit renders Markdown in st.markdown, st.write, st.caption, alerts, headers, widget
# labels (even collapsed ones), radio options, help tooltips, expander labels and progress
# text; not in selectbox/multiselect options, placeholders, st.text, st.code or table cells.
# Widget labels also become the widgets' accessible names unrendered, so only what Markdown
# would act on is escaped, and '?', ',', "'", '(' and the like stay as they are:
# - a backslash before the characters that open inline Markdown anywhere in a line:
#   emphasis and strikethrough, code, links and images (no '[', no link), HTML and
#   <autolinks>, math, tables, and entities such as &copy;;
# - a backslash before what starts a block at the beginning of a line: headings, quotes,
#   lists ("- ", "1. "), setext underlines and thematic breaks;
# - an invisible WORD JOINER (U+2060) where a conversion runs on the text after escapes
#   are resolved: GFM's bare links ("http://", "www.", "a@b.c"), Streamlit's
#   :directives[...], :shortcodes: and :material/icons: (after any ':' that is not
#   followed by a space), and its arrows ("->" becomes "→").
WORD_JOINER = "\u2060"
_INLINE = re.compile(r"([\\`*_~\[\]<>$|]|&(?=#?\w+;))")
_BLOCK_START = re.compile(r"^(\s*)([#+\-=])", re.MULTILINE)
_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)
_JOIN_AFTER = re.compile(r"(:(?=\S)|@|(?i:www)(?=\.))")
_TYPOGRAPHY = re.compile(r"(?<!\S)(<->|->|<-|--|>=|<=|~=)(?!\S)")


def plain(text: object) -> str:
    """Text a person or a policy wrote (titles, notes, option names, prompts, help, labels,
    reasons), made safe to put inside Markdown: it shows literally, fetches nothing and
    links nowhere. Every such text reaches a Markdown-rendering call through here."""
    shown = str(text)
    shown = _JOIN_AFTER.sub(lambda m: m[1] + WORD_JOINER, shown)
    shown = _TYPOGRAPHY.sub(lambda m: m[1][0] + WORD_JOINER + m[1][1:], shown)
    shown = _INLINE.sub(r"\\\1", shown)
    shown = _ORDERED.sub(r"\1\\\2", shown)
    return _BLOCK_START.sub(r"\1\\\2", shown)


def show_problems(heading: str, problems: Sequence[Problem]) -> None:
    """Each problem on its own line, literally (they quote what was typed or uploaded), and
    wrapped rather than cut off sideways as a code block would be."""
    lines = "\n".join(f"- {plain(p)}" for p in problems)
    st.error(f"{plain(heading)}\n\n{lines}", icon=":material/error:")


def verdict_badge(verdict: Verdict, score: float, caption: str = "", compact: bool = False) -> None:
    """The verdict in words; the colour is an extra cue, never the only one."""
    colour = VERDICT_COLOURS[verdict]
    # Inside the HTML block nothing is read as Markdown, but a blank line would end the block.
    caption = " ".join(caption.split())
    size = "1.15rem" if compact else "1.6rem"
    st.markdown(
        f"""<div role="status" aria-label="Verdict: {verdict.label}" style="border-left: .5rem solid {colour};
        background: #f6f6f8; padding: .8rem 1rem; border-radius: .3rem; margin-bottom: .5rem;">
        <div style="font-size: {size}; font-weight: 700; color: {colour};">
        Verdict: {verdict.label.upper()}</div>
        <div style="color: #333;">Score {score:.1f} / 100{(" · " + html.escape(caption)) if caption else ""}</div>
        </div>""",
        unsafe_allow_html=True,
    )
