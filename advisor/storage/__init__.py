"""Saved assessments and policy versions in SQLite (default) or PostgreSQL.

Every write is one transaction. Two kinds of lost update are refused rather than
made: a save names the revision it started from (:class:`EditConflict` when
someone saved in between), and a publish names the version it was edited from
(:class:`PublishConflict` when someone published from it first).
"""

from __future__ import annotations

import contextlib
from typing import Any

from .assessments import RECOVERABLE_FOR, Assessments, EditConflict
from .backup import BACKUP_KIND
from .database import database_error, database_url
from .errors import BackupRefused, DatabaseUnavailable, NotFound, StoreError
from .policies import PolicyVersions, PublishConflict
from .prices import CompanyPriceFile, CompanyPrices
from .records import (
    DECISION_LABELS,
    DECISION_OUTCOMES,
    Assessment,
    Decision,
    PolicyVersion,
    RescoreChange,
    Revision,
    evaluate,
    rubric_from_content,
)
from .transfer import Backups

__all__ = [
    "BACKUP_KIND",
    "DECISION_LABELS",
    "DECISION_OUTCOMES",
    "RECOVERABLE_FOR",
    "Assessment",
    "BackupRefused",
    "CompanyPriceFile",
    "DatabaseUnavailable",
    "Decision",
    "EditConflict",
    "NotFound",
    "PolicyVersion",
    "PublishConflict",
    "RescoreChange",
    "Revision",
    "Store",
    "StoreError",
    "database_error",
    "database_url",
    "evaluate",
    "rubric_from_content",
]


class Store(PolicyVersions, Assessments, Backups, CompanyPrices):
    """The database behind the app and the CLI: policy versions (:mod:`.policies`),
    assessments (:mod:`.assessments`), backups (:mod:`.transfer`) and the company price
    catalogue (:mod:`.prices`) over one connection
    (:mod:`.database`). Thread-safe; one per process is enough."""

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to ``revision``; at the newest schema, also remove assessments
        deleted more than :data:`RECOVERABLE_FOR` ago. The app and every CLI command that
        opens the database call this first, so the "restorable for 30 days" promise the
        UI makes is kept without a scheduler. A database that cannot be written just now
        still opens (nothing is purged until it can be)."""
        super().migrate(revision)
        if revision == "head":
            # Read-only for now: housekeeping waits for the next start.
            with contextlib.suppress(DatabaseUnavailable):
                self.purge_deleted()

    def set_company_prices(self, file: str, text: str, set_by: str) -> CompanyPriceFile:
        """Keep the company catalogue, then store every assessment's result priced from it,
        so the lists agree with the Report."""
        kept = super().set_company_prices(file, text, set_by)
        self.reprice()
        return kept

    def clear_company_prices(self) -> None:
        """Go back to the shipped catalogue alone, and store the results priced from it."""
        super().clear_company_prices()
        self.reprice()

    def import_all(self, data: Any, *, file: str = "backup") -> tuple[int, int]:
        """Load a backup (see :meth:`Backups.import_all`), then store every assessment's
        result priced from the catalogue now in force (the backup may have brought the
        company's)."""
        added = super().import_all(data, file=file)
        self.reprice()
        return added
