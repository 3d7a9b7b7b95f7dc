"""Every key the app reads or writes in Streamlit's session state, and what it holds.

Two sorts of key live in the session:

* **Values the app keeps** (``aa_*``). No widget owns them, so they survive a run that
  does not draw the widget that changed them (Streamlit drops a widget's own state when
  the widget is not drawn), and pages agree on them. Read and change them through
  :mod:`ui.state` where it offers a function.
* **Widget keys**. The app seeds a widget from the kept values and reads the widget back in
  its callback, so both sides must spell the key the same: the builders below do. Buttons
  and other widgets whose state the code never reads keep their key beside the widget.

Tests drive widgets by these keys (``AppTest.radio(key=keys.answer(...))``).
"""

from __future__ import annotations

# --- the open assessment (ui.state) -------------------------------------------------------------

#: The open assessment's id (``str``), or None until its first save creates it.
ASSESSMENT_ID = "aa_id"
#: The revision (``int``) this session last saved or loaded; a save over another is refused.
REVISION = "aa_revision"
#: Every answer the person gave (``dict[str, AnswerValue]``), kept even when the policy
#: version sets some aside.
ANSWERS = "aa_answers"
#: Notes per question (``dict[str, str]``).
NOTES = "aa_notes"
#: The assessment's title (``str``).
TITLE = "aa_title"
#: The Assess page's current step: the index of the section shown (``int``).
STEP = "aa_step"
#: The answers file's other blocks (``dict[str, Any]``): options, cost figures, today's
#: process, labour, currency, horizon.
EXTRA = "aa_extra"
#: The :class:`~scoring.Rubric` of the session's policy version (parsed once per version).
RUBRIC = "aa_rubric"
#: The :class:`~advisor.storage.PolicyVersion` the open assessment is scored under.
POLICY_VERSION = "aa_policy_version"
#: The other session's :class:`~advisor.storage.Assessment` when a save met a newer
#: revision; None once the person chose which to keep.
CONFLICT = "aa_conflict"

# --- the database and errors (ui.state, ui.common) ----------------------------------------------

#: Why the session's latest changes are not in the database (``str``), kept until a save
#: succeeds.
UNSAVED = "aa_unsaved_reason"
#: A database failure seen during this run (``str``); cleared when each run starts.
FAILED_THIS_RUN = "aa_db_failed_this_run"
#: Whether the database banner was drawn in this run (``bool``): it is drawn once.
BANNER_SHOWN = "aa_db_banner_shown"
#: An error a widget callback hit (``(kind, detail)``), shown when the page runs next.
CALLBACK_ERROR = "aa_callback_error"
#: The one message waiting for the next run (``ui.common.Flash``: its kind and text):
#: "Deleted.", "Published default v3.", "Loaded 12 answers from a.yaml.", … Set with
#: ``ui.common.flash``; shown once, on whatever page runs next.
FLASH = "aa_flash"

# --- roles (ui.auth) ----------------------------------------------------------------------------

#: Whether this browser session entered the admin passphrase (``bool``).
ADMIN_FLAG = "aa_admin"
#: This browser session's id for the passphrase gate's lockout (``str``).
CLIENT = "aa_client"

# --- Assess: first contact ------------------------------------------------------------------------

#: Whether this session has seen the first-visit introduction through (``bool``): set by
#: either of its actions, or once something is entered, so it is not shown again.
INTRO_DONE = "aa_intro_done"

# --- Assess: importing answers ------------------------------------------------------------------

#: The ``file_id`` of the answers file last read (``str``), so a rerun does not read it again.
UPLOAD_SEEN = "aa_upload_seen"
#: The answers file that was refused: ``(its name, list[Problem])``; shown until the next
#: upload.
UPLOAD_ERROR = "aa_upload_error"

# --- Assessments: the list ----------------------------------------------------------------------

#: Set (``True``) by the Open button's callback: the next run switches to the Assess page.
GO_ASSESS = "aa_go_assess"
#: The id of the assessment whose deletion waits for "Yes, delete" (``str``).
CONFIRM_DELETE = "aa_confirm_delete"
#: The id of the assessment whose title is being edited (``str``).
RENAMING = "aa_renaming"
#: The list's page number (``int``, from 1).
LIST_PAGE = "list_page"

# --- Policy: the draft --------------------------------------------------------------------------

#: The draft: ``(Rubric, the pk it will publish on top of or None, where it came from)``.
DRAFT = "aa_draft"
#: The edits made in the editor on top of the draft (``PolicyEdits``).
POLICY_EDITS = "aa_policy_edits"
#: The last dry run: ``(the draft's JSON, list[RescoreChange])``.
DRY_RUN = "aa_dry_run"
#: The policy file that was refused: ``(its name, list[Problem])``.
POLICY_ERROR = "aa_policy_error"
#: The ``file_id`` of the policy file last read (``str``).
POLICY_SEEN = "aa_policy_seen"
#: Why publishing was refused (``str``), shown until the next attempt.
PUBLISH_ERROR = "aa_publish_error"

# --- widget keys: Assess ------------------------------------------------------------------------

