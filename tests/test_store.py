"""Storage on SQLite and PostgreSQL: migrations, saves, conflicts, lists, backups, crashes."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from advisor.storage import (
    RECOVERABLE_FOR,
    BackupRefused,
    EditConflict,
    NotFound,
    PublishConflict,
    Store,
    StoreError,
)
from scoring import load_answers, load_rubric
from scoring.policy import PolicyEdits, apply_edits, bump_version

from .conftest import ROOT

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
EXAMPLES = [
    p for p in sorted((ROOT / "examples").glob("*.yaml")) if "\noptions:" not in p.read_text()
]


def _save_examples(store: Store) -> list[str]:
    policy = store.active_version()
    assert policy is not None
    ids = []
    for path in EXAMPLES:
        answers = load_answers(path, DEFAULT)
        item = store.create_assessment(
            answers.title, dict(answers.answers), dict(answers.notes), policy
        )
        ids.append(item.id)
    return ids


# --- migrations -------------------------------------------------------------------------------


def test_migrates_an_empty_database(database_url: str) -> None:
    store = Store(database_url)
    assert store.schema_revision() is None
    store.migrate()
    assert store.schema_revision() == "0005"
    store.migrate()  # idempotent
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"assessments", "policy_versions", "settings", "alembic_version"} <= tables
    store.engine.dispose()


def test_migrates_data_from_the_first_schema_version(database_url: str) -> None:
    store = Store(database_url)
    store.migrate("0001")
    columns = {c["name"] for c in sa.inspect(store.engine).get_columns("assessments")}
    assert "deleted_at" not in columns
    now = dt.datetime(2026, 1, 5, 9, 30)
    with store.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO policy_versions (rubric_id, version, sha256, title, content, author, "
                "note, created_at) VALUES ('default', '1.0.0', :sha, 'Default', :content, 'system', "
                "'', :now)"
            ),
            {
                "sha": "0" * 64,
                "content": json.dumps(DEFAULT.model_dump(mode="json", exclude_none=True)),
                "now": now,
            },
        )
        connection.execute(
            sa.text(
                "INSERT INTO assessments (id, title, answers, notes, policy_pk, verdict, score, "
                "created_at, updated_at, revision) VALUES ('old1', 'Legacy Invoice Pilot', :answers, "
                "'{}', 1, 'adapt', 61.5, :now, :now, 3)"
            ),
            {"answers": json.dumps({"use_pattern": "classify_extract"}), "now": now},
        )
    store.migrate()
    assert store.schema_revision() == "0005"
    item = store.assessment("old1")
    assert (item.title, item.revision, item.verdict, item.deleted_at) == (
        "Legacy Invoice Pilot",
        3,
        "adapt",
        None,
    )
    assert item.answers == {"use_pattern": "classify_extract"}
    rows, total = store.list_assessments(search="INVOICE")
    assert total == 1 and rows[0].id == "old1"
    # 0005: the state it had becomes its first kept revision
    [kept] = store.history("old1")
    assert (kept.revision, kept.change, kept.verdict, kept.score) == (3, "saved", "adapt", 61.5)
    assert kept.answers == {"use_pattern": "classify_extract"}
    store.engine.dispose()


# --- assessments ------------------------------------------------------------------------------


def test_save_round_trip_and_stored_verdict(store: Store) -> None:
    ids = _save_examples(store)
    verdicts = {store.assessment(i).title: store.assessment(i).verdict for i in ids}
    assert verdicts["Invoice field extraction for accounts payable"] == "adapt"
    assert verdicts["Automated consumer credit-limit decisions"] == "avoid"
    item = store.assessment(ids[0])
    policy = store.version(item.policy_pk)
    saved = store.save_assessment(
        item.id,
        expected_revision=item.revision,
        title="Renamed ü €",
        answers={**item.answers, "use_pattern": "automated_decision"},
        notes={"use_pattern": "a note"},
        policy=policy,
    )
    assert saved.revision == item.revision + 1
    assert saved.title == "Renamed ü €"
    assert saved.notes == {"use_pattern": "a note"}
    assert saved.answers["use_pattern"] == "automated_decision"


def test_a_stale_save_is_refused_and_the_other_edit_kept(store: Store) -> None:
    [first, *_] = _save_examples(store)
    item = store.assessment(first)
    policy = store.version(item.policy_pk)
    theirs = store.save_assessment(
        first,
        expected_revision=item.revision,
        title=item.title,
        answers={**item.answers, "latency_budget": "seconds"},
        notes={},
        policy=policy,
    )
    with pytest.raises(EditConflict) as info:
        store.save_assessment(
            first,
            expected_revision=item.revision,
            title="mine",
            answers={},
            notes={},
            policy=policy,
        )
    assert info.value.current.revision == theirs.revision
    assert "saved elsewhere" in str(info.value)
    assert store.assessment(first).answers["latency_budget"] == "seconds"  # theirs survives


def test_concurrent_saves_from_one_revision_let_exactly_one_through(store: Store) -> None:
    [first, *_] = _save_examples(store)
    item = store.assessment(first)
    policy = store.version(item.policy_pk)
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def save(n: int) -> None:
        barrier.wait()
        try:
            store.save_assessment(
                first,
                expected_revision=item.revision,
                title=f"writer {n}",
                answers=item.answers,
                notes={},
                policy=policy,
            )
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "saved"]
    assert store.assessment(first).revision == item.revision + 1


def test_list_search_filter_and_paginate(store: Store) -> None:
    ids = _save_examples(store)
    policy = store.active_version()
    assert policy is not None
    store.create_assessment("100% automated_thing", {}, {}, policy)
    rows, total = store.list_assessments(search="INVOICE")
    assert total == 1 and rows[0].title.startswith("Invoice")
    rows, total = store.list_assessments(search="100%")
    assert [r.title for r in rows] == ["100% automated_thing"]
    assert store.list_assessments(search="_")[1] == 1  # _ is literal, not a wildcard
    _, total = store.list_assessments(verdicts=["recommend"])
    assert total == 2
    today = dt.datetime.now(dt.UTC).date()
    assert store.list_assessments(since=today)[1] == 5
    assert store.list_assessments(until=today - dt.timedelta(days=1))[1] == 0
    page1, total = store.list_assessments(per_page=2, page=1)
    page3, _ = store.list_assessments(per_page=2, page=3)
    assert total == 5 and len(page1) == 2 and len(page3) == 1
    everything = {r.id for p in (1, 2, 3) for r in store.list_assessments(per_page=2, page=p)[0]}
    assert set(ids) <= everything


def test_delete_is_recoverable_then_purged(store: Store) -> None:
    [first, second, *_] = _save_examples(store)
    store.delete(first)
    assert first not in {r.id for r in store.list_assessments()[0]}
    assert [r.id for r in store.list_assessments(deleted=True)[0]] == [first]
    with pytest.raises(NotFound):
        store.assessment(first)
    store.restore(first)
    assert store.assessment(first).deleted_at is None
    store.delete(second)
    assert store.purge_deleted(older_than=dt.timedelta(days=30)) == 0
    assert store.purge_deleted(older_than=dt.timedelta(seconds=-1)) == 1
    with pytest.raises(NotFound):
        store.assessment(second, include_deleted=True)


def test_opening_the_database_purges_only_what_was_deleted_over_30_days_ago(store: Store) -> None:
    """The UI promises "restorable for 30 days"; every process start (app or CLI) calls
    migrate(), which keeps that promise in both directions."""
    from advisor.storage import tables

    [old, recent, kept, *_] = _save_examples(store)
    store.delete(old)
    store.delete(recent)
    day = dt.timedelta(days=1)
    with store.engine.begin() as connection:
        for item, age in ((old, RECOVERABLE_FOR + day), (recent, RECOVERABLE_FOR - day)):
            connection.execute(
                sa.update(tables.assessments)
                .where(tables.assessments.c.id == item)
                .values(deleted_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - age)
            )
    store.migrate()
    with pytest.raises(NotFound):
        store.assessment(old, include_deleted=True)
    store.restore(recent)
    assert store.assessment(recent).deleted_at is None
    assert store.assessment(kept).deleted_at is None


@pytest.mark.parametrize("wanted", ["a\x00b", "\udcff", "x" * 5000, "", "../etc"])
def test_an_id_from_a_link_that_cannot_be_an_id_is_not_found(store: Store, wanted: str) -> None:
    # PostgreSQL refuses NUL in text and the driver refuses lone surrogates: never sent.
    with pytest.raises(NotFound, match=r"^no assessment '"):
        store.assessment(wanted)
    with pytest.raises(NotFound):
        store.delete(wanted)


def test_rename_and_duplicate(store: Store) -> None:
    [first, *_] = _save_examples(store)
    renamed = store.rename(first, "New name")
    copy = store.duplicate(first)
    assert renamed.title == "New name"
    assert copy.title == "New name (copy)" and copy.id != first
    assert copy.answers == renamed.answers and copy.policy_pk == renamed.policy_pk


# --- policy versions ----------------------------------------------------------------------------


def test_publish_creates_an_immutable_active_version(store: Store) -> None:
    base = store.active_version()
    assert base is not None and base.version == DEFAULT.version and base.author == "system"
    edited = apply_edits(DEFAULT, PolicyEdits(recommend=72))
    published = store.publish(edited, author="ana@example.com", note="stricter", base_pk=base.pk)
    assert (published.version, published.author, published.note) == (
        bump_version(DEFAULT.version),
        "ana@example.com",
        "stricter",
    )
    assert published.parent_pk == base.pk
    assert store.active_version() == published
    assert published.rubric() == edited
    assert len(published.sha256) == 64
    with pytest.raises(StoreError, match="already published"):
        store.publish(edited, author="bo", base_pk=published.pk)
    store.activate(base.pk)
    assert store.active_version() == base


def test_second_publish_from_the_same_base_is_a_conflict(store: Store) -> None:
    base = store.active_version()
    assert base is not None
    first = apply_edits(DEFAULT, PolicyEdits(recommend=72))
    second = apply_edits(DEFAULT, PolicyEdits(adapt=40)).model_copy(
        update={"version": bump_version(DEFAULT.version) + "-b"}
    )
    store.publish(first, author="ana", base_pk=base.pk)
    with pytest.raises(PublishConflict) as info:
        store.publish(second, author="bo", base_pk=base.pk)
    assert info.value.head is not None and info.value.head.version == bump_version(DEFAULT.version)
    assert "Your draft is kept" in str(info.value)
    assert [v.version for v in store.versions("default")] == [
        DEFAULT.version,
        bump_version(DEFAULT.version),
    ]


def test_concurrent_publishes_from_one_base_let_exactly_one_through(store: Store) -> None:
    base = store.active_version()
    assert base is not None
    outcomes: list[str] = []
    barrier = threading.Barrier(3)

    def publish(n: int) -> None:
        draft = apply_edits(DEFAULT, PolicyEdits(recommend=70 + n)).model_copy(
            update={"version": f"2.{n}"}
        )
        barrier.wait()
        try:
            store.publish(draft, author=f"admin{n}", base_pk=base.pk)
            outcomes.append("published")
        except PublishConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "published"]
    assert len(store.versions("default")) == 2


def test_rescore_reports_changes_and_apply_moves_assessments(store: Store) -> None:
    ids = _save_examples(store)
    base = store.active_version()
    assert base is not None
    draft = apply_edits(DEFAULT, PolicyEdits(recommend=76))  # code review scores 75.5
    changes = {c.title: c for c in store.rescore(draft)}
    review = changes["Code-review comments for the internal platform team"]
    assert (review.before_verdict, review.after_verdict) == ("recommend", "adapt")
    assert not changes["Sales-call summaries into the CRM"].verdict_changed
    assert store.assessment(ids[0]).policy_pk == base.pk  # a dry run writes nothing
    version = store.publish(draft, author="ana", base_pk=base.pk)
    store.apply_version(version)
    moved = [store.assessment(i) for i in ids]
    assert {m.policy_pk for m in moved} == {version.pk}
    assert next(m for m in moved if m.title.startswith("Code-review")).verdict == "adapt"


# --- backup -----------------------------------------------------------------------------------


def test_export_import_round_trip(store: Store, tmp_path: Path) -> None:
    ids = _save_examples(store)
    store.publish(apply_edits(DEFAULT, PolicyEdits(recommend=60)), author="ana", base_pk=1)
    store.rename(ids[0], "Renamed before the backup")
    store.record_decision(
        ids[0],
        expected_revision=2,
        outcome="rejected",
        decided_by="Sam",
        decided_on=dt.date(2026, 11, 2),
        note="Not this quarter.",
        report_sha256="e" * 64,
    )
    backup = json.loads(json.dumps(store.export_all()))  # as written to and read from a file
    target = Store(f"sqlite:///{tmp_path / 'restored.db'}")
    target.migrate()
    assert target.import_all(backup) == (2, 4)
    assert target.import_all(backup) == (0, 0)  # nothing twice
    for item_id in ids:
        assert target.assessment(item_id) == store.assessment(item_id)
        assert target.history(item_id) == store.history(item_id)
    [decision] = target.decisions(ids[0])
    assert (decision.revision, decision.outcome, decision.decided_by, decision.note) == (
        2,
        "rejected",
        "Sam",
        "Not this quarter.",
    )
    assert decision.verdict == store.decisions(ids[0])[0].verdict
    assert [v.sha256 for v in target.versions()] == [v.sha256 for v in store.versions()]
    assert target.active_version() is not None
    target.engine.dispose()


def test_a_format_1_backup_without_history_starts_each_history_at_the_import(
    store: Store, tmp_path: Path
) -> None:
    ids = _save_examples(store)
    backup = json.loads(json.dumps(store.export_all()))
    backup["format_version"] = 1
    del backup["assessment_revisions"], backup["decisions"]
    target = Store(f"sqlite:///{tmp_path / 'restored.db'}")
    target.migrate()
    assert target.import_all(backup) == (1, 4)
    for item_id in ids:
        [kept] = target.history(item_id)
        assert (kept.change, kept.revision) == ("imported", store.assessment(item_id).revision)
    target.engine.dispose()


def test_a_failed_import_changes_nothing(store: Store) -> None:
    _save_examples(store)
    backup = store.export_all()
    other = json.loads(json.dumps(backup))
    for item in [*other["assessments"], *other["assessment_revisions"]]:
        key = "id" if "id" in item else "assessment_id"
        item[key] = "new-" + item[key][:20]
    other["assessments"][-1].update(policy_pk=999, title="Pilot")  # a version it lacks
    with pytest.raises(BackupRefused) as info:
        store.import_all(other, file="b.json")
    assert str(info.value) == (
        f"b.json: assessments[3] (id {other['assessments'][-1]['id']!r}, title 'Pilot') → "
        "policy_pk: 999 is not a policy version in the backup"
    )
    assert store.count_assessments() == 4


WRITER = """
import sys, time
import advisor.storage.transfer as store_module
from advisor.storage import Store

