"""End to end in a real browser: upload answers, open the Report, download the PDF.

Mandatory in CI (.ci/run sets ADVISOR_REQUIRE_BROWSER=1); elsewhere it skips, saying
why, only when Chromium or Playwright is missing.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from scoring.cli import main

from .browser import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app

REQUIRED = os.environ.get("ADVISOR_REQUIRE_BROWSER") == "1"


def _missing() -> str | None:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return None


if (reason := _missing()) is not None:
    if REQUIRED:
        raise RuntimeError(f"browser tests are required here but cannot run: {reason}")
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

# expect() waits 5 s by default; a loaded CI machine can take longer for a rerun.
expect.set_options(timeout=30_000)

# The same report date in the server and in the CLI run below (conftest sets it for tests).
FIXED_DATE = {"SOURCE_DATE_EPOCH": "1795000000"}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("browser") / "advisor.db"
    with running_app({**FIXED_DATE, "ADVISOR_DATABASE_URL": f"sqlite:///{database}"}) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1400, "height": 1000}
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(base_url)
        yield page
        context.close()
        browser.close()


def test_upload_answers_open_report_download_pdf(page: Page, tmp_path: Path) -> None:
    expect(page.get_by_role("heading", name="Assess a use case")).to_be_visible()
    page.get_by_text("Import or export answers").click()
    page.locator("input[type=file]").first.set_input_files(
        str(ROOT / "examples" / "credit_limit_decisions.yaml")
    )
    expect(page.get_by_text("Loaded 40 answers")).to_be_visible()
    radio = page.get_by_role(
        "radiogroup", name="Which description fits how the model will be used?"
    )
    expect(radio.get_by_role("radio", name="Its output decides outcomes")).to_be_checked()

    page.get_by_role("link", name="Report").click()
    expect(page.get_by_role("status", name="Verdict: Avoid")).to_be_visible()
    expect(page.get_by_text("Verdict: AVOID")).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(3)

    with page.expect_download() as info:
        page.get_by_role("button", name="PDF").click()
    download = info.value
    assert download.suggested_filename == "automated-consumer-credit-limit-decisions.pdf"
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Verdict: AVOID" in text
    assert "Automated consumer credit-limit decisions" in text

    # the download is the very file the CLI makes for the same answers and policy
    assert os.environ["SOURCE_DATE_EPOCH"] == FIXED_DATE["SOURCE_DATE_EPOCH"]
    cli_pdf = tmp_path / "cli.pdf"
    example = "examples/credit_limit_decisions.yaml"
    assert main(["score", example, "--format", "pdf", "-o", str(cli_pdf)]) == 0
    assert cli_pdf.read_bytes() == pdf


def test_answering_by_clicking_shows_progress(page: Page) -> None:
    expect(page.get_by_text("0 of 36 questions answered")).to_be_visible()
    group = page.get_by_role("radiogroup", name="Who looks at the model's output first?")
    group.get_by_text("Specialists who know the subject well").click()
    expect(page.get_by_text("1 of 36 questions answered")).to_be_visible()
    page.get_by_role("button", name="Next →").click()
    expect(page.get_by_role("heading", name="Current process")).to_be_visible()
    page.get_by_role("button", name="← Back").click()
    expect(group.get_by_role("radio", name="Specialists who know the subject well")).to_be_checked()
