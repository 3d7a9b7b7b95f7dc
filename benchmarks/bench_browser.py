"""First contact in a real browser: the app next to a bare Streamlit page, in the same run.

Run: python benchmarks/bench_browser.py [--repeat N]   (needs /usr/bin/chromium and playwright)

Each figure is the median of N tries, in seconds, measured in Debian's Chromium:

1. cold start: `streamlit run` in a fresh process (empty database) until the first
   question is on screen, vs the bare page (benchmarks/bare_page.py) until its first radio;
2. reload / deep link: opening `?a=ID` of a saved assessment in a new tab until its
   questions are on screen and the script is idle, vs opening the bare page;
3. Report: clicking "Report" with an example loaded until the verdict is shown;
4. PDF: clicking "PDF" on the Report until the download arrives;
5. Assess click: clicking an answer until the page's rerun has finished, vs a click on a
   bare page radio (the issue's bar: within 2x).

Reruns are timed by watching Streamlit's own ``data-test-script-state`` attribute flip to
"running" and back, in the page, so the figure is what a person waits for. Nothing is
asserted: the numbers are printed beside the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

EXAMPLE = ROOT / "examples" / "invoice_extraction.yaml"
BARE = ROOT / "benchmarks" / "bare_page.py"
TIMEOUT_MS = 60_000

# Records every change of the script state with its time, so a rerun that starts and ends
# between two polls is still seen.
WATCH = """() => {
  window.__states = [];
  const app = document.querySelector('[data-testid=stApp]');
  new MutationObserver(() => window.__states.push(
      [app.getAttribute('data-test-script-state'), performance.now()]
  )).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def _idle(page: Page) -> None:
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")


def _rerun_seconds(page: Page, click: Callable[[], None]) -> float:
    """From the click to the end of the rerun it starts."""
    _idle(page)
    page.evaluate(WATCH)
    start = page.evaluate("() => performance.now()")
    click()
    page.wait_for_function(
        """(start) => {
            const s = window.__states.filter(([, t]) => t >= start);
            const ran = s.findIndex(([state]) => state === 'running');
            return ran >= 0 && s.slice(ran).some(([state]) => state === 'notRunning');
        }""",
        arg=start,
        timeout=TIMEOUT_MS,
    )
    end = max(t for state, t in page.evaluate("() => window.__states") if state == "notRunning")
    return float(end - start) / 1000


def _median(values: list[float]) -> float:
    return statistics.median(values)


def cold_start(browser: object, app_file: Path | None, repeat: int) -> float:
    """Seconds from starting the server to the first radio on screen."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            env = {"ADVISOR_DATABASE_URL": f"sqlite:///{folder}/advisor.db"}
            start = time.perf_counter()
            with running_app(env, app_file) as url:
                page = browser.new_page()  # type: ignore[attr-defined]
                page.goto(url)
                page.get_by_role("radio").first.wait_for(timeout=TIMEOUT_MS)
                times.append(time.perf_counter() - start)
                page.close()
    return _median(times)


def _load_example(page: Page, url: str) -> str:
    page.goto(url)
    page.get_by_text("Import or export answers").click()
    page.locator("input[type=file]").first.set_input_files(str(EXAMPLE))
    page.wait_for_url("**?a=*", timeout=TIMEOUT_MS)
    _idle(page)
    return page.url.split("?a=")[1]


def _open_seconds(browser: object, address: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        page = browser.new_page()  # type: ignore[attr-defined]
        start = time.perf_counter()
        page.goto(address)
        page.get_by_role("radio").first.wait_for(timeout=TIMEOUT_MS)
        _idle(page)
        times.append(time.perf_counter() - start)
        page.close()
    return _median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        rows: list[tuple[str, float, float | None]] = []
        rows.append(
            (
                "cold start to the first question",
                cold_start(browser, None, repeat),
                cold_start(browser, BARE, repeat),
            )
        )
        with (
            tempfile.TemporaryDirectory() as folder,
            running_app({"ADVISOR_DATABASE_URL": f"sqlite:///{folder}/advisor.db"}) as url,
            running_app({}, BARE) as bare_url,
        ):
            page = browser.new_page(accept_downloads=True, viewport={"width": 1400, "height": 1000})
            assessment_id = _load_example(page, url)
            rows.append(
                (
                    "reload / deep link",
                    _open_seconds(browser, f"{url}/?a={assessment_id}", repeat),
                    _open_seconds(browser, bare_url, repeat),
                )
            )

            report, pdf, clicks, bare_clicks = [], [], [], []
            for _ in range(repeat):
                page.get_by_role("link", name="Assess", exact=True).click()
                _idle(page)
                page.get_by_role("radio").first.wait_for()
                report.append(
                    _rerun_seconds(page, lambda: page.get_by_role("link", name="Report").click())
                )
                page.get_by_role("button", name="PDF").wait_for(timeout=TIMEOUT_MS)
                start = time.perf_counter()
                with page.expect_download(timeout=TIMEOUT_MS):
                    page.get_by_role("button", name="PDF").click()
                pdf.append(time.perf_counter() - start)
            page.get_by_role("link", name="Assess", exact=True).click()
            _idle(page)
            for _ in range(repeat):
                # An option not chosen yet: a click on the chosen one starts no rerun.
                target = page.get_by_role("radio", checked=False).first
                clicks.append(_rerun_seconds(page, lambda t=target: t.click(force=True)))

            bare = browser.new_page()
            bare.goto(bare_url)
            bare.get_by_role("radio").first.wait_for()
            for _ in range(repeat):
                target = bare.get_by_role("radio", checked=False).first
                bare_clicks.append(_rerun_seconds(bare, lambda t=target: t.click(force=True)))
            rows.append(("Report page after the click", _median(report), None))
            rows.append(("PDF download after the click", _median(pdf), None))
            rows.append(
                ("Assess: rerun after an answer click", _median(clicks), _median(bare_clicks))
            )
        browser.close()

    print(
        f"{'measure (median of ' + str(repeat) + ')':44} {'app':>8} {'bare page':>10} {'ratio':>7}"
    )
    for name, app, bare_seconds in rows:
        ratio = f"{app / bare_seconds:6.2f}x" if bare_seconds else ""
        bare_text = f"{bare_seconds:9.3f}s" if bare_seconds is not None else ""
        print(f"{name:44} {app:7.3f}s {bare_text:>10} {ratio:>7}")


if __name__ == "__main__":
    main()
