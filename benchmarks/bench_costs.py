"""Cost benchmarks: pricing options from usage, next to a same-run baseline.

Run: python benchmarks/bench_costs.py   (figures are ratios to the baseline; no assertions)

The baseline is the cost model on typed point figures (``costs()`` on the same example
with every ``usage:`` and ``ranges:`` block taken out): one cumulative line per option.
Usage-based costs add four scenarios, a sensitivity sweep (two more costings per
uncertain input) and the falling-price case; they run on every page of the app that
reads answers, so they should stay in the low milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import load_answers, load_rubric  # noqa: E402
from scoring.answers import Answers  # noqa: E402
from scoring.options import costs, with_cost_answers  # noqa: E402
from scoring.rubrics import default_rubric_path  # noqa: E402

EXAMPLE = ROOT / "examples" / "claims_intake_costs.yaml"


def _median_ms(run: Callable[[], object], repeat: int = 7, number: int = 20) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            run()
        times.append((time.perf_counter() - start) / number * 1000)
    return statistics.median(times)


def _point_figures(answers: Answers) -> Answers:
    """The same answers with the usage and ranges blocks taken out (the baseline)."""
    options = []
    for option in answers.options:
        cost = option.costs
        if cost is not None:
            cost = cost.model_copy(update={"usage": None, "ranges": {}})
        options.append(option.model_copy(update={"costs": cost}))
    return answers.model_copy(update={"options": options})


def main() -> None:
    rubric = load_rubric(default_rubric_path())
    answers = load_answers(EXAMPLE, rubric)
    point = _point_figures(answers)
    baseline = _median_ms(lambda: costs(rubric, point))
    priced = _median_ms(lambda: costs(rubric, answers))
    derived = _median_ms(lambda: with_cost_answers(rubric, answers))
    print(f"costs() on typed figures (baseline): {baseline:.2f} ms")
    print(f"costs() from usage with bands:       {priced:.2f} ms ({priced / baseline:.0f}x)")
    print(f"with_cost_answers (what reads run):  {derived:.2f} ms ({derived / baseline:.0f}x)")


if __name__ == "__main__":
    main()
