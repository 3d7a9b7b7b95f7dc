"""Small pieces every page shares: the error guard, the one-time message (flash), counts in
words, the verdict badge, problem lists."""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, NamedTuple, ParamSpec

import streamlit as st

from advisor.reports.model import headline
from advisor.storage import DatabaseUnavailable
from scoring import AdvisorError, Rubric, ScoreResult
from scoring.errors import Problem
from scoring.limits import MAX_PROBLEMS_REPORTED, more_problems
from ui import keys

log = logging.getLogger("adoption_advisor.ui")


P = ParamSpec("P")


def page_script(name: str) -> str:
    """The page script ``ui/<name>.py`` for ``st.switch_page`` and ``st.page_link``, as an
    absolute path: Streamlit resolves a relative one against the entry script, which is
    app.py in a checkout but ui/main.py under ``adoption-advisor app``, so "ui/report.py"
    would only work in a checkout."""
    return str(Path(__file__).resolve().parent / f"{name}.py")


def callback(function: Callable[P, None]) -> Callable[P, None]:
    """Guard a widget callback: callbacks run before the page script, outside run_page, so
    an error there would reach the person as a traceback. Keep it for the page instead."""

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            function(*args, **kwargs)
        except Exception as exc:
            if type(exc).__module__.startswith("streamlit"):
                raise
            st.session_state[keys.CALLBACK_ERROR] = _kind_of(exc, "in a callback")

    return guarded


def _kind_of(exc: Exception, where: str) -> tuple[str, object]:
    from ui import state

    if (unavailable := state.as_unavailable(exc)) is not None:
        return ("database", unavailable)
    if isinstance(exc, AdvisorError):
        return ("problems", exc.problems)
    log.exception("unexpected error %s", where)
    return ("unexpected", type(exc).__name__)


def _show(kind: str, detail: object, heading: str) -> None:
    from ui import state

    if kind == "database":
        assert isinstance(detail, DatabaseUnavailable)
        state.record_failure(detail)
        database_banner()
    elif kind == "problems":
        assert isinstance(detail, list)
        show_problems(heading, detail)
    else:
        _friendly(str(detail))


def _show_callback_error() -> None:
    found = st.session_state.pop(keys.CALLBACK_ERROR, None)
    if found is not None:
        kind, detail = found
        _show(kind, detail, heading="That change could not be made:")


class Flash(NamedTuple):
    """A message for the next run: what just happened, said once (see :func:`flash`)."""

    kind: Literal["success", "info", "warning"]
    text: str


_FLASH_ICONS = {
    "success": ":material/check:",
    "info": ":material/info:",
    "warning": ":material/warning:",
}


def flash(text: str, kind: Literal["success", "info", "warning"] = "success") -> None:
    """Say ``text`` once, at the top of the next page that runs: for what a callback or a
    rerun just did ("Deleted.", "Published default v3."). A newer message replaces one not
    yet shown. ``text`` is shown literally (see :func:`plain`)."""
    st.session_state[keys.FLASH] = Flash(kind, text)


def show_flash() -> None:
    """Show the waiting :func:`flash` message, if any, and forget it."""
    found = st.session_state.pop(keys.FLASH, None)
    if isinstance(found, Flash):
        show = {"success": st.success, "info": st.info, "warning": st.warning}[found.kind]
        show(plain(found.text), icon=_FLASH_ICONS[found.kind])


