"""Start the app on a free 127.0.0.1 port and drive Debian's Chromium with Playwright.

Shared by the browser test and docs/make_screenshots.py. No browser is downloaded:
Playwright launches /usr/bin/chromium.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ADVISOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_app(
    env: dict[str, str] | None = None,
    app_file: Path | None = None,
    *,
    launcher: list[str] | None = None,
    cwd: Path = ROOT,
) -> Iterator[str]:
    """Yield the base URL of `streamlit run app.py` (or ``app_file``) on 127.0.0.1.
    ``launcher`` replaces ``python -m streamlit run FILE`` (e.g. ``adoption-advisor app``
    from an installed wheel); the Streamlit options follow either."""
    port = free_port()
    start = launcher or [sys.executable, "-m", "streamlit", "run", str(app_file or ROOT / "app.py")]
    command = [
        *start,
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        # Tests must not depend on edits to the source tree while they run.
        "--server.fileWatcherType",
        "none",
    ]
    # The server's output goes to a file: a pipe nobody reads would fill and stall it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
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
                output = log.read().decode(errors="replace")
                raise RuntimeError(f"the app did not start:\n{output}") from None
            time.sleep(0.2)
