"""Golden cases: every example answers file scores to the verdict written in its header,
in all four export formats, through the CLI."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from advisor.cli import main
from scoring import Answers, load_rubric, score

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
    flat = " ".join(text.split())
    assert report["title"] in flat

    # decision insight, in every format
    for key in ("sensitivity", "what_would_change", "resolve_first"):
        assert key in report
    headings = ["How close the verdict is", "What would change the verdict", "Resolve first"]
    if report["options"]:
        headings += ["Options side by side", "Cost over time", "Labour freed", "month 2"]
    for heading in headings:
        assert heading in outputs["md"].decode(), heading
        assert heading in outputs["html"].decode(), heading
        assert heading in flat, heading
    # what_would_change states what applying its changes gives
    rubric = load_rubric(ROOT / "rubric" / "default.yaml")
    for direction in ("up", "down"):
        change = report["what_would_change"][direction]
        if change is None:
            continue
        scored = report["answers"] | change["changes"]
        result = score(rubric, Answers(title="t", answers=scored))
        assert result.verdict.value == change["verdict"]


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