def quantity(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` with its noun in the right number: "1 assessment", "2 assessments",
    "1,200 questions"; ``plural`` for a noun not made plural by an "s" ("1 policy",
    "3 policies")."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def _friendly(name: str) -> None:
    st.error(
        "Something went wrong on this page. What you entered is still in this tab, but the "
        "last step may not have been saved: try it again, or download your answers from the "
        f"Assess page (Import or export answers) to be safe. (Details for support: {name})",
        icon="⚠️",
    )


def start_run() -> None:
    """Called first on every run: a database failure is reported once per run."""
    st.session_state.pop(keys.FAILED_THIS_RUN, None)
    st.session_state.pop(keys.BANNER_SHOWN, None)


def database_banner() -> None:
    """When the database failed in this run, or holds less than the session: one banner
    saying so, what still works, and a download of the answers from the session."""
    from ui import state

    problem = state.database_problem()
    if problem is None or st.session_state.get(keys.BANNER_SHOWN):
        return
    st.session_state[keys.BANNER_SHOWN] = True
    not_saved = (
        "Your latest changes are not saved."
        if state.unsaved()
        else "Nothing you change now can be saved."
    )
    with st.container(border=True, key="db_banner"):
        st.error(
            f"**The database is unavailable.** {not_saved} The questionnaire and the report "
            "still work in this browser tab, but closing or reloading it loses what is not "
            "saved. Download your answers as YAML to keep them; once the database is back, "
            "upload the file on the Assess page (Import or export answers). Saved "
            "assessments and policies cannot be listed or changed until then.\n\n"
            f"Details for the administrator: {plain(problem)}",
            icon="🛑",
        )
        st.download_button(
            "Download your answers (YAML)",
            data=_answers_yaml(),
            file_name="answers.yaml",
            mime="application/x-yaml",
            on_click="ignore",
            key="db_banner_download",
        )


def _answers_yaml() -> Callable[[], bytes]:
    """The session's answers as an answers file, built when the button is clicked. The
    build runs on a server thread without the session, so the answers are taken now."""
    from scoring import answers_to_yaml
    from ui import state

    title, answers, notes, extra = (
        state.title(),
        dict(state.answers()),
        dict(state.notes()),
        dict(state.extra()),
    )
    rubric = state.rubric()

    def build() -> bytes:
        from scoring import usable_answers

        try:
            usable, _ = usable_answers(rubric, title, answers, notes, extra)
            return answers_to_yaml(usable.model_copy(update={"rubric": rubric.id})).encode()
        except Exception:  # whatever the session holds is better than nothing
            import yaml

            raw = {"title": title, "answers": answers, "notes": notes, **extra}
            return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False).encode()

    return build


def run_page(render: Callable[[], None]) -> None:
    """Run a page; an unexpected error shows a friendly message, never a traceback, and an
    unavailable database shows its banner (once per run). What a callback left for the
    person (an error, or a :func:`flash` message) is shown first, above the page.

    Answers live in session state, so nothing is lost: the next click works again.
    """
    try:
        _show_callback_error()
        show_flash()
        render()
    except Exception as exc:
        # Streamlit's own control flow (st.rerun, st.stop, page switches) must pass through.
        if type(exc).__module__.startswith("streamlit"):
            raise
        _show(*_kind_of(exc, "on a page"), heading="This input could not be used:")


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


def show_problems(heading: str, problems: Sequence[Problem], rubric: Rubric | None = None) -> None:
    """Each problem on its own line as a sentence (``ui.wording.problem_sentence``: with
    ``rubric``, questions, sections and options by the texts the Assess page shows), shown
    literally (they quote what was typed or uploaded) and wrapped rather than cut off
    sideways as a code block would be."""
    from ui.wording import problem_sentence

    shown = [f"- {plain(problem_sentence(p, rubric))}" for p in problems[:MAX_PROBLEMS_REPORTED]]
    if (more := more_problems(len(problems))) is not None:
        shown.append(f"- {plain(more)}")
    lines = "\n".join(shown)
    st.error(f"{plain(heading)}\n\n{lines}", icon=":material/error:")


def verdict_badge(result: ScoreResult, caption: str = "", compact: bool = False) -> None:
    """The verdict in words, as every export words it (``advisor.reports.model.headline``):
    "Verdict: ADAPT", or in neutral grey "Provisional: between Avoid and Recommend" while
    too little is answered. The colour is an extra cue, never the only one."""
    head = headline(result)
    # Inside the HTML block nothing is read as Markdown, but a blank line would end the block.
    caption = " ".join(caption.split())
    line = head.score_line + (f" · {caption}" if caption else "")
    size = "1.15rem" if compact else "1.6rem"
    st.markdown(
        f"""<div role="status" aria-label="{html.escape(head.text)}" data-status="{head.status}"
        style="border-left: .5rem solid {head.colour};
        background: #f6f6f8; padding: .8rem 1rem; border-radius: .3rem; margin-bottom: .5rem;">
        <div style="font-size: {size}; font-weight: 700; color: {head.colour};">
        {html.escape(head.text)}</div>
        <div style="color: #333;">{html.escape(line)}</div>
        </div>""",
        unsafe_allow_html=True,
    )
