"""Options & costs: compare up to four ways of adopting, with cost figures and labour.

Questions the policy marks as option-specific are answered here once per option; every
other question is answered once on the Assess page. Everything is saved as you type,
like the answers.

Each adoption option is priced from its usage and the price catalogue (the default for a
new option) or from a price per item. The usage form is kept per option in the session as
typed (``keys.USAGE_DRAFTS``) and saved with the assessment beside the answers
(``extra["usage_drafts"]``, never scored), so a reload shows it again; it is written into
the option's ``costs.usage`` only once it
can be priced and the answers model accepts it, so a half-filled or inconsistent form never
makes the options unreadable. The figures under each option come from one call of
``scoring.options.costs`` per run, on the answers as scoring reads them.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import ValidationError

from advisor.reports.document import break_even_words
from advisor.storage.records import APP_BLOCKS
from scoring import Answers, visible_questions
from scoring.answers import CostInputs, labour_hours
from scoring.catalogue import PriceCatalogue
from scoring.estimate import Estimate
from scoring.limits import (
    MAX_ASSESSMENT_OPTIONS,
    MAX_CURRENCY_CHARS,
    MAX_MOVES_TO_CHARS,
    MAX_NUMBER,
    MAX_OPTION_TITLE_CHARS,
    MAX_ROLE_CHARS,
)
from scoring.models import UNKNOWN, AnswerValue, AnyQuestion
from scoring.options import RUNNING_COST_QUESTION, Costs, CostSummary, running_cost_share
from scoring.options import costs as cost_model
from scoring.pricing import INPUT_NAMES, OptionUsage
from ui import keys, prices, state
from ui.common import callback, flash, page_script, plain, run_page
from ui.widgets import AnswerSlot, answer_widget, heading
from ui.wording import problem_sentence

MAX_OPTIONS = MAX_ASSESSMENT_OPTIONS
#: The assessment's block that keeps the usage forms as typed (advisor.storage.records).
DRAFTS_BLOCK = APP_BLOCKS[0]
MAX_ROLES = 6
COST_FIELDS = [
    ("integration", "Integration (one-time)"),
    ("adaptation", "Adaptation or fine-tuning (one-time)"),
    ("evaluation", "Building the evaluation (one-time)"),
    ("hosting_per_month", "Hosting per month"),
    ("maintenance_per_month", "Maintenance per month"),
    ("review_hours_per_week", "Human review, hours a week"),
    ("other_per_month", "Other per month"),
]


def _options() -> list[dict[str, Any]]:
    """The options as kept in the session (changed in place, then saved with set_extra)."""
    found: list[dict[str, Any]] = state.extra().setdefault("options", [])
    return found


def _slug(title: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", title.casefold()).strip("_")[:40] or "option"
    if not base[0].isalpha():
        base = f"option_{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


# --- callbacks: write into the session's extra block, then save ---------------------------------


@callback
def _on_option_title(slot: int) -> None:
    options = _options()
    title = st.session_state[keys.option_title(slot)].strip()
    if slot < len(options):
        if title:
            options[slot]["title"] = title
        else:
            removed = options.pop(slot)
            _drafts().pop(removed["id"], None)  # a later option with its id starts afresh
            _forget_option_widgets()
    elif title:
        taken = {o["id"] for o in options}
        options.append({"id": _slug(title, taken), "title": title})
    _save_options()


@callback
def _on_baseline(slot: int) -> None:
    options = _options()
    if slot < len(options):
        options[slot]["baseline"] = bool(st.session_state[keys.option_baseline(slot)])
        if options[slot]["baseline"]:
            options[slot].pop("answers", None)
            options[slot].pop("costs", None)
            # Its usage form goes with its costs; unticked, it starts again from them.
            _drafts().pop(options[slot]["id"], None)
        else:
            options[slot].pop("baseline", None)
        _save_options()


def _keep_option_answer(slot: int, question_id: str) -> Callable[[AnswerValue | None], None]:
    def keep(value: AnswerValue | None) -> None:
        option = _options()[slot]
        answers = option.setdefault("answers", {})
        if value is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = value
        state.set_extra("options", _options())

    return keep


@callback
def _on_cost(slot: int, field: str) -> None:
    option = _options()[slot]
    value = st.session_state[keys.option_cost(slot, field)]
    costs = option.setdefault("costs", {})
    if value is None:
        costs.pop(field, None)
    else:
        costs[field] = float(value)
    ranges = costs.get("ranges")
    band = ranges.get(field) if isinstance(ranges, dict) else None
    figure = costs.get(field, 0.0)
    if isinstance(band, dict) and not band.get("low", 0) <= figure <= band.get("high", 0):
        # The answers refuse a range that does not hold its figure, and with it every
        # option: the typed figure wins, its range (from an answers file) goes, said aloud.
        assert isinstance(ranges, dict)
        del ranges[field]
        if not ranges:
            del costs["ranges"]
        label = dict(COST_FIELDS).get(field, field)
        flash(
            f"{option['title']}: {label} {figure:,g} is outside its low–high range "
            f"({band.get('low', 0):,g}–{band.get('high', 0):,g}); the range was removed.",
            "warning",
        )
    state.set_extra("options", _options())


@callback
def _on_setting(key: str) -> None:
    value = st.session_state[keys.cost_setting(key)]
    if key == "other_per_month":
        process = dict(state.extra().get("current_process") or {})
        process[key] = float(value or 0)
        state.set_extra("current_process", process)
    elif key == "horizon_months":
        state.set_extra(key, int(value))
    elif key == "currency":
        state.set_extra(key, (value or "EUR").strip()[:8] or "EUR")
    else:
        state.set_extra(key, None if value is None else float(value))


@callback
def _on_role(row: int, field: str) -> None:
    roles: list[dict[str, Any]] = list(state.extra().get("labour") or [])
    while len(roles) <= row:
        roles.append({"role": "", "hours_per_week": 0.0, "share_removed": 0.0})
    value = st.session_state[keys.labour_role(row, field)]
    if field == "share_removed":
        value = float(value) / 100
    roles[row][field] = value if isinstance(value, str) else float(value or 0)
    kept = [r for r in roles if str(r.get("role", "")).strip()]
    state.set_extra("labour", kept)


def _forget_option_widgets() -> None:
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(keys.OPTION_WIDGETS):
            del st.session_state[key]


def _seed(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


# --- page parts -----------------------------------------------------------------------------


def _option_slots() -> None:
    st.subheader("Options")
    options = _options()
    shown = min(len(options) + 1, MAX_OPTIONS)
    for slot in range(shown):
        left, right = st.columns([4, 1])
        current = options[slot] if slot < len(options) else {}
        _seed(keys.option_title(slot), current.get("title", ""))
        left.text_input(
            f"Option {slot + 1}",
            key=keys.option_title(slot),
            max_chars=MAX_OPTION_TITLE_CHARS,
            placeholder="e.g. Hosted large model, prompted" if slot == 0 else "Add another option",
            on_change=_on_option_title,
            args=(slot,),
        )
        if slot < len(options):
            _seed(keys.option_baseline(slot), bool(current.get("baseline")))
            right.checkbox(
                "Today's process",
                key=keys.option_baseline(slot),
                on_change=_on_baseline,
                args=(slot,),
                help="Stands for keeping the current process: not scored; its cost is today's.",
            )


def _option_answers(computed: Costs | None) -> None:
    rubric = state.rubric()
    options = [(i, o) for i, o in enumerate(_options()) if not o.get("baseline")]
    per_option = [q for q in rubric.questions if q.per_option]
    if not options or not per_option:
        return
    st.subheader("Answers that differ between options")
    st.caption(
        "The other questions describe the shared context and are answered on the Assess page. "
        "A question an option does not ask (see its conditions) is greyed out."
    )
    shown = {
        slot: set(visible_questions(rubric, {**state.answers(), **option.get("answers", {})}))
        for slot, option in options
    }
    shared = state.answers()
    from_figures = _running_costs_from_figures(computed)
    header = st.columns(len(options))
    for column, (_, option) in zip(header, options, strict=True):
        column.markdown(f"**{plain(option['title'])}**")
    for question in per_option:
        heading(question)
        columns = st.columns(len(options))
        for column, (slot, option) in zip(columns, options, strict=True):
            asked = question.id in shown[slot]
            with column:
                share = (
                    from_figures.get(option["id"]) if question.id == RUNNING_COST_QUESTION else None
                )
                # A share the question refuses (a policy's own limits) is not counted: asked.
                if share is not None and not question.answer_problems(share):
                    # The figures are the one source, as the labour rows are for the hours.
                    st.markdown(
                        f"**{share:,g} % of today's monthly cost**, from this option's cost "
                        "figures below. Change the figures to change it."
                    )
                    continue
                answer_widget(
                    question,
                    AnswerSlot(
                        key=keys.option_answer(slot, question.id),
                        unknown_key=keys.option_unknown(slot, question.id),
                        label=f"{plain(option['title'])}: {plain(question.prompt)}",
                        stored=option.get("answers", {}).get(question.id),
                        keep=_keep_option_answer(slot, question.id),
                        compact=True,
                        disabled=not asked,
                        placeholder="" if asked else "not asked",
                    ),
                )
                if asked:
                    st.caption(_which_counts(question, option, shared))


def _running_costs_from_figures(computed: Costs | None) -> dict[str, float]:
    """Option id -> the running-cost answer its cost figures give (see
    scoring.options.with_cost_answers), for the options whose figures give one; taken from
    the page's one cost computation."""
    if computed is None:
        return {}
    return {
        summary.id: share
        for summary in computed.options
        if (share := running_cost_share(summary, computed.current_monthly)) is not None
    }


