"""Writes backups exported by an earlier version of Adoption Advisor, whose policy hashes
are the legacy form (the full ``model_dump(mode="json")`` of the rubric as its models then
stood). tests/test_store_restamp.py imports them.

Each file is produced by that commit's own code, not imitated: the commit is unpacked with
``git archive`` into a temporary folder and its ``scoring`` package exports a fresh SQLite
database (its shipped default rubric, a version edited from it, two example assessments).
From the repo root::

    .venv/bin/python tests/data/broken/backups/legacy/make_legacy.py

The files are kept as written; there is no need to run this again unless a new legacy
form appears.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[4]

#: file name -> the commit whose code wrote it, and why that commit.
EXPORTS = {
    # The last commit before policy hashes ignored defaults: models with adoption
    # conditions, finality and nested all/any clauses (Clause.all/any dumped as null).
    "exported_by_079af7a.json": "079af7af2cb9887af12a46f73303b6ceb433cefd",
    # The last commit before the models gained conditions, finality, not_applicable and
    # nested clauses (5aa7ad4~1): a Clause had no all/any fields at all.
    "exported_by_37f064f.json": "37f064f610201ab586f9cda401351de299b0bdf9",
}

EXPORT = r"""
import json, sys, tempfile
from pathlib import Path
from scoring import load_answers, load_rubric
from scoring.policy import PolicyEdits, apply_edits
from advisor.storage import Store

tree = Path(sys.argv[1])
import scoring
assert Path(scoring.__file__).resolve().is_relative_to(tree.resolve()), scoring.__file__
rubric = load_rubric(tree / "rubric" / "default.yaml")
with tempfile.TemporaryDirectory() as folder:
    store = Store(f"sqlite:///{folder}/advisor.db")
    store.migrate()
    first = store.ensure_policy(rubric)
    edited = store.publish(
        apply_edits(rubric, PolicyEdits(recommend=rubric.thresholds.recommend - 5)),
        author="ana@example.com",
        note="a lower bar for Recommend",
        base_pk=first.pk,
        activate=False,
    )
    examples = sorted((tree / "examples").glob("*.yaml"))
    for path, policy in zip(examples[:2], (first, edited)):
        answers = load_answers(path, rubric)
        store.create_assessment(answers.title, dict(answers.answers), dict(answers.notes), policy)
    data = json.loads(json.dumps(store.export_all()))
    store.engine.dispose()
print(json.dumps(data))
"""


def export_at(commit: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "archive", commit], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": folder}
        out = subprocess.run(
            [sys.executable, "-c", EXPORT, folder],
            cwd=folder,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    data: dict[str, Any] = json.loads(out)
    # Fixed times and ids, so the files only change when the code that wrote them does.
    data["exported_at"] = "2026-11-20T09:00:00"
    for n, version in enumerate(data["policy_versions"]):
        version["created_at"] = f"2026-11-0{n + 1}T08:00:00"
    data["assessments"].sort(key=lambda item: item["title"])
    for n, item in enumerate(data["assessments"]):
        item["id"] = f"legacy{n + 1:02d}{commit[:7]}"
        item["created_at"] = item["updated_at"] = "2026-11-15T10:30:00"
    return data


def main() -> None:
    for name, commit in EXPORTS.items():
        data = export_at(commit)
        (HERE / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {name} with the code of {commit[:7]}")


if __name__ == "__main__":
    main()
