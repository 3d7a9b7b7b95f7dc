"""Every input limit, in one place (documented in rubric/README.md, "Limits").

The models (:mod:`scoring.models`, :mod:`scoring.answers`), the file reader
(:mod:`scoring.source`), the CLI and the app's widgets (``max_chars=``) all read
these constants, so a value one of them accepts is never refused by another.
They are set far above what a real policy or assessment needs and low enough
that a hostile file is refused at once rather than after minutes of work.
"""

from __future__ import annotations

import re

__all__ = [
    "DEFAULT_TITLE",
    "FORBIDDEN_CHARACTERS",
    "MAX_ANSWER_ENTRIES",
    "MAX_ASSESSMENT_OPTIONS",
    "MAX_COLLECTION_ITEMS",
    "MAX_CURRENCY_CHARS",
    "MAX_FILE_BYTES",
    "MAX_HORIZON_MONTHS",
    "MAX_HOURS",
    "MAX_ID_CHARS",
    "MAX_INT_DIGITS",
    "MAX_KEY_CHARS",
    "MAX_LABOUR_ROLES",
    "MAX_MOVES_TO_CHARS",
    "MAX_NESTING_DEPTH",
    "MAX_NEXT_STEPS",
    "MAX_NOTE_CHARS",
    "MAX_NUMBER",
    "MAX_OPTIONS_PER_QUESTION",
    "MAX_OPTION_TITLE_CHARS",
    "MAX_PROBLEMS_REPORTED",
    "MAX_QUESTIONS",
    "MAX_ROLE_CHARS",
    "MAX_RULES",
    "MAX_SECTIONS",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_VALUES",
    "MAX_VERSION_CHARS",
    "TEXT_PATTERN",
    "clip",
    "forbidden_character",
    "more_problems",
    "printable",
]

# --- files (any rubric or answers file, checked while it is read) ------------------------------

#: Bytes in one rubric or answers file; larger files are refused before parsing.
MAX_FILE_BYTES = 1_000_000
#: Lists and mappings inside each other; the default rubric needs 7.
MAX_NESTING_DEPTH = 50
#: Items in any one list, or keys in any one mapping, of a file.
MAX_COLLECTION_ITEMS = 2_000
#: Values (keys, list items, texts, numbers) in one file; the default rubric has about 2,600.
MAX_VALUES = 50_000
#: Characters in one mapping key (keys are ids and field names).
MAX_KEY_CHARS = 200
#: Digits in one whole number written in a file (1e12 has 13).
MAX_INT_DIGITS = 20

# --- numbers ----------------------------------------------------------------------------------

#: Largest amount of money, volume or number answer, and largest band bound (in size).
MAX_NUMBER = 1e12
#: Largest number of hours (per month or per week) in cost and labour figures.
MAX_HOURS = 100_000.0
#: Longest cost horizon, in months.
MAX_HORIZON_MONTHS = 120

# --- text -------------------------------------------------------------------------------------

#: Characters in an assessment title.
MAX_TITLE_CHARS = 200
#: Characters in the title of one adoption option.
MAX_OPTION_TITLE_CHARS = 120
#: Characters in one note on an answer.
MAX_NOTE_CHARS = 5_000
#: Characters in one rubric text (titles, prompts, help, labels, reasons, next steps).
MAX_TEXT_CHARS = 2_000
#: Characters in an id (rubric, section, question, option, band, rule, adoption option).
MAX_ID_CHARS = 64
#: Characters in a rubric version.
MAX_VERSION_CHARS = 40
#: Characters in a labour role's name.
MAX_ROLE_CHARS = 100
#: Characters in where a role's freed time goes.
MAX_MOVES_TO_CHARS = 300
#: Characters in the currency label.
MAX_CURRENCY_CHARS = 8

# --- counts -----------------------------------------------------------------------------------

#: Sections in one rubric.
MAX_SECTIONS = 50
#: Questions in one rubric (the default rubric has 36).
MAX_QUESTIONS = 500
#: Options of one question, or bands of one number question.
MAX_OPTIONS_PER_QUESTION = 50
#: Hard rules, adoption conditions or adaptation rules in one rubric (each list).
MAX_RULES = 200
#: Next steps per verdict in one rubric.
MAX_NEXT_STEPS = 50
#: Entries under ``answers`` or ``notes`` in one answers file (or in one option).
MAX_ANSWER_ENTRIES = 1_000
#: Adoption options compared in one assessment.
MAX_ASSESSMENT_OPTIONS = 4
#: Labour roles in one assessment.
MAX_LABOUR_ROLES = 20

# --- characters -----------------------------------------------------------------------------

#: Characters no text may hold: control characters other than tab and line breaks, lone
#: surrogates, U+FFFE and U+FFFF. They cannot be shown, and charts and PDFs are XML inside:
#: one of them in an option title aborted the chart renderer (and with it the process).
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: The same rule as a pydantic ``pattern`` (pydantic refuses lone surrogates itself).
TEXT_PATTERN = "^[^\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*$"

# --- reporting --------------------------------------------------------------------------------

#: Problems listed one by one; the rest are counted ("… and 76,990 more problems").
MAX_PROBLEMS_REPORTED = 50

#: The title an assessment gets when none is given.
DEFAULT_TITLE = "Untitled assessment"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def forbidden_character(text: str) -> str | None:
    """The first character of ``text`` no text may hold, as ``U+0018``; None if there is none."""
    found = FORBIDDEN_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def printable(text: str) -> str:
    """``text`` without the characters no text may hold."""
    return FORBIDDEN_CHARACTERS.sub("", text)


def more_problems(total: int) -> str | None:
    """The line that stands for the problems beyond :data:`MAX_PROBLEMS_REPORTED`, if any."""
    rest = total - MAX_PROBLEMS_REPORTED
    if rest <= 0:
        return None
    return f"… and {rest:,} more problem{'s' if rest != 1 else ''}"
