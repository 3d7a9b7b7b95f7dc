"""The module map in docs/architecture.md, made from each module's docstring.

Run `python docs/module_map.py` to rewrite the map between its markers; tests/test_docs.py
checks that the page holds what this prints, so the map cannot drift from the code.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- module map: begin -->", "<!-- module map: end -->"
PACKAGES = ("scoring", "advisor", "ui")


def _summary(path: Path) -> str:
    """The first sentence of the module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    return first.removesuffix(":").removesuffix(":").replace("|", "\\|")


def module_map() -> str:
    """A Markdown table: every module of the three packages and what it is."""
    lines = ["| Module | What it is |", "|---|---|"]
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or path.name == "__main__.py":
                continue
            if path.name == "__init__.py" and not _summary(path):
                continue
            lines.append(f"| `{relative.as_posix()}` | {_summary(path)} |")
    return "\n".join(lines)


def page_with_map(text: str) -> str:
    """``text`` (the architecture page) with the map between its markers replaced."""
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{module_map()}\n{END}{tail}"


if __name__ == "__main__":
    PAGE.write_text(page_with_map(PAGE.read_text()))
    print(f"wrote the module map into {PAGE.relative_to(ROOT)}", file=sys.stderr)
