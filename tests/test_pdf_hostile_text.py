"""The PDF sets whatever a person typed: a 3,000-character word wraps, a right-to-left override
left open in the title stays inside the title, and emoji are drawn with the bundled emoji font."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from advisor.reports.charts import FONT_DIR
from advisor.reports.model import build_report
from advisor.reports.render import pdf_text, render_pdf
from scoring import Answers, Rubric, load_answers

ZWSP = "\u200b"
RLO = "\u202e"
# Letters no English line is made of alone, so the word's lines can be picked out.
LONG_WORD = "Q" + "".join("qzxjk"[i % 5] for i in range(2998)) + "Z"


def _answers(rubric: Rubric, **update: object) -> Answers:
    answers = load_answers("examples/sales_call_summaries.yaml", rubric)
    return answers.model_copy(update=update)


def _render(rubric: Rubric, answers: Answers) -> tuple[list[str], set[str]]:
    """The text of each page (zero-width spaces removed) and the names of the fonts embedded."""
    reader = PdfReader(io.BytesIO(render_pdf(build_report(rubric, answers))))
    pages = [page.extract_text().replace(ZWSP, "") for page in reader.pages]
    fonts = {
        str(ref.get_object()["/BaseFont"])
        for page in reader.pages
        for ref in page["/Resources"].get_object().get("/Font", {}).values()
    }
    return pages, fonts


def _pages(rubric: Rubric, answers: Answers) -> list[str]:
    return _render(rubric, answers)[0]


def test_a_3000_character_word_in_a_note_wraps_over_many_lines(default_rubric: Rubric) -> None:
    answers = _answers(default_rubric)
    answers = answers.model_copy(update={"notes": {**answers.notes, "modality": LONG_WORD}})
    lines = "\n".join(_pages(default_rubric, answers)).splitlines()
    # The note column is the last one: its text ends each line of the table.
    ends = [line.split(" ")[-1] for line in lines]
    pieces = [end for end in ends if end and set(end) <= set(LONG_WORD)]
    # Every character of the word is in the PDF, in order, over pages...
    assert "".join(pieces) == LONG_WORD
    # ...set on many short lines: none of them runs past the note column.
    assert len(pieces) > 100
    assert max(len(piece) for piece in pieces) < 40


def test_a_long_word_in_the_title_wraps_and_the_footer_shortens_it(
    default_rubric: Rubric,
) -> None:
    title = "T" + "x" * 198 + "Y"
    first = _pages(default_rubric, _answers(default_rubric, title=title))[0].splitlines()
    assert "".join(first[:5]) == title  # the heading holds the whole title, over lines
    footer = first[-1]
    assert footer.startswith("Txxxx") and "…" in footer, footer
    assert re.search(r" · page 1 of \d+$", footer), footer


def test_an_unterminated_right_to_left_override_in_the_title_does_not_reverse_the_footer(
    default_rubric: Rubric,
) -> None:
    answers = _answers(default_rubric, title=f"Pilot {RLO}evil title")
    generated = build_report(default_rubric, answers).generated
    pages = _pages(default_rubric, answers)
    for number, page in enumerate(pages, start=1):
        footer = page.splitlines()[-1]
        assert footer == (
            f"Pilot evil title Policy {default_rubric.id} v{default_rubric.version} "
            f"({build_report(default_rubric, answers).result.policy.sha256[:8]}) · {generated}"
            f" · page {number} of {len(pages)}"
        ), footer
    assert all(RLO not in page and "yciloP" not in page for page in pages)


@pytest.mark.parametrize(
    "emoji",
    ["🚀🎉", "👍🏽", "👨\u200d👩\u200d👧", "🇪🇺"],
    ids=["plain", "skin-tone", "zwj-family", "flag"],
)
def test_emoji_in_the_title_are_set_in_the_bundled_emoji_font(
    default_rubric: Rubric, emoji: str
) -> None:
    pages, fonts = _render(default_rubric, _answers(default_rubric, title=f"Launch {emoji} pilot"))
    assert f"Launch {emoji} pilot" in pages[0]
    assert any("NotoEmoji" in name for name in fonts)


def test_without_emoji_the_emoji_font_is_not_embedded(default_rubric: Rubric) -> None:
    # The check above is not vacuous: the emoji font is embedded only when an emoji is drawn.
    _, fonts = _render(default_rubric, _answers(default_rubric, title="Plain title"))
    assert fonts and not any("NotoEmoji" in name for name in fonts)


def test_the_emoji_font_ships_with_its_licence() -> None:
    assert (FONT_DIR / "NotoEmoji-wght.ttf").stat().st_size < 2_100_000
    assert "SIL Open Font License" in (FONT_DIR / "LICENSE-NotoEmoji.txt").read_text()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ordinary words stay as they are", "ordinary words stay as they are"),
        ("a" * 24, "a" * 24),  # shorter than the threshold: untouched
        ("a" * 25, "aaaaaa\u200baaaaaa\u200baaaaaa\u200baaaaaa\u200ba"),
        (f"x {RLO}y\u2066z\u2069 \u202ad\u202c", "x yz d"),
        # Breaks never split what is drawn as one character.
        ("e\u0301" * 13, ZWSP.join(["e\u0301" * 3] * 4 + ["e\u0301"])),
        (
            "👨\u200d👩\u200d👧" * 5,
            ZWSP.join(["👨\u200d👩\u200d👧" * 2] * 2 + ["👨\u200d👩\u200d👧"]),
        ),
        ("🇪🇺" * 13, "🇪🇺" * 13),
    ],
    ids=["words", "24-chars", "25-chars", "bidi", "combining", "zwj", "flags"],
)
def test_pdf_text_drops_bidi_controls_and_breaks_long_runs(given: str, expected: str) -> None:
    assert pdf_text(given) == expected


def test_pdf_text_breaks_a_long_run_at_cluster_boundaries_only() -> None:
    text = pdf_text("abcde" + "e\u0301" * 20)
    assert text.replace(ZWSP, "") == "abcde" + "e\u0301" * 20
    assert ZWSP in text
    assert all(not part.startswith("\u0301") for part in text.split(ZWSP))
