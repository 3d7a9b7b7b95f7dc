"""Golden cases: every example answers file scores to the verdict written in its header,
in all four export formats, through the CLI."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from scoring.cli import main

from .conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _expected(path: Path) -> str:
    match = re.search(r"^# Expected verdict: (\w+)$", path.read_text(), re.MULTILINE)
    assert match, f"{path} lacks its '# Expected verdict:' line"
    return match.group(1)


def test_every_verdict_has_an_example() -> None:
    assert {_expected(p) for p in EXAMPLES} == {"recommend", "adapt", "avoid"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_scores_to_expected_verdict_in_every_format(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    verdict = _expected(example)
    rel = str(example.relative_to(ROOT))

    assert main(["score", rel]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == verdict
    assert report["policy"]["id"] == "default"

    outputs = {}
    for fmt in ("md", "html", "pdf"):
        out = tmp_path / f"report.{fmt}"
        assert main(["score", rel, "--format", fmt, "-o", str(out)]) == 0
        outputs[fmt] = out.read_bytes()
    assert f"Verdict: {verdict.upper()}" in outputs["md"].decode()
    assert f"Verdict: {verdict.upper()}" in outputs["html"].decode()
    assert outputs["pdf"].startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(outputs["pdf"])).pages)
    assert f"Verdict: {verdict.upper()}" in text
    assert report["title"] in " ".join(text.split())


def test_json_report_reads_back_as_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rel = "examples/invoice_extraction.yaml"
    assert main(["score", rel]) == 0
    first = capsys.readouterr().out
    saved = tmp_path / "report.json"
    saved.write_text(first)
    assert main(["score", str(saved)]) == 0
    assert capsys.readouterr().out == first
