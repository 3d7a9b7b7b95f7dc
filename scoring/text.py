"""How values are written inside messages: numbers as people write them, found values
named by what they are, long texts cut. Shared by the loader, the answers checks and the
question kinds (:mod:`scoring.models`), so a value reads the same in every message."""

from __future__ import annotations

from typing import Any

from .limits import clip

__all__ = ["format_number", "quoted", "shown_value"]

#: Characters of a text quoted in a message; the rest is cut with "…".
QUOTED_CHARS = 40


def format_number(value: Any) -> str:
    """A number as people write it: ``1,000,000,000,000``, ``0.5``, ``inf``; never fails,
    however many digits a whole number has."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return f"{int(value):,}"
        return repr(value)
    if abs(value) < 10**16:
        return f"{value:,}"
    if abs(value) < 10**300:
        return f"{float(value):g}"
    return f"a whole number of about {value.bit_length() * 3 // 10:,} digits"


def quoted(text: str) -> str:
    """``text`` quoted for a message, cut to :data:`QUOTED_CHARS` characters."""
    return repr(clip(text, QUOTED_CHARS))


def shown_value(value: Any) -> str:
    """What a wrong answer value is, for "found …" in a message: ``a list``, ``text 'x'``,
    ``yes/no value true``, ``number 5``, or the name of its type."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {quoted(value)}"
    if isinstance(value, bool):
        return f"yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {format_number(value)}"
    return type(value).__name__
