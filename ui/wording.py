"""Problems said as sentences a product manager reads: where (the file and line, or the
editor field), what about (the question by its prompt, not its id), what was wrong, and
what would fit (the options by the labels the Assess page shows).

The scoring core words each problem for every reader (the CLI, an editor, the app) as
``file:line:column: path: message``; this module only rearranges that into a sentence and,
given the rubric the answers were checked against, replaces ids by the texts the person saw.
Whatever it does not recognise is kept as the core wrote it: a sentence never loses facts.
Pure functions, no Streamlit: tested on their own (tests/test_ui_wording.py).
"""

from __future__ import annotations

import re

from scoring import Rubric
from scoring.errors import Problem
from scoring.models import UNKNOWN, AnyQuestion

#: The option the Assess page offers for "don't know" (ui.widgets.DONT_KNOW says the same).
DONT_KNOW = "Don't know"
#: The file name the policy editor gives its problems: not a file the person has.
EDITOR = "policy editor"
#: The policy editor's threshold inputs (ui/policy.py labels them with these).
RECOMMEND_LABEL = "Recommend at or above"
ADAPT_LABEL = "Adapt at or above (below is Avoid)"
#: The editor's labels for the fields its problems name.
_EDITOR_FIELDS = {
    "thresholds → recommend": f"“{RECOMMEND_LABEL}”",
    "thresholds → adapt": f"“{ADAPT_LABEL}”",
    "sections": "the section weights",
}

# "answers → gain", "answers → checks[1]", "options[0] → answers → hosting"
_ANSWER_PATH = re.compile(r"^(?:options\[(\d+)\] → )?answers → ([a-z][a-z0-9_]*)(?:\[\d+\])?$")
_NOTE_PATH = re.compile(r"^(?:options\[(\d+)\] → )?notes → ([a-z][a-z0-9_]*)$")
_NAMED = re.compile(r"\b(section|question) '([a-z][a-z0-9_]*)'")
_UNKNOWN_OPTION = re.compile(r"^unknown option (.+?); expected one of: (.+)$")
_ONE_OF = re.compile(r"expected one of: ([a-z0-9_, ]+)$")


def problem_sentence(problem: Problem, rubric: Rubric | None = None) -> str:
    """``problem`` as one sentence: "In a.yaml, line 3, the answer to “How will the model
    be used?”: 'robots' is not one of its options; expected one of: “Staff use it …”
    (internal_assistant), … or “Don't know” (unknown)."

    ``rubric`` is the rubric the answers were checked against; with it, questions and
    sections are named by their prompts and titles and options by their labels. Leave it
    out for a problem in a rubric file (its ids are the file's, not the session's rubric's).
    Option ids stay in brackets after their labels: they are what the file has to say.
    """
    question = _question(problem.path, rubric)
    subject = _subject(problem, question, rubric)
    message = _named(_message(problem.message, question), rubric)
    where = _where(problem)
    head = ", ".join(part for part in (where, subject) if part)
    sentence = f"{head}: {message}" if head else message
    sentence = sentence[:1].upper() + sentence[1:]
    return sentence if sentence.endswith((".", "?", "!", ".)", "?)")) else sentence + "."


def _where(problem: Problem) -> str:
    if not problem.file or problem.file == EDITOR:
        return ""
    return f"in {problem.file}" + (f", line {problem.line}" if problem.line else "")


def _question(path: str, rubric: Rubric | None) -> AnyQuestion | None:
    found = _ANSWER_PATH.match(path) or _NOTE_PATH.match(path)
    if rubric is None or found is None:
        return None
    return rubric.questions_by_id.get(found[2])


def _subject(problem: Problem, question: AnyQuestion | None, rubric: Rubric | None) -> str:
    path = problem.path
    if not path:
        return ""
    if problem.file == EDITOR and path in _EDITOR_FIELDS:
        return _EDITOR_FIELDS[path]
    if question is not None:
        found = _ANSWER_PATH.match(path) or _NOTE_PATH.match(path)
        assert found is not None  # _question matched it
        whose = f"option {int(found[1]) + 1}'s " if found[1] is not None else "the "
        what = "answer to" if _ANSWER_PATH.match(path) else "note on"
        return f"{whose}{what} “{question.prompt}”"
    named = _named(path, rubric)
    # a field path as written in the file, which the person can look up there
    return named if named != path else f"at {path}"


def _named(text: str, rubric: Rubric | None) -> str:
    """``section 'x'`` and ``question 'y'`` by their title and prompt, when the rubric has
    them; anything else as written."""
    if rubric is None:
        return text

    def name(found: re.Match[str]) -> str:
        kind, item = found[1], found[2]
        if kind == "section" and item in rubric.sections_by_id:
            return f"the section “{rubric.sections_by_id[item].title}”"
        if kind == "question" and item in rubric.questions_by_id:
            return f"the question “{rubric.questions_by_id[item].prompt}”"
        return found[0]

    return _NAMED.sub(name, text)


def _message(message: str, question: AnyQuestion | None) -> str:
    labels = _option_labels(question)
    if not labels:
        return message
    if found := _UNKNOWN_OPTION.match(message):
        listed = _listed(found[2], labels)
        if listed is not None:
            return f"{found[1]} is not one of its options; expected one of: {listed}"
    if found := _ONE_OF.search(message):
        listed = _listed(found[1], labels)
        if listed is not None:
            return message[: found.start(1)] + listed
    return message


def _option_labels(question: AnyQuestion | None) -> dict[str, str]:
    options = getattr(question, "options", None)
    if question is None or not options:
        return {}
    labels = {o.id: o.label for o in options}
    if question.allow_unknown:
        labels[UNKNOWN] = DONT_KNOW
    return labels


def _listed(ids: str, labels: dict[str, str]) -> str | None:
    """The ids as labels ("“A” (a), “B” (b) or “C” (c)"), or None when one is not an option
    of the question (then the list is about something else and stays as written)."""
    wanted = [part.strip() for part in ids.split(",")]
    if not wanted or any(part not in labels for part in wanted):
        return None
    shown = [f"“{labels[part]}” ({part})" for part in wanted]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


#: The endings of the files an upload takes (answers and policies are YAML, answers also JSON).
_READABLE = (".yaml", ".yml", ".json")


def refused_heading(file_name: str, kept: str) -> str:
    """The line above a refused upload's problems, naming the file: "bad.yaml was not
    loaded; your draft is unchanged." A file that is not YAML or JSON at all (a PDF report
    picked by mistake) is said to be the wrong kind of file first."""
    if not file_name.lower().endswith(_READABLE):
        return (
            f"{file_name} was not loaded: it is not a YAML or JSON file, the only kind read "
            f"here. {kept[:1].upper()}{kept[1:]}."
        )
    return f"{file_name} was not loaded; {kept}."
