"""Load benchmark: N sessions answering questions at once against one `streamlit run` server,
without browsers, next to a bare Streamlit page with the same widgets under the same load.

Run: python benchmarks/bench_load.py [--sessions 1,20,50] [--clicks 10] [--time-limit 300]

Each session is one WebSocket connection to ``/_stcore/stream`` speaking Streamlit's own
protocol, as the browser does: it sends ``BackMsg.rerun_script`` with the widget states after
a click (a radio set to another option) and reads ``ForwardMsg``s until ``script_finished``.
A click's latency is that round trip: the callback (our autosave), the page run, the deltas.
All sessions connect and render the page first; then they click back-to-back, each waiting
for its previous click to finish, as a person clicking quickly would.

Reported per run: click latency p50/p95, the server's peak RSS and its CPU seconds per
click, for Adoption Advisor (app.py, on a temporary SQLite database) and for
benchmarks/bare_page.py; then the ratios. Afterwards every session's assessment is read
back from the database and must hold exactly the answers it clicked last.

Local only: the server listens on 127.0.0.1 on a free port, every run is bounded by the
click count and the time limit, and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
BARE = Path(__file__).resolve().parent / "bare_page.py"
ANSWER_PREFIX = "answer__"
DONT_KNOW = "Don't know"
ERROR_BANNER = "Something went wrong"
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescaped(label: str) -> str:
    """An option label as written in the rubric: the app escapes Markdown in what it shows
    (a backslash before punctuation, an invisible word joiner in links and shortcodes)."""
    return _MARKDOWN_ESCAPE.sub(r"\1", label).replace("\u2060", "")


# --- the server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclasses.dataclass
class Server:
    url: str
    pid: int

    @property
    def stream(self) -> str:
        return self.url.replace("http://", "ws://") + "/_stcore/stream"


@contextlib.contextmanager
def running(script: Path, env: dict[str, str]) -> Iterator[Server]:
    """`streamlit run script` on 127.0.0.1, headless, file watcher off; stopped on exit."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        "--client.toolbarMode=minimal",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            cwd=script.parent if script != APP else ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, log)
            yield Server(url, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(
                    f"the server did not start:\n{log.read().decode(errors='replace')}"
                ) from None
            time.sleep(0.2)


def _proc_stat(pid: int) -> tuple[int, float]:
    """(resident set size in bytes, CPU seconds used) of a Linux process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss_kb * 1024, (int(fields[11]) + int(fields[12])) / ticks


class RssSampler:
    """The server's peak RSS, sampled every 50 ms in a thread while the load runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError, StopIteration):
                self.peak = max(self.peak, _proc_stat(self.pid)[0])
            self._stop.wait(0.05)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- one session: Streamlit's WebSocket protocol ----------------------------------------------


@dataclasses.dataclass
class Radio:
    id: str
    key: str
    options: list[str]


class Session:
    """One browser tab's worth of protocol: connect, run the page, click radios."""

    def __init__(self, server: Server, index: int) -> None:
        self.server, self.index = server, index
        self.ws: Any = None
        self.page_script_hash = ""
        self.query_string = ""
        self.radios: dict[str, Radio] = {}
        self.states: dict[str, str] = {}  # widget id -> the option label it holds
        self.clicked: dict[str, str] = {}  # question id -> the label clicked last
        self.pending: tuple[str, str] | None = None  # a click whose run has not finished
        self.latencies: list[float] = []
        self.errors: list[str] = []

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(
            self.server.stream, subprotocols=["streamlit"], max_size=None, open_timeout=60
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def run(self) -> float:
        """Send a rerun with the current widget states; wait for the run to finish."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = self.page_script_hash
        for widget_id, label in self.states.items():
            state = rerun.widget_states.widgets.add()
            state.id = widget_id
            state.string_value = label
        start = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        await self._read_until_finished()
        return time.perf_counter() - start

    async def _read_until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.ws.recv())
            kind = forward.WhichOneof("type")
            if kind == "delta":
                self._element(forward)
            elif kind == "navigation" and forward.navigation.page_script_hash:
                self.page_script_hash = forward.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = forward.page_info_changed.query_string
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.errors.append("the script did not compile")
                if forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return

    def _element(self, forward: Any) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "radio":
            radio = element.radio
            key = radio.id.rsplit("-", 1)[-1]
            if key.startswith(ANSWER_PREFIX):
                self.radios[key] = Radio(radio.id, key, list(radio.options))
        elif kind == "exception":
            self.errors.append(f"exception: {element.exception.message}")
        elif kind == "alert" and ERROR_BANNER in element.alert.body:
            self.errors.append(element.alert.body)

    async def click(self, number: int) -> None:
        """Click the ``number``-th answer: the radios in turn, each time another option."""
        radios = sorted(self.radios.values(), key=lambda r: r.key)
        radio = radios[number % len(radios)]
        options = [o for o in radio.options if unescaped(o) != DONT_KNOW]
        label = options[(number // len(radios) + self.index) % len(options)]
        question = radio.key.removeprefix(ANSWER_PREFIX)
        self.states[radio.id] = label
        self.pending = (question, label)  # cut off by the time limit: either value may be saved
        self.latencies.append(await self.run())
        self.clicked[question] = label
        self.pending = None

    @property
    def assessment_id(self) -> str | None:
        found = urllib.parse.parse_qs(self.query_string).get("a")
        return found[0] if found else None


# --- one load run ---------------------------------------------------------------------------


@dataclasses.dataclass
class LoadResult:
    script: str
    sessions: int
    clicks: int  # completed clicks, all sessions
    latencies: list[float]
    peak_rss: int
    cpu_seconds: float  # the server's, while the sessions clicked
    client_cpu_seconds: float  # this process's: speaking the protocol for every session
    wall_seconds: float
    errors: list[str]
    timed_out: bool
    finished: list[Session]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _drive(
    server: Server, sessions: int, clicks: int, time_limit: float
) -> tuple[list[Session], tuple[float, float], float, bool]:
    """(sessions, (server, client) CPU seconds and wall seconds of the clicking, whether it
    timed out)."""
    group = [Session(server, i) for i in range(sessions)]
    for session in group:  # connect one by one, as tabs open: the first run is not measured
        await session.connect()
    await asyncio.wait_for(asyncio.gather(*(s.run() for s in group)), timeout=time_limit)

    async def clicking(session: Session) -> None:
        for number in range(clicks):
            await session.click(number)

    _, cpu_before = _proc_stat(server.pid)
    start, client_before = time.perf_counter(), time.process_time()
    timed_out = False
    try:
        await asyncio.wait_for(asyncio.gather(*(clicking(s) for s in group)), timeout=time_limit)
    except TimeoutError:
        timed_out = True
    finally:
        wall = time.perf_counter() - start
        client = time.process_time() - client_before
        _, cpu_after = _proc_stat(server.pid)
        await asyncio.gather(*(session.close() for session in group), return_exceptions=True)
    return group, (cpu_after - cpu_before, client), wall, timed_out


def run_load(
    script: Path, sessions: int, clicks: int, *, env: dict[str, str], time_limit: float = 300
) -> LoadResult:
    """Start ``script`` on a fresh server and drive ``sessions`` x ``clicks`` answer clicks.
    The clicks stop at ``time_limit`` seconds (``timed_out``; the clicks done so far count)."""
    with running(script, env) as server, RssSampler(server.pid) as rss:
        group, cpu, wall, timed_out = asyncio.run(_drive(server, sessions, clicks, time_limit))
    latencies = [t for s in group for t in s.latencies]
    return LoadResult(
        script=script.name,
        sessions=sessions,
        clicks=len(latencies),
        latencies=latencies,
        peak_rss=rss.peak,
        cpu_seconds=cpu[0],
        client_cpu_seconds=cpu[1],
        wall_seconds=wall,
        errors=[e for s in group for e in s.errors],
        timed_out=timed_out,
        finished=group,
    )


def check_saved(result: LoadResult, database_url: str) -> list[str]:
    """Every session's assessment, read back from the database, holds the answers it clicked
    last. Returns what is missing or wrong (empty when everything landed)."""
    sys.path.insert(0, str(ROOT))
    from advisor.storage import NotFound, Store
    from scoring import load_rubric
    from scoring.rubrics import default_rubric_path

    rubric = load_rubric(default_rubric_path())
    label_to_id = {
        q.id: {o.label: o.id for o in getattr(q, "options", [])} for q in rubric.questions
    }
    store = Store(database_url)
    problems = []
    ids = [s.assessment_id for s in result.finished]
    if len(set(ids)) != len(ids):
        problems.append(f"sessions share assessments: {ids}")
    for session in result.finished:
        if session.assessment_id is None:
            problems.append(f"session {session.index}: no assessment id in its URL")
            continue
        try:
            saved = store.assessment(session.assessment_id).answers
        except NotFound:
            problems.append(
                f"session {session.index}: assessment {session.assessment_id} not saved"
            )
            continue
        for question, label in session.clicked.items():
            expected = label_to_id[question][unescaped(label)]
            pending = session.pending and session.pending[0] == question
            if (
                pending
                and saved.get(question) == label_to_id[question][unescaped(session.pending[1])]
            ):
                continue
            if saved.get(question) != expected:
                problems.append(
                    f"session {session.index}: {question} is {saved.get(question)!r} in the "
                    f"database, {expected!r} was clicked last"
                )
    store.engine.dispose()
    return problems


# --- the report -----------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _line(label: str, result: LoadResult) -> str:
    clicks = result.clicks or float("nan")
    return (
        f"  {label:<18} p50 {_ms(result.percentile(50)):>9}  p95 {_ms(result.percentile(95)):>9}"
        f"  peak RSS {result.peak_rss / 2**20:4.0f} MB  CPU/click server"
        f" {result.cpu_seconds / clicks * 1e3:4.0f} ms, client"
        f" {result.client_cpu_seconds / clicks * 1e3:3.0f} ms"
        f"  ({result.clicks} clicks in {result.wall_seconds:.1f} s)"
    )


def measure(sessions: int, clicks: int, time_limit: float) -> dict[str, Any]:
    """One load level: ours (with the database check), then the bare page."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        url = f"sqlite:///{Path(folder) / 'app.db'}"
        ours = run_load(
            APP, sessions, clicks, env={"ADVISOR_DATABASE_URL": url}, time_limit=time_limit
        )
        lost = check_saved(ours, url)
    bare = run_load(BARE, sessions, clicks, env={}, time_limit=time_limit)
    print(f"\n{sessions} session(s) x {clicks} clicks, back-to-back")
    print(_line("Adoption Advisor", ours))
    print(_line("bare page", bare))
    ratio50 = ours.percentile(50) / bare.percentile(50)
    ratio95 = ours.percentile(95) / bare.percentile(95)
    print(
        f"  {'ratio':<18} p50 {ratio50:8.2f}x  p95 {ratio95:8.2f}x  "
        f"peak RSS {ours.peak_rss / bare.peak_rss:4.2f}x"
    )
    for result in (ours, bare):
        if result.errors or result.timed_out:
            print(
                f"  {result.script}: {len(result.errors)} error(s), timed out: {result.timed_out}"
            )
            for error in sorted(set(result.errors))[:5]:
                print(f"    {error}")
    saved = sum(1 for s in ours.finished if s.assessment_id)
    print(
        f"  database: {saved} of {sessions} sessions' assessments read back; "
        + ("every last click is saved" if not lost else f"{len(lost)} problem(s)")
    )
    for problem in lost[:10]:
        print(f"    {problem}")
    return {"ours": ours, "bare": bare, "lost": lost}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,20,50", help="comma-separated session counts")
    parser.add_argument("--clicks", type=int, default=10, help="clicks per session")
    parser.add_argument(
        "--time-limit", type=float, default=300, help="seconds each run may take at most"
    )
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.sessions.split(",")]
    print(f"Load benchmark on {os.cpu_count()} cores; each click answers one question.")
    failed = False
    for sessions in levels:
        found = measure(sessions, args.clicks, args.time_limit)
        failed |= bool(found["lost"] or found["ours"].errors or found["bare"].errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
