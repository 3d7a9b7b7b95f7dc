"""Adoption Advisor's pure core: the rubric model, loading, answers, the compiled rubric
(one evaluation behind every verdict), the scoring engine, insight and options.

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
from .compiled import CompiledRubric, compile_rubric, verdict_for_score
from .engine import (
    ScoreResult,
    answered_questions,
    policy_stamp,
    quick_verdict,
    score,
    visible_questions,
)
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
from .models import AnswerValue, Rubric, Strategy, Verdict

__all__ = [
    "AdvisorError",
    "AnswerValue",
    "Answers",
    "AnswersError",
    "CompiledRubric",
    "InputFileError",
    "NotEnoughAnswers",
    "Problem",
    "ReportError",
    "Rubric",
    "RubricError",
    "ScoreResult",
    "Strategy",
    "Verdict",
    "answered_questions",
    "answers_from_data",
    "answers_to_yaml",
    "compile_rubric",
    "load_answers",
    "load_rubric",
    "parse_answers",
    "parse_rubric",
    "policy_stamp",
    "quick_verdict",
    "score",
    "usable_answers",
    "verdict_for_score",
    "visible_questions",
]
