"""Policy editing as pure functions: apply weight/threshold/rule edits, bump the version,
write the rubric back to YAML, and compare two results section by section."""

from __future__ import annotations

import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .engine import ScoreResult
from .loader import rubric_from_document
from .models import Rubric
from .source import Document

__all__ = [
    "PolicyEdits",
    "SectionChange",
    "apply_edits",
    "bump_version",
    "policy_differences",
    "rubric_to_yaml",
    "section_changes",
]

EDITOR = "policy editor"


class PolicyEdits(BaseModel):
    """What the policy editor can change; anything left out keeps the rubric's value."""

    model_config = ConfigDict(extra="forbid")

    recommend: float | None = None
    adapt: float | None = None
    section_weights: dict[str, float] = Field(default_factory=dict)
    question_weights: dict[str, float] = Field(default_factory=dict)
    rules_enabled: dict[str, bool] = Field(default_factory=dict)
    conditions_enabled: dict[str, bool] = Field(default_factory=dict)
    min_answered_share: float | None = None

    def is_empty(self) -> bool:
        """Whether nothing is edited."""
        return self == PolicyEdits()


def bump_version(version: str) -> str:
    """``1.0.0`` -> ``1.0.1``; ``2`` -> ``3``; ``draft`` -> ``draft.1``."""
    match = re.match(r"^(.*?)(\d+)$", version)
    if match:
        return f"{match.group(1)}{int(match.group(2)) + 1}"
    return f"{version}.1"


def apply_edits(rubric: Rubric, edits: PolicyEdits, *, bump: bool = True) -> Rubric:
    """The rubric with ``edits`` applied and validated like a file.

    Raises :class:`RubricError` naming the field (``thresholds → adapt``,
    ``section 'expertise' → weight``) when the result is not a valid rubric.
    """
    raw: dict[str, Any] = rubric.model_dump(mode="json", exclude_none=True)
    if edits.recommend is not None:
        raw["thresholds"]["recommend"] = edits.recommend
    if edits.adapt is not None:
        raw["thresholds"]["adapt"] = edits.adapt
    for section in raw["sections"]:
        if section["id"] in edits.section_weights:
            section["weight"] = edits.section_weights[section["id"]]
    for question in raw["questions"]:
        if question["id"] in edits.question_weights:
            question["weight"] = edits.question_weights[question["id"]]
    for rule in raw["hard_rules"]:
        if rule["id"] in edits.rules_enabled:
            rule["enabled"] = edits.rules_enabled[rule["id"]]
    for condition in raw.get("conditions", []):
        if condition["id"] in edits.conditions_enabled:
            condition["enabled"] = edits.conditions_enabled[condition["id"]]
    if edits.min_answered_share is not None:
        raw.setdefault("finality", {})["min_answered_share"] = edits.min_answered_share
    if bump and not edits.is_empty():
        raw["version"] = bump_version(rubric.version)
    # Widgets give floats; the strict rubric model accepts them, and ints stay ints.
    return rubric_from_document(Document(data=raw, file=EDITOR))


def rubric_to_yaml(rubric: Rubric) -> str:
    """The rubric as a YAML file that ``adoption-advisor validate`` accepts."""
    data = rubric.model_dump(mode="json", exclude_none=True)
    header = "# yaml-language-server: $schema=rubric.schema.json\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