def _said(question: AnyQuestion, value: AnswerValue) -> str:
    return "Don't know" if value == UNKNOWN else question.answer_label(value)


def _which_counts(
    question: AnyQuestion, option: dict[str, Any], shared: dict[str, AnswerValue]
) -> str:
    """Which answer this option is scored with: its own, else the one given on Assess."""
    own = option.get("answers", {}).get(question.id)
    common = shared.get(question.id)
    if own is not None and common is not None and not question.same_answer(own, common):
        return f"Counts: this option's answer (Assess says “{_said(question, common)}”)."
    if own is not None:
        return "Counts: this option's answer."
    if common is not None:
        return f"Counts: “{_said(question, common)}” from Assess; answer here only if it differs."
    return "Not answered yet, here or on Assess."


def _costs(catalogue: PriceCatalogue, computed: Costs | None, failure: str | None) -> None:
    options = [(i, o) for i, o in enumerate(_options()) if not o.get("baseline")]
    extra = state.extra()
    st.subheader("Costs")
    process = extra.get("current_process") or {}
    st.caption(_hours_caption())
    cols = st.columns(4)
    settings = [
        ("hourly_rate", "Hourly rate", extra.get("hourly_rate")),
        ("other_per_month", "Today: other costs a month", process.get("other_per_month", 0.0)),
        ("horizon_months", "Horizon (months)", extra.get("horizon_months", 36)),
    ]
    for column, (key, label, value) in zip(cols, settings, strict=False):
        _seed(keys.cost_setting(key), value)
        if key == "horizon_months":
            column.number_input(
                label,
                1,
                120,
                step=1,
                key=keys.cost_setting(key),
                on_change=_on_setting,
                args=(key,),
            )
        else:
            column.number_input(
                label, 0.0, step=1.0, key=keys.cost_setting(key), on_change=_on_setting, args=(key,)
            )
    _seed(keys.cost_setting("currency"), extra.get("currency", "EUR"))
    cols[3].text_input(
        "Currency",
        key=keys.cost_setting("currency"),
        max_chars=MAX_CURRENCY_CHARS,
        on_change=_on_setting,
        args=("currency",),
    )
    _exchange_rate(catalogue)
    if not options:
        st.caption("Add an option above to enter its cost figures.")
        return
    columns = st.columns([2, *[1] * len(options)])
    columns[0].markdown("&nbsp;")
    for column, (_, option) in zip(columns[1:], options, strict=True):
        column.markdown(f"**{plain(option['title'])}**")
    for field, label in COST_FIELDS:
        columns = st.columns([2, *[1] * len(options)])
        columns[0].write(label)
        for column, (slot, option) in zip(columns[1:], options, strict=True):
            key = keys.option_cost(slot, field)
            _seed(key, (option.get("costs") or {}).get(field))
            column.number_input(
                f"{plain(option['title'])}: {label}",
                min_value=0.0,
                step=100.0 if "hours" not in field else 1.0,
                key=key,
                label_visibility="collapsed",
                on_change=_on_cost,
                args=(slot, field),
            )
    _pricing(options, computed, failure, catalogue)


# --- how an option is priced: from usage and the price catalogue, or a price per item --------

log = logging.getLogger("adoption_advisor.ui")

PRICING_MODES = {
    "usage": "From usage and the price catalogue",
    "price": "A price per item I know",
}
RUNS_ON = {
    "offering": "A hosted model from the catalogue",
    "tier": "A price tier",
    "self_hosted": "Self-hosted (an open-weight model on rented GPUs)",
}
INPUT_UNITS = {"tokens": "tokens", "chars": "characters", "pages": "pages"}
GPU_PRICING = {"on_demand": "On demand", "spot": "Spot", "reserved_1y": "Reserved 1 year"}