store = Store(sys.argv[1])
backup = __import__("json").loads(open(sys.argv[2]).read())
original = store_module._import_row
count = 0

def slow(values, pk_map):
    global count
    count += 1
    if count == 50:
        print("half written", flush=True)
        time.sleep(60)  # killed here, inside the transaction
    return original(values, pk_map)

store_module._import_row = slow
store.import_all(backup)
print("committed", flush=True)
"""


def test_a_writer_killed_mid_transaction_leaves_the_previous_state(
    store: Store, tmp_path: Path
) -> None:
    _save_examples(store)
    policy = store.active_version()
    assert policy is not None
    before = store.export_all()
    big = json.loads(json.dumps(before))
    template = big["assessments"][0]
    big["assessments"] = [dict(template, id=f"bulk{n:05d}", title=f"bulk {n}") for n in range(200)]
    big["assessment_revisions"] = []  # no history: each arrives with its state kept as imported
    backup_file = tmp_path / "backup.json"
    backup_file.write_text(json.dumps(big))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, store.url, str(backup_file)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert writer.stdout is not None
    line = writer.stdout.readline().decode().strip()
    assert line == "half written"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    assert store.count_assessments() == 4
    assert store.list_assessments(search="bulk")[1] == 0
    after = store.export_all()
    assert after["assessments"] == before["assessments"]
    assert after["assessment_revisions"] == before["assessment_revisions"]
    # and the database still takes writes
    store.create_assessment("after the crash", {}, {}, policy)
    assert store.count_assessments() == 5


# --- history and decisions --------------------------------------------------------------------


def test_every_change_keeps_a_revision_with_its_verdict(store: Store) -> None:
    policy = store.active_version()
    assert policy is not None
    invoice = load_answers(ROOT / "examples" / "invoice_extraction.yaml", DEFAULT)
    item = store.create_assessment("Draft", {}, {}, policy)
    item = store.save_assessment(
        item.id,
        expected_revision=1,
        title="Invoices",
        answers=dict(invoice.answers),
        notes={},
        policy=policy,
    )
    store.rename(item.id, "Invoice capture")
    store.delete(item.id)
    store.restore(item.id)
    history = store.history(item.id)
    assert [(r.revision, r.change) for r in history] == [
        (1, "created"),
        (2, "saved"),
        (3, "renamed"),
        (4, "deleted"),
        (5, "restored"),
    ]
    assert history[0].verdict is None and history[0].answers == {}
    assert history[1].verdict == "adapt" and history[1].answers == dict(invoice.answers)
    assert [r.title for r in history] == ["Draft", "Invoices", "Invoice capture"] + [
        "Invoice capture"
    ] * 2
    assert store.revision_of(item.id, 2).score == history[1].score
    with pytest.raises(NotFound, match="has no revision 9"):
        store.revision_of(item.id, 9)


def test_a_decision_freezes_its_revision_and_later_edits_do_not_move_it(store: Store) -> None:
    policy = store.active_version()
    assert policy is not None
    invoice = load_answers(ROOT / "examples" / "invoice_extraction.yaml", DEFAULT)
    item = store.create_assessment(invoice.title, dict(invoice.answers), {}, policy)
    decision = store.record_decision(
        item.id,
        expected_revision=item.revision,
        outcome="approved_with_conditions",
        decided_by="  Dana Ortiz ",
        decided_on=dt.date(2026, 11, 30),
        note="Self-host first.",
        report_sha256="a" * 64,
    )
    assert (decision.revision, decision.decided_by, decision.label) == (
        1,
        "Dana Ortiz",
        "Approved with conditions",
    )
    assert (decision.verdict, decision.policy_pk) == ("adapt", policy.pk)
    later = store.save_assessment(
        item.id,
        expected_revision=1,
        title=item.title,
        answers={**item.answers, "hosting": "provider_api"},
        notes={},
        policy=policy,
    )
    [kept] = store.decisions(item.id)
    assert kept == decision and kept.revision < later.revision
    assert store.revision_of(item.id, kept.revision).answers == dict(invoice.answers)
    # Recording on a revision that is no longer current is refused: nobody read that report.
    with pytest.raises(EditConflict, match=r"revision 2.*after the report you decided on"):
        store.record_decision(
            item.id,
            expected_revision=1,
            outcome="approved",
            decided_by="Dana",
            decided_on=dt.date(2026, 11, 30),
            note="",
            report_sha256="b" * 64,
        )
    with pytest.raises(StoreError, match="expected one of: approved, approved_with_conditions"):
        store.record_decision(
            item.id,
            expected_revision=2,
            outcome="maybe",
            decided_by="Dana",
            decided_on=dt.date(2026, 11, 30),
            note="",
            report_sha256="b" * 64,
        )
    with pytest.raises(StoreError, match="needs the name"):
        store.record_decision(
            item.id,
            expected_revision=2,
            outcome="rejected",
            decided_by="  ",
            decided_on=dt.date(2026, 11, 30),
            note="",
            report_sha256="b" * 64,
        )
    assert len(store.decisions(item.id)) == 1


def test_purging_an_assessment_removes_its_history_and_decisions(store: Store) -> None:
    policy = store.active_version()
    assert policy is not None
    item = store.create_assessment("Gone soon", {}, {}, policy)
    store.record_decision(
        item.id,
        expected_revision=1,
        outcome="deferred",
        decided_by="Lee",
        decided_on=dt.date(2026, 11, 30),
        note="",
        report_sha256="c" * 64,
    )
    store.delete(item.id)
    assert store.purge_deleted(older_than=dt.timedelta(seconds=-1)) == 1
    with store.engine.connect() as connection:
        for table in ("assessment_revisions", "decisions"):
            left = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            assert left == 0, table
