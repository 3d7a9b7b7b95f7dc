"""The app lists at most MAX_PROBLEMS_REPORTED problems and says how many more there are."""

from __future__ import annotations

from unittest import mock

from scoring.errors import Problem
from scoring.limits import MAX_PROBLEMS_REPORTED
from ui import common


def test_a_flood_of_problems_is_cut_with_a_count_of_the_rest() -> None:
    with mock.patch.object(common.st, "error") as error:
        common.show_problems("Bad file", [Problem(f"problem {i}") for i in range(77_000)])
    text = error.call_args[0][0]
    assert text.count("\n- ") == MAX_PROBLEMS_REPORTED + 1
    assert text.splitlines()[-1] == f"- … and {77_000 - MAX_PROBLEMS_REPORTED:,} more problems"


def test_a_few_problems_are_all_listed() -> None:
    with mock.patch.object(common.st, "error") as error:
        common.show_problems("Bad file", [Problem("one"), Problem("two")])
    assert error.call_args[0][0].endswith("- One.\n- Two.")  # said as sentences