@dataclass(frozen=True)
class Figure:
    """One number of the usage form: its name in the form, its label, how it is entered."""

    name: str
    label: str
    integer: bool = False
    #: Entered in % (0–100), kept in the answers as a share (0–1).
    percent: bool = False
    #: May have a low and a high end beside the expected value.
    ranged: bool = False
    #: Zero would make the figure meaningless (a throughput, a utilisation).
    above_zero: bool = False
    step: float = 1.0


ITEMS = Figure("items", "Items a month", integer=True, ranged=True, step=1000)
BACKLOG = Figure("backlog", "Backlog (items, once)", integer=True, ranged=True, step=1000)
INPUT = Figure("input", "Input size per call", ranged=True, above_zero=True, step=100)
OUTPUT = Figure("output", "Output tokens per call", integer=True, ranged=True, step=10)
CALLS = Figure("calls", "Calls per item", ranged=True, step=0.1)
BATCH = Figure("batch", "Batch share (%)", percent=True, step=5)
FT_TOKENS = Figure("ft_tokens", "Training tokens", integer=True, ranged=True, step=1_000_000)
FT_EPOCHS = Figure("ft_epochs", "Epochs", step=1)
FT_TPS = Figure(
    "ft_tps", "Training tokens/s per GPU", integer=True, ranged=True, above_zero=True, step=100
)
OV_INPUT = Figure("ov_input", "Input price per million", step=0.1)
OV_OUTPUT = Figure("ov_output", "Output price per million", step=0.1)
OV_GPU = Figure("ov_gpu_hourly", "GPU hourly price", step=0.1)
OV_TPS = Figure("ov_tps", "Throughput (tokens/s per GPU)", above_zero=True, step=100)
OV_UTIL = Figure("ov_util", "Utilisation (%)", percent=True, above_zero=True, step=5)
#: The figures a low and a high end may be given for, in the order the range box lists them.
RANGED = (ITEMS, BACKLOG, INPUT, OUTPUT, CALLS)
FINE_TUNE_RANGED = (FT_TOKENS, FT_TPS)


def _drafts() -> dict[str, dict[str, Any]]:
    """The usage forms as typed, by option id: seeded from the assessment's saved forms (a
    reload or a link shows what was typed, complete or not), kept in the session."""
    if keys.USAGE_DRAFTS not in st.session_state:
        saved = state.extra().get(DRAFTS_BLOCK)
        st.session_state[keys.USAGE_DRAFTS] = (
            copy.deepcopy(saved) if isinstance(saved, dict) else {}
        )
    found: dict[str, dict[str, Any]] = st.session_state[keys.USAGE_DRAFTS]
    return found


def _save_options() -> None:
    """Save the options with the usage forms as typed beside them (one save)."""
    forms = {o["id"]: _drafts()[o["id"]] for o in _options() if o["id"] in _drafts()}
    if forms:
        state.extra()[DRAFTS_BLOCK] = copy.deepcopy(forms)
    else:
        state.extra().pop(DRAFTS_BLOCK, None)
    state.set_extra("options", _options())


def _draft(option: dict[str, Any]) -> dict[str, Any]:
    """The option's usage form as typed in this session, else as its saved costs give it."""
    return _drafts().setdefault(option["id"], _form_from(option))


def _percent(share: Any) -> Any:
    return round(share * 100, 6) if isinstance(share, int | float) else share


def _put(form: dict[str, Any], name: str, value: Any) -> None:
    """A saved figure (a number, or low / expected / high) into the form's fields."""
    if isinstance(value, dict):
        form[name] = value.get("expected")
        if value.get("low") != value.get("expected"):
            form[f"{name}_low"] = value.get("low")
        if value.get("high") != value.get("expected"):
            form[f"{name}_high"] = value.get("high")
    elif value is not None:
        form[name] = value


def _form_from(option: dict[str, Any]) -> dict[str, Any]:
    """The usage form of an option's saved costs. An option without cost figures is new:
    it is priced from usage unless the person says otherwise."""
    costs = option.get("costs") or {}
    usage = costs.get("usage")
    has_figures = any(v for k, v in costs.items() if k not in ("usage", "ranges"))
    form: dict[str, Any] = {
        "mode": "usage" if usage is not None or not has_figures else "price",
        "input_unit": "tokens",
        "runs_on": "offering",
        "pricing": "on_demand",
        "fine_tune": False,
    }
    if not isinstance(usage, dict):
        return form
    _put(form, ITEMS.name, usage.get("items_per_month"))
    _put(form, BACKLOG.name, usage.get("backlog_items"))
    for unit in INPUT_UNITS:
        if usage.get(f"input_{unit}") is not None:
            form["input_unit"] = unit
            _put(form, INPUT.name, usage[f"input_{unit}"])
    _put(form, OUTPUT.name, usage.get("output_tokens"))
    _put(form, CALLS.name, usage.get("calls_per_item"))
    if usage.get("batch_share"):
        form[BATCH.name] = _percent(usage["batch_share"])
    if usage.get("tier") is not None:
        form["runs_on"], form["tier"] = "tier", usage["tier"]
    elif isinstance(usage.get("self_hosted"), dict):
        hosted = usage["self_hosted"]
        form["runs_on"] = "self_hosted"
        form["size"], form["gpu"] = hosted.get("size"), hosted.get("gpu")
        form["pricing"] = hosted.get("pricing", "on_demand")
    else:
        form["offering"] = usage.get("offering")
    tune = usage.get("fine_tune")
    if isinstance(tune, dict):
        form["fine_tune"] = True
        _put(form, FT_TOKENS.name, tune.get("training_tokens"))
        _put(form, FT_EPOCHS.name, tune.get("epochs"))
        _put(form, FT_TPS.name, tune.get("tokens_per_second_per_gpu"))
        form["ft_gpu"] = tune.get("gpu")
    overrides = usage.get("overrides") or {}
    for figure, field in (
        (OV_INPUT, "input_per_million"),
        (OV_OUTPUT, "output_per_million"),
        (OV_GPU, "gpu_hourly"),
        (OV_TPS, "tokens_per_second_per_gpu"),
        (OV_UTIL, "utilisation"),
    ):
        value = overrides.get(field)
        # The form takes one figure per override; a saved range keeps its expected value.
        value = value.get("expected") if isinstance(value, dict) else value
        if value is not None:
            form[figure.name] = _percent(value) if figure.percent else value
    return form


