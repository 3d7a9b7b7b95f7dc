"""What the README shows must stay true."""

from __future__ import annotations

import re

import pytest

from scoring import AnswersError, Rubric, parse_answers, score

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_readme_answers_example_is_valid(default_rubric: Rubric) -> None:
    section = README.split("## Answers files", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block
    answers = parse_answers(block.group(1), default_rubric, "README.md")
    assert answers.title == "Support ticket triage"
    result = score(default_rubric, answers)
    assert result.completeness.unknown == 1


def test_readme_error_example_matches_real_output(default_rubric: Rubric) -> None:
    with pytest.raises(AnswersError) as info:
        parse_answers("answers:\n  hosting: cloud\n", default_rubric, "answers.yaml")
    message = str(info.value).split(": ", 1)[1]
    assert message in README


def test_readme_names_both_commands() -> None:
    assert "streamlit run app.py" in README
    assert ".venv/bin/python -m pytest" in README
    assert ".venv/bin/python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_committed_json_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    from advisor.cli import main

    assert main(["schema"]) == 0
    assert capsys.readouterr().out == (ROOT / "rubric" / "rubric.schema.json").read_text()


def test_the_architecture_page_maps_every_module_as_its_docstring_says() -> None:
    """docs/architecture.md's module map is what docs/module_map.py makes from the code:
    a new, renamed or re-described module must be mapped (run the script)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("module_map", ROOT / "docs" / "module_map.py")
    assert spec is not None and spec.loader is not None
    module_map = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module_map)
    page = (ROOT / "docs" / "architecture.md").read_text()
    assert module_map.page_with_map(page) == page, "run: python docs/module_map.py"
    assert "| `scoring/engine.py` |" in page and "| `ui/widgets.py` |" in page
