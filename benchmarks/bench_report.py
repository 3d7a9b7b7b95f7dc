"""Report benchmark: the PDF of an example with charts, next to same-run baselines.

Run: python benchmarks/bench_report.py   (prints figures; no assertions)

The example is ``examples/support_triage_options.yaml`` (options, costs and labour: five
charts). Baselines, measured in the same run on the same machine:

- typst compiling a one-line document with the report's compiler (fonts loaded), the
  floor of any PDF;
- the Markdown export of the same report (the same document, laid out as text).

"Warm" means the process has made a PDF before and the report is exported again (a second
download, or HTML then PDF): the typst compiler and the chart SVGs are kept. "New report"
clears the kept charts, so every chart is built (altair) and drawn (vl-convert) again, as
for a report never exported in this process; "specs kept" is the download after the Report
page has shown the charts (their Vega-Lite specs are kept, only the drawing is left).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.reports import charts, render  # noqa: E402
from advisor.reports.document import build_document  # noqa: E402
from advisor.reports.model import build_report  # noqa: E402
from scoring import load_answers, load_rubric  # noqa: E402

EXAMPLE = ROOT / "examples" / "support_triage_options.yaml"
#: The issue's target for the warm PDF of an example with charts.
TARGET_MS = 150.0


def per_call(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds per call over ``repeat`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def fresh_process_pdf() -> float:
    """Milliseconds for the first PDF in a new interpreter (imports, fonts, charts)."""
    code = (
        "import sys, time; sys.path.insert(0, {root!r})\n"
        "from scoring import load_rubric, load_answers\n"
        "from advisor.reports.model import build_report\n"
        "r = load_rubric({rubric!r}); a = load_answers({example!r}, r); rep = build_report(r, a)\n"
        "t = time.perf_counter()\n"
        "from advisor.reports.render import render_pdf\n"
        "render_pdf(rep)\n"
        "print((time.perf_counter() - t) * 1e3)\n"
    ).format(root=str(ROOT), rubric=str(ROOT / "rubric" / "default.yaml"), example=str(EXAMPLE))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    rubric = load_rubric(ROOT / "rubric" / "default.yaml")
    report = build_report(rubric, load_answers(EXAMPLE, rubric))
    document = build_document(report)
    compiler, _ = render._typst()

    def trivial_typst() -> None:
        compiler.compile(input=b"= Report\nOne line of text.", pdf_tags=False)

    def new_report_pdf(keep_specs: bool = False) -> None:
        render.clear_chart_cache(keep_specs=keep_specs)
        charts._svg.cache_clear()  # vl-convert's output by spec, kept by the chart module
        render.render_pdf(report)

    typst_floor = per_call(trivial_typst, 30)
    markdown = per_call(lambda: render.render_markdown(report), 30)
    doc = per_call(lambda: build_document(report), 30)
    svgs = per_call(lambda: render.chart_svgs(report, document), 30)
    warm = per_call(lambda: render.render_pdf(report), 30)
    warm_html = per_call(lambda: render.render_html(report), 30)
    new = per_call(new_report_pdf, 5)
    after_page = per_call(lambda: new_report_pdf(keep_specs=True), 5)
    cold = statistics.median(fresh_process_pdf() for _ in range(3))

    print(f"PDF of {EXAMPLE.relative_to(ROOT)} ({len(document.charts())} charts)")
    print("Baselines (same run)")
    print(f"  typst, one-line document        {typst_floor:8.2f} ms")
    print(f"  Markdown export, same report    {markdown:8.2f} ms")
    print("Report")
    print(f"  build_document                  {doc:8.2f} ms")
    print(f"  chart SVGs, kept                {svgs:8.2f} ms")
    print(
        f"  PDF, warm                       {warm:8.2f} ms   {warm / typst_floor:6.1f}x typst floor"
        f"   {warm / markdown:6.1f}x Markdown   target {TARGET_MS:.0f} ms: "
        f"{'met' if warm <= TARGET_MS else 'NOT met'}"
    )
    print(
        f"  HTML, warm                      {warm_html:8.2f} ms   {warm_html / markdown:6.1f}x Markdown"
    )
    print(
        f"  PDF, new report (charts drawn)  {new:8.2f} ms   {new / typst_floor:6.1f}x typst floor"
    )
    print(
        f"  PDF, new report, specs kept     {after_page:8.2f} ms   (after the Report page drew them)"
    )
    print(f"  PDF, first in a fresh process   {cold:8.2f} ms")


if __name__ == "__main__":
    main()