def _number(figure: Figure, value: Any, label: str, errors: list[str]) -> float | None:
    """One typed number checked against what its field allows (None: left empty)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append(f"{label}: expected a number, found {value!r}.")
        return None
    most = 100.0 if figure.percent else MAX_NUMBER
    if not 0 <= value <= most:
        errors.append(f"{label}: expected a number from 0 to {most:,g}, found {value:,g}.")
        return None
    if figure.above_zero and value == 0:
        errors.append(f"{label}: must be above 0 (leave it empty to use the catalogue's).")
        return None
    return float(value) / 100 if figure.percent else float(value)


def _figure(form: dict[str, Any], figure: Figure, errors: list[str]) -> Any:
    """A figure of the form as the answers keep it: a plain number, or low / expected / high
    when a low or high end is given; None when left empty."""
    label = figure.label
    expected = _number(figure, form.get(figure.name), label, errors)
    if not figure.ranged:
        return expected
    low = _number(figure, form.get(f"{figure.name}_low"), f"{label}, low", errors)
    high = _number(figure, form.get(f"{figure.name}_high"), f"{label}, high", errors)
    if expected is None:
        if form.get(figure.name) is None and (low is not None or high is not None):
            errors.append(f"{label}: give the expected figure too, not only a low or high end.")
        return None
    low = expected if low is None else low
    high = expected if high is None else high
    if not low <= expected <= high:
        errors.append(
            f"{label}: expected low ≤ expected ≤ high, found low {low:,g}, "
            f"expected {expected:,g}, high {high:,g}."
        )
        return None
    if low == expected == high:
        return expected
    return {"low": low, "expected": expected, "high": high}


@dataclass
class UsageCheck:
    """The usage block a form gives, or why it cannot be saved yet."""

    usage: dict[str, Any] | None
    #: Figures typed that cannot be used, each naming its field.
    errors: list[str]
    #: What must still be given before the usage can be priced.
    missing: list[str]


def _usage_from_form(form: dict[str, Any]) -> UsageCheck:
    """The ``usage:`` block of the form (see scoring.usage_inputs), checked field by field."""
    errors: list[str] = []
    missing: list[str] = []
    usage: dict[str, Any] = {}
    items = _figure(form, ITEMS, errors)
    if items is not None:
        usage["items_per_month"] = items
    backlog = _figure(form, BACKLOG, errors)
    if backlog:  # none is the default
        usage["backlog_items"] = backlog
    size = _figure(form, INPUT, errors)
    unit = form.get("input_unit", "tokens")
    if size is not None:
        usage[f"input_{unit}"] = size
    elif form.get(INPUT.name) is None:
        missing.append(f"the input size per call (in {INPUT_UNITS.get(unit, unit)})")
    output = _figure(form, OUTPUT, errors)
    if output is not None:
        usage["output_tokens"] = output
    elif form.get(OUTPUT.name) is None:
        missing.append("the output tokens per call")
    calls = _figure(form, CALLS, errors)
    if calls is not None:
        usage["calls_per_item"] = calls
    runs_on = form.get("runs_on", "offering")
    if runs_on == "self_hosted":
        choice = {"size": form.get("size"), "gpu": form.get("gpu")}
        missing += [
            what
            for what, value in (
                ("the model size", choice["size"]),
                ("the GPU class", choice["gpu"]),
            )
            if value is None
        ]
        usage["self_hosted"] = {**choice, "pricing": form.get("pricing") or "on_demand"}
    elif form.get(runs_on) is None:
        missing.append("the model (an offering)" if runs_on == "offering" else "the price tier")
    else:
        usage[runs_on] = form[runs_on]
    if runs_on != "self_hosted":
        batch = _figure(form, BATCH, errors)
        if batch:
            usage["batch_share"] = batch
    if form.get("fine_tune"):
        tune = _fine_tune(form, runs_on, errors, missing)
        if tune is not None:
            usage["fine_tune"] = tune
    overrides: dict[str, Any] = {}
    named = (
        ((OV_INPUT, "input_per_million"), (OV_OUTPUT, "output_per_million"))
        if runs_on != "self_hosted"
        else (
            (OV_GPU, "gpu_hourly"),
            (OV_TPS, "tokens_per_second_per_gpu"),
            (OV_UTIL, "utilisation"),
        )
    )
    for figure, field in named:
        value = _figure(form, figure, errors)
        if value is not None:
            overrides[field] = value
    if overrides:
        usage["overrides"] = overrides
    done = not errors and not missing
    return UsageCheck(usage if done else None, errors, missing)


def _fine_tune(
    form: dict[str, Any], runs_on: str, errors: list[str], missing: list[str]
) -> dict[str, Any] | None:
    tokens = _figure(form, FT_TOKENS, errors)
    throughput = _figure(form, FT_TPS, errors)
    epochs = _figure(form, FT_EPOCHS, errors)
    if epochs is not None and epochs > 1000:
        errors.append(f"{FT_EPOCHS.label}: expected at most 1,000, found {epochs:,g}.")
    if tokens is None and form.get(FT_TOKENS.name) is None:
        missing.append("the training tokens (fine-tuning)")
    if throughput is None and form.get(FT_TPS.name) is None:
        missing.append("the training tokens/s per GPU (fine-tuning)")
    gpu = form.get("ft_gpu") if runs_on != "self_hosted" else None
    if runs_on != "self_hosted" and gpu is None:
        missing.append("the GPU class it is trained on (fine-tuning)")
    if tokens is None or throughput is None:
        return None
    tune: dict[str, Any] = {"training_tokens": tokens, "tokens_per_second_per_gpu": throughput}
    if epochs is not None:
        tune["epochs"] = epochs
    if gpu is not None:
        tune["gpu"] = gpu
    return tune


def _check_usage(option: dict[str, Any], form: dict[str, Any]) -> UsageCheck:
    """The form's usage, also checked with the option's other cost figures as the answers
    model reads them (a usage block that model refuses is never saved)."""
    found = _usage_from_form(form)
    if found.usage is None:
        return found
    found.usage = _with_kept(found.usage, (option.get("costs") or {}).get("usage"))
    costs = {
        k: v for k, v in (option.get("costs") or {}).items() if k not in ("usage", "price_per_item")
    }
    try:
        CostInputs.model_validate({**costs, "usage": found.usage})
    except ValidationError as exc:
        found.errors += [
            f"{'.'.join(str(part) for part in error['loc']) or 'usage'}: {error['msg']}."
            for error in exc.errors()
        ]
        found.usage = None
    return found


def _with_kept(usage: dict[str, Any], saved: Any) -> dict[str, Any]:
    """``usage`` with the parts of the saved block the form does not show (from an answers
    file: always-on replicas, GPUs for training, a batch discount, an override's range), so
    editing one field never drops them."""
    if not isinstance(saved, dict):
        return usage
    hosted, before = usage.get("self_hosted"), saved.get("self_hosted")
    if isinstance(hosted, dict) and isinstance(before, dict):
        hosted.update({k: before[k] for k in ("always_on", "min_replicas") if k in before})
    tune, before = usage.get("fine_tune"), saved.get("fine_tune")
    if isinstance(tune, dict) and isinstance(before, dict) and "gpus" in before:
        tune["gpus"] = before["gpus"]
    found = saved.get("overrides")
    kept: dict[str, Any] = found if isinstance(found, dict) else {}
    overrides = usage.get("overrides") or {}
    if "self_hosted" not in usage and "batch_discount" in kept:
        overrides["batch_discount"] = kept["batch_discount"]
    for field, value in overrides.items():
        old = kept.get(field)
        if isinstance(old, dict) and old.get("expected") == value:
            overrides[field] = old  # the form shows the expected figure of a saved range
    if overrides:
        usage["overrides"] = overrides
    return usage


def _keep_usage(option: dict[str, Any], form: dict[str, Any]) -> None:
    """Save the form's usage into the option's costs once it can be priced; until then the
    last usage that could be saved stays (the form keeps what was typed)."""
    if form.get("mode") != "usage":
        return
    found = _check_usage(option, form)
    if found.usage is None:
        return
    costs = option.setdefault("costs", {})
    costs.pop("price_per_item", None)
    costs["usage"] = found.usage


@callback
def _on_pricing(slot: int) -> None:
    option = _options()[slot]
    form = _draft(option)
    mode = st.session_state[keys.option_pricing(slot)]
    form["mode"] = mode
    costs = option.setdefault("costs", {})
    if mode == "price":
        costs.pop("usage", None)
        if form.get("price_per_item"):
            costs["price_per_item"] = form["price_per_item"]
    else:
        # The two are refused together; the price is kept in the form to come back to.
        if costs.get("price_per_item"):
            form["price_per_item"] = costs.pop("price_per_item")
        _keep_usage(option, form)
    if not costs:
        option.pop("costs")
    _save_options()


@callback
def _on_usage(slot: int, field: str, widget: str) -> None:
    option = _options()[slot]
    form = _draft(option)
    form[field] = st.session_state[keys.option_usage(slot, widget)]
    _keep_usage(option, form)
    _save_options()


@callback
def _on_quality(slot: int) -> None:
    option = _options()[slot]
    value = st.session_state[keys.option_quality(slot)]
    if value is None:
        option.pop("measured_quality", None)
    else:
        option["measured_quality"] = float(value)
    state.set_extra("options", _options())


@callback
def _on_exchange_rate(currency: str) -> None:
    rates = dict(state.extra().get("exchange_rates") or {})
    value = st.session_state[keys.exchange_rate(currency)]
    if value:  # empty or 0 is no rate (the page says a rate must be above 0)
        rates[currency] = float(value)
    else:
        rates.pop(currency, None)
    state.set_extra("exchange_rates", rates)


def _usage_number(
    column: Any,
    slot: int,
    form: dict[str, Any],
    figure: Figure,
    end: str = "",
    *,
    label: str | None = None,
    placeholder: str | None = None,
    help: str | None = None,
    collapsed: bool = False,
) -> None:
    """A number input for ``figure`` (``end``: "", "_low" or "_high"), seeded from the form."""
    field = f"{figure.name}{end}"
    integer = figure.integer
    widget = field
    if figure is INPUT:
        # One input per unit: pages take decimals, tokens and characters do not.
        unit = form.get("input_unit", "tokens")
        integer, widget = unit != "pages", f"input_{unit}{end}"
    key = keys.option_usage(slot, widget)
    value = form.get(field)
    if integer and isinstance(value, int | float) and not isinstance(value, bool):
        value = round(value)
    _seed(key, value)
    shown = label or figure.label
    column.number_input(
        shown,
        value=None,  # clearable: empty is None, not 0
        min_value=0 if integer else 0.0,
        max_value=(100.0 if figure.percent else (int(MAX_NUMBER) if integer else MAX_NUMBER)),
        step=int(figure.step) if integer else float(figure.step),
        format=None if integer else "%g",
        key=key,
        placeholder=placeholder,
        help=help,
        label_visibility="collapsed" if collapsed else "visible",
        on_change=_on_usage,
        args=(slot, field, widget),
    )


def _choice(
    column: Any,
    slot: int,
    form: dict[str, Any],
    field: str,
    label: str,
    choices: dict[str, str],
    *,
    placeholder: str = "Choose…",
) -> None:
    """A select box over catalogue ids (``choices``: id → what the person reads)."""
    key = keys.option_usage(slot, field)
    value = form.get(field)
    _seed(key, value if value in choices else None)
    column.selectbox(
        label,
        list(choices),
        format_func=lambda v: choices.get(v, v),
        key=key,
        index=None,
        placeholder=placeholder,
        on_change=_on_usage,
        args=(slot, field, field),
    )


def _short(value: float) -> str:
    return f"{value:,.3g}" if value < 1000 else f"{value:,.0f}"


def _catalogue_band(value: Estimate | float, factor: float = 1.0) -> str:
    if isinstance(value, int | float):
        return _short(value * factor)
    if value.low == value.high:
        return _short(value.expected * factor)
    low, expected, high = (v * factor for v in (value.low, value.expected, value.high))
    return f"{_short(expected)} ({_short(low)}–{_short(high)})"


def _offering_choices(catalogue: PriceCatalogue) -> dict[str, str]:
    cur = catalogue.currency
    return {
        o.id: (
            f"{o.provider} {o.model} — in {o.input_per_million:g} / out "
            f"{o.output_per_million:g} per million ({cur}), checked {o.checked.isoformat()}"
        )
        for o in catalogue.offerings
    }


def _tier_choices(catalogue: PriceCatalogue) -> dict[str, str]:
    cur = catalogue.currency
    return {
        t.id: (
            f"{t.title} — in {_catalogue_band(t.input_per_million)} / out "
            f"{_catalogue_band(t.output_per_million)} per million ({cur}), "
            f"checked {t.checked.isoformat()}"
        )
        for t in catalogue.tiers
    }


def _catalogue_figures(form: dict[str, Any], catalogue: PriceCatalogue) -> dict[str, str]:
    """The catalogue's figure each override replaces, for its placeholder (empty when the
    model is not chosen yet)."""
    cur = catalogue.currency
    found: dict[str, str] = {}
    runs_on = form.get("runs_on", "offering")
    offering = catalogue.offerings_by_id.get(form.get("offering") or "")
    tier = catalogue.tiers_by_id.get(form.get("tier") or "")
    if runs_on == "offering" and offering is not None:
        found[OV_INPUT.name] = f"{offering.input_per_million:g} {cur}"
        found[OV_OUTPUT.name] = f"{offering.output_per_million:g} {cur}"
    elif runs_on == "tier" and tier is not None:
        found[OV_INPUT.name] = f"{_catalogue_band(tier.input_per_million)} {cur}"
        found[OV_OUTPUT.name] = f"{_catalogue_band(tier.output_per_million)} {cur}"
    gpu = catalogue.gpu_classes_by_id.get(form.get("gpu") or "")
    size = catalogue.self_hosted_sizes_by_id.get(form.get("size") or "")
    if gpu is not None:
        pricing = form.get("pricing") or "on_demand"
        discount = {
            "on_demand": None,
            "spot": gpu.spot_discount,
            "reserved_1y": gpu.reserved_1y_discount,
        }[pricing]
        factor = 1 - discount.expected if discount is not None else 1.0
        found[OV_GPU.name] = f"{_catalogue_band(gpu.hourly_price, factor)} {cur}"
        if size is not None:
            found[OV_TPS.name] = _catalogue_band(
                size.tokens_per_second_per_gpu, gpu.relative_throughput
            )
    if catalogue.utilisation is not None:
        found[OV_UTIL.name] = f"{_catalogue_band(catalogue.utilisation.share, 100)} %"
    return found


def _volume_hint(summary: CostSummary | None) -> str:
    if summary is not None and summary.items_per_month:
        return f"volume answer: {summary.items_per_month:,.0f}"
    return "volume answer"


def _usage_form(
    slot: int,
    option: dict[str, Any],
    form: dict[str, Any],
    catalogue: PriceCatalogue,
    summary: CostSummary | None,
) -> None:
    """The usage fields of one option."""
    unit = form.get("input_unit", "tokens")
    cols = st.columns([3, 3, 2, 3, 2])
    _usage_number(cols[0], slot, form, ITEMS, placeholder=_volume_hint(summary))
    _usage_number(cols[1], slot, form, INPUT, label=f"Input size per call ({INPUT_UNITS[unit]})")
    unit_key = keys.option_usage(slot, "input_unit")
    _seed(unit_key, unit)
    cols[2].selectbox(
        "Measured in",
        list(INPUT_UNITS),
        format_func=INPUT_UNITS.__getitem__,
        key=unit_key,
        on_change=_on_usage,
        args=(slot, "input_unit", "input_unit"),
    )
    _usage_number(cols[3], slot, form, OUTPUT)
    _usage_number(cols[4], slot, form, CALLS, placeholder="1")
    st.caption(
        "Items a month: empty = the volume answer. Input size: about 4 characters a token, "
        "about 500 tokens a page. Calls per item: 1, more with retries and tool calls."
    )
    runs_key = keys.option_usage(slot, "runs_on")
    _seed(runs_key, form.get("runs_on", "offering"))
    st.radio(
        "The model it runs on",
        list(RUNS_ON),
        format_func=RUNS_ON.__getitem__,
        key=runs_key,
        horizontal=True,
        on_change=_on_usage,
        args=(slot, "runs_on", "runs_on"),
    )
    runs_on = form.get("runs_on", "offering")
    gpus = {
        g.id: f"{g.title} — {_catalogue_band(g.hourly_price)} {catalogue.currency}/h on demand"
        for g in catalogue.gpu_classes
    }
    if runs_on == "self_hosted":
        cols = st.columns([3, 3, 2])
        sizes = {s.id: f"{s.title} ({s.params})" for s in catalogue.self_hosted_sizes}
        _choice(cols[0], slot, form, "size", "Model size", sizes)
        _choice(cols[1], slot, form, "gpu", "GPU class", gpus)
        pricing_key = keys.option_usage(slot, "pricing")
        _seed(pricing_key, form.get("pricing") or "on_demand")
        cols[2].selectbox(
            "GPU pricing",
            list(GPU_PRICING),
            format_func=GPU_PRICING.__getitem__,
            key=pricing_key,
            on_change=_on_usage,
            args=(slot, "pricing", "pricing"),
        )
    else:
        cols = st.columns([6, 2])
        if runs_on == "tier":
            _choice(cols[0], slot, form, "tier", "Price tier", _tier_choices(catalogue))
        else:
            _choice(cols[0], slot, form, "offering", "Offering", _offering_choices(catalogue))
        _usage_number(
            cols[1],
            slot,
            form,
            BATCH,
            placeholder="0",
            help="Share of the traffic sent through a batch interface (cheaper, slower).",
        )
    more = st.columns(3)
    _usage_number(more[0], slot, form, BACKLOG, placeholder="none")
    _quality(more[1], slot, option)
    with st.expander("Low and high ends (optional)"):
        st.caption(
            "Leave them empty when the figure is known; the cost bands and the break-even "
            "range span them."
        )
        ranged = RANGED + (FINE_TUNE_RANGED if form.get("fine_tune") else ())
        for figure in ranged:
            row = st.columns([3, 2, 2])
            row[0].write(
                figure.label if figure is not INPUT else f"{INPUT.label} ({INPUT_UNITS[unit]})"
            )
            _usage_number(
                row[1],
                slot,
                form,
                figure,
                "_low",
                label=f"{figure.label}: low",
                collapsed=True,
                placeholder="low",
            )
            _usage_number(
                row[2],
                slot,
                form,
                figure,
                "_high",
                label=f"{figure.label}: high",
                collapsed=True,
                placeholder="high",
            )
    tune_key = keys.option_usage(slot, "fine_tune")
    _seed(tune_key, bool(form.get("fine_tune")))
    st.checkbox(
        "Fine-tuned (training compute, one-time)",
        key=tune_key,
        on_change=_on_usage,
        args=(slot, "fine_tune", "fine_tune"),
    )
    if form.get("fine_tune"):
        tuning = st.columns(4)
        _usage_number(tuning[0], slot, form, FT_TOKENS)
        _usage_number(tuning[1], slot, form, FT_EPOCHS, placeholder="1")
        _usage_number(
            tuning[2],
            slot,
            form,
            FT_TPS,
            help="Your own figure: a trial run gives it; the catalogue has none.",
        )
        if runs_on != "self_hosted":
            _choice(tuning[3], slot, form, "ft_gpu", "GPU class for training", gpus)
    with st.expander("Your own figures instead of the catalogue's (optional)"):
        catalogue_says = _catalogue_figures(form, catalogue)
        st.caption(
            f"Negotiated prices or measured figures, in {catalogue.currency} like the "
            "catalogue. Empty: the catalogue's figure (shown greyed)."
        )
        named = (OV_INPUT, OV_OUTPUT) if runs_on != "self_hosted" else (OV_GPU, OV_TPS, OV_UTIL)
        cols = st.columns(len(named))
        for column, figure in zip(cols, named, strict=True):
            said = catalogue_says.get(figure.name)
            _usage_number(
                column,
                slot,
                form,
                figure,
                placeholder=f"catalogue: {said}" if said else "catalogue's figure",
                help=f"The catalogue says {said}." if said else None,
            )


def _quality(column: Any, slot: int, option: dict[str, Any]) -> None:
    key = keys.option_quality(slot)
    _seed(key, option.get("measured_quality"))
    column.number_input(
        "Measured quality (0–100)",
        value=None,  # clearable: empty is None, not 0
        min_value=0.0,
        max_value=100.0,
        step=1.0,
        format="%g",
        key=key,
        placeholder="not measured",
        help="Score on your own evaluation set, if measured (e.g. accuracy in %); the cost "
        "of one correct item is shown with it.",
        on_change=_on_quality,
        args=(slot,),
    )


def _amount(value: float) -> str:
    """Money without its currency, written as the report writes it (whole above 100, cents
    above 1, else two significant digits), so the page and the report agree."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1 or value == 0:
        return f"{value:,.2f}"
    return f"{value:.2g}"


