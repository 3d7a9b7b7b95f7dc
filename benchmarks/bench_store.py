"""Storage benchmarks with 10,000 saved assessments, on SQLite and (if reachable) PostgreSQL.

Run: python benchmarks/bench_store.py [--postgres URL] [--count N]

1. Re-scoring every saved assessment (the dry run), in assessments per second, next to
   two baselines from the same run: reading the rows only, and scoring the same answers
   in memory without the database.
2. The Assessments list page (AppTest) with 10,000 saved assessments, next to the same
   page with 20 (one page of the list: the same widgets) and a bare page with as many
   widgets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from advisor.storage import Store, evaluate  # noqa: E402
from advisor.storage import tables as t  # noqa: E402
from scoring import load_answers, load_rubric, quick_verdict  # noqa: E402
from scoring.policy import PolicyEdits, apply_edits  # noqa: E402

RUBRIC = load_rubric(ROOT / "rubric" / "default.yaml")
EXAMPLES = [load_answers(p, RUBRIC) for p in sorted((ROOT / "examples").glob("*.yaml"))]


def fill(store: Store, count: int) -> None:
    """``count`` assessments made from the examples with a few answers varied."""
    version = store.ensure_policy(RUBRIC)
    rng = random.Random(7)
    now = dt.datetime(2026, 11, 1)
    rows = []
    for n in range(count):
        base = EXAMPLES[n % len(EXAMPLES)]
        answers = dict(base.answers)
        for question in rng.sample(RUBRIC.questions, 3):
            if question.kind in ("single", "scale"):
                answers[question.id] = rng.choice(question.options).id  # type: ignore[union-attr]
        result = evaluate(RUBRIC, base.title, answers, {})
        rows.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                "title": f"{base.title} #{n}",
                "title_search": f"{base.title} #{n}".casefold(),
                "answers": answers,
                "notes": {},
                "policy_pk": version.pk,
                "verdict": result[0].value if result else None,
                "score": result[1] if result else None,
                "created_at": now,
                "updated_at": now + dt.timedelta(minutes=n),
                "revision": 1,
            }
        )
    with store.engine.begin() as connection:
        for start in range(0, len(rows), 1000):
            connection.execute(sa.insert(t.assessments), rows[start : start + 1000])


def bench_rescore(store: Store, label: str) -> None:
    draft = apply_edits(RUBRIC, PolicyEdits(recommend=62))
    start = time.perf_counter()
    rows = list(store.iter_assessments())
    read = time.perf_counter() - start
    start = time.perf_counter()
    for row in rows:
        from scoring.answers import usable_answers

        quick_verdict(draft, usable_answers(draft, row.title, row.answers, row.notes)[0])
    in_memory = time.perf_counter() - start
    start = time.perf_counter()
    changes = store.rescore(draft)
    full = time.perf_counter() - start
    n = len(changes)
    changed = sum(c.verdict_changed for c in changes)
    print(f"Re-score {n} saved assessments under a draft ({label}; {changed} verdicts change)")
    print(f"  dry run (read + score)     {n / full:9.0f} assessments/s  ({full:.2f} s)")
    print(f"  baseline: read rows only   {n / read:9.0f} rows/s         ({read:.2f} s)")
    print(f"  baseline: score in memory  {n / in_memory:9.0f} assessments/s  ({in_memory:.2f} s)")
    print(f"  ratio dry run / (read + score) {full / (read + in_memory):5.2f}x")


def bench_list_page(count: int) -> None:
    from streamlit.testing.v1 import AppTest

    def page_time(database: str) -> float:
        os.environ["ADVISOR_DATABASE_URL"] = database
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        at.switch_page("ui/assessments.py").run()
        times = []
        for _ in range(7):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    with tempfile.TemporaryDirectory() as folder:
        big = Store(f"sqlite:///{folder}/big.db")
        big.migrate()
        fill(big, count)
        small = Store(f"sqlite:///{folder}/small.db")
        small.migrate()
        fill(small, 20)
        big_t = page_time(big.url)
        small_t = page_time(small.url)
        bare = Path(folder) / "bare.py"
        bare.write_text(
            "import streamlit as st\n"
            + "st.text_input('search')\nst.multiselect('verdict', ['a'])\nst.date_input('d', value=())\nst.toggle('t')\n"
            + "".join(
                f"with st.container(border=True):\n    st.markdown('**row {i}**')\n    st.caption('c')\n"
                + "".join(f"    st.button('b{i}{j}', key='b{i}{j}')\n" for j in range(4))
                for i in range(20)
            )
            + "st.button('prev')\nst.button('next')\n"
        )
        at = AppTest.from_file(str(bare), default_timeout=60).run()
        times = []
        for _ in range(7):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        bare_t = statistics.median(times)
    print("\nAssessments list page, one page of 20 (SQLite, AppTest page run)")
    print(f"  with {count} saved      {big_t * 1e3:8.1f} ms")
    print(f"  with 20 saved         {small_t * 1e3:8.1f} ms   ratio {big_t / small_t:5.2f}x")
    print(f"  bare page, same widgets {bare_t * 1e3:6.1f} ms   ratio {big_t / bare_t:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("ADVISOR_TEST_POSTGRES_URL"))
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/bench.db")
        store.migrate()
        fill(store, args.count)
        bench_rescore(store, "SQLite")
        store.engine.dispose()
    if args.postgres:
        admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        name = f"advisor_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = (
                sa.engine.make_url(args.postgres)
                .set(database=name)
                .render_as_string(hide_password=False)
            )
            store = Store(url)
            store.migrate()
            fill(store, args.count)
            print()
            bench_rescore(store, "PostgreSQL")
            store.engine.dispose()
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    else:
        print("\n(PostgreSQL skipped: pass --postgres URL or set ADVISOR_TEST_POSTGRES_URL)")
    bench_list_page(args.count)


if __name__ == "__main__":
    main()
