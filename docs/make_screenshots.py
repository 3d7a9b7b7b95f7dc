"""Make the README screenshots with the same browser setup as the browser test.

Run: python docs/make_screenshots.py   (needs /usr/bin/chromium and playwright)
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as folder,
        running_app({"ADVISOR_DATABASE_URL": f"sqlite:///{folder}/screens.db"}) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1050}, device_scale_factor=1)
        page.set_default_timeout(30_000)
        page.goto(url)
        expect(page.get_by_role("heading", name="Assess a use case")).to_be_visible()
        page.wait_for_timeout(800)
        page.screenshot(path=str(OUT / "welcome.png"))  # the first visit's introduction
        page.get_by_text("Import or export answers").click()
        page.locator("input[type=file]").first.set_input_files(
            str(ROOT / "examples" / "invoice_extraction.yaml")
        )
        expect(page.get_by_text(re.compile(r"Loaded \d+ answers"))).to_be_visible()
        page.wait_for_timeout(1000)
        sections = page.get_by_role("radiogroup", name="Sections")
        sections.get_by_role("radio", name=re.compile("Incremental costs")).click()
        expect(page.get_by_role("heading", name="Incremental costs and risks")).to_be_visible()
        page.wait_for_timeout(800)
        page.screenshot(path=str(OUT / "assess.png"))

        page.set_viewport_size({"width": 1400, "height": 2300})  # the page scrolls inside
        page.get_by_role("link", name="Report").click()
        expect(page.get_by_role("status", name="Verdict: Adapt")).to_be_visible()
        expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "report.png"), full_page=True)

        page.set_viewport_size({"width": 1400, "height": 1050})
        page.get_by_role("link", name="Policy").click()
        threshold = page.get_by_label("Recommend at or above")
        threshold.fill("62")
        threshold.press("Enter")
        expect(
            page.get_by_text("Sections that moved").or_(page.get_by_text("No section moved"))
        ).to_be_visible()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(OUT / "policy.png"))

        page.get_by_role("link", name="Assessments").click()
        expect(page.get_by_text("1 assessment", exact=False).first).to_be_visible()
        page.wait_for_timeout(800)
        page.screenshot(path=str(OUT / "assessments.png"))
        browser.close()
    for name in ("welcome", "assess", "report", "policy", "assessments"):
        print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
