"""Import trusts nothing: the catalogue of tampered and odd backups (tests/data/broken/backups,
each derived from a real export by make_cases.py), conflicts with what the database holds,
and a property that no generated backup makes the CLI do anything but import (0) or refuse
whole (2), on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from advisor.cli import main
from advisor.storage import BackupRefused, DatabaseUnavailable, Store, database_error
from scoring import load_rubric
from scoring.policy import PolicyEdits, apply_edits

from .conftest import DATA, ROOT, regenerate

CATALOGUE = DATA / "broken" / "backups"
CASES = sorted(CATALOGUE.glob("[0-9][0-9]_*.json"))
BASE = CATALOGUE / "base" / "export.json"
SMALL = load_rubric(DATA / "small_rubric.yaml")
REFUSED = "the backup is refused as a whole; nothing was imported"


def _base() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BASE.read_text())
    return data


def _state(store: Store) -> dict[str, Any]:
    """Everything an import could change (the export's own time left out)."""
    exported = store.export_all()
    exported.pop("exported_at")
    return exported


@pytest.fixture
def empty(database_url: str) -> Any:
    created = Store(database_url)
    created.migrate()
    yield created
    created.engine.dispose()


# --- the catalogue ----------------------------------------------------------------------------


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 40


def test_the_real_export_the_cases_derive_from_imports_whole(
    empty: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    # If this fails after a change to the rubric models, regenerate the catalogue:
    # see tests/data/broken/backups/make_cases.py.
    assert main(["import", str(BASE.relative_to(ROOT)), "--database", empty.url]) == 0, (
        capsys.readouterr().err
    )
    assert capsys.readouterr().out == (
        f"imported 2 policy versions and 3 assessments into {empty.dialect}\n"
    )
    base = _base()
    for row in base["assessments"]:
        stored = empty.assessment(row["id"], include_deleted=True)
        assert (stored.title, stored.answers, stored.notes, stored.extra) == (
            row["title"],
            row["answers"],
            row["notes"],
            row["extra"],
        )
        assert (stored.verdict, stored.score) == (row["verdict"], pytest.approx(row["score"]))
    assert [v.sha256 for v in empty.versions()] == [v["sha256"] for v in base["policy_versions"]]
    active = empty.active_version()
    assert active is not None and active.version == "0.1"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_a_tampered_backup_is_refused_whole_with_the_row_named(
    case: Path, empty: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _state(empty)
    code = main(["import", str(case.relative_to(ROOT)), "--database", empty.url])
    captured = capsys.readouterr()
    expected = case.with_suffix(".expected")
    if regenerate():
        expected.write_text(captured.err)
    assert code == 2, captured.err
    assert captured.out == ""
    assert captured.err == expected.read_text()
    assert captured.err.endswith(f"error: {case.relative_to(ROOT)}: {REFUSED}\n")
    assert _state(empty) == before


def test_every_case_is_the_real_export_changed() -> None:
    base = _base()
    for case in CASES:
        data = json.loads(case.read_text())
        assert json.dumps(data) != json.dumps(base), case.name  # True == 1 in Python
        assert data.keys() & {"kind", "assessments"}, case.name


# --- what the file claims is not believed -----------------------------------------------------


def test_verdicts_and_scores_are_recomputed_not_read(empty: Store) -> None:
    backup = _base()
    row = next(r for r in backup["assessments"] if r["title"] == "Invoice triage")
    honest = (row["verdict"], row["score"])
    row.update(verdict="avoid", score=3.0)
    empty.import_all(backup)
    stored = empty.assessment(row["id"])
    assert (stored.verdict, stored.score) == (honest[0], pytest.approx(honest[1]))


def test_a_version_already_here_with_other_content_is_refused(empty: Store) -> None:
    # The same id and version published here from different content.
    empty.publish(apply_edits(SMALL, PolicyEdits(adapt=30), bump=False), author="x", base_pk=None)
    here = empty.versions()[0]
    before = _state(empty)
    with pytest.raises(BackupRefused) as info:
        empty.import_all(_base(), file="b.json")
    assert str(info.value) == (
        f"b.json: policy_versions[0] (small v0.1) → sha256: this database holds small v0.1 with "
        f"other content (sha256 {here.sha256}); expected the same version to have the same "
        "content: give one of them a new version number"
    )
    assert _state(empty) == before


def test_a_version_edited_from_a_base_that_already_has_an_edit_here_is_refused(
    empty: Store,
) -> None:
    base = empty.publish(SMALL, author="system", base_pk=None)
    edit = apply_edits(SMALL, PolicyEdits(adapt=30)).model_copy(update={"version": "0.1.1"})
    empty.publish(edit, author="bo", base_pk=base.pk)
    before = _state(empty)
    with pytest.raises(BackupRefused) as info:
        empty.import_all(_base(), file="b.json")
    assert str(info.value) == (
        "b.json: policy_versions[1] (small v0.2) → parent_pk: this database holds small v0.1.1, "
        "also edited from small v0.1; two versions of a policy cannot share a base"
    )
    assert _state(empty) == before


def test_importing_twice_adds_nothing_the_second_time(empty: Store) -> None:
    assert empty.import_all(_base()) == (2, 3)
    before = _state(empty)
    assert empty.import_all(_base()) == (0, 0)
    assert _state(empty) == before


def test_a_row_already_here_is_still_checked(empty: Store) -> None:
    empty.import_all(_base())
    backup = _base()
    backup["assessments"][0]["answers"] = "tampered"
    with pytest.raises(BackupRefused, match=r"assessments\[0\] .* → answers: expected a mapping"):
        empty.import_all(backup)


def test_a_title_that_grows_when_case_folded_is_stored(empty: Store) -> None:
    backup = _base()
    backup["assessments"][0]["title"] = "ß" * 200  # "ss" when folded: 400 characters
    empty.import_all(backup)
    assert empty.assessment(backup["assessments"][0]["id"]).title == "ß" * 200
    assert empty.list_assessments(search="SS")[1] == 1


def test_a_full_database_refuses_the_import_as_unavailable(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'full.db'}")
    store = Store(engine=engine)
    store.migrate()
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()

    @sa.event.listens_for(engine, "connect")
    def _no_room(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    engine.dispose()
    backup = _base()
    template = backup["assessments"][0]
    backup["assessments"] = [
        dict(template, id=f"bulk{n:05d}", notes={"gain": "n" * 4000}) for n in range(50)
    ]
    backup["assessment_revisions"] = backup["decisions"] = []  # the bulk rows have no history
    with pytest.raises(sa.exc.OperationalError) as info:
        store.import_all(backup)
    unavailable = database_error(info.value, store.url)
    assert isinstance(unavailable, DatabaseUnavailable)
    assert str(unavailable) == (
        f"cannot use the database sqlite:///{tmp_path / 'full.db'}: database or disk is full"
    )
    assert store.count_assessments() == 0
    engine.dispose()


# --- the property -----------------------------------------------------------------------------

_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(min_size=190, max_size=6000),
    st.sampled_from(["", "\x00", "\ud800", "2026-13-45T99:00:00", "0" * 64, "‮evil"]),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*here, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*here, index)))
    return found


# Paths into the real export, minus the bulk of the rubric content (mutated through its hash).
_TARGETS = [p for p in _paths(_base()) if p and not (len(p) > 3 and p[0] == "policy_versions")]


#: Generated backups per database; 600 ran clean on SQLite and PostgreSQL when this was written.
EXAMPLES = int(os.environ.get("ADVISOR_IMPORT_EXAMPLES", "60"))


@st.composite
def _mutated_backups(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(_base())
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_TARGETS))
        parent: Any = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["replace", "delete", "add_key", "rehash"]))
            if action == "delete":
                del parent[path[-1]]
            elif action == "add_key" and isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=10))] = draw(_ODD_VALUES)
            elif action == "rehash":
                version = draw(st.sampled_from(data["policy_versions"]))
                version["sha256"] = draw(st.sampled_from(["f" * 64, "", "F" * 64]))
            else:
                parent[path[-1]] = draw(_ODD_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed what this one aimed at
    return data


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(backup=_mutated_backups())
def test_no_generated_backup_makes_import_do_anything_but_import_or_refuse_whole(
    backup: dict[str, Any],
    empty: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(backup))  # NaN and Infinity as Python writes them
    empty.migrate()  # opening purges long-deleted rows an earlier example imported
    before = _state(empty)
    code = main(["import", str(path), "--database", empty.url])
    captured = capsys.readouterr()
    event(f"exit {code}")
    assert code in (0, 2), captured.err
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    if code == 2:
        assert captured.err.endswith(f"error: {path}: {REFUSED}\n")
        assert _state(empty) == before
    else:
        # What was imported opens, lists and re-scores as the app would.
        items, total = empty.list_assessments(per_page=100)
        assert total == len(items)
        for item in empty.iter_assessments():
            empty.version(item.policy_pk).rubric()
        for version in empty.versions():
            empty.rescore(version.rubric())
