"""The answers file's who: the decision owner and the author travel with the answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import AnswersError, load_rubric, parse_answers
from scoring.answers import answers_to_yaml

from .conftest import ROOT

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")


def test_owner_and_author_travel_with_the_answers_and_are_kept_by_a_save(tmp_path: Path) -> None:
    from advisor.storage import Store
    from scoring import usable_answers

    text = b"title: Clause search\nowner: Dana Ortiz\nauthor: Sam Lee\nanswers: {}\n"
    answers = parse_answers(text, DEFAULT)
    assert (answers.owner, answers.author) == ("Dana Ortiz", "Sam Lee")
    again = parse_answers(answers_to_yaml(answers).encode(), DEFAULT)
    assert (again.owner, again.author) == ("Dana Ortiz", "Sam Lee")

    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    store.migrate()
    policy = store.ensure_policy(DEFAULT)
    item = store.create_assessment(
        "Clause search", {}, {}, policy, {"owner": "Dana Ortiz", "author": "Sam Lee"}
    )
    usable, _ = usable_answers(DEFAULT, item.title, item.answers, item.notes, item.extra)
    assert (usable.owner, usable.author) == ("Dana Ortiz", "Sam Lee")
    store.engine.dispose()


def test_an_empty_owner_is_named_with_what_was_expected() -> None:
    with pytest.raises(AnswersError, match="owner: expected non-empty text, found empty text"):
        parse_answers(b"title: T\nowner: ''\n", DEFAULT)
