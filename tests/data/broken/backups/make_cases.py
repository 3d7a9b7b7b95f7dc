"""Writes the import catalogue: a real export (``base/export.json``) and, derived from it,
one tampered or odd backup per case (``NN_name.json``). Each case's expected message is
its ``NN_name.expected`` (exact stderr of ``adoption-advisor import``), checked by
tests/test_import_catalogue.py.

When the rubric models change how a policy is hashed or validated, run, from the repo root::

    .venv/bin/python tests/data/broken/backups/make_cases.py
    REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_import_catalogue.py -k catalogue

and review the diff of the ``.expected`` files before committing.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]

Backup = dict[str, Any]


def base_export() -> Backup:
    """A real export: the small test rubric, a version edited from it, three assessments
    (one with options, costs and labour; one deleted), with fixed ids and times."""
    sys.path.insert(0, str(ROOT))
    from advisor.storage import Store
    from scoring import load_rubric
    from scoring.policy import PolicyEdits, apply_edits

    rubric = load_rubric(ROOT / "tests" / "data" / "small_rubric.yaml")
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/advisor.db")
        store.migrate()
        first = store.ensure_policy(rubric)
        edited = store.publish(
            apply_edits(rubric, PolicyEdits(recommend=65)),
            author="ana@example.com",
            note="a lower bar for Recommend",
            base_pk=first.pk,
            activate=False,
        )
        store.create_assessment(
            "Invoice triage",
            {"gain": "lots", "volume": 250, "review": "all", "reviewer_skill": "high"},
            {"gain": "Measured on 200 invoices."},
            first,
        )
        store.create_assessment(
            "Support summaries",
            {"gain": "some", "review": "sample", "checks": ["accuracy"]},
            {},
            first,
            {
                "options": [
                    {
                        "id": "hosted",
                        "title": "Hosted model",
                        "costs": {"integration": 12000.0, "price_per_item": 0.02},
                    },
                    {"id": "today", "title": "Today's process", "baseline": True},
                ],
                "current_process": {"hours_per_month": 160.0},
                "hourly_rate": 55.0,
                "currency": "EUR",
                "horizon_months": 24,
                "labour": [
                    {"role": "Agent", "hours_per_week": 10.0, "share_removed": 0.5},
                ],
            },
        )
        triage = next(a for a in store.list_assessments()[0] if a.title == "Invoice triage")
        store.record_decision(
            triage.id,
            expected_revision=triage.revision,
            outcome="approved_with_conditions",
            decided_by="Dana Ortiz",
            decided_on=dt.date(2026, 10, 16),
            note="Review every invoice for the first month.",
            report_sha256="d" * 64,
        )
        old = store.create_assessment("Old pilot", {"gain": "none"}, {}, edited)
        store.delete(old.id)
        data = json.loads(json.dumps(store.export_all()))
        store.engine.dispose()
    data["exported_at"] = "2026-11-02T09:00:00"
    for n, version in enumerate(data["policy_versions"]):
        version["created_at"] = f"2026-10-0{n + 1}T08:00:00"
    ids = {
        "Invoice triage": "5b0d6c1e9a4f4e0c8a3b2d7f6e1c0a91",
        "Support summaries": "8e2f4a6c1b3d4f5e9a7c0b2d4e6f8a13",
        "Old pilot": "c7a9e1b3d5f74a2c8e0b6d4f2a1c3e57",
    }
    new_ids = {}
    for item in data["assessments"]:
        new_ids[item["id"]] = ids[item["title"]]
        item["id"] = ids[item["title"]]
        item["created_at"] = item["updated_at"] = "2026-10-15T10:30:00"
        if item["deleted_at"]:
            item["deleted_at"] = "2026-10-20T16:00:00"
    data["assessments"].sort(key=lambda item: item["title"])
    for row in data["assessment_revisions"]:
        row["assessment_id"] = new_ids[row["assessment_id"]]
        row["saved_at"] = "2026-10-15T10:30:00"
    data["assessment_revisions"].sort(key=lambda r: (r["assessment_id"], r["revision"]))
    for row in data["decisions"]:
        row["assessment_id"] = new_ids[row["assessment_id"]]
        row["recorded_at"] = "2026-10-16T11:00:00"
    return data


# --- the cases: each changes one thing a careless admin or a tamperer could change ----------

Case = Callable[[Backup], None]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(change: Case) -> Case:
        CASES[name] = change
        return change

    return register


def _row(data: Backup, title: str) -> dict[str, Any]:
    return next(item for item in data["assessments"] if item["title"] == title)


@case("not_a_backup")
def _(d: Backup) -> None:
    d["kind"] = "adoption-advisor-report"


@case("newer_format_version")
def _(d: Backup) -> None:
    d["format_version"] = 99


@case("unknown_top_level_key")
def _(d: Backup) -> None:
    d["asessments"] = []


@case("policy_versions_not_a_list")
def _(d: Backup) -> None:
    d["policy_versions"] = {"1": d["policy_versions"][0]}


@case("answers_as_text")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["answers"] = "gain: lots"


@case("notes_as_a_number")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["notes"] = 5


@case("extra_as_text")
def _(d: Backup) -> None:
    _row(d, "Support summaries")["extra"] = "options"


@case("title_of_100000_characters")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["title"] = "Invoice triage " + "x" * 99_985


@case("title_as_a_number")
def _(d: Backup) -> None:
    _row(d, "Old pilot")["title"] = 42


@case("empty_id")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["id"] = ""


@case("id_with_a_slash_and_too_long")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["id"] = "../../" + "a" * 40


@case("duplicate_id")
def _(d: Backup) -> None:
    _row(d, "Old pilot")["id"] = _row(d, "Invoice triage")["id"]


@case("empty_created_at")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["created_at"] = ""


@case("updated_at_as_a_number")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["updated_at"] = 1760524200


@case("deleted_at_not_a_date")
def _(d: Backup) -> None:
    _row(d, "Old pilot")["deleted_at"] = "last week"


@case("missing_column")
def _(d: Backup) -> None:
    del _row(d, "Support summaries")["updated_at"]


@case("unknown_column")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["owner"] = "bo@example.com"


@case("revision_as_text")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["revision"] = "3"


@case("revision_zero")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["revision"] = 0


@case("revision_of_400_digits")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["revision"] = int("9" * 400)


@case("verdict_unknown")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["verdict"] = "maybe"


@case("score_not_a_number")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["score"] = float("nan")


@case("score_above_100")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["score"] = 1e308


@case("answer_as_a_mapping")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["answers"]["gain"] = {"id": "lots"}


@case("answer_infinite")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["answers"]["volume"] = float("inf")


@case("answer_yes_no")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["answers"]["gain"] = True


@case("note_as_a_list")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["notes"]["gain"] = ["Measured", "on 200 invoices."]


@case("note_of_6000_characters")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["notes"]["gain"] = "n" * 6000


@case("title_with_a_nul_character")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["title"] = "Invoice\x00triage"


@case("note_with_a_lone_surrogate")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["notes"]["gain"] = "half a pair \ud800"


@case("extra_unknown_key")
def _(d: Backup) -> None:
    _row(d, "Support summaries")["extra"]["discount"] = 0.1


@case("extra_option_unknown_key")
def _(d: Backup) -> None:
    _row(d, "Support summaries")["extra"]["options"][0]["price"] = 12


@case("extra_option_title_too_long")
def _(d: Backup) -> None:
    _row(d, "Support summaries")["extra"]["options"][0]["title"] = "Hosted " * 30


@case("extra_negative_cost")
def _(d: Backup) -> None:
    _row(d, "Support summaries")["extra"]["options"][0]["costs"]["integration"] = -5.0


@case("extra_option_answer_as_a_mapping")
def _(d: Backup) -> None:
    _row(d, "Support summaries")["extra"]["options"][0]["answers"] = {"gain": {"x": 1}}


@case("assessment_row_as_text")
def _(d: Backup) -> None:
    d["assessments"][1] = "Support summaries"


@case("policy_pk_unknown")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["policy_pk"] = 999


@case("policy_pk_as_text")
def _(d: Backup) -> None:
    _row(d, "Invoice triage")["policy_pk"] = "1"


@case("content_changed_after_publishing")
def _(d: Backup) -> None:
    d["policy_versions"][0]["content"]["thresholds"]["recommend"] = 50


@case("made_up_sha256")
def _(d: Backup) -> None:
    d["policy_versions"][1]["sha256"] = "0123456789abcdef" * 4


@case("sha256_not_hexadecimal")
def _(d: Backup) -> None:
    d["policy_versions"][0]["sha256"] = "not a hash"


@case("row_version_differs_from_content")
def _(d: Backup) -> None:
    d["policy_versions"][1]["version"] = "9.9"


@case("row_rubric_id_differs_from_content")
def _(d: Backup) -> None:
    d["policy_versions"][0]["rubric_id"] = "default"


@case("content_not_a_rubric")
def _(d: Backup) -> None:
    del d["policy_versions"][0]["content"]["thresholds"]


@case("content_as_text")
def _(d: Backup) -> None:
    d["policy_versions"][0]["content"] = "id: small"


@case("parent_pk_unknown")
def _(d: Backup) -> None:
    d["policy_versions"][1]["parent_pk"] = 7


@case("duplicate_policy_pk")
def _(d: Backup) -> None:
    d["policy_versions"][1]["pk"] = d["policy_versions"][0]["pk"]


@case("duplicate_policy_version")
def _(d: Backup) -> None:
    d["policy_versions"].append(copy.deepcopy(d["policy_versions"][1]) | {"pk": 3})


@case("active_policy_pk_unknown")
def _(d: Backup) -> None:
    d["active_policy_pk"] = 5


@case("policy_pk_as_yes_no")
def _(d: Backup) -> None:
    d["policy_versions"][0]["pk"] = True


@case("revision_of_an_assessment_not_in_the_backup")
def _(d: Backup) -> None:
    d["assessment_revisions"][0]["assessment_id"] = "0" * 32


@case("revision_listed_twice")
def _(d: Backup) -> None:
    d["assessment_revisions"].append(copy.deepcopy(d["assessment_revisions"][0]))


@case("revision_with_unknown_change")
def _(d: Backup) -> None:
    d["assessment_revisions"][0]["change"] = "hacked"


@case("revision_answers_as_text")
def _(d: Backup) -> None:
    d["assessment_revisions"][0]["answers"] = "gain=lots"


@case("decision_on_a_revision_not_kept")
def _(d: Backup) -> None:
    d["decisions"][0]["revision"] = 7


@case("decision_with_unknown_outcome")
def _(d: Backup) -> None:
    d["decisions"][0]["outcome"] = "maybe"


@case("decision_date_not_a_date")
def _(d: Backup) -> None:
    d["decisions"][0]["decided_on"] = "next Tuesday"


@case("decision_by_nobody")
def _(d: Backup) -> None:
    d["decisions"][0]["decided_by"] = ""


@case("usage_drafts_not_a_form")
def _(d: Backup) -> None:
    _row(d, "Support summaries")["extra"]["usage_drafts"] = {"hosted": "twelve thousand items"}


def main() -> None:
    base = base_export()
    (HERE / "base").mkdir(exist_ok=True)
    (HERE / "base" / "export.json").write_text(json.dumps(base, indent=2) + "\n")
    for old in HERE.glob("[0-9][0-9]_*.json"):
        old.unlink()
    for number, (name, change) in enumerate(CASES.items(), start=1):
        data = copy.deepcopy(base)
        change(data)
        text = json.dumps(data, indent=2)  # ASCII: lone surrogates and NUL stay escaped
        (HERE / f"{number:02d}_{name}.json").write_text(text + "\n")
    print(f"wrote base/export.json and {len(CASES)} cases to {HERE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
