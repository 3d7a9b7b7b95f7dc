"""In a real browser: a first visit from the introduction to the Report through the row of
sections and the next-step buttons; a publish leaves the version selector on the new
active version; a wrong file after a bad one is the file the error names.

Mandatory in CI like tests/test_browser.py (ADVISOR_REQUIRE_BROWSER=1); elsewhere it skips,
saying why, only when Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from scoring import load_answers, load_rubric
from scoring.policy import bump_version

from .browser import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app

REQUIRED = os.environ.get("ADVISOR_REQUIRE_BROWSER") == "1"
DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")


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


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    """A fresh app on an empty database, and a browser page on it."""
    env = {"ADVISOR_DATABASE_URL": f"sqlite:///{tmp_path / 'advisor.db'}"}
    with running_app(env) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        page.goto(url)
        yield page
        browser.close()


def test_from_the_introduction_through_the_sections_to_the_report(page: Page) -> None:
    expect(page.get_by_text("It takes about 15 minutes")).to_be_visible()
    for verdict in ("Recommend", "Adapt", "Avoid"):
        expect(page.get_by_text(verdict, exact=True)).to_be_visible()
    sales = load_answers(ROOT / "examples" / "sales_call_summaries.yaml", DEFAULT)
    page.get_by_label("…or start from an example").click()
    page.get_by_role("option", name=sales.title).click()
    page.get_by_role("button", name="Start from this example").click()
    expect(page.get_by_text(f"Started from the example “{sales.title}”")).to_be_visible()
    expect(page.get_by_text("It takes about 15 minutes")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"\?a=[0-9a-f]{32}$"))
    link = page.url.split("?")[1]

    sections = page.get_by_role("radiogroup", name="Sections")
    expect(sections.get_by_role("radio")).to_have_count(len(DEFAULT.sections))
    expect(page.get_by_text(f"All {len(sales.answers)} questions answered")).to_be_visible()
    last = DEFAULT.sections[-1]
    sections.get_by_role("radio", name=f"{len(DEFAULT.sections)}. {last.title}").click()
    expect(page.get_by_role("heading", name=last.title)).to_be_visible()

    page.get_by_role("button", name="Next: Options & costs →").click()
    expect(page.get_by_role("heading", name="Options & costs")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/options\?{link}$"))
    page.get_by_role("button", name="Next: the Report →").click()
    expect(page.get_by_role("status", name="Verdict: Recommend")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/report\?{link}$"))


def test_after_a_publish_the_selector_shows_the_new_active_version(page: Page) -> None:
    page.get_by_role("link", name="Policy").click()
    expect(page.get_by_role("heading", name="Published versions")).to_be_visible()
    recommend = page.get_by_label("Recommend at or above")
    recommend.fill("80")
    recommend.press("Enter")
    expect(page.get_by_text("What the draft changes from")).to_be_visible()
    page.get_by_label("Change note").fill("Stricter Recommend")
    page.get_by_label("Change note").press("Enter")
    new = bump_version(DEFAULT.version)
    page.get_by_role("button", name=f"Publish as default v{new}").click()
    expect(page.get_by_text(f"Published default v{new}.")).to_be_visible()

    selector = page.get_by_role("combobox", name="Version for new assessments")
    expect(selector).to_have_value(f"#2 default v{new}")
    expect(page.get_by_role("button", name="Activate")).to_be_disabled()
    expect(page.get_by_text("Change note: “Stricter Recommend”")).to_be_visible()
    page.reload()
    expect(selector).to_have_value(f"#2 default v{new}")
    expect(page.get_by_role("button", name="Activate")).to_be_disabled()


def test_a_pdf_after_a_bad_answers_file_is_the_file_the_error_names(
    page: Page, tmp_path: Path
) -> None:
    page.get_by_text("Import or export answers").click()
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers:\n  use_pattern: robots\n")
    page.locator("input[type=file]").first.set_input_files(str(bad))
    expect(page.get_by_text("bad.yaml was not loaded")).to_be_visible()
    prompt = DEFAULT.questions_by_id["use_pattern"].prompt
    expect(page.get_by_text(f"the answer to “{prompt}”")).to_be_visible()

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\x00\x01\x02 not answers")
    page.locator("input[type=file]").first.set_input_files(str(pdf))
    expect(page.get_by_text("report.pdf was not loaded")).to_be_visible()
    expect(page.get_by_text("bad.yaml was not loaded")).to_have_count(0)
    # a sentence that wraps, not a code block that scrolls sideways
    error = page.get_by_test_id("stAlertContentError").filter(has_text="report.pdf")
    expect(error.locator("pre, code")).to_have_count(0)
