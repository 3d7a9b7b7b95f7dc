from __future__ import annotations

import os
from pathlib import Path

import pytest

from scoring import Rubric, load_rubric

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Error messages name files as given on the command line; golden files use repo-relative paths.
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("ADVISOR_RUBRIC_DIR", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


@pytest.fixture(scope="session")
def default_rubric() -> Rubric:
    return load_rubric(ROOT / "rubric" / "default.yaml")


@pytest.fixture(scope="session")
def small_rubric() -> Rubric:
    return load_rubric(DATA / "small_rubric.yaml")


def regenerate() -> bool:
    """REGENERATE_GOLDEN=1 rewrites golden files; review the diff before committing."""
    return os.environ.get("REGENERATE_GOLDEN") == "1"
