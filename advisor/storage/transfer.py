"""Backups: every policy version and assessment as one JSON document, and loading one back
(checked as a whole by :func:`advisor.storage.backup.check_backup` before anything is written)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from scoring.errors import Problem

from . import tables as t
from .assessments import keep_revision
from .backup import BACKUP_FORMAT_VERSION, BACKUP_KIND, CheckedBackup, check_backup
from .database import ACTIVE_POLICY, now, set_setting
from .errors import BackupRefused
from .prices import COMPANY_PRICES, CompanyPrices


class Backups(CompanyPrices):
    """Export and import of the whole database."""

    def export_all(self) -> dict[str, Any]:
        """Every policy version and assessment (deleted ones too) as a JSON-ready backup."""
        with self.engine.connect() as connection:
            versions = [
                dict(r)
                for r in connection.execute(
                    sa.select(t.policy_versions).order_by(t.policy_versions.c.pk)
                ).mappings()
            ]
            items = [
                dict(r)
                for r in connection.execute(
                    sa.select(t.assessments).order_by(t.assessments.c.id)
                ).mappings()
            ]
            revisions = [
                dict(r)
                for r in connection.execute(
                    sa.select(t.assessment_revisions).order_by(
                        t.assessment_revisions.c.assessment_id, t.assessment_revisions.c.revision
                    )
                ).mappings()
            ]
            decisions = [
                dict(r)
                for r in connection.execute(
                    sa.select(t.decisions).order_by(t.decisions.c.pk)
                ).mappings()
            ]
            active = connection.execute(
                sa.select(t.settings.c.value).where(t.settings.c.key == ACTIVE_POLICY)
            ).scalar()
        for row in [*versions, *items, *revisions, *decisions]:
            for key, value in row.items():
                if isinstance(value, dt.datetime | dt.date):
                    row[key] = value.isoformat()
            row.pop("title_search", None)
        backup: dict[str, Any] = {
            "kind": BACKUP_KIND,
            "format_version": BACKUP_FORMAT_VERSION,
            "exported_at": now().isoformat(),
            "active_policy_pk": int(active) if active else None,
            "policy_versions": versions,
            "assessments": items,
            "assessment_revisions": revisions,
            "decisions": decisions,
        }
        company = self.company_prices()
        if company is not None:
            backup["company_prices"] = {
                "file": company.file,
                "text": company.text,
                "set_by": company.set_by,
                "set_at": company.set_at.isoformat(),
            }
        return backup

    def import_all(self, data: Any, *, file: str = "backup") -> tuple[int, int]:
        """Load a backup into this database in one transaction; existing ids are kept as they
        are. Returns (policy versions added, assessments added).

        Nothing in the file is trusted. The whole backup is checked before anything is
        written (:func:`advisor.storage.backup.check_backup`): each policy version's SHA-256
        against its content, each assessment against the models a save goes through and
        scored under its own version; verdicts and scores are recomputed, not read. Any
        problem raises :class:`BackupRefused` naming the row (``file`` names the backup),
        and nothing is written.
        """
        checked = check_backup(data, file)
        try:
            return self._import(checked, file)
        except sa.exc.IntegrityError as exc:  # a publish or import landed in between
            detail = " ".join(str(exc.orig or exc).split())
            raise BackupRefused(
                Problem(
                    "this database changed during the import and nothing was imported; "
                    f"try again ({detail})",
                    file=file,
                )
            ) from None

    def _import(self, checked: CheckedBackup, file: str) -> tuple[int, int]:
        with self.engine.begin() as connection:
            present = {
                (r.rubric_id, r.version): r
                for r in connection.execute(
                    sa.select(
                        t.policy_versions.c.pk,
                        t.policy_versions.c.rubric_id,
                        t.policy_versions.c.version,
                        t.policy_versions.c.sha256,
                        t.policy_versions.c.parent_pk,
                    )
                )
            }
            label = {r.pk: f"{r.rubric_id} v{r.version}" for r in present.values()}
            children = {
                (r.rubric_id, r.parent_pk): r for r in present.values() if r.parent_pk is not None
            }
            # Checked against what is here before anything is written.
            problems: list[Problem] = []
            here: dict[int, int] = {}  # backup pk -> pk of the same version in this database
            for version in checked.versions:
                found = present.get(version.key)
                if found is not None:
                    if found.sha256 != version.values["sha256"]:
                        problems.append(
                            Problem(
                                f"this database holds {label[found.pk]} with other content "
                                f"(sha256 {found.sha256}); expected the same version to have "
                                "the same content: give one of them a new version number",
                                file=file,
                                path=f"{version.label} → sha256",
                            )
                        )
                    here[version.pk] = found.pk
                    continue
                parent = here.get(version.parent_pk) if version.parent_pk is not None else None
                sibling = children.get((version.rubric.id, parent))
                if parent is not None and sibling is not None:
                    problems.append(
                        Problem(
                            f"this database holds {label[sibling.pk]}, also edited from "
                            f"{label[parent]}; two versions of a policy cannot share a base",
                            file=file,
                            path=f"{version.label} → parent_pk",
                        )
                    )
            if problems:
                raise BackupRefused(problems)

            added_versions = added_items = 0
            pk_map = dict(here)
            for version in checked.versions:
                if version.pk in here:
                    continue
                values = {
                    **version.values,
                    "parent_pk": pk_map[version.parent_pk]
                    if version.parent_pk is not None
                    else None,
                }
                pk_map[version.pk] = connection.execute(
                    sa.insert(t.policy_versions).values(values).returning(t.policy_versions.c.pk)
                ).scalar_one()
                added_versions += 1
            known = set(connection.execute(sa.select(t.assessments.c.id)).scalars())
            added: dict[str, int] = {}  # id -> current revision, of the assessments added
            for item in checked.assessments:
                if item.id in known:
                    continue
                connection.execute(
                    sa.insert(t.assessments).values(_import_row(dict(item.values), pk_map))
                )
                added[item.id] = item.values["revision"]
                added_items += 1
            _import_history(connection, checked, added, pk_map)
            active = checked.active_policy_pk
            if active is not None:
                current = connection.execute(
                    sa.select(t.settings.c.value).where(t.settings.c.key == ACTIVE_POLICY)
                ).scalar()
                if current is None:
                    set_setting(connection, ACTIVE_POLICY, str(pk_map[active]))
            # Like the active policy: taken when this database has no company catalogue yet.
            if checked.company_prices is not None:
                here_already = connection.execute(
                    sa.select(t.settings.c.value).where(t.settings.c.key == COMPANY_PRICES)
                ).scalar()
                if not here_already:
                    name, text, by, at = checked.company_prices
                    value = {"file": name, "text": text, "set_by": by, "set_at": at.isoformat()}
                    set_setting(connection, COMPANY_PRICES, json.dumps(value))
        return added_versions, added_items


def _import_history(
    connection: sa.Connection,
    checked: CheckedBackup,
    added: dict[str, int],
    pk_map: dict[int, int],
) -> None:
    """The kept revisions and decisions of the assessments just added (an assessment already
    here keeps its own history). An assessment whose current state the backup does not keep
    (a format 1 backup) gets it kept as "imported", so its history starts where it arrived."""
    kept: set[tuple[str, int]] = set()
    for revision in checked.revisions:
        if revision.assessment_id in added:
            values = {**revision.values, "policy_pk": pk_map[revision.values["policy_pk"]]}
            connection.execute(sa.insert(t.assessment_revisions).values(values))
            kept.add((revision.assessment_id, revision.revision))
    for assessment_id, current in added.items():
        if (assessment_id, current) not in kept:
            keep_revision(connection, assessment_id, "imported")
    for decision in checked.decisions:
        if decision.assessment_id in added:
            values = {**decision.values, "policy_pk": pk_map[decision.values["policy_pk"]]}
            connection.execute(sa.insert(t.decisions).values(values))


def _import_row(values: dict[str, Any], pk_map: dict[int, int]) -> dict[str, Any]:
    """A checked assessment row with its policy version's pk in this database."""
    values["policy_pk"] = pk_map[values["policy_pk"]]
    return values
