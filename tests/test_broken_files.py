"""The catalogue of broken rubric and answers files: each must give its exact message, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.cli import main

from .conftest import DATA, ROOT, regenerate

BROKEN = DATA / "broken"
RUBRIC_CASES = sorted(p for p in (BROKEN / "rubric").iterdir() if p.suffix in {".yaml", ".json"})
ANSWER_CASES = sorted(p for p in (BROKEN / "answers").iterdir() if p.suffix in {".yaml", ".json"})


def _check(case: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argv)
    captured = capsys.readouterr()
    expected_file = case.with_suffix(".expected")
    if regenerate():
        expected_file.write_text(captured.err)
    assert code == 2, captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err == expected_file.read_text()


def test_catalogue_is_large_enough() -> None:
    assert len(RUBRIC_CASES) + len(ANSWER_CASES) >= 25


@pytest.mark.parametrize("case", RUBRIC_CASES, ids=lambda p: p.stem)
def test_broken_rubric(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _check(case, ["validate", str(case.relative_to(ROOT))], capsys)


@pytest.mark.parametrize("case", ANSWER_CASES, ids=lambda p: p.stem)
def test_broken_answers(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["score", str(case.relative_to(ROOT)), "--rubric", "tests/data/small_rubric.yaml"]
    _check(case, argv, capsys)
