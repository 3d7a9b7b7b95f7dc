"""The reference decisions: the shipped rubric agrees with every one, and a mis-tuned
copy is caught with the cases named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from advisor.cli import main
from scoring import load_rubric
from scoring.calibration import calibrate, load_cases

from .conftest import ROOT

REFERENCE = ROOT / "examples" / "reference"
DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")


def test_the_reference_set_covers_every_verdict_and_the_traps() -> None:
    cases = load_cases(REFERENCE)
    assert len(cases) >= 24
    final = [c for c in cases if c.expected.status == "final"]
    for verdict in ("recommend", "adapt", "avoid"):
        assert sum(1 for c in final if c.expected.verdict.value == verdict) >= 6, verdict
    assert any(c.expected.status == "provisional" for c in cases)


def test_the_shipped_rubric_agrees_with_every_reference_decision(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["calibrate", str(REFERENCE)])
    out = capsys.readouterr().out
    assert code == 0, out
    count = len(load_cases(REFERENCE))
    assert f"{count} of {count} reference decisions agree" in out
    assert "DISAGREES" not in out


def test_a_mis_tuned_rubric_copy_exits_1_and_names_the_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((ROOT / "rubric" / "default.yaml").read_text())
    data["thresholds"] = {"recommend": 95, "adapt": 90}  # almost nothing passes now
    rubric = tmp_path / "strict.yaml"
    rubric.write_text(yaml.safe_dump(data, sort_keys=False))
    code = main(["calibrate", str(REFERENCE), "--rubric", str(rubric)])
    out = capsys.readouterr().out
    assert code == 1
    expected_recommend = [
        c.name
        for c in load_cases(REFERENCE)
        if c.expected.status == "final" and c.expected.verdict.value == "recommend"
    ]
    for name in expected_recommend:
        assert f"DISAGREES {name} " in out
    assert "expected recommend, got" in out


def test_calibration_lists_the_confusion_matrix_by_expected_and_got() -> None:
    result = calibrate(DEFAULT, load_cases(REFERENCE))
    matrix = result.matrix()
    assert sum(sum(row.values()) for row in matrix.values()) == len(result.cases)
    assert sum(matrix[label][label] for label in matrix) == result.agreeing


def _case(directory: Path, name: str, body: dict[str, object]) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    return path


def test_a_case_file_with_an_unknown_key_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cases"
    _case(
        folder,
        "bad",
        {
            "scenario": "A test.",
            "expected": {"verdict": "adapt", "verdit": "adapt"},
            "answers": {"title": "T", "answers": {"use_pattern": "internal_assistant"}},
        },
    )
    assert main(["calibrate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:4:3: expected → verdit: unknown key 'verdit'" in err
    assert "did you mean 'verdict'?" in err


def test_answers_that_do_not_fit_the_rubric_name_the_case_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cases"
    _case(
        folder,
        "wrong_option",
        {
            "scenario": "A test.",
            "expected": {"verdict": "recommend"},
            "answers": {"title": "T", "answers": {"hosting": "cloudy"}},
        },
    )
    assert main(["calibrate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "wrong_option.yaml:7:5: answers → answers → hosting: unknown option 'cloudy'" in err


def test_a_folder_without_cases_is_bad_input(tmp_path: Path) -> None:
    assert main(["calibrate", str(tmp_path)]) == 2
    assert main(["calibrate", str(tmp_path / "missing")]) == 2


def test_expected_conditions_and_adaptation_are_checked(tmp_path: Path) -> None:
    answers = yaml.safe_load((ROOT / "examples" / "invoice_extraction.yaml").read_text())
    folder = tmp_path / "cases"
    _case(
        folder,
        "invoice",
        {
            "scenario": "Invoices.",
            "expected": {
                "verdict": "adapt",
                "conditions": ["keep_data_in_house", "no_such_condition"],
                "adaptation": "prompt_hosted",
            },
            "answers": answers,
        },
    )
    [case] = calibrate(DEFAULT, load_cases(folder)).cases
    assert case.got == "adapt"
    assert case.mismatches == [
        "expects condition 'no_such_condition', which this rubric does not define",
        "expects adaptation 'prompt_hosted', got 'finetune_small'",
    ]
