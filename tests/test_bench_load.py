"""The load benchmark drives the real server over Streamlit's WebSocket protocol, and what its
sessions clicked is in the database afterwards (a small run: 2 sessions x 3 clicks)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from advisor.storage import Store

ROOT = Path(__file__).resolve().parent.parent


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_load", ROOT / "benchmarks" / "bench_load.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def load_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[ModuleType, object, str]:
    bench = _bench()
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'app.db'}"
    result = bench.run_load(bench.APP, 2, 3, env={"ADVISOR_DATABASE_URL": url}, time_limit=60)
    return bench, result, url


def test_two_sessions_click_three_answers_each_through_the_server(
    load_run: tuple[ModuleType, object, str],
) -> None:
    _, result, _ = load_run
    assert not result.timed_out and result.errors == []
    assert result.clicks == 6 and len(result.latencies) == 6
    assert all(t > 0 for t in result.latencies)
    assert result.peak_rss > 10 * 2**20 and result.cpu_seconds > 0


def test_every_session_has_its_own_assessment_with_the_answers_it_clicked(
    load_run: tuple[ModuleType, object, str],
) -> None:
    bench, result, url = load_run
    assert bench.check_saved(result, url) == []
    store = Store(url)
    ids = [session.assessment_id for session in result.finished]
    assert len(set(ids)) == 2 and None not in ids
    for session in result.finished:
        saved = store.assessment(session.assessment_id).answers
        assert len(session.clicked) == 3
        assert set(saved) == set(session.clicked)  # one answer per clicked question, no more
    store.engine.dispose()


def test_the_database_check_reports_a_click_that_is_not_saved(
    load_run: tuple[ModuleType, object, str],
) -> None:
    bench, result, url = load_run
    session = result.finished[0]
    question, label = next(iter(session.clicked.items()))
    radio = next(r for r in session.radios.values() if r.key == f"answer__{question}")
    other = next(o for o in radio.options if o != label and bench.unescaped(o) != bench.DONT_KNOW)
    session.clicked[question] = other
    try:
        problems = bench.check_saved(result, url)
    finally:
        session.clicked[question] = label
    assert len(problems) == 1
    assert problems[0].startswith(f"session 0: {question} is ")
