"""Assessments: create, read, save (refusing a lost update), rename, duplicate, delete
and restore within :data:`RECOVERABLE_FOR`, list, and re-score under another policy."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from scoring.models import Rubric

from . import tables as t
from .database import clipped, database_error, now
from .errors import NotFound, StoreError
from .prices import CompanyPrices
from .records import (
    DECISION_OUTCOMES,
    Assessment,
    Decision,
    PolicyVersion,
    RescoreChange,
    Revision,
    assessment_columns,
    assessment_from_row,
    decision_from_row,
    evaluate,
    read_version,
    revision_from_row,
)

#: Deleted assessments stay recoverable this long; opening the database purges older ones.
RECOVERABLE_FOR = dt.timedelta(days=30)


class EditConflict(StoreError):
    """Someone else saved this assessment since it was loaded; nothing was overwritten."""

    def __init__(self, message: str, current: Assessment) -> None:
        super().__init__(message)
        self.current = current


class Assessments(CompanyPrices):
    """Saved assessments and re-scoring them under another policy version."""

    def create_assessment(
        self,
        title: str,
        answers: dict[str, Any],
        notes: dict[str, str],
        policy: PolicyVersion,
        extra: dict[str, Any] | None = None,
    ) -> Assessment:
        """A new assessment at revision 1, scored under ``policy``."""
        created = now()
        new_id = uuid.uuid4().hex
        row = {
            "id": new_id,
            **assessment_columns(title, answers, notes, extra, policy, self.price_catalogue()),
            "created_at": created,
            "updated_at": created,
            "revision": 1,
        }
        with self.engine.begin() as connection:
            connection.execute(sa.insert(t.assessments).values(row))
            keep_revision(connection, new_id, "created")
        return self.assessment(new_id)

    def assessment(self, assessment_id: str, *, include_deleted: bool = False) -> Assessment:
        """The assessment ``assessment_id`` names (from a link, say), or :class:`NotFound`;
        text that cannot be an id is never sent to the database."""
        if not t.is_assessment_id(assessment_id):
            raise NotFound(f"no assessment {clipped(assessment_id)}")
        query = sa.select(t.assessments).where(t.assessments.c.id == assessment_id)
        if not include_deleted:
            query = query.where(t.assessments.c.deleted_at.is_(None))
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            raise NotFound(f"no assessment {assessment_id!r}")
        return assessment_from_row(row)

    def save_assessment(
        self,
        assessment_id: str,
        *,
        expected_revision: int,
        title: str,
        answers: dict[str, Any],
        notes: dict[str, str],
        policy: PolicyVersion,
        extra: dict[str, Any] | None = None,
    ) -> Assessment:
        """Save over ``expected_revision``; :class:`EditConflict` if someone saved since."""
        with self.engine.begin() as connection:
            updated = connection.execute(
                sa.update(t.assessments)
                .where(
                    t.assessments.c.id == assessment_id,
                    t.assessments.c.revision == expected_revision,
                    t.assessments.c.deleted_at.is_(None),
                )
                .values(
                    **assessment_columns(
                        title, answers, notes, extra, policy, self.price_catalogue()
                    ),
                    updated_at=now(),
                    revision=t.assessments.c.revision + 1,
                )
            ).rowcount
            if updated == 1:
                keep_revision(connection, assessment_id, "saved")
        if updated != 1:
            current = self.assessment(assessment_id, include_deleted=True)
            if current.deleted_at is not None:
                raise NotFound(f"assessment {assessment_id!r} was deleted; restore it first")
            raise EditConflict(
                f"this assessment was saved elsewhere (revision {current.revision}, "
                f"{current.updated_at:%Y-%m-%d %H:%M} UTC) after you opened it; your change "
                "was not saved so that theirs is not lost",
                current,
            )
        return self.assessment(assessment_id)

    def rename(self, assessment_id: str, title: str) -> Assessment:
        """Give the assessment a new title (a new revision)."""
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(t.assessments)
                .where(t.assessments.c.id == assessment_id)
                .values(
                    title=title[:200],
                    title_search=t.searchable(title[:200]),
                    updated_at=now(),
                    revision=t.assessments.c.revision + 1,
                )
            )
            keep_revision(connection, assessment_id, "renamed")
        return self.assessment(assessment_id)

    def duplicate(self, assessment_id: str, title: str | None = None) -> Assessment:
        """A copy under its own id, "(copy)" added to the title unless ``title`` is given."""
        original = self.assessment(assessment_id)
        return self.create_assessment(
            title or f"{original.title} (copy)",
            dict(original.answers),
            dict(original.notes),
            read_version(self.engine, original.policy_pk),
            dict(original.extra),
        )

    def delete(self, assessment_id: str) -> None:
        """Recoverable: hidden from lists, restorable for :data:`RECOVERABLE_FOR`."""
        self._set_deleted(assessment_id, now())

    def restore(self, assessment_id: str) -> None:
        """Undo a delete within :data:`RECOVERABLE_FOR`."""
        self._set_deleted(assessment_id, None)

    def _set_deleted(self, assessment_id: str, when: dt.datetime | None) -> None:
        if not t.is_assessment_id(assessment_id):
            raise NotFound(f"no assessment {clipped(assessment_id)}")
        with self.engine.begin() as connection:
            count = connection.execute(
                sa.update(t.assessments)
                .where(t.assessments.c.id == assessment_id)
                .values(deleted_at=when, revision=t.assessments.c.revision + 1)
            ).rowcount
            if count == 1:
                keep_revision(connection, assessment_id, "deleted" if when else "restored")
        if count != 1:
            raise NotFound(f"no assessment {assessment_id!r}")

    def purge_deleted(self, older_than: dt.timedelta = RECOVERABLE_FOR) -> int:
        """Remove assessments deleted more than ``older_than`` ago; returns how many."""
        expired = t.assessments.c.deleted_at < now() - older_than
        with self.engine.connect() as connection:  # read first: most starts have nothing to do
            if not connection.execute(sa.select(sa.exists().where(expired))).scalar():
                return 0
        try:
            with self.engine.begin() as connection:
                return int(connection.execute(sa.delete(t.assessments).where(expired)).rowcount)
        except sa.exc.SQLAlchemyError as exc:
            if (unavailable := database_error(exc, self.url)) is not None:
                raise unavailable from None
            raise

    def list_assessments(
        self,
        *,
        search: str = "",
        verdicts: Sequence[str] = (),
        since: dt.date | None = None,
        until: dt.date | None = None,
        deleted: bool = False,
        page: int = 1,
        per_page: int = 20,
    ) -> tuple[list[Assessment], int]:
        """One page of assessments, newest first, and the total that match."""
        c = t.assessments.c
        where: list[sa.ColumnElement[bool]] = [
            c.deleted_at.is_not(None) if deleted else c.deleted_at.is_(None)
        ]
        if search.strip():
            escaped = (
                search.strip()
                .casefold()
                .replace("\\", "\\\\")
                .replace("%", "\\%")
                .replace("_", "\\_")
            )
            where.append(c.title_search.like(f"%{escaped}%", escape="\\"))
        if verdicts:
            where.append(c.verdict.in_(list(verdicts)))
        if since is not None:
            where.append(c.updated_at >= dt.datetime.combine(since, dt.time()))
        if until is not None:
            where.append(
                c.updated_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
            )
        with self.engine.connect() as connection:
            total = connection.execute(
                sa.select(sa.func.count()).select_from(t.assessments).where(*where)
            ).scalar_one()
            rows = connection.execute(
                sa.select(t.assessments)
                .where(*where)
                .order_by(c.updated_at.desc(), c.id)
                .limit(per_page)
                .offset(max(page - 1, 0) * per_page)
            ).mappings()
            return [assessment_from_row(row) for row in rows], int(total)

    def iter_assessments(self, batch: int = 500) -> Iterator[Assessment]:
        """Every live assessment, read in batches (ordered by id, stable under inserts)."""
        last = ""
        while True:
            with self.engine.connect() as connection:
                rows = list(
                    connection.execute(
                        sa.select(t.assessments)
                        .where(t.assessments.c.deleted_at.is_(None), t.assessments.c.id > last)
                        .order_by(t.assessments.c.id)
                        .limit(batch)
                    ).mappings()
                )
            if not rows:
                return
            for row in rows:
                yield assessment_from_row(row)
            last = rows[-1]["id"]

    def count_assessments(self) -> int:
        """How many assessments are not deleted."""
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    sa.select(sa.func.count())
                    .select_from(t.assessments)
                    .where(t.assessments.c.deleted_at.is_(None))
                ).scalar_one()
            )

    def rescore(
        self,
        rubric: Rubric,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[RescoreChange]:
        """Score every saved assessment under ``rubric`` next to its stored result (read-only)."""
        total = self.count_assessments()
        catalogue = self.price_catalogue()
        changes = []
        for done, item in enumerate(self.iter_assessments(), start=1):
            result = evaluate(rubric, item.title, item.answers, item.notes, item.extra, catalogue)
            changes.append(
                RescoreChange(
                    id=item.id,
                    title=item.title,
                    before_verdict=item.verdict,
                    after_verdict=result[0].value if result else None,
                    before_score=item.score,
                    after_score=result[1] if result else None,
                )
            )
            if progress is not None and (done % 100 == 0 or done == total):
                progress(done, total)
        return changes

    def apply_version(self, version: PolicyVersion) -> list[RescoreChange]:
        """Move every saved assessment to ``version`` and store its new result, in one transaction."""
        rubric = version.rubric()
        changes = self.rescore(rubric)
        by_id = {c.id: c for c in changes}
        with self.engine.begin() as connection:
            for change in by_id.values():
                connection.execute(
                    sa.update(t.assessments)
                    .where(t.assessments.c.id == change.id)
                    .values(
                        policy_pk=version.pk,
                        verdict=change.after_verdict,
                        score=change.after_score,
                        revision=t.assessments.c.revision + 1,
                    )
                )
                keep_revision(connection, change.id, "re-scored")
        return changes

    def reprice(self) -> int:
        """Store every saved assessment's verdict and score again under its own policy
        version, priced from the catalogue now in force (after the company catalogue is set
        or cleared: the lists show what the Report shows). Answers and revisions are
        untouched; returns how many results changed."""
        catalogue = self.price_catalogue()
        rubrics: dict[int, Rubric] = {}
        changed = 0
        for item in self.iter_assessments():
            if item.policy_pk not in rubrics:
                rubrics[item.policy_pk] = read_version(self.engine, item.policy_pk).rubric()
            result = evaluate(
                rubrics[item.policy_pk], item.title, item.answers, item.notes, item.extra, catalogue
            )
            verdict, score = (result[0].value, result[1]) if result else (None, None)
            if (verdict, score) == (item.verdict, item.score):
                continue
            changed += 1
            with self.engine.begin() as connection:
                connection.execute(
                    sa.update(t.assessments)
                    .where(t.assessments.c.id == item.id)
                    .values(verdict=verdict, score=score)
                )
        return changed

    # --- history and decisions ----------------------------------------------------------

    def history(self, assessment_id: str) -> list[Revision]:
        """Every kept revision of the assessment, oldest first (deleted ones included)."""
        self.assessment(assessment_id, include_deleted=True)  # NotFound for an unknown id
        query = (
            sa.select(t.assessment_revisions)
            .where(t.assessment_revisions.c.assessment_id == assessment_id)
            .order_by(t.assessment_revisions.c.revision)
        )
        with self.engine.connect() as connection:
            return [revision_from_row(row) for row in connection.execute(query).mappings()]

    def revision_of(self, assessment_id: str, revision: int) -> Revision:
        """One kept revision, or :class:`NotFound`."""
        for kept in self.history(assessment_id):
            if kept.revision == revision:
                return kept
        raise NotFound(f"assessment {assessment_id!r} has no revision {revision}")

    def record_decision(
        self,
        assessment_id: str,
        *,
        expected_revision: int,
        outcome: str,
        decided_by: str,
        decided_on: dt.date,
        note: str,
        report_sha256: str,
    ) -> Decision:
        """Record the decision taken on revision ``expected_revision`` — the one whose report
        (``report_sha256``) the decider read. :class:`EditConflict` when the assessment was
        saved since (the decision would be about answers nobody read); :class:`StoreError`
        for an outcome that is not one of :data:`DECISION_OUTCOMES` or an empty name."""
        if outcome not in DECISION_OUTCOMES:
            raise StoreError(
                f"decision outcome {clipped(outcome)} is not known; expected one of: "
                + ", ".join(DECISION_OUTCOMES)
            )
        who = decided_by.strip()
        if not who:
            raise StoreError("a decision needs the name of who took it")
        current = self.assessment(assessment_id)
        if current.revision != expected_revision:
            raise EditConflict(
                f"this assessment was saved (revision {current.revision}) after the report you "
                f"decided on (revision {expected_revision}); read the new report and record "
                "the decision again",
                current,
            )
        row = {
            "assessment_id": assessment_id,
            "revision": expected_revision,
            "outcome": outcome,
            "decided_by": who[: t.length(t.decisions.c.decided_by)],
            "decided_on": decided_on,
            "note": note,
            "policy_pk": current.policy_pk,
            "verdict": current.verdict,
            "score": current.score,
            "report_sha256": report_sha256,
            "recorded_at": now(),
        }
        with self.engine.begin() as connection:
            pk = connection.execute(
                sa.insert(t.decisions).values(row).returning(t.decisions.c.pk)
            ).scalar_one()
        return next(d for d in self.decisions(assessment_id) if d.pk == pk)

    def decisions(self, assessment_id: str) -> list[Decision]:
        """Every decision recorded on the assessment, oldest first."""
        query = (
            sa.select(t.decisions)
            .where(t.decisions.c.assessment_id == assessment_id)
            .order_by(t.decisions.c.pk)
        )
        with self.engine.connect() as connection:
            return [decision_from_row(row) for row in connection.execute(query).mappings()]


def keep_revision(connection: sa.Connection, assessment_id: str, change: str) -> None:
    """Copy the assessment's current state into its history, in the caller's transaction."""
    a = t.assessments.c
    connection.execute(
        sa.insert(t.assessment_revisions).from_select(
            [
                "assessment_id",
                "revision",
                "change",
                "title",
                "answers",
                "notes",
                "extra",
                "policy_pk",
                "verdict",
                "score",
                "saved_at",
            ],
            sa.select(
                a.id,
                a.revision,
                sa.literal(change, sa.String(16)),
                a.title,
                a.answers,
                a.notes,
                a.extra,
                a.policy_pk,
                a.verdict,
                a.score,
                a.updated_at,
            ).where(a.id == assessment_id),
        )
    )
