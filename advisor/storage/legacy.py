"""The policy hashes written before migration 0004, recognised when a backup is imported.

Until then :func:`scoring.engine.policy_stamp` hashed the *full* ``model_dump(mode="json")``
of a rubric: every field of the models as they stood, defaults and ``None`` included. A
version's stored content is ``model_dump(mode="json", exclude_none=True)`` of the same
object, so it holds every value of that dump except the ``None`` ones. Putting those back
reproduces the old canonical JSON exactly (same numbers, same keys) — but only the fields
the models had *then*, which is why they are listed here, frozen, rather than read from
today's models (which gain fields over time).

Two forms were written, told apart by whether a clause could nest (``Clause.all``/``any``,
added with adoption conditions). Anything else is not a legacy hash.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["legacy_digest", "legacy_digests"]

_OPTION = ("next_step", "risk")
_BAND = ("below", "next_step", "risk")
_QUESTION = ("show_if",)
_NUMBER_QUESTION = ("maximum",)
_CONDITION = ("all", "any")
_HARD_RULE = ("next_step",)
_CLAUSE_BEFORE_NESTING = ("question", "any_of", "verdict")
_CLAUSE_NESTED = (*_CLAUSE_BEFORE_NESTING, "all", "any")


def legacy_digests(content: dict[str, Any]) -> set[str]:
    """The SHA-256 an earlier version would have recorded for ``content`` (a version's
    stored content, already checked to be a valid rubric), one per legacy form."""
    return {legacy_digest(content, nested_clauses=nested) for nested in (False, True)}


def legacy_digest(content: dict[str, Any], *, nested_clauses: bool) -> str:
    """The legacy SHA-256 of ``content`` as written by models whose clauses could nest
    (``nested_clauses``, the last legacy form) or not (the form before)."""
    fields = _CLAUSE_NESTED if nested_clauses else _CLAUSE_BEFORE_NESTING
    canonical = json.dumps(
        _with_nones(content, fields), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _with_nones(content: dict[str, Any], clause_fields: tuple[str, ...]) -> dict[str, Any]:
    """A copy of ``content`` with each legacy ``None`` field that is absent put back."""

    def filled(mapping: Any, fields: tuple[str, ...]) -> dict[str, Any]:
        out = dict(mapping)
        for name in fields:
            out.setdefault(name, None)
        return out

    def clause(raw: Any) -> dict[str, Any]:
        out = filled(raw, clause_fields)
        for key in ("all", "any"):
            if isinstance(out.get(key), list):
                out[key] = [clause(c) for c in out[key]]
        return out

    def condition(raw: Any) -> dict[str, Any]:
        out = filled(raw, _CONDITION)
        for key in _CONDITION:
            if isinstance(out[key], list):
                out[key] = [clause(c) for c in out[key]]
        return out

    def question(raw: Any) -> dict[str, Any]:
        out = filled(raw, _QUESTION)
        if out.get("kind") == "number":
            out = filled(out, _NUMBER_QUESTION)
            out["bands"] = [filled(b, _BAND) for b in out.get("bands", [])]
        else:
            out["options"] = [filled(o, _OPTION) for o in out.get("options", [])]
        return out

    out = dict(content)
    out["questions"] = [question(q) for q in content.get("questions", [])]
    if "hard_rules" in content:
        out["hard_rules"] = [
            {**filled(r, _HARD_RULE), "when": condition(r["when"])} for r in content["hard_rules"]
        ]
    if "conditions" in content:
        out["conditions"] = [{**c, "when": condition(c["when"])} for c in content["conditions"]]
    if "adaptation" in content:
        adaptation = dict(content["adaptation"])
        if "rules" in adaptation:
            adaptation["rules"] = [{**r, "when": condition(r["when"])} for r in adaptation["rules"]]
        out["adaptation"] = adaptation
    return out
