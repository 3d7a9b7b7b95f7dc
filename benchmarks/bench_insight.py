"""Decision insight per assessment: sensitivity + what would change + resolve first, next to
plain scoring measured in the same run (target: under 50 ms for all three together).

Run: python benchmarks/bench_insight.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import Answers, load_answers, load_rubric, score  # noqa: E402
from scoring.insight import resolve_first, sensitivity, what_would_change  # noqa: E402
from scoring.options import option_answers  # noqa: E402

RUBRIC = load_rubric(ROOT / "rubric" / "default.yaml")


def median_ms(fn: Callable[[], object], repeat: int = 25) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def cases() -> list[tuple[str, Answers]]:
    found = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        answers = load_answers(path, RUBRIC)
        if answers.options:
            answers = option_answers(answers, answers.options[0])
        found.append((path.stem, answers))
        half = dict(list(answers.answers.items())[::2])
        found.append((f"{path.stem} (half answered)", Answers(title="half", answers=half)))
    return found


def main() -> None:
    print(f"{'assessment':<48} {'score':>8} {'insight':>9} {'ratio':>7}  (ms, median)")
    worst = 0.0
    for name, answers in cases():
        result = score(RUBRIC, answers)
        plain = median_ms(lambda a=answers: score(RUBRIC, a))

        def insight(a: Answers = answers, r=result) -> None:
            sensitivity(RUBRIC, a, r)
            what_would_change(RUBRIC, a, r)
            resolve_first(RUBRIC, a)

        extra = median_ms(insight)
        worst = max(worst, extra)
        print(f"{name:<48} {plain:8.2f} {extra:9.2f} {extra / plain:6.1f}x")
    print(f"\nslowest insight: {worst:.1f} ms (target under 50 ms)")


if __name__ == "__main__":
    main()
