from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from scoring import Rubric, load_rubric

if TYPE_CHECKING:
    from advisor.storage import Store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Error messages name files as given on the command line; golden files use repo-relative paths.
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("ADVISOR_RUBRIC_DIR", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    # The app's database: never the developer's ./data, always a fresh file per test.
    monkeypatch.setenv("ADVISOR_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")


@pytest.fixture(scope="session")
def default_rubric() -> Rubric:
    return load_rubric(ROOT / "rubric" / "default.yaml")


@pytest.fixture(scope="session")
def small_rubric() -> Rubric:
    return load_rubric(DATA / "small_rubric.yaml")


def shown(markdown: str) -> str:
    """What a person reads for Markdown the app escaped with ui.common.plain: the escapes
    and the invisible word joiners taken out."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def regenerate() -> bool:
    """REGENERATE_GOLDEN=1 rewrites golden files; review the diff before committing."""
    return os.environ.get("REGENERATE_GOLDEN") == "1"


# --- databases: every storage test runs on SQLite and on PostgreSQL ------------------------

POSTGRES_URL = os.environ.get("ADVISOR_TEST_POSTGRES_URL", "")
POSTGRES_REQUIRED = os.environ.get("ADVISOR_REQUIRE_POSTGRES") == "1"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL (a new SQLite file, or a new PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'advisor.db'}"
        return
    if not POSTGRES_URL:
        if POSTGRES_REQUIRED:
            pytest.fail("ADVISOR_REQUIRE_POSTGRES=1 but ADVISOR_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL: set ADVISOR_TEST_POSTGRES_URL (.ci/run starts one)")
    import sqlalchemy as sa

    name = f"advisor_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A migrated store with the default rubric published and active."""
    from advisor.storage import Store

    created = Store(database_url)
    created.migrate()
    created.ensure_policy(load_rubric(ROOT / "rubric" / "default.yaml"))
    yield created
    created.engine.dispose()
