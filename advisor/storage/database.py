"""The connection: which database (URL from arguments, environment or the data folder),
how it is opened, its schema migrations, and how its failures read as one sentence."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import tables as t
from .errors import DatabaseUnavailable

#: The settings row naming the active policy version.
ACTIVE_POLICY = "active_policy_pk"


def now() -> dt.datetime:
    """UTC now, to the second, as the naive datetime every table stores."""
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


def clipped(text: str) -> str:
    """A repr of text a person typed, short enough for a message."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _shown_url(url: str) -> str:
    """``url`` without its password, even when it does not parse."""
    try:
        parsed = sa.engine.make_url(url)
        return url if parsed.password is None else parsed.render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


class Database:
    """An opened database and its schema; the base the stores of each record kind share."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        """Raises :class:`DatabaseUnavailable` for a URL that names no database this
        supports or a data directory that cannot be created; nothing is connected yet."""
        self.url = database_url(url) if engine is None else str(engine.url)
        self.engine = engine or _make_engine(self.url)

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

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
        """The Alembic revision the database is at; None before the first migration."""
        with self.engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with foreign keys, or PostgreSQL."""
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


def set_setting(connection: Connection, key: str, value: str) -> None:
    """Insert or update one row of the settings table."""
    updated = connection.execute(
        sa.update(t.settings).where(t.settings.c.key == key).values(value=value)
    ).rowcount
    if not updated:
        connection.execute(sa.insert(t.settings).values(key=key, value=value))
