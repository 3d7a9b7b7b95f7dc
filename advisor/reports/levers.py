"""Which weights and thresholds could plausibly flip the verdict, and the verdict colours:
what the report's sentences and its charts share, without importing a chart library (so
the app's first page does not wait for altair)."""

from __future__ import annotations

from typing import NamedTuple

from scoring.insight import Sensitivity
from scoring.models import Verdict

__all__ = ["PLAUSIBLE_CHANGE", "VERDICT_COLOURS", "Lever", "plausible_levers"]

#: Verdict colours; every use also prints the verdict's name, so colour is never the only cue.
VERDICT_COLOURS = {
    Verdict.RECOMMEND: "#1a7f37",
    Verdict.ADAPT: "#b26a00",
    Verdict.AVOID: "#b3261e",
}

#: A weight or threshold that would have to move by more than this share of its value (%)
#: to flip the verdict is not a plausible lever: nobody re-weighs a policy that far.
PLAUSIBLE_CHANGE = 50.0


class Lever(NamedTuple):
    """A weight or threshold whose change within :data:`PLAUSIBLE_CHANGE` flips the
    verdict: ``change`` is the signed change (% of its value) at which it flips."""

    label: str
    change: float
    sentence: str


def plausible_levers(sensitivity: Sensitivity) -> list[Lever]:
    """The levers that could flip the verdict within a plausible range, closest first
    (a lever that flips both ways is listed for each)."""
    levers = []
    for item in sensitivity.items:
        if item.current == 0:
            continue
        for bound in (item.low, item.high):
            if bound is None:
                continue
            change = (bound - item.current) / abs(item.current) * 100
            if abs(change) <= PLAUSIBLE_CHANGE:
                levers.append(Lever(item.label, change, item.sentence))
    return sorted(levers, key=lambda lever: abs(lever.change))
