"""Refusals at the file level: size, encoding, shape, aliases, tags, duplicate keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.errors import InputFileError
from scoring.source import MAX_FILE_BYTES, load_document, parse_document


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(InputFileError) as info:
        load_document(big)
    assert str(info.value) == (
        f"{big}: file is larger than the 1 MB limit; expected a rubric or answers file of a few kilobytes"
    )


def test_invalid_utf8_names_line_and_column() -> None:
    with pytest.raises(InputFileError) as info:
        parse_document(b"a: 1\nb: caf\xe9\n", "x.yaml")
    assert str(info.value) == "x.yaml:2:7: not valid UTF-8 (byte 0xe9); expected UTF-8 text"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="file not found"):
        load_document(tmp_path / "nope.yaml")
    with pytest.raises(InputFileError, match="is a directory"):
        load_document(tmp_path)


def test_json_with_tabs_parses_and_keeps_positions() -> None:
    doc = parse_document('{\n\t"title": "a\\tb",\n\t"answers": {"gain": "lots"}\n}\n', "a.json")
    assert doc.data == {"title": "a\tb", "answers": {"gain": "lots"}}
    assert doc.positions[("answers", "gain")] == (3, 14)


def test_positions_point_at_keys_and_items() -> None:
    doc = parse_document("a:\n  - x: 1\n    y: 2\n  - z\n", "p.yaml")
    assert doc.positions[("a",)] == (1, 1)
    assert doc.positions[("a", 0)] == (2, 5)
    assert doc.positions[("a", 0, "y")] == (3, 5)
    assert doc.positions[("a", 1)] == (4, 5)


def test_every_duplicate_key_is_reported() -> None:
    with pytest.raises(InputFileError) as info:
        parse_document("a: 1\nb: 2\na: 3\nb: 4\n", "d.yaml")
    assert [p.line for p in info.value.problems] == [3, 4]


def test_scalar_top_level_is_refused() -> None:
    with pytest.raises(InputFileError, match="found a single value 'hello'"):
        parse_document("hello\n", "s.yaml")