def _band(band: Estimate, currency: str) -> str:
    """``10,325 EUR (10,289–10,436)``: the expected figure and, when it differs, the band."""
    said = f"{_amount(band.expected)} {currency}"
    low, high = _amount(band.low), _amount(band.high)
    if low == high == _amount(band.expected):  # a band too narrow to show
        return said
    return f"{said} ({low}–{high})"


def _break_even(usage: OptionUsage) -> str:
    """The break-even range in the report's words, with the expected case's month when the
    range spans several."""
    found = usage.cost.break_even
    said = break_even_words(found, usage.cost.horizon_months)
    if found.expected is not None and found.earliest != found.latest:
        said += f"; month {found.expected} in the expected case"
    return said


def _sensitive_words(usage: OptionUsage, currency: str) -> str | None:
    if not usage.most_sensitive:
        return None
    swing = usage.most_sensitive[0]
    name = INPUT_NAMES.get(swing.input, swing.input)
    if usage.sensitivity_measure == "break_even_month":

        def end(value: float | None) -> str:
            return f"month {value:g}" if value is not None else "never"

        return (
            f"{name} (break-even {end(swing.at_low)} at its low end, "
            f"{end(swing.at_high)} at its high end)"
        )
    return (
        f"{name} (net at the horizon {_amount(swing.at_low or 0)} {currency} at its low end, "
        f"{_amount(swing.at_high or 0)} {currency} at its high end)"
    )


