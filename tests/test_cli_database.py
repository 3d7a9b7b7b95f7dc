"""The CLI's backup and re-score commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.storage import Store
from scoring import load_answers, load_rubric
from scoring.policy import PolicyEdits, apply_edits

from .conftest import DATA, ROOT

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
    stricter = store.publish(
        apply_edits(DEFAULT, PolicyEdits(recommend=76)),  # code review scores 75.5
        author="ana",
        base_pk=base.pk,
        activate=False,
    )

    backup = tmp_path / "backup.json"
    assert main(["export", "--database", store.url, "-o", str(backup)]) == 0
    data = json.loads(backup.read_text())
    assert len(data["assessments"]) == 4 and len(data["policy_versions"]) == 2

    assert main(["rescore", f"default:{stricter.version}", "--database", store.url]) == 0
    out = capsys.readouterr().out
    assert f"4 assessments scored under {stricter.label}; 1 verdicts change (marked *)" in out
    assert "* " in out and "recommend -> adapt    " in out
    assert {store.assessment(i.id).policy_pk for i in store.iter_assessments()} == {base.pk}

    assert main(["rescore", str(stricter.pk), "--database", store.url, "--apply"]) == 0
    assert f"4 assessments moved to {stricter.label}" in capsys.readouterr().out
    assert {i.policy_pk for i in store.iter_assessments()} == {stricter.pk}

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


# --- every class of storage error: exit 2 and one sentence saying what and where -------------

BACKUP = DATA / "broken" / "backups" / "base" / "export.json"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_corrupt_sqlite_file_is_named_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupt = tmp_path / "advisor.db"
    corrupt.write_bytes(b"this is a spreadsheet, not a database" * 50)
    for argv in (["export"], ["import", str(BACKUP)], ["rescore", "1"]):
        code, out, err = _run([*argv, "--database", f"sqlite:///{corrupt}"], capsys)
        assert (code, out) == (2, "")
        assert err == (
            f"error: cannot use the database sqlite:///{corrupt}: file is not a database\n"
        )
    assert corrupt.read_bytes() == b"this is a spreadsheet, not a database" * 50


def test_a_data_directory_that_cannot_be_created_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ADVISOR_DATABASE_URL")
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "a-file" / "data"))
    code, out, err = _run(["export"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"error: cannot create the data directory '{tmp_path / 'a-file' / 'data'}': Not a "
        "directory; set ADVISOR_DATA_DIR to a folder that can be written, or "
        "ADVISOR_DATABASE_URL to a database\n"
    )


EXPECTED_URL = "expected sqlite:///PATH/advisor.db or postgresql://USER@HOST/DATABASE"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", f"the database URL 'nonsense' cannot be read; {EXPECTED_URL}"),
        (
            "C:/data/advisor.db",
            f"the database URL 'C:/data/advisor.db' cannot be read; {EXPECTED_URL}",
        ),
        (
            "postgresql://ana:secret@db:port/advisor",
            "the database URL 'postgresql+psycopg://ana:***@db:port/advisor' cannot be read; "
            f"{EXPECTED_URL}",
        ),
        (
            "mysql://ana:secret@db/advisor",
            "the database URL 'mysql://ana:***@db/advisor' names no database Adoption Advisor "
            f"supports; {EXPECTED_URL}",
        ),
        (
            "postgresql+nodriver://ana:secret@db/advisor",
            "the database URL 'postgresql+nodriver://ana:***@db/advisor' cannot be used (Can't "
            f"load plugin: sqlalchemy.dialects:postgresql.nodriver); {EXPECTED_URL}",
        ),
        (
            "sqlite:///advisor\x00.db",
            "the database URL 'sqlite:///advisor\\x00.db' names no database Adoption Advisor "
            f"supports; {EXPECTED_URL}",
        ),
    ],
    ids=["words", "a-path", "bad-port", "mysql", "unknown-driver", "nul"],
)
def test_a_malformed_database_url_is_refused_without_its_password(
    url: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["export", "--database", url], capsys)
    assert (code, out) == (2, "")
    assert err == f"error: {message}\n"
    assert "secret" not in err


def test_postgresql_down_is_named_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        ["import", str(BACKUP), "--database", "postgresql://ana:secret@127.0.0.1:9/advisor"],
        capsys,
    )
    assert (code, out) == (2, "")
    assert err.startswith(
        "error: cannot use the database postgresql+psycopg://ana:***@127.0.0.1:9/advisor: "
        'connection failed: connection to server at "127.0.0.1", port 9 failed: '
        "Connection refused; Is the server running"
    )
    assert err.count("\n") == 1 and "secret" not in err


def test_a_read_only_database_refuses_an_import_and_keeps_its_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "advisor.db"
    assert main(["export", "--database", f"sqlite:///{path}", "-o", str(tmp_path / "x.json")]) == 0
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    code, out, err = _run(["import", str(BACKUP), "--database", read_only], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"error: cannot use the database {read_only}: attempt to write a readonly database\n"
    )
    assert Store(f"sqlite:///{path}").count_assessments() == 0


def test_a_database_written_by_a_newer_version_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    store = Store(url)
    store.migrate()
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0042'")
    store.engine.dispose()
    code, out, err = _run(["export", "--database", url], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"error: cannot use the database {url}: its schema revision '0042' is unknown to this "
        "version of Adoption Advisor; a newer version wrote it\n"
    )


FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="/dev/full is Linux's always-full device")
def test_a_full_disk_on_export_is_reported_and_leaves_no_half_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    code, out, err = _run(["export", "--database", url, "-o", str(FULL)], capsys)
    assert (code, out) == (2, "")
    assert err == (
        "error: /dev/full: cannot write the backup: No space left on device; nothing was written\n"
    )
    # Standard output on a full disk: the console script, as a person runs it.
    with FULL.open("wb") as full:
        ran = subprocess.run(
            [sys.executable, "-m", "advisor", "export", "--database", url],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            check=False,
        )
    assert (ran.returncode, ran.stderr) == (
        2,
        "error: cannot write to standard output: No space left on device\n",
    )


def test_an_output_that_cannot_be_written_keeps_the_previous_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    for target, reason in [
        (tmp_path / "no-such-folder" / "backup.json", "No such file or directory"),
        (tmp_path, "Is a directory"),
    ]:
        code, out, err = _run(["export", "--database", url, "-o", str(target)], capsys)
        assert (code, out) == (2, "")
        assert err == f"error: {target}: cannot write the backup: {reason}; nothing was written\n"
    previous = tmp_path / "backup.json"
    previous.write_text("yesterday's backup")
    assert main(["export", "--database", url, "-o", str(previous)]) == 0
    assert json.loads(previous.read_text())["kind"] == "adoption-advisor-backup"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize(
    ("reference", "shown"),
    [
        ("99999999999999999999999", "'99999999999999999999999'"),
        ("9" * 5000, repr("9" * 57 + "...")),
        ("0", "'0'"),
        ("²", "'²'"),
        ("default:", "'default:'"),
        ("small:0.1:extra", "'small:0.1:extra'"),
        ("small\x00:0.1", "'small\\x00:0.1'"),
        ("", "''"),
    ],
    ids=[
        "23-digits",
        "5000-digits",
        "zero",
        "superscript",
        "no-version",
        "two-colons",
        "nul",
        "empty",
    ],
)
def test_rescore_with_an_absurd_version_names_it(
    reference: str, shown: str, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["rescore", reference, "--database", store.url], capsys)
    assert (code, out) == (2, "")
    assert err == f"error: no policy version {shown}; expected a number or RUBRIC_ID:VERSION\n"


def test_rescore_prints_titles_without_terminal_control_characters(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = store.active_version()
    assert policy is not None
    store.create_assessment("Pilot\x1b[2J\u202eevil", {}, {}, policy)
    assert main(["rescore", str(policy.pk), "--database", store.url]) == 0
    out = capsys.readouterr().out
    assert "Pilot\\x1b[2J\\u202eevil" in out and "\x1b" not in out and "\u202e" not in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"a": ' + "1" * 5000 + "}",
            "a number has more than 4,300 digits; "
            "expected a file written by 'adoption-advisor export'",
        ),
        ("[" * 100_000, "nested too deeply to be a backup written by 'adoption-advisor export'"),
        ("[]", "expected a JSON object written by 'adoption-advisor export'"),
    ],
    ids=["long-integer", "deep-nesting", "a-list"],
)
def test_a_backup_json_cannot_hold_is_refused(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "backup.json"
    backup.write_text(content)
    code, out, err = _run(
        ["import", str(backup), "--database", f"sqlite:///{tmp_path / 'a.db'}"], capsys
    )
    assert (code, out, err) == (2, "", f"error: {backup}: {message}\n")


def test_a_pipe_given_as_the_backup_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = tmp_path / "backup.json"
    os.mkfifo(pipe)  # nobody writes to it: reading would wait for ever
    code, out, err = _run(
        ["import", str(pipe), "--database", f"sqlite:///{tmp_path / 'a.db'}"], capsys
    )
    assert (code, out) == (2, "")
    assert err == f"error: {pipe}: expected a file written by 'adoption-advisor export'\n"
