"""Saved assessments and policy versions in SQLite (default) or PostgreSQL.

Every write is one transaction. Two kinds of lost update are refused rather than
made: a save names the revision it started from (:class:`EditConflict` when
someone saved in between), and a publish names the version it was edited from
(:class:`PublishConflict` when someone published from it first).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from scoring.answers import usable_answers
from scoring.engine import policy_stamp
from scoring.errors import Problem
from scoring.models import Rubric, Verdict
from scoring.options import headline

from . import tables as t
from .backup import BACKUP_KIND, CheckedBackup, check_backup
from .errors import BackupRefused, DatabaseUnavailable, NotFound, StoreError

__all__ = [
    "BACKUP_KIND",
    "Assessment",
    "BackupRefused",
    "DatabaseUnavailable",
    "EditConflict",
    "NotFound",
    "PolicyVersion",
    "PublishConflict",
    "RescoreChange",
    "Store",
    "StoreError",
    "database_error",
    "database_url",
]

ACTIVE_POLICY = "active_policy_pk"
#: Integer columns are 32-bit on PostgreSQL.
_MAX_INTEGER = 2**31 - 1
#: Deleted assessments stay recoverable this long before ``purge_deleted`` removes them.
RECOVERABLE_FOR = dt.timedelta(days=30)


class EditConflict(StoreError):
    """Someone else saved this assessment since it was loaded; nothing was overwritten."""

    def __init__(self, message: str, current: Assessment) -> None:
        super().__init__(message)
        self.current = current


class PublishConflict(StoreError):
    """A version was already published from the same base; the draft was not published."""

    def __init__(self, message: str, head: PolicyVersion | None) -> None:
        super().__init__(message)
        self.head = head


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def database_url(explicit: str | None = None) -> str:
    """``explicit``, else ``ADVISOR_DATABASE_URL``, else an SQLite file in ``ADVISOR_DATA_DIR``
    (default ``./data``), created on first use."""
    url = explicit or os.environ.get("ADVISOR_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    folder = Path(os.environ.get("ADVISOR_DATA_DIR", "data"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DatabaseUnavailable(
            f"cannot create the data directory {str(folder)!r}: {reason}; set ADVISOR_DATA_DIR "
            "to a folder that can be written, or ADVISOR_DATABASE_URL to a database"
        ) from None
    return f"sqlite:///{(folder / 'advisor.db').resolve()}"


def database_error(exc: BaseException, url: str) -> DatabaseUnavailable | None:
    """``exc`` as one sentence saying what failed and where, when it means the database
    cannot be reached, opened or written (down, corrupt, read-only, full); None for an
    error that is a bug in a statement, which should not be blamed on the database."""
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError) or type(exc) in (
        sa.exc.DatabaseError,  # SQLite: "file is not a database", "disk image is malformed"
        sa.exc.InternalError,
    ):
        text = str(getattr(exc, "orig", None) or exc)
        detail = "; ".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
        return DatabaseUnavailable(f"cannot use the database {_shown_url(url)}: {detail}")
    return None


def _clipped(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _shown_url(url: str) -> str:
    """``url`` without its password, even when it does not parse."""
    try:
        parsed = sa.engine.make_url(url)
        return url if parsed.password is None else parsed.render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


@dataclass(frozen=True)
class PolicyVersion:
    pk: int
    rubric_id: str
    version: str
    sha256: str
    title: str
    author: str
    note: str
    created_at: dt.datetime
    parent_pk: int | None
    content: dict[str, Any] = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.rubric_id} v{self.version}"

    def rubric(self) -> Rubric:
        return rubric_from_content(self.content)


@dataclass(frozen=True)
class Assessment:
    id: str
    title: str
    answers: dict[str, Any]
    notes: dict[str, str]
    policy_pk: int
    verdict: str | None
    score: float | None
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int
    deleted_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RescoreChange:
    """One assessment scored under its own version and under another policy."""

    id: str
    title: str
    before_verdict: str | None
    after_verdict: str | None
    before_score: float | None
    after_score: float | None

    @property
    def verdict_changed(self) -> bool:
        return self.before_verdict != self.after_verdict


_RUBRIC_CACHE: dict[str, Rubric] = {}
_RUBRIC_LOCK = threading.Lock()


def rubric_from_content(content: dict[str, Any]) -> Rubric:
    """The rubric a stored version's content holds (the one loader every read goes through;
    migration 0004 uses it too). Cached by content."""
    key = json.dumps(content, sort_keys=True)
    with _RUBRIC_LOCK:
        cached = _RUBRIC_CACHE.get(key)
    if cached is None:
        cached = Rubric.model_validate(content, strict=False)
        with _RUBRIC_LOCK:
            _RUBRIC_CACHE[key] = cached
    return cached


def evaluate(
    rubric: Rubric,
    title: str,
    answers: dict[str, Any],
    notes: dict[str, str],
    extra: dict[str, Any] | None = None,
) -> tuple[Verdict, float] | None:
    """The verdict and score a saved assessment shows, or None while nothing weighted is
    answered. Answers the policy does not know are set aside, as in the app."""
    usable, _ = usable_answers(rubric, title, answers, notes, extra)
    return headline(rubric, usable)


class Store:
    """The database behind the app and the CLI. Thread-safe; one per process is enough."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        """Raises :class:`DatabaseUnavailable` for a URL that names no database this
        supports or a data directory that cannot be created; nothing is connected yet."""
        self.url = database_url(url) if engine is None else str(engine.url)
        self.engine = engine or _make_engine(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- schema ---------------------------------------------------------------------------

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` (creating the database on first use)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        from alembic.util.exc import CommandError

        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                # Replicas starting together migrate one at a time.
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(727274)"))
            config.attributes["connection"] = connection
            try:
                command.upgrade(config, revision)
            except CommandError:
                raise DatabaseUnavailable(
                    f"cannot use the database {_shown_url(self.url)}: its schema revision "
                    f"{self.schema_revision()!r} is unknown to this version of Adoption Advisor; "
                    "a newer version wrote it"
                ) from None

    def schema_revision(self) -> str | None:
        with self.engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    # --- policy versions ------------------------------------------------------------------

    def versions(self, rubric_id: str | None = None) -> list[PolicyVersion]:
        query = sa.select(t.policy_versions).order_by(t.policy_versions.c.pk)
        if rubric_id is not None:
            query = query.where(t.policy_versions.c.rubric_id == rubric_id)
        with self.engine.connect() as connection:
            return [_version(row) for row in connection.execute(query).mappings()]

    def version(self, pk: int) -> PolicyVersion:
        with self.engine.connect() as connection:
            row = (
                connection.execute(sa.select(t.policy_versions).where(t.policy_versions.c.pk == pk))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFound(f"no policy version {pk}")
        return _version(row)

    def find_version(self, reference: str) -> PolicyVersion:
        """A version by its number (``3``) or ``rubric_id:version`` (``default:1.0.1``)."""
        if reference.isascii() and reference.isdigit() and len(reference) <= 10:
            number = int(reference)
            if 0 < number <= _MAX_INTEGER:
                return self.version(number)
        rubric_id, _, version = reference.partition(":")
        # Compared here rather than in SQL: any text a person types is only ever compared.
        for candidate in self.versions():
            if (candidate.rubric_id, candidate.version) == (rubric_id, version):
                return candidate
        shown = repr(reference) if len(reference) <= 60 else repr(reference[:57] + "...")
        raise NotFound(f"no policy version {shown}; expected a number or RUBRIC_ID:VERSION")

    def active_version(self) -> PolicyVersion | None:
        with self.engine.connect() as connection:
            value = connection.execute(
                sa.select(t.settings.c.value).where(t.settings.c.key == ACTIVE_POLICY)
            ).scalar()
        return self.version(int(value)) if value else None

    def head(self, rubric_id: str) -> PolicyVersion | None:
        """The newest version of ``rubric_id``: drafts are published from it."""
        versions = self.versions(rubric_id)
        return versions[-1] if versions else None

    def publish(
        self,
        rubric: Rubric,
        *,
        author: str,
        note: str = "",
        base_pk: int | None,
        activate: bool = True,
    ) -> PolicyVersion:
        """Store ``rubric`` as a new immutable version edited from ``base_pk``.

        Raises :class:`PublishConflict` when a version was already published from the
        same base (reload, merge and publish again) or the version number is taken.
        """
        stamp = policy_stamp(rubric)
        values = {
            "rubric_id": rubric.id,
            "version": rubric.version,
            "sha256": stamp.sha256,
            "title": rubric.title,
            "content": rubric.model_dump(mode="json", exclude_none=True),
            "author": author,
            "note": note,
            "created_at": _now(),
            "parent_pk": base_pk,
        }
        taken = [v for v in self.versions(rubric.id) if v.version == rubric.version]
        if taken:
            raise StoreError(
                f"version {rubric.version} of {rubric.id!r} is already published "
                f"(by {taken[0].author}, {taken[0].created_at:%Y-%m-%d}); give the draft a new version"
            )
        try:
            with self.engine.begin() as connection:
                pk = connection.execute(
                    sa.insert(t.policy_versions).values(values).returning(t.policy_versions.c.pk)
                ).scalar_one()
                if activate:
                    _set(connection, ACTIVE_POLICY, str(pk))
        except sa.exc.IntegrityError:
            head = self.head(rubric.id)
            raise PublishConflict(
                f"policy {rubric.id!r} changed while you edited it: version "
                f"{head.version if head else '?'} was published"
                f"{f' by {head.author}' if head else ''} since your draft's base. "
                "Your draft is kept; reload the newest version, redo your edits and publish again.",
                head,
            ) from None
        return self.version(pk)

    def activate(self, pk: int) -> None:
        self.version(pk)
        with self.engine.begin() as connection:
            _set(connection, ACTIVE_POLICY, str(pk))

    def ensure_policy(self, rubric: Rubric, author: str = "system") -> PolicyVersion:
        """The active version; on an empty database, ``rubric`` published and activated."""
        active = self.active_version()
        if active is not None:
            return active
        for existing in self.versions(rubric.id):
            if existing.sha256 == policy_stamp(rubric).sha256:
                self.activate(existing.pk)
                return existing
        try:
            return self.publish(rubric, author=author, note="shipped default", base_pk=None)
        except PublishConflict:  # another replica seeded it a moment ago
            active = self.active_version()
            assert active is not None
            return active

    # --- assessments ----------------------------------------------------------------------

    def create_assessment(
        self,
        title: str,
        answers: dict[str, Any],
        notes: dict[str, str],
        policy: PolicyVersion,
        extra: dict[str, Any] | None = None,
    ) -> Assessment:
        now = _now()
        new_id = uuid.uuid4().hex
        row = {
            "id": new_id,
            **_content(title, answers, notes, extra, policy),
            "created_at": now,
            "updated_at": now,
            "revision": 1,
        }
        with self.engine.begin() as connection:
            connection.execute(sa.insert(t.assessments).values(row))
        return self.assessment(new_id)

    def assessment(self, assessment_id: str, *, include_deleted: bool = False) -> Assessment:
        """The assessment ``assessment_id`` names (from a link, say), or :class:`NotFound`;
        text that cannot be an id is never sent to the database."""
        if not t.is_assessment_id(assessment_id):
            raise NotFound(f"no assessment {_clipped(assessment_id)}")
        query = sa.select(t.assessments).where(t.assessments.c.id == assessment_id)
        if not include_deleted:
            query = query.where(t.assessments.c.deleted_at.is_(None))
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            raise NotFound(f"no assessment {assessment_id!r}")
        return _assessment(row)

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
                    **_content(title, answers, notes, extra, policy),
                    updated_at=_now(),
                    revision=t.assessments.c.revision + 1,
                )
            ).rowcount
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
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(t.assessments)
                .where(t.assessments.c.id == assessment_id)
                .values(
                    title=title[:200],
                    title_search=t.searchable(title[:200]),
                    updated_at=_now(),
                    revision=t.assessments.c.revision + 1,
                )
            )
        return self.assessment(assessment_id)

    def duplicate(self, assessment_id: str, title: str | None = None) -> Assessment:
        original = self.assessment(assessment_id)
        return self.create_assessment(
            title or f"{original.title} (copy)",
            dict(original.answers),
            dict(original.notes),
            self.version(original.policy_pk),
            dict(original.extra),
        )

    def delete(self, assessment_id: str) -> None:
        """Recoverable: hidden from lists, restorable for :data:`RECOVERABLE_FOR`."""
        self._set_deleted(assessment_id, _now())

    def restore(self, assessment_id: str) -> None:
        self._set_deleted(assessment_id, None)

    def _set_deleted(self, assessment_id: str, when: dt.datetime | None) -> None:
        if not t.is_assessment_id(assessment_id):
            raise NotFound(f"no assessment {_clipped(assessment_id)}")
        with self.engine.begin() as connection:
            count = connection.execute(
                sa.update(t.assessments)
                .where(t.assessments.c.id == assessment_id)
                .values(deleted_at=when, revision=t.assessments.c.revision + 1)
            ).rowcount
        if count != 1:
            raise NotFound(f"no assessment {assessment_id!r}")

    def purge_deleted(self, older_than: dt.timedelta = RECOVERABLE_FOR) -> int:
        with self.engine.begin() as connection:
            return connection.execute(
                sa.delete(t.assessments).where(t.assessments.c.deleted_at < _now() - older_than)
            ).rowcount

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
            return [_assessment(row) for row in rows], int(total)

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
                yield _assessment(row)
            last = rows[-1]["id"]

    def count_assessments(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    sa.select(sa.func.count())
                    .select_from(t.assessments)
                    .where(t.assessments.c.deleted_at.is_(None))
                ).scalar_one()
            )

    # --- re-scoring -----------------------------------------------------------------------

    def rescore(
        self,
        rubric: Rubric,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[RescoreChange]:
        """Score every saved assessment under ``rubric`` next to its stored result (read-only)."""
        total = self.count_assessments()
        changes = []
        for done, item in enumerate(self.iter_assessments(), start=1):
            result = evaluate(rubric, item.title, item.answers, item.notes, item.extra)
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
        return changes

    # --- backup ---------------------------------------------------------------------------

    def export_all(self) -> dict[str, Any]:
        with self.engine.connect() as connection:
            versions = [
                dict(r)
                for r in connection.execute(
                    sa.select(t.policy_versions).order_by(t.policy_versions.c.pk)
                ).mappings()
            ]
            items = [
                dict(r)
                for r in connection.execute(
                    sa.select(t.assessments).order_by(t.assessments.c.id)
                ).mappings()
            ]
            active = connection.execute(
                sa.select(t.settings.c.value).where(t.settings.c.key == ACTIVE_POLICY)
            ).scalar()
        for row in [*versions, *items]:
            for key, value in row.items():
                if isinstance(value, dt.datetime):
                    row[key] = value.isoformat()
            row.pop("title_search", None)
        return {
            "kind": BACKUP_KIND,
            "format_version": 1,
            "exported_at": _now().isoformat(),
            "active_policy_pk": int(active) if active else None,
            "policy_versions": versions,
            "assessments": items,
        }

    def import_all(self, data: Any, *, file: str = "backup") -> tuple[int, int]:
        """Load a backup into this database in one transaction; existing ids are kept as they
        are. Returns (policy versions added, assessments added).

        Nothing in the file is trusted. The whole backup is checked before anything is
        written (:func:`advisor.storage.backup.check_backup`): each policy version's SHA-256
        against its content, each assessment against the models a save goes through and
        scored under its own version; verdicts and scores are recomputed, not read. Any
        problem raises :class:`BackupRefused` naming the row (``file`` names the backup),
        and nothing is written.
        """
        checked = check_backup(data, file)
        try:
            return self._import(checked, file)
        except sa.exc.IntegrityError as exc:  # a publish or import landed in between
            detail = " ".join(str(exc.orig or exc).split())
            raise BackupRefused(
                Problem(
                    "this database changed during the import and nothing was imported; "
                    f"try again ({detail})",
                    file=file,
                )
            ) from None

    def _import(self, checked: CheckedBackup, file: str) -> tuple[int, int]:
        with self.engine.begin() as connection:
            present = {
                (r.rubric_id, r.version): r
                for r in connection.execute(
                    sa.select(
                        t.policy_versions.c.pk,
                        t.policy_versions.c.rubric_id,
                        t.policy_versions.c.version,
                        t.policy_versions.c.sha256,
                        t.policy_versions.c.parent_pk,
                    )
                )
            }
            label = {r.pk: f"{r.rubric_id} v{r.version}" for r in present.values()}
            children = {
                (r.rubric_id, r.parent_pk): r for r in present.values() if r.parent_pk is not None
            }
            # Checked against what is here before anything is written.
            problems: list[Problem] = []
            here: dict[int, int] = {}  # backup pk -> pk of the same version in this database
            for version in checked.versions:
                found = present.get(version.key)
                if found is not None:
                    if found.sha256 != version.values["sha256"]:
                        problems.append(
                            Problem(
                                f"this database holds {label[found.pk]} with other content "
                                f"(sha256 {found.sha256}); expected the same version to have "
                                "the same content: give one of them a new version number",
                                file=file,
                                path=f"{version.label} → sha256",
                            )
                        )
                    here[version.pk] = found.pk
                    continue
                parent = here.get(version.parent_pk) if version.parent_pk is not None else None
                sibling = children.get((version.rubric.id, parent))
                if parent is not None and sibling is not None:
                    problems.append(
                        Problem(
                            f"this database holds {label[sibling.pk]}, also edited from "
                            f"{label[parent]}; two versions of a policy cannot share a base",
                            file=file,
                            path=f"{version.label} → parent_pk",
                        )
                    )
            if problems:
                raise BackupRefused(problems)

            added_versions = added_items = 0
            pk_map = dict(here)
            for version in checked.versions:
                if version.pk in here:
                    continue
                values = {
                    **version.values,
                    "parent_pk": pk_map[version.parent_pk]
                    if version.parent_pk is not None
                    else None,
                }
                pk_map[version.pk] = connection.execute(
                    sa.insert(t.policy_versions).values(values).returning(t.policy_versions.c.pk)
                ).scalar_one()
                added_versions += 1
            known = set(connection.execute(sa.select(t.assessments.c.id)).scalars())
            for item in checked.assessments:
                if item.id in known:
                    continue
                connection.execute(
                    sa.insert(t.assessments).values(_import_row(dict(item.values), pk_map))
                )
                added_items += 1
            active = checked.active_policy_pk
            if active is not None:
                current = connection.execute(
                    sa.select(t.settings.c.value).where(t.settings.c.key == ACTIVE_POLICY)
                ).scalar()
                if current is None:
                    _set(connection, ACTIVE_POLICY, str(pk_map[active]))
        return added_versions, added_items


def _import_row(values: dict[str, Any], pk_map: dict[int, int]) -> dict[str, Any]:
    """A checked assessment row with its policy version's pk in this database."""
    values["policy_pk"] = pk_map[values["policy_pk"]]
    return values