def _entries_used(usage: dict[str, Any]) -> set[tuple[str, str]]:
    """The catalogue entries a saved usage block is priced from (for its staleness)."""
    used: set[tuple[str, str]] = set()
    if usage.get("offering"):
        used.add(("offering", usage["offering"]))
    if usage.get("tier"):
        used.add(("tier", usage["tier"]))
    hosted = usage.get("self_hosted")
    if isinstance(hosted, dict):
        used |= {
            ("self_hosted_size", str(hosted.get("size"))),
            ("gpu_class", str(hosted.get("gpu"))),
        }
        if (usage.get("overrides") or {}).get("utilisation") is None:
            used.add(("utilisation", "utilisation"))
    tune = usage.get("fine_tune")
    if isinstance(tune, dict):
        gpu = tune.get("gpu") or (hosted.get("gpu") if isinstance(hosted, dict) else None)
        used.add(("gpu_class", str(gpu)))
    return used


def _entry_title(catalogue: PriceCatalogue, kind: str, entry_id: str) -> str:
    if kind == "offering" and (offering := catalogue.offerings_by_id.get(entry_id)):
        return f"{offering.provider} {offering.model}"
    tables: dict[str, Any] = {
        "tier": catalogue.tiers_by_id,
        "gpu_class": catalogue.gpu_classes_by_id,
        "self_hosted_size": catalogue.self_hosted_sizes_by_id,
    }
    entry = tables.get(kind, {}).get(entry_id)
    if entry is not None:
        return str(entry.title)
    return "GPU utilisation" if kind == "utilisation" else entry_id


