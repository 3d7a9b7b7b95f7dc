"""The CLI's backup and re-score commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring import load_answers, load_rubric
from scoring.cli import main
from scoring.policy import PolicyEdits, apply_edits
from scoring.store import Store

from .conftest import ROOT

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")


def test_export_import_and_rescore(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = store.active_version()
    assert base is not None
    for path in [
        p for p in sorted((ROOT / "examples").glob("*.yaml")) if "\noptions:" not in p.read_text()
    ]:
        answers = load_answers(path, DEFAULT)
        store.create_assessment(answers.title, dict(answers.answers), dict(answers.notes), base)
    lenient = store.publish(
        apply_edits(DEFAULT, PolicyEdits(recommend=60)),
        author="ana",
        base_pk=base.pk,
        activate=False,
    )

    backup = tmp_path / "backup.json"
    assert main(["export", "--database", store.url, "-o", str(backup)]) == 0
    data = json.loads(backup.read_text())
    assert len(data["assessments"]) == 4 and len(data["policy_versions"]) == 2

    assert main(["rescore", "default:1.0.1", "--database", store.url]) == 0
    out = capsys.readouterr().out
    assert "4 assessments scored under default v1.0.1; 1 verdicts change (marked *)" in out
    assert "* " in out and "adapt     -> recommend" in out
    assert {store.assessment(i.id).policy_pk for i in store.iter_assessments()} == {base.pk}

    assert main(["rescore", str(lenient.pk), "--database", store.url, "--apply"]) == 0
    assert "4 assessments moved to default v1.0.1" in capsys.readouterr().out
    assert {i.policy_pk for i in store.iter_assessments()} == {lenient.pk}

    target = f"sqlite:///{tmp_path / 'restored.db'}"
    assert main(["import", str(backup), "--database", target]) == 0
    assert "imported 2 policy versions and 4 assessments into sqlite" in capsys.readouterr().out


def test_database_errors_are_located_not_tracebacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["rescore", "default:9.9", "--database", url]) == 2
    assert (
        capsys.readouterr().err
        == "error: no policy version 'default:9.9'; expected a number or RUBRIC_ID:VERSION\n"
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "something else"}')
    assert main(["import", str(bad), "--database", url]) == 2
    assert "not an Adoption Advisor backup" in capsys.readouterr().err
    bad.write_text('{"kind": ')
    assert main(["import", str(bad), "--database", url]) == 2
    assert capsys.readouterr().err == f"error: {bad}:1:10: JSON syntax error: Expecting value\n"
    unreachable = "postgresql+psycopg://nobody:secret@127.0.0.1:9/none"
    assert main(["export", "--database", unreachable]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "error: cannot use the database postgresql+psycopg://nobody:***@127.0.0.1:9/none"
    )
    assert "secret" not in err and "Traceback" not in err
