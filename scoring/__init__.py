"""Adoption Advisor's pure core: rubric model, scoring engine, reports and CLI.

Never imports streamlit. The public API is what ``__all__`` lists.
"""

from .answers import (
    Answers,
    answers_from_data,
    answers_to_yaml,
    load_answers,
    parse_answers,
    usable_answers,
)
from .engine import ScoreResult, policy_stamp, score, visible_questions
from .errors import (
    AdvisorError,
    AnswersError,
    InputFileError,
    NotEnoughAnswers,
    Problem,
    ReportError,
    RubricError,
)
from .loader import load_rubric, parse_rubric
from .models import Rubric, Strategy, Verdict

__all__ = [
    "AdvisorError",
    "Answers",
    "AnswersError",
    "InputFileError",
    "NotEnoughAnswers",
    "Problem",
    "ReportError",
    "Rubric",
    "RubricError",
    "ScoreResult",
    "Strategy",
    "Verdict",
    "answers_from_data",
    "answers_to_yaml",
    "load_answers",
    "load_rubric",
    "parse_answers",
    "parse_rubric",
    "policy_stamp",
    "score",
    "usable_answers",
    "visible_questions",
]
