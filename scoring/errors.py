"""The one exception family of Adoption Advisor.

Every error a person can cause by feeding us a file or a value carries one or
more :class:`Problem` records: where (file, line, column, the path through the
document) and what was expected versus what was found::

    AdvisorError                 base class; ``problems`` lists every Problem
    ├── InputFileError           the file itself: too big, binary, empty, bad YAML/JSON
    ├── RubricError              a rubric file does not follow the rubric format
    ├── AnswersError             an answers file does not fit the rubric it is scored with
    │   └── NotEnoughAnswers     nothing weighted is answered yet, so there is no score
    ├── CatalogueError           a price catalogue does not follow its format, or names no such entry
    ├── ReportError              a report could not be rendered (e.g. the PDF engine failed)
    ├── StoreError               (advisor.storage.errors) storage refused or could not do it
    └── LockedOut                (advisor.access) a passphrase guess was not checked

``str(error)`` gives one line per problem in the form
``file:line:column: path: message`` so a terminal, an editor or the app can
show it as is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = [
    "AdvisorError",
    "AnswersError",
    "CatalogueError",
    "InputFileError",
    "NotEnoughAnswers",
    "Problem",
    "ReportError",
    "RubricError",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem. ``line`` and ``column`` are 1-based; 0 means unknown."""

    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    path: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where = f"{where or '<input>'}:{self.line}:{self.column or 1}"
        head = f"{where}: " if where else ""
        if self.path:
            head += f"{self.path}: "
        return head + self.message


class AdvisorError(Exception):
    """Base of every error Adoption Advisor raises on purpose."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def in_file(self, file: str) -> AdvisorError:
        """The same error with ``file`` filled in where a problem names none."""
        for index, problem in enumerate(self.problems):
            if not problem.file:
                self.problems[index] = replace(problem, file=file)
        self.args = (str(self),)
        return self


class InputFileError(AdvisorError):
    """The file cannot be read as a document: size, encoding, syntax, shape."""


class RubricError(AdvisorError):
    """A rubric does not follow the rubric format (see rubric/README.md)."""


class AnswersError(AdvisorError):
    """Answers do not fit the rubric they are scored against."""


class NotEnoughAnswers(AnswersError):
    """No question with a positive weight is answered, so no score exists yet."""


class CatalogueError(AdvisorError):
    """A price catalogue does not follow its format (see rubric/prices/default.yaml), or a
    catalogue lookup names an entry it does not have."""


class ReportError(AdvisorError):
    """A report could not be rendered."""