#: The assessment title input.
TITLE_INPUT = "title_input"
#: The decision owner input (who takes the decision; kept in the extra block "owner").
OWNER_INPUT = "owner_input"
#: The "Prepared by" input (who prepared the assessment; kept in the extra block "author").
AUTHOR_INPUT = "author_input"
#: The row of sections (pills) at the top of Assess: the index of the section shown.
JUMP_SECTION = "jump_section"
#: The introduction's choice of example (the example file's path).
INTRO_EXAMPLE = "intro_example"
#: The answers file uploader.
ANSWERS_UPLOAD = "answers_upload"


def answer(question_id: str) -> str:
    """The Assess page's answer widget for a question."""
    return f"answer__{question_id}"


def unknown(question_id: str) -> str:
    """The Assess page's "Don't know" box (multiple choice and number questions)."""
    return f"unknown__{question_id}"


def note(question_id: str) -> str:
    """The Assess page's note on a question."""
    return f"note__{question_id}"


#: The Assess page's widgets, forgotten (to be seeded again) when other answers are loaded.
ASSESS_WIDGETS = ("answer__", "unknown__", "note__", TITLE_INPUT, OWNER_INPUT, AUTHOR_INPUT)

# --- widget keys: Options & costs ---------------------------------------------------------------


def option_title(slot: int) -> str:
    """The title of the option in ``slot`` (0-based, in the order the options were added)."""
    return f"opt_title_{slot}"


def option_baseline(slot: int) -> str:
    """The "Today's process" box of the option in ``slot``."""
    return f"opt_base_{slot}"


def option_answer(slot: int, question_id: str) -> str:
    """The answer widget of a per-option question for the option in ``slot``."""
    return f"opt_ans_{slot}_{question_id}"


def option_unknown(slot: int, question_id: str) -> str:
    """The "Don't know" box of a per-option question for the option in ``slot``."""
    return f"opt_unk_{slot}_{question_id}"


def option_cost(slot: int, field: str) -> str:
    """One cost figure of the option in ``slot``."""
    return f"opt_cost_{slot}_{field}"


def cost_setting(name: str) -> str:
    """A figure shared by every option: hourly rate, today's costs, horizon, currency."""
    return f"set_{name}"


def exchange_rate(currency: str) -> str:
    """The exchange rate input: units of the assessment's currency per unit of ``currency``
    (the price catalogue's), kept in the extra block's ``exchange_rates``."""
    return f"set_fx_{currency}"


def option_pricing(slot: int) -> str:
    """How the option in ``slot`` is priced: from usage and the price catalogue, or a price
    per item."""
    return f"opt_pricing_{slot}"


def option_usage(slot: int, field: str) -> str:
    """One usage field of the option in ``slot`` (see ``ui.options.USAGE_FIELDS``; a low or
    high end is ``<field>_low`` / ``<field>_high``)."""
    return f"opt_use_{slot}_{field}"


def option_quality(slot: int) -> str:
    """The measured quality (0–100) of the option in ``slot``."""
    return f"opt_quality_{slot}"


#: The usage form of each option as typed (``dict[option id, dict[str, Any]]``), including
#: what could not be saved yet (an incomplete or inconsistent usage block is never written
#: into the answers). Not a widget key, but it starts with ``opt_`` on purpose: it is
#: forgotten with the option widgets when other answers are loaded.
USAGE_DRAFTS = "opt_usage_drafts"


def labour_role(row: int, field: str) -> str:
    """One field of the labour role in ``row``."""
    return f"role_{row}_{field}"


#: The widgets tied to an option's or a role's position: forgotten when one is removed (the
#: rest move up a slot) and when other answers are loaded.
OPTION_WIDGETS = ("opt_", "role_", "set_")

# --- widget keys: Assessments -------------------------------------------------------------------


def rename(item_id: str) -> str:
    """The new-title input of an assessment in the list."""
    return f"rename_{item_id}"


# --- widget keys: Policy ------------------------------------------------------------------------

#: The rubric file a draft starts from.
POLICY_FILE = "pol_file"
#: The share of each section's weight that must be answered (%).
POLICY_FINALITY = "pol_finality"
#: The change note for publishing.
POLICY_NOTE = "pol_note"
#: "Make it active for new assessments".
POLICY_ACTIVATE = "pol_activate"
#: The policy file uploader.
POLICY_UPLOAD = "pol_upload"


def activate_choice(active_pk: int) -> str:
    """The "Version for new assessments" select box while version ``active_pk`` is active:
    a new active version gets a new box, which starts at it (see ``ui.policy._versions``)."""
    return f"pol_activate_pk_{active_pk}"


def threshold(name: str) -> str:
    """The editor's input for a threshold (``recommend`` or ``adapt``)."""
    return f"pol_th_{name}"


def section_weight(section_id: str) -> str:
    """The editor's input for a section's weight."""
    return f"pol_sw_{section_id}"


def question_weight(question_id: str) -> str:
    """The editor's input for a question's weight."""
    return f"pol_qw_{question_id}"


def rule_switch(rule_id: str) -> str:
    """The editor's switch for a hard rule."""
    return f"pol_rule_{rule_id}"


def condition_switch(condition_id: str) -> str:
    """The editor's switch for a condition of adoption."""
    return f"pol_cond_{condition_id}"


#: The editor's widgets, seeded from the draft: forgotten when a new draft starts.
EDITOR_WIDGETS = ("pol_th_", "pol_sw_", "pol_qw_", "pol_rule_", "pol_cond_", POLICY_FINALITY)
