"""Example assessments a person can start from (the answers files in ``examples/``).

The folder is found the way :func:`scoring.rubrics.rubric_dir` finds the rubrics: beside
the package in a checkout, else a copy inside an installed wheel (``scoring/_examples``,
shipped only if the build includes it). When neither exists, no example is offered.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import streamlit as st

import scoring
from scoring import AdvisorError, Answers, Rubric, load_answers


class Example(NamedTuple):
    """One example answers file that fits the policy version in use."""

    path: str
    title: str


def examples_dir() -> Path | None:
    """The folder of example answers files, or None when this installation has none."""
    package = Path(scoring.__file__).resolve().parent
    for folder in (package.parent / "examples", package / "_examples"):
        if folder.is_dir():
            return folder
    return None


@st.cache_resource(show_spinner=False, max_entries=16)
def _fitting(folder: str, policy_sha256: str, _rubric: Rubric) -> list[Example]:
    # Keyed by the policy's stamp (the rubric object itself is not hashed): an example is
    # offered only when it loads under the policy the new assessment will use.
    found = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            answers = load_answers(path, _rubric)
        except AdvisorError:
            continue
        found.append(Example(str(path), answers.title))
    return found


def examples(rubric: Rubric, policy_sha256: str) -> list[Example]:
    """The examples that load under ``rubric`` (whose stamp is ``policy_sha256``), by file
    name; empty when there is no examples folder."""
    folder = examples_dir()
    return [] if folder is None else _fitting(str(folder), policy_sha256, rubric)


def load_example(example: Example, rubric: Rubric) -> Answers:
    """The example's answers, read again from its file (each session gets its own copy)."""
    return load_answers(example.path, rubric, display_name=Path(example.path).name)
