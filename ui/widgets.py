"""The widget for each question kind, chosen from one registry keyed by the kind.

Both pages that take answers use it: Assess (one answer per question) and Options & costs
(one answer per option for the questions the rubric marks ``per_option``). A page says
where an answer lives with an :class:`AnswerSlot` (its widget keys, the stored answer, how
to keep a new one) and calls :func:`answer_widget`; the widget is seeded from the stored
answer, offers "Don't know" where the question allows it (a rubric's "not applicable"
options and bands are answers like any other), and keeps each change through the slot.

A new question kind is one entry in :data:`WIDGETS` beside its model in
``scoring.models.QUESTION_KINDS``; ``tests/test_ui_kinds.py`` checks both list the same kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import streamlit as st

from scoring.models import (
    UNKNOWN,
    AnswerValue,
    AnyQuestion,
    MultipleChoiceQuestion,
    NumberQuestion,
    ScaleQuestion,
    SingleChoiceQuestion,
)
from ui.common import callback, plain

#: What the "don't know" choice says.
DONT_KNOW = "Don't know"


@dataclass(frozen=True)
class AnswerSlot:
    """Where one answer to one question is shown and kept."""

    key: str
    """The answer widget's key."""
    unknown_key: str
    """The key of the "Don't know" box beside a multiselect or a number input."""
    label: str
    """The widget's label (its accessible name), already made safe with ``plain``."""
    stored: AnswerValue | None
    """The answer kept so far (None: unanswered); the widget starts from it."""
    keep: Callable[[AnswerValue | None], None]
    """Keeps a changed answer (None: unanswered again); called from the widget's callback."""
    compact: bool = False
    """A narrow column beside others (Options & costs): a select box instead of radio
    buttons, the label hidden, the placeholder in its place."""
    disabled: bool = False
    """Shown greyed out: the question is not asked here."""
    placeholder: str = ""
    """Shown in an empty select box, multiselect or number input; empty: what to do ("Choose
    an option", "Choose one or more") or, for a number, its unit."""


class KindWidget(Protocol):
    """How one question kind is answered on a page."""

    def draw(self, question: Any, slot: AnswerSlot, on_change: Callable[[], None]) -> None:
        """Draw the widget(s) for ``question`` at ``slot``, seeded from ``slot.stored``;
        ``on_change`` is the callback every one of them calls."""

    def read(self, question: Any, slot: AnswerSlot) -> AnswerValue | None:
        """The answer the widget(s) hold now (None: unanswered)."""


def _seed(key: str, value: object) -> None:
    """Give a widget its starting value unless it already has one: the kept answer is the
    widget's default, and a widget's own state wins while it is drawn."""
    if key not in st.session_state:
        st.session_state[key] = value


def _unknown_box(
    question: MultipleChoiceQuestion | NumberQuestion,
    slot: AnswerSlot,
    on_change: Callable[[], None],
) -> None:
    if not question.allow_unknown:
        return
    _seed(slot.unknown_key, slot.stored == UNKNOWN)
    st.checkbox(DONT_KNOW, key=slot.unknown_key, disabled=slot.disabled, on_change=on_change)


class ChoiceWidget:
    """Single choice and scale: radio buttons (a scale's in a row), or a select box in a
    compact slot; "Don't know" is one more choice."""

    def draw(
        self,
        question: SingleChoiceQuestion | ScaleQuestion,
        slot: AnswerSlot,
        on_change: Callable[[], None],
    ) -> None:
        """A radio group, or a select box in a compact slot."""
        ids = [o.id for o in question.options] + ([UNKNOWN] if question.allow_unknown else [])
        _seed(slot.key, slot.stored if slot.stored in ids else None)
        if slot.compact:
            # select box options are shown as typed, never as Markdown
            labels = {o.id: o.label for o in question.options} | {UNKNOWN: DONT_KNOW}
            st.selectbox(
                slot.label,
                ids,
                key=slot.key,
                index=None,
                format_func=labels.__getitem__,
                placeholder=slot.placeholder or "Choose an option",
                disabled=slot.disabled,
                label_visibility="collapsed",
                on_change=on_change,
            )
            return
        # radio options are rendered as Markdown
        shown = {o.id: plain(o.label) for o in question.options} | {UNKNOWN: DONT_KNOW}
        st.radio(
            slot.label,
            ids,
            key=slot.key,
            format_func=shown.__getitem__,
            horizontal=question.kind == "scale",
            disabled=slot.disabled,
            label_visibility="collapsed",
            on_change=on_change,
        )

    def read(self, question: SingleChoiceQuestion | ScaleQuestion, slot: AnswerSlot) -> Any:
        """The chosen option's id, ``unknown``, or None."""
        return st.session_state.get(slot.key)


