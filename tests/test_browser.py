"""End to end in a real browser: upload answers, open the Report, download the PDF.

Mandatory in CI (.ci/run sets ADVISOR_REQUIRE_BROWSER=1); elsewhere it skips, saying
why, only when Chromium or Playwright is missing.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from advisor.cli import main
from scoring import load_answers, load_rubric, parse_answers

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
    loaded = len(load_answers(ROOT / "examples" / "credit_limit_decisions.yaml", DEFAULT).answers)
    expect(page.get_by_text(f"Loaded {loaded} answers")).to_be_visible()
    use_pattern: Any = DEFAULT.questions_by_id["use_pattern"]
    radio = page.get_by_role("radiogroup", name=use_pattern.prompt)
    chosen = next(o.label for o in use_pattern.options if o.id == "automated_decision")
    expect(radio.get_by_role("radio", name=chosen)).to_be_checked()

    page.get_by_role("link", name="Report").click()
    expect(page.get_by_role("status", name="Verdict: Avoid")).to_be_visible()
    expect(page.get_by_text("Verdict: AVOID")).to_be_visible()
    # drivers and scores by section; the sensitivity chart is drawn only when a weight or
    # threshold within its plausible range could flip the verdict (none can here: rules cap it)
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(2)

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
    # Counted against the most that can still be asked, so the total never jumps up.
    at_most = len(DEFAULT.questions)
    expect(page.get_by_text(f"0 questions answered · at most {at_most} to go")).to_be_visible()
    group = page.get_by_role("radiogroup", name="Who looks at the model's output first?")
    group.get_by_text("Specialists who know the subject well").click()
    expect(page.get_by_text("1 question answered · at most")).to_be_visible()
    page.get_by_role("button", name="Next →").click()
    expect(page.get_by_role("heading", name="Current process")).to_be_visible()
    page.get_by_role("button", name="← Back").click()
    expect(group.get_by_role("radio", name="Specialists who know the subject well")).to_be_checked()


# --- links reopen what they name ------------------------------------------------------------

# Each page's link and the path it has in the address bar.
PAGES = {
    "Options & costs": "options",
    "Report": "report",
    "Assessments": "assessments",
    "Re-score": "rescore",
    "Policy": "policy",
    "Assess": "",
}


def test_a_reload_on_any_page_and_a_link_from_the_list_reopen_the_assessment(
    page: Page, base_url: str
) -> None:
    title = f"Link check {time.monotonic_ns()}"
    page.get_by_label("Assessment title").fill(title)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]a=[0-9a-f]{32}"))
    assessment_id = parse_qs(urlsplit(page.url).query)["a"][0]
    sidebar = page.get_by_test_id("stSidebar")
    for name, path in PAGES.items():
        page.get_by_role("link", name=name).first.click()
        # the page's own path with the id: set by the server's run of the new page
        expect(page).to_have_url(re.compile(rf"/{path}\?a={assessment_id}$"))
        page.reload()
        expect(sidebar.get_by_text(title)).to_be_visible()
        expect(page).to_have_url(re.compile(rf"[?&]a={assessment_id}"))

    # A new visitor opens it from the list: the link in the address bar names it too.
    page.goto(base_url)
    expect(sidebar.get_by_text("Untitled assessment")).to_be_visible()
    page.get_by_role("link", name="Assessments").first.click()
    page.locator(f".st-key-open_{assessment_id} button").click()
    expect(sidebar.get_by_text(title)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"[?&]a={assessment_id}"))
    page.reload()
    expect(sidebar.get_by_text(title)).to_be_visible()


# --- nothing a person or a policy wrote renders as Markdown or HTML ---------------------------

HOSTILE = (
    "![x](http://example.invalid/p.png) <img src=http://example.invalid/q.png> "
    "[click](http://example.invalid) http://example.invalid/r **bold**"
)
# Rubric fields that hold text people read (prompts, help, labels, titles, reasons, steps).
_RUBRIC_TEXT = {
    "label",
    "prompt",
    "help",
    "title",
    "description",
    "next_step",
    "text",
    "risk",
    "reason",
    "rationale",
    "default_rationale",
    "unit",
}


def _hostile_rubric() -> Any:
    """The shipped rubric with the payload appended to every text a person reads."""
    from scoring import Rubric, load_rubric

    def spoil(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: spoil(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [spoil(v, key) for v in value]
        if isinstance(value, str) and key in _RUBRIC_TEXT | {"recommend", "adapt", "avoid"}:
            return f"{value} {HOSTILE}"
        return value

    content = load_rubric(ROOT / "rubric" / "default.yaml").model_dump(
        mode="json", exclude_none=True
    )
    content = spoil(content)
    content["version"] = "9 ![v](http://example.invalid/v.png)"
    return Rubric.model_validate(content, strict=False)


def _hostile_database(url: str) -> str:
    """A database whose active policy and one assessment carry the payloads; the id."""
    from advisor.storage import Store
    from scoring import load_answers
    from scoring.answers import EXTRA_KEYS

    store = Store(url)
    store.migrate()
    rubric = _hostile_rubric()
    version = store.publish(
        rubric, author="![a](http://example.invalid/a.png)", note=HOSTILE, base_pk=None
    )
    answers = load_answers(ROOT / "examples" / "support_triage_options.yaml", rubric)
    data = answers.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    extra = {k: data[k] for k in EXTRA_KEYS if k in data}
    extra["options"][0]["title"] = "Hosted ![o](http://example.invalid/o.png) **one**"
    extra["options"][1]["title"] = "Self-hosted http://example.invalid/two <b>two</b>"
    extra["labour"][0]["role"] = "[agents](http://example.invalid/role)"
    notes = {**answers.notes, "use_pattern": HOSTILE}
    item = store.create_assessment(HOSTILE, dict(answers.answers), notes, version, extra)
    store.engine.dispose()
    return item.id


def test_nothing_written_renders_as_markdown_or_fetches_anything(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    assessment_id = _hostile_database(url)
    with running_app({**FIXED_DATE, "ADVISOR_DATABASE_URL": url}) as base, sync_playwright() as pw:
        app_host = base.removeprefix("http://")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        elsewhere: list[str] = []

        def record(request: Any) -> None:
            parsed = urlsplit(request.url)
            if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != app_host:
                elsewhere.append(request.url)

        page.on("request", record)

        def check(where: str, *literal: str) -> None:
            """The page shows each of ``literal`` as text, and nothing was fetched elsewhere."""
            deadline = time.monotonic() + 30
            while True:  # a page renders in pieces; wait until every expected text is there
                text = page.locator("body").inner_text().replace("\u2060", "")
                missing = [e for e in literal if e not in text]
                if not missing or time.monotonic() > deadline:
                    break
                page.wait_for_timeout(250)
            assert not missing, f"{where}: not shown literally: {missing}"
            page.wait_for_timeout(1000)  # an image in rendered Markdown is requested by now
            assert elsewhere == [], f"{where}: requests left the app's host: {elsewhere}"
            for selector in ("img[src*='example.invalid']", "a[href*='example.invalid']"):
                assert page.locator(selector).count() == 0, f"{where}: {selector}"

        page.goto(f"{base}/?a={assessment_id}")
        expect(page.get_by_role("heading", name="Assess a use case")).to_be_visible()
        expect(page.get_by_label("Assessment title")).to_have_value(HOSTILE)
        expect(page.locator("input[value*='example.invalid/p.png']").first).to_be_attached()
        check("Assess", HOSTILE, "9 ![v](http://example.invalid/v.png)")

        page.get_by_role("link", name="Options & costs").click()
        expect(page.get_by_role("heading", name="Options & costs")).to_be_visible()
        check(
            "Options & costs",
            "Hosted ![o](http://example.invalid/o.png) **one**",
            "Self-hosted http://example.invalid/two <b>two</b>",
            HOSTILE,
        )

        page.get_by_role("link", name="Report").click()
        expect(page.get_by_role("heading", name="Why")).to_be_visible()
        check(
            "Report",
            HOSTILE,
            "Hosted ![o](http://example.invalid/o.png) **one**: the figures suggest",
            "by ![a](http://example.invalid/a.png)",
        )

        page.get_by_role("link", name="Assessments").click()
        expect(page.get_by_role("heading", name="Assessments")).to_be_visible()
        check("Assessments", HOSTILE)

        page.get_by_role("link", name="Re-score").click()
        expect(
            page.get_by_role("heading", name="Re-score under another policy version")
        ).to_be_visible()
        check("Re-score", "default v9 ![v](http://example.invalid/v.png)")

        page.get_by_role("link", name="Policy").click()
        expect(page.get_by_role("heading", name="Published versions")).to_be_visible()
        page.get_by_test_id("stExpander").first.click()  # the question weights of a section
        check("Policy", HOSTILE)
        page.get_by_test_id("stTooltipHoverTarget").first.hover()  # a rule's reason
        expect(page.get_by_test_id("stTooltipContent")).to_be_visible()
        check("Policy (a rule's reason)", HOSTILE)
        browser.close()


def test_with_the_database_unavailable_the_answers_can_still_be_downloaded(
    tmp_path: Path,
) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not an SQLite database\n" * 64)
    env = {**FIXED_DATE, "ADVISOR_DATABASE_URL": f"sqlite:///{corrupt}"}
    with running_app(env) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(30_000)
        page.goto(base)
        expect(page.get_by_text("The database is unavailable.")).to_be_visible()
        question: Any = DEFAULT.questions_by_id["output_audience"]
        expert = next(o.label for o in question.options if o.id == "domain_experts")
        page.get_by_role("radiogroup", name=question.prompt).get_by_text(expert).click()
        expect(page.get_by_text("Your latest changes are not saved.")).to_be_visible()
        expect(page.get_by_text("The database is unavailable.")).to_have_count(1)
        with page.expect_download() as info:
            page.get_by_role("button", name="Download your answers (YAML)").click()
        saved = info.value.path().read_bytes()
        browser.close()
    answers = parse_answers(saved, DEFAULT)
    assert answers.answers == {"output_audience": "domain_experts"}