def _computed_figures(
    option: dict[str, Any],
    summary: CostSummary | None,
    computed: Costs,
    catalogue: PriceCatalogue,
) -> None:
    """What the saved usage gives, computed by scoring.options.costs on the current answers."""
    usage = summary.usage if summary is not None else None
    if usage is None:
        return
    cur = computed.currency
    cost = usage.cost
    # A price per item with ranges (from an answers file) runs on no catalogue model.
    lines = [] if usage.kind == "fixed" else [f"**Runs on:** {plain(usage.model)}"]
    lines += [
        f"**Monthly cost:** {_band(cost.monthly, cur)}",
        f"**One-time cost:** {_band(cost.one_time, cur)}",
    ]
    if cost.cost_per_item is not None:
        lines.append(f"**Cost per item:** {_band(cost.cost_per_item, cur)}")
    if usage.cost_per_good_item is not None:
        lines.append(f"**Cost per correct item:** {_band(usage.cost_per_good_item, cur)}")
    lines.append(f"**Break-even:** {_break_even(usage)}")
    sensitive = _sensitive_words(usage, cur)
    if sensitive:
        lines.append(f"**Most sensitive to:** {sensitive}")
    with st.container(border=True):
        st.caption(
            "Computed from the figures saved above, the labour rows and the price catalogue. "
            "Monthly cost and cost per item are all-in: model usage, hosting, maintenance, "
            "review and the hours the model does not free. Bands span the low-cost, expected, "
            "high-cost and low-volume cases."
        )
        st.markdown("  \n".join(lines))
    saved = (option.get("costs") or {}).get("usage") or {}
    if computed.prices is not None:
        used = _entries_used(saved)
        stale = [e for e in computed.prices.stale if (e.kind, e.id) in used]
        if stale:
            listed = "; ".join(
                f"{_entry_title(catalogue, e.kind, e.id)}: checked {e.checked.isoformat()}, "
                f"older than {computed.prices.max_age_days} days"
                for e in stale
            )
            st.warning(
                plain(
                    f"Catalogue figures past the policy's age limit — {listed}. Check them "
                    "against their sources, or enter your own figures above."
                )
            )