class MultipleWidget:
    """Multiple choice: a multiselect, and a "Don't know" box that greys it out."""

    def draw(
        self, question: MultipleChoiceQuestion, slot: AnswerSlot, on_change: Callable[[], None]
    ) -> None:
        """A multiselect and its "Don't know" box."""
        labels = {o.id: o.label for o in question.options}
        stored = slot.stored
        _seed(slot.key, [o for o in stored if o in labels] if isinstance(stored, list) else [])
        st.multiselect(
            slot.label,
            list(labels),
            key=slot.key,
            format_func=labels.__getitem__,
            placeholder=slot.placeholder or "Choose one or more",
            disabled=slot.disabled or stored == UNKNOWN,
            label_visibility="collapsed",
            on_change=on_change,
        )
        _unknown_box(question, slot, on_change)

    def read(self, question: MultipleChoiceQuestion, slot: AnswerSlot) -> AnswerValue | None:
        """``unknown`` when the box is ticked, else the chosen ids (None when none is)."""
        if st.session_state.get(slot.unknown_key):
            return UNKNOWN
        chosen = list(st.session_state.get(slot.key) or [])
        return chosen or None


class NumberWidget:
    """Number: a number input within the question's bounds, and a "Don't know" box."""

    def draw(
        self, question: NumberQuestion, slot: AnswerSlot, on_change: Callable[[], None]
    ) -> None:
        """A number input (labelled with the unit) and its "Don't know" box."""
        stored = slot.stored
        number = stored if isinstance(stored, int | float) else None
        _seed(slot.key, None if number is None else float(number))
        st.number_input(
            f"{slot.label} ({plain(question.unit)})",
            key=slot.key,
            min_value=float(question.minimum),
            max_value=float(question.maximum) if question.maximum is not None else None,
            step=1.0,
            format="%g",
            placeholder=slot.placeholder or question.unit,
            disabled=slot.disabled or stored == UNKNOWN,
            label_visibility="collapsed" if slot.compact else "visible",
            on_change=on_change,
        )
        _unknown_box(question, slot, on_change)

    def read(self, question: NumberQuestion, slot: AnswerSlot) -> AnswerValue | None:
        """``unknown`` when the box is ticked, else the number (a whole one as an int)."""
        if st.session_state.get(slot.unknown_key):
            return UNKNOWN
        value = st.session_state.get(slot.key)
        if value is None:
            return None
        number = float(value)
        return int(number) if number.is_integer() else number


#: The widget for each question kind; ``scoring.models.QUESTION_KINDS`` lists the same kinds.
WIDGETS: dict[str, KindWidget] = {
    "single": ChoiceWidget(),
    "scale": ChoiceWidget(),
    "multiple": MultipleWidget(),
    "number": NumberWidget(),
}


@callback
def _changed(question: AnyQuestion, slot: AnswerSlot) -> None:
    slot.keep(WIDGETS[question.kind].read(question, slot))


def answer_widget(question: AnyQuestion, slot: AnswerSlot) -> AnswerValue | None:
    """Draw the widget for ``question``'s kind at ``slot``; each change is kept through
    ``slot.keep``. Returns the answer kept so far (``slot.stored``)."""
    WIDGETS[question.kind].draw(question, slot, lambda: _changed(question, slot))
    return slot.stored


def heading(question: AnyQuestion, number: int | None = None) -> None:
    """The question's prompt in bold (numbered when ``number`` is given) and its help."""
    prefix = f"{number}. " if number is not None else ""
    st.markdown(f"**{prefix}{plain(question.prompt)}**")
    st.caption(plain(question.help))
