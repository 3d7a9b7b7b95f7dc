"""Policy versions: publish (refusing a lost update), activate, find, seed the default."""

from __future__ import annotations

import sqlalchemy as sa

from scoring.engine import policy_stamp
from scoring.models import Rubric

from . import tables as t
from .database import ACTIVE_POLICY, Database, now, set_setting
from .errors import NotFound, StoreError
from .records import PolicyVersion, read_version, version_from_row

#: Integer columns are 32-bit on PostgreSQL.
_MAX_INTEGER = 2**31 - 1


class PublishConflict(StoreError):
    """A version was already published from the same base; the draft was not published."""

    def __init__(self, message: str, head: PolicyVersion | None) -> None:
        super().__init__(message)
        self.head = head


class PolicyVersions(Database):
    """Reading and publishing policy versions."""

    def versions(self, rubric_id: str | None = None) -> list[PolicyVersion]:
        """Every version (of ``rubric_id``, when given), oldest first."""
        query = sa.select(t.policy_versions).order_by(t.policy_versions.c.pk)
        if rubric_id is not None:
            query = query.where(t.policy_versions.c.rubric_id == rubric_id)
        with self.engine.connect() as connection:
            return [version_from_row(row) for row in connection.execute(query).mappings()]

    def version(self, pk: int) -> PolicyVersion:
        """The policy version ``pk``, or :class:`NotFound`."""
        return read_version(self.engine, pk)

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
        """The version new assessments use; None before the first publish."""
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
            "created_at": now(),
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
                    set_setting(connection, ACTIVE_POLICY, str(pk))
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
        """Make version ``pk`` the one new assessments use."""
        self.version(pk)
        with self.engine.begin() as connection:
            set_setting(connection, ACTIVE_POLICY, str(pk))

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
