"""End to end in a real browser: record a decision on History & decision, reload, open the
Report and find the decision in the memo and in the downloaded PDF.

Mandatory in CI (.ci/run sets ADVISOR_REQUIRE_BROWSER=1); elsewhere it skips, saying why,
only when Chromium or Playwright is missing (as tests/test_browser.py).
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

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

expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("browser_decision") / "advisor.db"
    with running_app({"ADVISOR_DATABASE_URL": f"sqlite:///{database}"}) as url:
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


def test_a_recorded_decision_survives_a_reload_and_is_in_the_pdf(page: Page) -> None:
    expect(page.get_by_role("heading", name="Assess a use case")).to_be_visible()
    page.get_by_text("Import or export answers").click()
    page.locator("input[type=file]").first.set_input_files(
        str(ROOT / "examples" / "invoice_extraction.yaml")
    )
    expect(page.get_by_text("Loaded", exact=False).first).to_be_visible()

    page.get_by_role("link", name="History & decision").click()
    page.get_by_text("Approved with conditions").click()
    decided_by = page.get_by_label("Decided by")
    decided_by.fill("Dana Ortiz")
    page.get_by_label("Note (conditions, reasons)").fill("Self-host first; review in May.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Recorded: Approved with conditions by Dana Ortiz")).to_be_visible()

    page.reload()  # the link keeps ?a=, so the assessment and its decision come back
    page.get_by_role("link", name="Report").click()
    expect(page.get_by_text("Decision recorded: Approved with conditions")).to_be_visible()
    link = page.locator("[data-testid='stCode']").first
    expect(link).to_contain_text("?a=")

    with page.expect_download() as info:
        page.get_by_role("button", name="PDF").click()
    pdf = info.value.path().read_bytes()
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
    memo = pages[0].replace("\u200b", "")
    assert "Decision recorded: Approved with conditions by Dana Ortiz" in memo
    assert "Self-host first; review in May." in memo
    assert "Recorded decisions" in " ".join(pages[1:])