class SectionChange(BaseModel):
    """One section's score, weight and points before and after a policy edit (re-score)."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    before: float | None
    after: float | None
    weight_before: float
    weight_after: float
    points_before: float
    points_after: float

    @property
    def moved(self) -> bool:
        """Whether the edit changed this section's own score or weight. Its points are left
        out: one section's new weight shifts every section's share of the score, so counting
        points would mark every section as moved and hide the one that did."""
        return self.before != self.after or self.weight_before != self.weight_after


def section_changes(before: ScoreResult, after: ScoreResult) -> list[SectionChange]:
    """Per section: score, weight and contribution under two results (same section ids)."""
    after_by_id = {s.id: s for s in after.sections}
    changes = []
    for old in before.sections:
        new = after_by_id.get(old.id)
        if new is None:
            continue
        changes.append(
            SectionChange(
                id=old.id,
                title=old.title,
                before=old.score,
                after=new.score,
                weight_before=old.weight,
                weight_after=new.weight,
                points_before=old.points,
                points_after=new.points,
            )
        )
    return changes


def _pct(share: float) -> str:
    return f"{share * 100:g} %"


def _named_changes(
    kind: str, before: dict[str, Any], after: dict[str, Any], titles: dict[str, str]
) -> list[str]:
    """Added, removed, switched on/off and edited entries of one kind, by title."""
    lines = []
    for key in [k for k in after if k not in before]:
        lines.append(f"{kind} added: {titles[key]}.")
    for key in [k for k in before if k not in after]:
        lines.append(f"{kind} removed: {titles[key]}.")
    for key in [k for k in before if k in after and before[k] != after[k]]:
        was, now = before[key], after[key]
        if {**was, "enabled": True} == {**now, "enabled": True}:
            state = "switched on" if now.get("enabled", True) else "switched off"
            lines.append(f"{kind} {state}: {titles[key]}.")
        else:
            lines.append(f"{kind} changed: {titles[key]}.")
    return lines


def policy_differences(before: Rubric, after: Rubric) -> list[str]:
    """What changed from one policy version to another, as sentences a PM reads on the
    Re-score and Policy pages: thresholds, section weights, the share of answers a final
    verdict needs, hard rules, conditions, adaptation rules and questions added or removed.
    An empty list when only the wording or the version number changed."""
    lines = []
    for name in ("recommend", "adapt"):
        was, now = getattr(before.thresholds, name), getattr(after.thresholds, name)
        if was != now:
            lines.append(f"The {name.capitalize()} threshold moved from {was:g} to {now:g}.")
    weights_before = {s.id: s for s in before.sections}
    for section in after.sections:
        old = weights_before.get(section.id)
        if old is not None and old.weight != section.weight:
            lines.append(
                f"The weight of {section.title} moved from {old.weight:g} to {section.weight:g}."
            )
    if before.finality.min_answered_share != after.finality.min_answered_share:
        lines.append(
            "A final verdict now needs "
            f"{_pct(after.finality.min_answered_share)} of each section's weight answered "
            f"(was {_pct(before.finality.min_answered_share)})."
        )

    def dumped(items: Any) -> dict[str, Any]:
        return {item.id: item.model_dump(mode="json") for item in items}

    def titled(*groups: Any) -> dict[str, str]:
        return {item.id: getattr(item, "title", item.id) for group in groups for item in group}

    lines += _named_changes(
        "Hard rule",
        dumped(before.hard_rules),
        dumped(after.hard_rules),
        titled(before.hard_rules, after.hard_rules),
    )
    lines += _named_changes(
        "Condition",
        dumped(before.conditions),
        dumped(after.conditions),
        titled(before.conditions, after.conditions),
    )
    advice_before, advice_after = before.adaptation.rules, after.adaptation.rules
    lines += _named_changes(
        "Adaptation rule",
        dumped(advice_before),
        dumped(advice_after),
        {rule.id: rule.rationale for rule in [*advice_before, *advice_after]},
    )
    prompts = {q.id: q.prompt for q in [*before.questions, *after.questions]}
    asked_before = {q.id for q in before.questions}
    asked_after = {q.id for q in after.questions}
    lines += [
        f"Question added: {prompts[q]}" for q in after.questions_by_id if q not in asked_before
    ]
    lines += [
        f"Question removed: {prompts[q]}" for q in before.questions_by_id if q not in asked_after
    ]
    weights = {q.id: q.weight for q in before.questions}
    for question in after.questions:
        if question.id in weights and weights[question.id] != question.weight:
            lines.append(
                f"The weight of “{question.prompt}” moved from {weights[question.id]:g} "
                f"to {question.weight:g}."
            )
    return lines
