"""Policy hashes that leave defaults out: the canonical form, migration 0004 re-stamping
stored versions (SQLite and PostgreSQL), and backups exported by earlier code (their hashes
the full dump, defaults included) importing while tampering is still refused.

The legacy backups in tests/data/broken/backups/legacy were written by the earlier
commits' own code (make_legacy.py there), not imitated here."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from advisor.cli import main
from advisor.storage import BackupRefused, Store
from advisor.storage.backup import check_backup
from advisor.storage.legacy import legacy_digest, legacy_digests
from scoring import Rubric, load_rubric, policy_stamp
from scoring.models import Option

from .conftest import DATA, ROOT

SMALL = DATA / "small_rubric.yaml"
LEGACY = DATA / "broken" / "backups" / "legacy"
#: Written by 079af7a (models with conditions and nested clauses) and by 37f064f (before them).
LEGACY_EXPORTS = sorted(LEGACY.glob("exported_by_*.json"))


def _legacy(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LEGACY / name).read_text())
    return data


def _stamp(content: dict[str, Any]) -> str:
    return policy_stamp(Rubric.model_validate(content, strict=False)).sha256


def _small_content() -> dict[str, Any]:
    """The small rubric as a store keeps it: every default written out, None left out."""
    content: dict[str, Any] = load_rubric(SMALL).model_dump(mode="json", exclude_none=True)
    return content


# --- the canonical form -----------------------------------------------------------------------


def test_legacy_exports_are_present_and_from_two_model_generations() -> None:
    assert [p.name for p in LEGACY_EXPORTS] == [
        "exported_by_079af7a.json",
        "exported_by_37f064f.json",
    ]
    newer, older = (json.dumps(_legacy(p.name)["policy_versions"][0]) for p in LEGACY_EXPORTS)
    assert '"conditions"' in newer and '"not_applicable"' in newer
    assert '"conditions"' not in older and '"not_applicable"' not in older


def test_defaults_written_out_hash_as_if_left_out() -> None:
    written = _small_content()
    assert written["hard_rules"][0]["enabled"] is True
    assert written["questions"][0]["weight"] == 1.0
    assert written["conditions"] == [] and written["finality"] == {"min_answered_share": 0.8}
    left_out = load_rubric(SMALL).model_dump(mode="json", exclude_defaults=True)
    assert "enabled" not in left_out["hard_rules"][0]
    assert "weight" not in left_out["questions"][0]
    assert "conditions" not in left_out and "finality" not in left_out
    assert _stamp(written) == _stamp(left_out) == policy_stamp(load_rubric(SMALL)).sha256


@pytest.mark.parametrize(
    "write_default",
    [
        pytest.param(lambda c: c["hard_rules"][0].update(enabled=True), id="enabled-true"),
        pytest.param(lambda c: c["questions"][0].update(weight=1), id="weight-1-as-int"),
        pytest.param(lambda c: c["questions"][1].update(minimum=0), id="minimum-0-as-int"),
        pytest.param(lambda c: c["questions"][0].update(allow_unknown=True), id="allow-unknown"),
        pytest.param(
            lambda c: c["questions"][0]["options"][0].update(not_applicable=False),
            id="not-applicable-false",
        ),
        pytest.param(lambda c: c["questions"][0]["options"][0].update(risk=None), id="risk-null"),
        pytest.param(lambda c: c.update(conditions=[]), id="empty-conditions"),
        pytest.param(lambda c: c.update(finality={}), id="empty-finality"),
        pytest.param(
            lambda c: c.update(finality={"min_answered_share": 0.8}), id="default-finality"
        ),
        pytest.param(
            lambda c: c.update(next_steps={"recommend": [], "adapt": [], "avoid": []}),
            id="empty-next-steps",
        ),
        pytest.param(lambda c: c["questions"][0].update(show_if=None), id="show-if-null"),
        pytest.param(lambda c: c["questions"][0].update(per_option=False), id="per-option"),
    ],
)
def test_writing_a_default_value_out_keeps_the_hash(write_default: Any) -> None:
    content = load_rubric(SMALL).model_dump(mode="json", exclude_defaults=True)
    del content["next_steps"]  # left at its default, so that writing it out can be tried
    before = _stamp(content)
    write_default(content)
    assert _stamp(content) == before


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda c: c["questions"][0].update(weight=2.0), id="question-weight"),
        pytest.param(lambda c: c["sections"][1].update(weight=1.5), id="section-weight"),
        pytest.param(lambda c: c["thresholds"].update(recommend=71.0), id="threshold"),
        pytest.param(lambda c: c["questions"][0]["options"][0].update(label="None"), id="label"),
        pytest.param(lambda c: c["questions"][0]["options"][0].update(score=11.0), id="score"),
        pytest.param(lambda c: c["hard_rules"][0].update(enabled=False), id="rule-disabled"),
        pytest.param(lambda c: c["hard_rules"][0].update(cap="adapt"), id="rule-cap"),
        pytest.param(lambda c: c.update(finality={"min_answered_share": 0.9}), id="finality"),
        pytest.param(
            lambda c: c["questions"][0]["options"][0].update(not_applicable=True),
            id="not-applicable",
        ),
        pytest.param(lambda c: c["questions"][0].update(allow_unknown=False), id="no-unknown"),
        pytest.param(
            lambda c: c["adaptation"].update(default_strategy="ground_in_data"), id="strategy"
        ),
        pytest.param(lambda c: c["questions"][1].update(minimum=1.0), id="minimum"),
        pytest.param(lambda c: c["questions"][0]["options"].reverse(), id="option-order"),
        pytest.param(lambda c: c.update(version="0.2"), id="version"),
    ],
)
def test_a_real_change_changes_the_hash(change: Any) -> None:
    content = _small_content()
    before = _stamp(content)
    change(content)
    assert _stamp(content) != before


def test_a_model_field_added_with_a_default_leaves_the_hash_as_it_was() -> None:
    class RubricWithANewField(Rubric):
        review_every_months: int = 12

    class OptionWithANewField(Option):
        evidence: str | None = None

    plain = load_rubric(SMALL)
    grown = RubricWithANewField.model_validate(plain.model_dump(), strict=False)
    assert "review_every_months" in grown.model_dump()
    assert policy_stamp(grown).sha256 == policy_stamp(plain).sha256
    option = plain.questions[0].model_dump()["options"][0]
    assert OptionWithANewField.model_validate(option).model_dump(
        mode="json", exclude_defaults=True
    ) == Option.model_validate(option).model_dump(mode="json", exclude_defaults=True)


@pytest.mark.parametrize("export", LEGACY_EXPORTS, ids=lambda p: p.stem)
def test_content_from_before_new_fields_hashes_as_with_them_written_out(export: Path) -> None:
    """What the model change did to every stored policy, now harmless: the same content
    hashes the same whether the fields added since are absent or written at their defaults."""
    for version in json.loads(export.read_text())["policy_versions"]:
        content = version["content"]
        explicit = Rubric.model_validate(content, strict=False).model_dump(
            mode="json", exclude_none=True
        )
        assert "conditions" in explicit and "finality" in explicit
        assert _stamp(explicit) == _stamp(content)


# --- the legacy hash ----------------------------------------------------------------------------


@pytest.mark.parametrize("export", LEGACY_EXPORTS, ids=lambda p: p.stem)
def test_the_legacy_hash_of_stored_content_is_what_the_earlier_code_recorded(export: Path) -> None:
    for version in json.loads(export.read_text())["policy_versions"]:
        content = version["content"]
        assert version["sha256"] in legacy_digests(content)
        assert version["sha256"] != _stamp(content)
        # The hash of the content as stored is not it: the store leaves None values out.
        raw = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert version["sha256"] != hashlib.sha256(raw.encode("utf-8")).hexdigest()


def test_each_legacy_form_is_the_one_its_models_wrote() -> None:
    newer = _legacy("exported_by_079af7a.json")["policy_versions"][0]
    older = _legacy("exported_by_37f064f.json")["policy_versions"][0]
    assert newer["sha256"] == legacy_digest(newer["content"], nested_clauses=True)
    assert newer["sha256"] != legacy_digest(newer["content"], nested_clauses=False)
    assert older["sha256"] == legacy_digest(older["content"], nested_clauses=False)
    assert older["sha256"] != legacy_digest(older["content"], nested_clauses=True)


# --- migration 0004 -----------------------------------------------------------------------------


def _insert_version(store: Store, row: dict[str, Any], parent: int | None) -> int:
    with store.engine.begin() as connection:
        pk = connection.execute(
            sa.text(
                "INSERT INTO policy_versions (rubric_id, version, sha256, title, content, author, "
                "note, created_at, parent_pk) VALUES (:rubric_id, :version, :sha256, :title, "
                ":content, :author, :note, :created_at, :parent_pk) RETURNING pk"
            ),
            {
                **{k: row[k] for k in ("rubric_id", "version", "sha256", "title", "author")},
                "note": row["note"],
                "content": json.dumps(row["content"]),
                "created_at": dt.datetime.fromisoformat(row["created_at"]),
                "parent_pk": parent,
            },
        ).scalar_one()
    return int(pk)


def _label(row: dict[str, Any]) -> str:
    return f"{row['rubric_id']} v{row['version']}"


def _stored_hashes(store: Store) -> dict[str, str]:
    return {v.label: v.sha256 for v in store.versions()}


def test_migration_restamps_stale_hashes_from_stored_content(database_url: str) -> None:
    store = Store(database_url)
    store.migrate("0003")
    older = _legacy("exported_by_37f064f.json")["policy_versions"]
    newer = _legacy("exported_by_079af7a.json")["policy_versions"][1]
    first = _insert_version(store, older[0], None)
    _insert_version(store, newer, None)
    with store.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO assessments (id, title, title_search, answers, notes, policy_pk, "
                "verdict, score, created_at, updated_at, revision) VALUES ('old1', 'Old', 'old', "
                "'{}', '{}', :pk, NULL, NULL, :now, :now, 1)"
            ),
            {"pk": first, "now": dt.datetime(2026, 11, 1)},
        )
    stale = _stored_hashes(store)
    assert stale == {"default v1.0.0": older[0]["sha256"], "default v2.0.1": newer["sha256"]}

    store.migrate()

    assert store.schema_revision() == "0005"
    restamped = _stored_hashes(store)
    for version in store.versions():
        assert version.sha256 == policy_stamp(version.rubric()).sha256
        assert version.sha256 != stale[version.label]
        assert stale[version.label] in legacy_digests(version.content)
    assert [v.content for v in store.versions()] == [older[0]["content"], newer["content"]]
    assert store.assessment("old1").policy_pk == first
    # An export now carries hashes an import recomputes as they are (no legacy path needed).
    checked = check_backup(json.loads(json.dumps(store.export_all(), default=str)))
    assert [v.values["sha256"] for v in checked.versions] == list(restamped.values())
    store.migrate()  # idempotent
    assert _stored_hashes(store) == restamped
    store.engine.dispose()


def test_migration_downgrade_writes_back_the_hash_the_earlier_code_computes(
    database_url: str,
) -> None:
    store = Store(database_url)
    store.migrate("0003")
    version = _legacy("exported_by_079af7a.json")["policy_versions"][0]
    _insert_version(store, version, None)
    store.migrate()
    assert _stored_hashes(store)[_label(version)] == _stamp(version["content"])
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(ROOT / "advisor" / "storage" / "migrations"))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    assert store.schema_revision() == "0003"
    assert _stored_hashes(store)[_label(version)] == version["sha256"]
    store.engine.dispose()


def test_a_version_that_is_no_longer_a_rubric_keeps_its_hash_and_the_database_opens(
    database_url: str,
) -> None:
    store = Store(database_url)
    store.migrate("0003")
    version = dict(_legacy("exported_by_079af7a.json")["policy_versions"][0])
    version["content"] = {**version["content"], "retired_field": 1}
    _insert_version(store, version, None)
    store.migrate()
    assert store.schema_revision() == "0005"
    assert _stored_hashes(store)[_label(version)] == version["sha256"]
    store.engine.dispose()


# --- backups exported before the change -------------------------------------------------------


@pytest.fixture
def empty(database_url: str) -> Any:
    created = Store(database_url)
    created.migrate()
    yield created
    created.engine.dispose()


@pytest.mark.parametrize("export", LEGACY_EXPORTS, ids=lambda p: p.stem)
def test_a_backup_exported_by_earlier_code_imports_with_todays_hashes(
    export: Path, empty: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["import", str(export.relative_to(ROOT)), "--database", empty.url])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == f"imported 2 policy versions and 2 assessments into {empty.dialect}\n"
    backup = json.loads(export.read_text())
    stored = empty.versions()
    assert [v.content for v in stored] == [v["content"] for v in backup["policy_versions"]]
    assert [v.sha256 for v in stored] == [policy_stamp(v.rubric()).sha256 for v in stored]
    assert not {v.sha256 for v in stored} & {v["sha256"] for v in backup["policy_versions"]}
    # Its export imports again under the strict check, and into the same database as itself.
    again = json.loads(json.dumps(empty.export_all()))
    assert [v.values["sha256"] for v in check_backup(again).versions] == [v.sha256 for v in stored]
    assert empty.import_all(backup) == (0, 0)


def test_the_real_export_with_each_hash_set_to_its_legacy_digest_imports(empty: Store) -> None:
    backup = json.loads((DATA / "broken" / "backups" / "base" / "export.json").read_text())
    for version in backup["policy_versions"]:
        version["sha256"] = legacy_digest(version["content"], nested_clauses=True)
    assert empty.import_all(backup) == (2, 3)
    assert [v.sha256 for v in empty.versions()] == [
        _stamp(v["content"]) for v in backup["policy_versions"]
    ]


def test_a_legacy_backup_already_imported_before_the_migration_is_the_same_version(
    database_url: str,
) -> None:
    """Imported into a 0003 database, migrated, then imported again: found, not 'other content'."""
    backup = _legacy("exported_by_079af7a.json")
    store = Store(database_url)
    store.migrate("0003")
    previous = None
    for version in backup["policy_versions"]:
        previous = _insert_version(store, version, previous)
    store.migrate()
    assert store.import_all(backup) == (0, 2)
    store.engine.dispose()


@pytest.mark.parametrize(
    ("tamper", "what"),
    [
        (lambda c: c["thresholds"].update(recommend=50.0), "threshold lowered"),
        (lambda c: c["sections"][0].update(weight=9.0), "section weight"),
        (lambda c: c["hard_rules"][0].update(enabled=False), "rule disabled"),
        (lambda c: c["questions"][0]["options"][0].update(label="Changed"), "label"),
        (lambda c: c["questions"][0]["options"][0].update(next_step="Added."), "next step added"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
@pytest.mark.parametrize("export", LEGACY_EXPORTS, ids=lambda p: p.stem)
def test_a_legacy_backup_changed_after_export_is_still_refused(
    export: Path, tamper: Any, what: str, empty: Store
) -> None:
    backup = json.loads(export.read_text())
    version = backup["policy_versions"][0]
    tamper(version["content"])
    with pytest.raises(BackupRefused) as info:
        empty.import_all(backup, file="old.json")
    assert str(info.value) == (
        f"old.json: policy_versions[0] ({_label(version)}) → sha256: does not match the content, "
        f"which hashes to {_stamp(version['content'])}; expected the hash recorded when the "
        "version was published (was either changed since?)"
    ), what
    assert empty.versions() == []


def test_a_legacy_hash_of_other_content_is_refused(empty: Store) -> None:
    backup = _legacy("exported_by_079af7a.json")
    first, second = backup["policy_versions"]
    first["sha256"] = second["sha256"]  # a real legacy hash, of the other version
    with pytest.raises(BackupRefused, match=r"policy_versions\[0\] .* → sha256: does not match"):
        empty.import_all(copy.deepcopy(backup))
