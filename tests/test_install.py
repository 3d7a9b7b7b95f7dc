"""Installable like the tools its users know: ``pip install <clone>`` into a fresh venv
outside the clone, then ``adoption-advisor score`` and ``adoption-advisor app`` work with no
checkout — the wheel carries the app, the default rubric, the report templates and fonts.

Slow (a real pip install, about a minute with a warm pip cache), so it runs once per session.
The page is opened in Chromium where the browser tests can run (mandatory in CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from .browser import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app

REQUIRED_BROWSER = os.environ.get("ADVISOR_REQUIRE_BROWSER") == "1"


def _clean_env(home: Path) -> dict[str, str]:
    """The environment of a newcomer's shell: nothing points back into the clone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADVISOR_", "PYTHON"))}
    return {**env, "HOME": str(home), "PIP_CACHE_DIR": _pip_cache()}


def _pip_cache() -> str:
    found = subprocess.run(
        [sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True
    ).stdout.strip()
    return found or str(Path.home() / ".cache" / "pip")


@pytest.fixture(scope="module")
def installed(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """(the venv's bin folder, a working folder outside the clone, the environment)."""
    where = tmp_path_factory.mktemp("fresh")
    venv.EnvBuilder(with_pip=True).create(where / "venv")
    bin_dir = where / "venv" / "bin"
    env = _clean_env(where)
    copy = where / "clone"  # pip builds from a copy: the clone's own build files stay untouched
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "data", "__pycache__", "*.db")
    )
    subprocess.run(
        [bin_dir / "pip", "install", "--quiet", "--disable-pip-version-check", str(copy)],
        check=True,
        env=env,
        cwd=where,
    )
    shutil.rmtree(copy)  # nothing of the clone is left to import from
    work = where / "work"
    work.mkdir()
    yield bin_dir, work, env


def test_the_installed_command_scores_an_answers_file_with_the_shipped_rubric(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    bin_dir, work, env = installed
    answers = work / "answers.yaml"
    shutil.copy(ROOT / "examples" / "sales_call_summaries.yaml", answers)
    markdown = subprocess.run(
        [bin_dir / "adoption-advisor", "score", answers.name, "--format", "md"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
    )
    assert markdown.returncode == 0, markdown.stderr
    assert "Sales-call summaries into the CRM" in markdown.stdout
    assert "Verdict: RECOMMEND" in markdown.stdout
    pdf = subprocess.run(
        [bin_dir / "adoption-advisor", "score", answers.name, "--format", "pdf", "-o", "r.pdf"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
    )
    assert pdf.returncode == 0, pdf.stderr
    text = "".join(page.extract_text() for page in PdfReader(work / "r.pdf").pages)
    assert "RECOMMEND" in text
    # The package was imported from the venv, not from a checkout.
    where = subprocess.run(
        [bin_dir / "python", "-c", "import scoring, advisor, ui; print(scoring.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
    )
    assert str(bin_dir.parent) in where.stdout, where


def test_the_installed_command_starts_the_app(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    bin_dir, work, env = installed
    env = {**env, "ADVISOR_DATABASE_URL": f"sqlite:///{work / 'advisor.db'}"}
    launcher = [str(bin_dir / "adoption-advisor"), "app"]
    with running_app(env, launcher=launcher, cwd=work) as url:  # waits for the health check
        if not (os.path.exists(CHROMIUM) or REQUIRED_BROWSER):
            return  # health answered; no browser on this laptop to render the page
        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            expect(page.get_by_role("heading", name="Assess a use case")).to_be_visible(
                timeout=60_000
            )
            browser.close()
