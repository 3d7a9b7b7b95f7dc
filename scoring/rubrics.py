"""Where rubric files live, and finding one by id."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import AdvisorError
from .loader import load_rubric
from .models import Rubric

__all__ = [
    "RubricFile",
    "default_rubric_path",
    "find_rubric",
    "list_rubrics",
    "reference_dir",
    "rubric_dir",
]


def rubric_dir() -> Path:
    """``ADVISOR_RUBRIC_DIR``, else the repository's ``rubric/``, else the copy in the wheel."""
    configured = os.environ.get("ADVISOR_RUBRIC_DIR")
    if configured:
        return Path(configured)
    package = Path(__file__).resolve().parent
    checkout = package.parent / "rubric"
    return checkout if checkout.is_dir() else package / "_rubric"


def reference_dir() -> Path:
    """The reference decisions the Policy page checks a draft against:
    ``ADVISOR_REFERENCE_DIR`` (a company's own past decisions), else the repository's
    ``examples/reference/``, else the copy in the wheel."""
    configured = os.environ.get("ADVISOR_REFERENCE_DIR")
    if configured:
        return Path(configured)
    package = Path(__file__).resolve().parent
    checkout = package.parent / "examples" / "reference"
    return checkout if checkout.is_dir() else package / "_reference"


def default_rubric_path() -> Path:
    """The shipped rubric's file (``default.yaml`` in :func:`rubric_dir`)."""
    return rubric_dir() / "default.yaml"


@dataclass(frozen=True)
class RubricFile:
    """A rubric file in the rubric folder: the rubric, or the error that kept it from loading."""

    path: Path
    rubric: Rubric | None
    error: AdvisorError | None


def list_rubrics(directory: Path | None = None) -> list[RubricFile]:
    """Every ``*.yaml``/``*.yml`` in the rubric folder, valid or not (errors kept, not raised)."""
    folder = directory or rubric_dir()
    found = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            found.append(RubricFile(path, load_rubric(path), None))
        except AdvisorError as exc:
            found.append(RubricFile(path, None, exc))
    return found


def find_rubric(rubric_id: str, directory: Path | None = None) -> Path | None:
    """The file in the rubric folder whose ``id`` is ``rubric_id``."""
    for entry in list_rubrics(directory):
        if entry.rubric is not None and entry.rubric.id == rubric_id:
            return entry.path
    return None