def _content(
    title: str,
    answers: dict[str, Any],
    notes: dict[str, str],
    extra: dict[str, Any] | None,
    policy: PolicyVersion,
) -> dict[str, Any]:
    """The columns a save writes, with the verdict and score under ``policy`` kept beside
    the answers so lists and filters need not score anything."""
    result = evaluate(policy.rubric(), title, answers, notes, extra)
    return {
        "title": title[:200],
        "title_search": t.searchable(title[:200]),
        "answers": answers,
        "notes": notes,
        "extra": extra or {},
        "policy_pk": policy.pk,
        "verdict": result[0].value if result else None,
        "score": result[1] if result else None,
    }


def _make_engine(url: str) -> Engine:
    expected = "expected sqlite:///PATH/advisor.db or postgresql://USER@HOST/DATABASE"
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise DatabaseUnavailable(
            f"the database URL {_shown_url(url)!r} cannot be read; {expected}"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql") or "\x00" in url:
        raise DatabaseUnavailable(
            f"the database URL {_shown_url(url)!r} names no database Adoption Advisor "
            f"supports; {expected}"
        )
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    try:
        return sa.create_engine(url, pool_pre_ping=True)
    except (sa.exc.ArgumentError, ImportError) as exc:  # e.g. postgresql+somedriver://
        raise DatabaseUnavailable(
            f"the database URL {_shown_url(url)!r} cannot be used ({exc}); {expected}"
        ) from None


def _set(connection: Connection, key: str, value: str) -> None:
    updated = connection.execute(
        sa.update(t.settings).where(t.settings.c.key == key).values(value=value)
    ).rowcount
    if not updated:
        connection.execute(sa.insert(t.settings).values(key=key, value=value))


def _version(row: Any) -> PolicyVersion:
    return PolicyVersion(
        pk=row["pk"],
        rubric_id=row["rubric_id"],
        version=row["version"],
        sha256=row["sha256"],
        title=row["title"],
        author=row["author"],
        note=row["note"],
        created_at=row["created_at"],
        parent_pk=row["parent_pk"],
        content=row["content"],
    )


def _assessment(row: Any) -> Assessment:
    return Assessment(
        id=row["id"],
        title=row["title"],
        answers=dict(row["answers"]),
        notes=dict(row["notes"]),
        policy_pk=row["policy_pk"],
        verdict=row["verdict"],
        score=row["score"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        revision=row["revision"],
        deleted_at=row["deleted_at"],
        extra=dict(row["extra"] or {}),
    )
