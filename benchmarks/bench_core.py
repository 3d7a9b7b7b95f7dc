"""Core benchmarks: scoring throughput and export times, each next to a same-run baseline.

Run: python benchmarks/bench_core.py   (figures are ratios to the baseline; no assertions)

Scoring is measured against a bare weighted mean of the same answers (their question
scores worked out beforehand): the least any scorer must do. The target is a full
``score()`` — explanations, conditions, verdict range — within 10× of it.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.reports.charts import _svg  # noqa: E402
from advisor.reports.model import build_report  # noqa: E402
from advisor.reports.render import render_html, render_json, render_markdown, render_pdf  # noqa: E402
from scoring import (  # noqa: E402
    Answers,
    Rubric,
    compile_rubric,
    load_answers,
    load_rubric,
    score,
)
from scoring.models import UNKNOWN  # noqa: E402

#: The full score() should stay within this many times the bare weighted mean.
TARGET_RATIO = 10.0


def bare_weighted_mean(rubric: Rubric, counted: dict[str, float]) -> float | None:
    """The overall score from question scores already worked out: the weighted mean per
    section, then across sections, rounded to one decimal. Nothing else."""
    sums: dict[str, tuple[float, float]] = {}
    for question in rubric.questions:
        if question.id in counted and question.weight > 0:
            total, weight = sums.get(question.section, (0.0, 0.0))
            sums[question.section] = (
                total + question.weight * counted[question.id],
                weight + question.weight,
            )
    total = weight = 0.0
    for section in rubric.sections:
        if section.id in sums and section.weight > 0:
            section_total, section_weight = sums[section.id]
            total += section.weight * section_total / section_weight
            weight += section.weight
    return round(total / weight, 1) if weight else None


def random_answers(rubric: Rubric, seed: int) -> Answers:
    """A complete set of answers drawn from each question's possible answers."""
    rng = random.Random(seed)
    return Answers(
        title=f"random {seed}",
        answers={q.id: rng.choice(q.possible_answers()) for q in rubric.questions},
    )


def per_call(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over ``repeat`` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_call(statement: str) -> float:
    """Seconds for one call in a fresh interpreter (imports and engine start included)."""
    code = (
        "import time, sys; sys.path.insert(0, {!r})\n"
        "from scoring import load_rubric, load_answers\n"
        "from advisor.reports.model import build_report\n"
        "r = load_rubric({!r}); a = load_answers({!r}, r); rep = build_report(r, a)\n"
        "t = time.perf_counter()\n"
        "from advisor.reports import render\n"
        "{}\n"
        "print(time.perf_counter() - t)\n"
    ).format(
        str(ROOT),
        str(ROOT / "rubric/default.yaml"),
        str(ROOT / "examples/invoice_extraction.yaml"),
        statement,
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    rubric = load_rubric(ROOT / "rubric" / "default.yaml")
    examples = [load_answers(p, rubric) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    partial = examples[0].model_copy(
        update={"answers": dict(list(examples[0].answers.items())[::2])}
    )

    def score_all() -> None:
        for answers in examples:
            score(rubric, answers)

    compiled = compile_rubric(rubric)
    counted = [
        {
            q: x
            for q, v in a.answers.items()
            if v != UNKNOWN and (x := compiled.question_score(q, v)) is not None
        }
        for a in examples
    ]

    def bare_mean() -> None:
        for values in counted:
            bare_weighted_mean(rubric, values)

    # Interleaved rounds, the best of each: other work on the machine slows both alike.
    fulls, bases = [], []
    for _ in range(7):
        fulls.append(per_call(score_all, 40) / len(examples))
        bases.append(per_call(bare_mean, 40) / len(examples))
    full, base = min(fulls), min(bases)
    half = per_call(lambda: score(rubric, partial), 50)
    # The engine remembers explanation texts per answer: sets of answers it has never seen
    # show what a list of many different assessments costs, each scored once (three
    # batches of different sets, the best).
    unseen = float("inf")
    for batch in range(3):
        fresh = [random_answers(rubric, 1000 * batch + seed) for seed in range(300)]
        start = time.perf_counter()
        for answers in fresh:
            score(rubric, answers)
        unseen = min(unseen, (time.perf_counter() - start) / len(fresh))
    print("Scoring (default rubric, 40 questions)")
    print(
        f"  full score() with explanations     {1 / full:10.0f} assessments/s  ({full * 1e3:.2f} ms)"
    )
    print(
        f"  half answered (verdict-range bound) {1 / half:10.0f} assessments/s  ({half * 1e3:.2f} ms)"
    )
    print(
        f"  300 answer sets, each scored once   {1 / unseen:10.0f} assessments/s  "
        f"({unseen * 1e3:.2f} ms, {unseen / base:.1f}x baseline)"
    )
    print(
        f"  baseline: bare weighted mean        {1 / base:10.0f} assessments/s  ({base * 1e3:.3f} ms)"
    )
    print(
        f"  ratio full / baseline               {full / base:10.1f}x   (target: within "
        f"{TARGET_RATIO:g}x)"
    )

    report = build_report(rubric, examples[1])
    baseline = per_call(lambda: render_json(report), 50)
    print("\nExports (warm, median per call; baseline = JSON export of the same report)")
    print("  charts are redrawn on every call here (cache cleared), as for a new report")
    print(f"  baseline JSON      {baseline * 1e3:8.2f} ms")
    for name, fn, n in (
        ("Markdown", lambda: render_markdown(report), 50),
        ("HTML", lambda: (_svg.cache_clear(), render_html(report)), 20),
        ("PDF", lambda: (_svg.cache_clear(), render_pdf(report)), 20),
        ("PDF after HTML", lambda: render_pdf(report), 20),
    ):
        t = per_call(fn, n)
        print(f"  {name:<10}         {t * 1e3:8.2f} ms   {t / baseline:8.1f}x baseline")

    print("\nFirst call in a fresh process (imports, chart engine start)")
    cold_json = first_call("render.render_json(rep)")
    print(f"  baseline JSON      {cold_json * 1e3:8.1f} ms")
    for name, stmt in (
        ("Markdown", "render.render_markdown(rep)"),
        ("HTML", "render.render_html(rep)"),
        ("PDF", "render.render_pdf(rep)"),
    ):
        t = first_call(stmt)
        print(f"  {name:<10}         {t * 1e3:8.1f} ms   {t / cold_json:8.1f}x baseline")


if __name__ == "__main__":
    main()
