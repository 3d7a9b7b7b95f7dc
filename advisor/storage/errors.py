"""The store's errors; all are :class:`scoring.errors.AdvisorError`, so the CLI exits 2 and
the app shows the message::

    StoreError               a storage operation could not be done as asked
    ├── NotFound             no assessment or policy version with that id
    ├── BackupRefused        a backup was refused as a whole; each problem names its row
    ├── DatabaseUnavailable  the database cannot be reached, opened, created or written
    ├── EditConflict         (advisor.storage) someone saved in between
    └── PublishConflict      (advisor.storage) a version was published from the same base
"""

from __future__ import annotations

from scoring.errors import AdvisorError

__all__ = ["BackupRefused", "DatabaseUnavailable", "NotFound", "StoreError"]


class StoreError(AdvisorError):
    """A storage operation could not be done as asked."""


class NotFound(StoreError):
    """No assessment or policy version with that id."""


class BackupRefused(StoreError):
    """A backup was refused as a whole; nothing was written. Each problem names its row."""


class DatabaseUnavailable(StoreError):
    """The database cannot be reached, opened, created or written (down, corrupt, read-only,
    full, or a URL that names no database); the message says which and where."""
