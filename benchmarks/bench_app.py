"""App benchmarks: each page run next to a bare Streamlit page with the same widgets.

Run: python benchmarks/bench_app.py [--no-browser]

1. Assess: the rerun after one answer click, vs a bare page with as many widgets.
2. Report: a page run with every question answered, vs a bare page with the same
   widgets and two small charts.
3. First full render in a fresh process: `streamlit run` until the browser shows the
   page, vs the same for the bare page (needs /usr/bin/chromium and playwright).
Figures are medians; the ratio to the same-run baseline is what to compare.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

REPEAT = 15


def median_seconds(step: Callable[[int], object], repeat: int = REPEAT) -> float:
    step(-1)  # warm-up
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        step(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_page(radios: int, texts: int, others: int, charts: int = 0, downloads: int = 0) -> str:
    lines = ["import streamlit as st", "import altair as alt"]
    lines += [
        f"st.radio('question {i}', ['a', 'b', 'c', 'd'], index=None, key='r{i}')"
        for i in range(radios)
    ]
    lines += [f"st.text_input('note {i}', key='t{i}')" for i in range(texts)]
    lines += [f"st.button('button {i}', key='b{i}')" for i in range(others)]
    lines += [f"st.download_button('file {i}', data=b'x', key='d{i}')" for i in range(downloads)]
    lines += [
        "st.altair_chart(alt.Chart(alt.Data(values=[{'x': 1, 'y': 'a'}])).mark_bar()"
        ".encode(x='x:Q', y='y:N'), theme=None)"
    ] * charts
    return "\n".join(lines)


def widget_counts(at: AppTest) -> tuple[int, int, int]:
    radios = len(at.radio)
    texts = len(at.text_input)
    others = (
        len(at.button)
        + len(at.selectbox)
        + len(at.checkbox)
        + len(at.number_input)
        + len(at.multiselect)
    )
    return radios, texts, others


def bench_assess() -> None:
    ours = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    radios, texts, others = widget_counts(ours)
    options = ["internal_assistant", "classify_extract"]
    ours_t = median_seconds(
        lambda i: ours.radio(key="answer__use_pattern").set_value(options[i % 2]).run()
    )
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bare.py"
        script.write_text(bare_page(radios, texts, others))
        bare = AppTest.from_file(str(script), default_timeout=60).run()
        bare_t = median_seconds(lambda i: bare.radio(key="r0").set_value("ab"[i % 2]).run())
    print(
        f"Assess rerun after one answer click ({radios} radios, {texts} text inputs, {others} other widgets)"
    )
    print(f"  Adoption Advisor   {ours_t * 1e3:8.1f} ms")
    print(f"  bare page          {bare_t * 1e3:8.1f} ms")
    print(f"  ratio              {ours_t / bare_t:8.2f}x")


def bench_report() -> None:
    ours = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    content = (ROOT / "examples" / "invoice_extraction.yaml").read_bytes()
    ours.file_uploader(key="answers_upload").set_value(("a.yaml", content, "application/x-yaml"))
    ours.run()
    ours.switch_page("ui/report.py").run()
    downloads = len(ours.get("download_button"))
    charts = len(ours.get("vega_lite_chart"))
    ours_t = median_seconds(lambda i: ours.run())
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bare.py"
        script.write_text(bare_page(0, 0, 0, charts=charts, downloads=downloads))
        bare = AppTest.from_file(str(script), default_timeout=60).run()
        bare_t = median_seconds(lambda i: bare.run())
    print(f"\nReport page run (38 answers; {downloads} download buttons, {charts} charts)")
    print(f"  Adoption Advisor   {ours_t * 1e3:8.1f} ms")
    print(f"  bare page          {bare_t * 1e3:8.1f} ms")
    print(f"  ratio              {ours_t / bare_t:8.2f}x")


def bench_first_render() -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_app

    def first_render(app_file: Path | None, ready_text: str) -> float:
        env = {}
        start = time.perf_counter()
        with running_app(env, app_file=app_file) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            expect(page.get_by_text(ready_text).first).to_be_visible(timeout=60_000)
            elapsed = time.perf_counter() - start
            browser.close()
        return elapsed

    with tempfile.TemporaryDirectory() as folder:
        bare_script = Path(folder) / "bare.py"
        bare_script.write_text(bare_page(5, 5, 6) + "\nst.title('Bare page ready')\n")
        ours = statistics.median(first_render(None, "Assess a use case") for _ in range(3))
        bare = statistics.median(first_render(bare_script, "Bare page ready") for _ in range(3))
    print("\nFirst full render in a fresh process (server start + first browser session)")
    print(f"  Adoption Advisor   {ours * 1e3:8.0f} ms")
    print(f"  bare page          {bare * 1e3:8.0f} ms")
    print(f"  ratio              {ours / bare:8.2f}x")


def main() -> None:
    bench_assess()
    bench_report()
    if "--no-browser" not in sys.argv:
        bench_first_render()


if __name__ == "__main__":
    main()