def _pricing(
    options: list[tuple[int, dict[str, Any]]],
    computed: Costs | None,
    failure: str | None,
    catalogue: PriceCatalogue,
) -> None:
    """Per adoption option: how it is priced, its usage, and what that gives."""
    st.markdown("#### How each option is priced")
    if failure:
        st.warning(plain(failure))
    for problem in computed.problems if computed is not None else []:
        st.warning(plain(f"Not priced from usage: {problem}"))
    summaries = {s.id: s for s in computed.options} if computed is not None else {}
    for slot, option in options:
        form = _draft(option)
        with st.container(border=True):
            st.markdown(f"**{plain(option['title'])}**")
            key = keys.option_pricing(slot)
            _seed(key, form.get("mode", "usage"))
            st.radio(
                "How it is priced",
                list(PRICING_MODES),
                format_func=PRICING_MODES.__getitem__,
                key=key,
                horizontal=True,
                on_change=_on_pricing,
                args=(slot,),
            )
            summary = summaries.get(option["id"])
            if form.get("mode", "usage") == "price":
                _price_per_item(slot, option)
                if computed is not None:
                    _computed_figures(option, summary, computed, catalogue)
                continue
            _usage_form(slot, option, form, catalogue, summary)
            found = _check_usage(option, form)
            for error in found.errors:
                st.error(plain(error))
            saved = (option.get("costs") or {}).get("usage")
            if found.missing:
                st.info(
                    plain(
                        "Not priced yet: give "
                        + ", ".join(found.missing)
                        + ". What you typed is saved with the assessment; the option is "
                        "priced from it once it is complete."
                    )
                )
            if (found.errors or found.missing) and saved:
                st.caption("The figures below are from the last usage that could be saved.")
            if saved and (summary is None or summary.usage is None):
                st.caption("Saved, but not priced: see the warning above this option.")
            if computed is not None:
                _computed_figures(option, summary, computed, catalogue)


def _price_per_item(slot: int, option: dict[str, Any]) -> None:
    cols = st.columns(3)
    for column, (field, label) in zip(
        cols,
        [
            ("price_per_item", "Provider price per item"),
            ("items_per_month", "Items per month (empty: the volume answer)"),
        ],
        strict=False,
    ):
        key = keys.option_cost(slot, field)
        _seed(key, (option.get("costs") or {}).get(field))
        column.number_input(
            label,
            value=None,  # clearable: empty is None, not 0
            min_value=0.0,
            step=0.01 if field == "price_per_item" else 100.0,
            format="%g",
            key=key,
            on_change=_on_cost,
            args=(slot, field),
        )
    _quality(cols[2], slot, option)


def _exchange_rate(catalogue: PriceCatalogue) -> None:
    """The rate from the catalogue's currency, asked only when it differs from the
    assessment's: without it, usage cannot be priced."""
    extra = state.extra()
    mine = str(extra.get("currency") or "EUR")
    theirs = catalogue.currency
    if theirs == mine:
        return
    key = keys.exchange_rate(theirs)
    rate = (extra.get("exchange_rates") or {}).get(theirs)
    _seed(key, rate)
    left, right = st.columns([1, 3])
    left.number_input(
        f"Exchange rate: {plain(mine)} per 1 {theirs}",
        value=None,  # clearable: empty is None, not 0
        min_value=0.0,
        step=0.01,
        format="%g",
        key=key,
        placeholder="not given",
        help=f"The price catalogue is in {theirs}; the costs here are in {plain(mine)}.",
        on_change=_on_exchange_rate,
        args=(theirs,),
    )
    if st.session_state.get(key) == 0:
        right.error(f"Exchange rate: must be above 0 ({plain(mine)} per 1 {theirs}).")
    elif not rate:
        right.warning(
            f"No exchange rate from {theirs} to {plain(mine)}: options priced from usage "
            f"cannot be priced without it. Enter how many {plain(mine)} one {theirs} is worth."
        )


def _computed(usable: Answers, catalogue: PriceCatalogue) -> tuple[Costs | None, str | None]:
    """The options' costs on the current answers, once per run; a failure is a message."""
    try:
        return cost_model(state.rubric(), usable, catalogue), None
    except Exception as exc:  # a page shows a message, never a traceback
        log.exception("costs could not be computed")
        return None, f"The costs could not be computed: {exc}"


def _hours_caption() -> str:
    """Where today's hours come from: the labour rows below, else the Assess answer."""
    rubric = state.rubric()
    usable, _ = state.current_answers()
    now, freed = labour_hours(rubric, usable)
    if usable.labour:
        return (
            f"Hours come from the labour rows below: {now:,g} hours a week today, "
            f"{freed:,g} of them freed. Today's cost and each option's saving use these hours."
        )
    if now:
        return (
            f"Hours come from your answer on Assess: {now:,g} hours a week, all taken over "
            "by the model. Split them by role under Labour to say what stays with people."
        )
    return (
        "Enter today's hours under Labour (per role, a week): today's cost and each "
        "option's saving are computed from them."
    )


def _labour() -> None:
    st.subheader("Labour")
    st.caption(
        "Repetitive work per role today, the share the model removes, and where the time goes."
    )
    roles = list(state.extra().get("labour") or [])
    for row in range(min(len(roles) + 1, MAX_ROLES)):
        current = roles[row] if row < len(roles) else {}
        cols = st.columns([2, 1, 1, 3])
        for column, (field, label, value) in zip(
            cols,
            [
                ("role", "Role", current.get("role", "")),
                ("hours_per_week", "Hours a week", current.get("hours_per_week", 0.0)),
                (
                    "share_removed",
                    "Share removed (%)",
                    round(100 * current.get("share_removed", 0.0)),
                ),
                ("moves_to", "Freed time goes to", current.get("moves_to", "")),
            ],
            strict=True,
        ):
            key = keys.labour_role(row, field)
            _seed(key, value)
            if field in ("role", "moves_to"):
                column.text_input(
                    label,
                    key=key,
                    max_chars=MAX_ROLE_CHARS if field == "role" else MAX_MOVES_TO_CHARS,
                    on_change=_on_role,
                    args=(row, field),
                )
            elif field == "share_removed":
                column.number_input(
                    label, 0, 100, step=5, key=key, on_change=_on_role, args=(row, field)
                )
            else:
                column.number_input(
                    label, 0.0, step=1.0, key=key, on_change=_on_role, args=(row, field)
                )


def render() -> None:
    """The Options & costs page: options, their own answers, cost figures, labour."""
    st.title("Options & costs")
    st.write(
        "Compare up to four ways of adopting — for example a hosted large model, a "
        "self-hosted fine-tuned one, and keeping today's process — with what each costs "
        "over time and how much repetitive work it frees. The Report compares them."
    )
    usable, problems = state.current_answers()
    for problem in problems:
        if "options" in problem.path or not problem.path:
            st.warning(plain(problem_sentence(problem, state.rubric())))
    catalogue = prices.active_catalogue()
    computed, failure = _computed(usable, catalogue)
    _option_slots()
    _option_answers(computed)
    _costs(catalogue, computed, failure)
    _labour()
    st.divider()
    _, forward = st.columns([4, 2])
    if forward.button("Next: the Report →", key="nav_report", type="primary", width="stretch"):
        st.switch_page(page_script("report"))


run_page(render)
