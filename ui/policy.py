"""Policy: edit a draft with a live preview, dry-run it on every saved assessment, publish
it as an immutable version (admins), choose the version new assessments use, and choose
the price catalogue options are priced from (the shipped one, or a company file over it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import streamlit as st

from advisor.storage import CompanyPriceFile, PolicyVersion, RescoreChange
from scoring import AdvisorError, Rubric, Verdict, parse_rubric
from scoring.calibration import Calibration, ReferenceCase, calibrate, load_cases
from scoring.catalogue import (
    KIND_NOUNS,
    DatedEntry,
    PriceCatalogue,
    StaleEntry,
    future_entries,
    merge_catalogues,
    parse_catalogue,
    stale_entries,
)
from scoring.policy import (
    PolicyEdits,
    apply_edits,
    policy_differences,
    rubric_to_yaml,
    section_changes,
)
from scoring.rubrics import default_rubric_path, reference_dir, rubric_dir
from ui import auth, keys, prices, state
from ui.common import callback, flash, plain, quantity, run_page, show_problems, verdict_badge
from ui.keys import DRAFT, DRY_RUN, POLICY_EDITS
from ui.wording import ADAPT_LABEL, RECOMMEND_LABEL, problem_sentence, refused_heading

# --- the draft: a rubric, the version it was edited from, and the edits on top ----------------


def _draft() -> tuple[Rubric, int | None, str]:
    draft = st.session_state.get(DRAFT)
    if draft is None:
        active = state.store().active_version()
        assert active is not None
        draft = (active.rubric(), active.pk, f"published {active.label}")
        st.session_state[DRAFT] = draft
    rubric, base_pk, source = draft
    return rubric, base_pk, source


def _edits() -> PolicyEdits:
    edits: PolicyEdits = st.session_state.setdefault(POLICY_EDITS, PolicyEdits())
    return edits


def _forget_editor() -> None:
    st.session_state.pop(POLICY_EDITS, None)
    st.session_state.pop(DRY_RUN, None)
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(keys.EDITOR_WIDGETS):
            del st.session_state[key]


def _start_draft(rubric: Rubric, source: str) -> None:
    """A new draft; it will publish on top of the newest version with the same id."""
    head = state.store().head(rubric.id)
    st.session_state[DRAFT] = (rubric, head.pk if head else None, source)
    _forget_editor()


def _verdict_word(verdict: str | None) -> str:
    """A verdict as the pages write it ("Recommend"), "Provisional", or "—" for none."""
    if verdict is None:
        return "—"
    return "Provisional" if verdict == "provisional" else Verdict(verdict).label


def _sentences(exc: AdvisorError) -> str:
    return " ".join(problem_sentence(p) for p in exc.problems)


# --- callbacks --------------------------------------------------------------------------------


@callback
def _on_threshold(name: str) -> None:
    setattr(_edits(), name, float(st.session_state[keys.threshold(name)]))


@callback
def _on_section_weight(section_id: str) -> None:
    _edits().section_weights[section_id] = float(st.session_state[keys.section_weight(section_id)])


@callback
def _on_question_weight(question_id: str) -> None:
    _edits().question_weights[question_id] = float(
        st.session_state[keys.question_weight(question_id)]
    )


@callback
def _on_rule(rule_id: str) -> None:
    _edits().rules_enabled[rule_id] = bool(st.session_state[keys.rule_switch(rule_id)])


@callback
def _on_condition(condition_id: str) -> None:
    _edits().conditions_enabled[condition_id] = bool(
        st.session_state[keys.condition_switch(condition_id)]
    )


@callback
def _on_finality() -> None:
    _edits().min_answered_share = float(st.session_state[keys.POLICY_FINALITY]) / 100


@callback
def _load_file() -> None:
    path = st.session_state.get(keys.POLICY_FILE)
    if not path:
        return
    try:
        rubric = state.shipped_rubric(str(path))
    except AdvisorError as exc:
        st.session_state[keys.POLICY_ERROR] = (Path(path).name, exc.problems)
        return
    st.session_state.pop(keys.POLICY_ERROR, None)
    _start_draft(rubric, f"file rubric/{Path(path).name}")


@callback
def _reset_to_shipped() -> None:
    path = default_rubric_path()
    _start_draft(state.shipped_rubric(str(path)), f"the shipped default rubric/{path.name}")


@callback
def _from_newest() -> None:
    rubric, _, _ = _draft()
    head = state.store().head(rubric.id)
    if head is not None:
        _start_draft(head.rubric(), f"published {head.label}")


@callback
def _publish(edited: Rubric, base_pk: int | None) -> None:
    note = st.session_state.get(keys.POLICY_NOTE, "")
    activate = bool(st.session_state.get(keys.POLICY_ACTIVATE, True))
    try:
        version = state.publish_policy(edited, note=note, base_pk=base_pk, activate=activate)
    except AdvisorError as exc:
        st.session_state[keys.PUBLISH_ERROR] = _sentences(exc)
        return
    st.session_state.pop(keys.PUBLISH_ERROR, None)
    flash(f"Published {version.label}.")
    st.session_state.pop(DRAFT, None)
    _forget_editor()


@callback
def _activate(pk: int) -> None:
    state.activate_policy(pk)
    flash(f"New assessments now use {state.store().version(pk).label}.")


# --- page parts -------------------------------------------------------------------------------


def _seed(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _sources() -> None:
    files = [str(p) for p in state.rubric_files()]
    left, right = st.columns([3, 2])
    with left:
        st.selectbox(
            f"Start a draft from a file in {plain(rubric_dir().name)}/",
            files,
            key=keys.POLICY_FILE,
            index=None,
            placeholder="Choose a policy file",
            format_func=lambda n: Path(n).name,
            on_change=_load_file,
        )
        # A row that wraps: in two fixed columns the labels were cut ("…published v…").
        with st.container(horizontal=True):
            st.button("Start over from the newest published version", on_click=_from_newest)
            st.button("Reset the draft to the shipped default", on_click=_reset_to_shipped)
    with right:
        upload = st.file_uploader(
            "…or upload a policy (YAML)",
            # Any file is taken and checked here, so the error names the file just uploaded
            # (a file the uploader refused by its type never reached the page).
            type=None,
            key=keys.POLICY_UPLOAD,
        )
        if upload is not None and st.session_state.get(keys.POLICY_SEEN) != upload.file_id:
            st.session_state[keys.POLICY_SEEN] = upload.file_id
            try:
                rubric = parse_rubric(upload.getvalue(), upload.name)
            except AdvisorError as exc:
                st.session_state[keys.POLICY_ERROR] = (upload.name, exc.problems)
            else:
                st.session_state.pop(keys.POLICY_ERROR, None)
                _start_draft(rubric, f"upload {upload.name}")
                st.rerun()
        if upload is None:
            st.session_state.pop(keys.POLICY_SEEN, None)
    if refused := st.session_state.get(keys.POLICY_ERROR):
        name, problems = refused
        show_problems(refused_heading(name, "your draft is unchanged"), problems)


def _weight_input(
    label: str, key: str, weight: float, callback: Callable[[str], None], item_id: str
) -> None:
    _seed(key, float(weight))
    st.number_input(
        label, 0.0, 100.0, step=0.1, key=key, format="%g", on_change=callback, args=(item_id,)
    )


def _editor(draft: Rubric) -> None:
    st.subheader("Thresholds")
    left, right = st.columns(2)
    _seed(keys.threshold("recommend"), float(draft.thresholds.recommend))
    _seed(keys.threshold("adapt"), float(draft.thresholds.adapt))
    left.number_input(
        RECOMMEND_LABEL,
        0.0,
        100.0,
        step=1.0,
        key=keys.threshold("recommend"),
        on_change=_on_threshold,
        args=("recommend",),
    )
    right.number_input(
        ADAPT_LABEL,
        0.0,
        100.0,
        step=1.0,
        key=keys.threshold("adapt"),
        on_change=_on_threshold,
        args=("adapt",),
    )
    st.subheader("Section weights")
    st.caption(
        "A weight is importance, not strictness: raising a section's weight pulls the overall "
        "score towards that section's score, so a case with low risks rises when risks weigh "
        "more. To be stricter about something, use a hard rule or a condition, or raise the "
        "thresholds."
    )
    columns = st.columns(3)
    for index, section in enumerate(draft.sections):
        with columns[index % 3]:
            _weight_input(
                plain(section.title),
                keys.section_weight(section.id),
                section.weight,
                _on_section_weight,
                section.id,
            )
    st.subheader("Question weights")
    for section in draft.sections:
        with st.expander(plain(section.title)):
            for question in draft.questions:
                if question.section == section.id:
                    _weight_input(
                        plain(question.prompt),
                        keys.question_weight(question.id),
                        question.weight,
                        _on_question_weight,
                        question.id,
                    )
    st.subheader("When a verdict is final")
    _seed(keys.POLICY_FINALITY, round(draft.finality.min_answered_share * 100))
    st.slider(
        "Share of each section's question weight that must be answered (%)",
        0,
        100,
        step=5,
        key=keys.POLICY_FINALITY,
        on_change=_on_finality,
        help="Below it the verdict is provisional, unless no open answer could change it.",
    )
    st.subheader("Conditions of adoption (each caps the verdict at Adapt)")
    for condition in draft.conditions:
        key = keys.condition_switch(condition.id)
        _seed(key, condition.enabled)
        st.toggle(
            plain(condition.title),
            key=key,
            on_change=_on_condition,
            args=(condition.id,),
            help=plain(condition.text),
        )
    st.subheader("Hard rules")
    for rule in draft.hard_rules:
        key = keys.rule_switch(rule.id)
        _seed(key, rule.enabled)
        st.toggle(
            f"{plain(rule.title)} (caps at {rule.cap})",
            key=key,
            on_change=_on_rule,
            args=(rule.id,),
            help=plain(rule.reason),
        )


def _preview(edited: Rubric | None) -> None:
    st.subheader("Preview for the open assessment")
    current = state.rubric()
    # Scored as every other page scores it (state.current_result: with options, the main
    # option's answers), so "before" is the score the Report and Re-score show.
    before = state.current_result(current)
    if before is None:
        st.info("Answer some questions on the Assess page to preview the effect of an edit.")
        return
    left, right = st.columns(2)
    with left:
        st.markdown("**Before** (its policy)")
        verdict_badge(before, f"{current.id} v{current.version}", compact=True)
    if edited is None:
        right.markdown("**After**")
        right.write("Fix the problems above to see the preview.")
        return
    after = state.current_result(edited)
    if after is None:
        right.markdown("**After** (the draft)")
        right.write("No question the draft weighs is answered.")
        return
    with right:
        st.markdown("**After** (the draft)")
        verdict_badge(after, f"{edited.id} v{edited.version}", compact=True)
    moved = [c for c in section_changes(before, after) if c.moved]
    if not moved:
        st.caption("No section moved.")
        return
    st.markdown("**Sections that moved**")
    st.dataframe(
        [
            {
                "Section": c.title,
                "Weight": f"{c.weight_before:g} → {c.weight_after:g}",
                "Score": f"{c.before if c.before is not None else '—'} → {c.after if c.after is not None else '—'}",
                "Points": f"{c.points_before:+.2f} → {c.points_after:+.2f}",
            }
            for c in moved
        ],
        hide_index=True,
    )


@st.cache_resource(show_spinner=False)
def _reference_cases(folder: str) -> tuple[list[ReferenceCase], str | None]:
    try:
        return load_cases(folder), None
    except AdvisorError as exc:
        return [], _sentences(exc)


@st.cache_data(max_entries=16, show_spinner="Checking the reference decisions…")
def _calibration(rubric_json: str, folder: str) -> tuple[Calibration | None, str | None]:
    cases, error = _reference_cases(folder)
    if error is not None:
        return None, error
    try:
        return calibrate(Rubric.model_validate_json(rubric_json), cases), None
    except AdvisorError as exc:
        return None, _sentences(exc)


def _reference_check(edited: Rubric) -> None:
    st.subheader("Reference decisions")
    folder = reference_dir()
    result, error = _calibration(edited.model_dump_json(), str(folder))
    if result is None:
        st.warning(plain(f"The reference decisions in {folder} cannot be checked: {error}"))
        return
    total = len(result.cases)
    st.metric(
        "Known decisions the draft agrees with",
        f"{result.agreeing} of {total}",
        help="Cases with expected verdicts (examples/reference, or the folder named by "
        "ADVISOR_REFERENCE_DIR — a company's own past decisions).",
    )
    st.caption(plain(f"{result.summary()} under the draft ({folder})."))
    if not result.disagreeing:
        return
    st.dataframe(
        [
            {
                "Case": c.title,
                "Expected": _verdict_word(c.expected),
                "Draft gives": _verdict_word(c.got),
                "Score": c.score,
                "Why": c.decision,
                "Mismatch": "; ".join(c.mismatches),
            }
            for c in result.disagreeing
        ],
        hide_index=True,
    )


def _dry_run(edited: Rubric) -> None:
    st.subheader("Dry run on every saved assessment")
    db = state.store()
    total = db.count_assessments()
    st.caption(
        f"Scores {'the' if total == 1 else 'all'} {quantity(total, 'saved assessment')} under the "
        "draft and compares with the current verdicts. Nothing is written."
    )
    if st.button("Run the dry run", key="pol_dry_run", disabled=total == 0):
        bar = st.progress(0.0, text="Re-scoring…")

        def progress(done: int, count: int) -> None:
            bar.progress(done / count, text=f"Re-scored {done} of {count}")

        computed = db.rescore(edited, progress=progress)
        bar.empty()
        st.session_state[DRY_RUN] = (edited.model_dump_json(), computed)
    stored = st.session_state.get(DRY_RUN)
    if stored is None or stored[0] != edited.model_dump_json():
        return
    changes: list[RescoreChange] = stored[1]
    changed = [c for c in changes if c.verdict_changed]
    st.metric("Verdicts that would change", f"{len(changed)} of {len(changes)}")
    moves = Counter(
        f"{_verdict_word(c.before_verdict)} → {_verdict_word(c.after_verdict)}" for c in changed
    )
    if moves:
        st.markdown(plain(" · ".join(f"{move}: {count}" for move, count in sorted(moves.items()))))
        st.dataframe(
            [
                {
                    "Assessment": c.title,
                    "Before": _verdict_word(c.before_verdict),
                    "After": _verdict_word(c.after_verdict),
                    "Score before": c.before_score,
                    "Score after": c.after_score,
                    "Open": f"/?a={c.id}",
                }
                for c in changed
            ],
            column_config={"Open": st.column_config.LinkColumn("Open", display_text="Open")},
            hide_index=True,
        )


def _draft_changes(edited: Rubric, base: PolicyVersion | None) -> None:
    """What publishing the draft would change, in sentences, against the version it was
    edited from: the owner sees what they are about to publish, not only a new number."""
    if base is None:
        st.caption("A new policy: nothing published before it to compare with.")
        return
    changes = policy_differences(base.rubric(), edited)
    st.markdown(f"**What the draft changes from {plain(base.label)}**")
    if changes:
        st.markdown("\n".join(f"- {plain(line)}" for line in changes))
    else:
        st.caption(
            "No threshold, weight, rule, condition or question differs yet (only wording or "
            "the version number, if anything)."
        )


def _publish_panel(edited: Rubric, base_pk: int | None, base_label: str) -> None:
    st.subheader("Publish")
    if error := st.session_state.get(keys.PUBLISH_ERROR):
        st.error(plain(error), icon=":material/sync_problem:")
    st.download_button(
        f"Download the draft (YAML, version {plain(edited.version)})",
        data=lambda: rubric_to_yaml(edited),
        file_name=f"{edited.id}-{edited.version}.yaml",
        mime="application/x-yaml",
        on_click="ignore",
    )
    admin = auth.is_admin()
    st.text_input(
        "Change note", key=keys.POLICY_NOTE, placeholder="What changed and why", disabled=not admin
    )
    st.checkbox(
        "Make it active for new assessments",
        value=True,
        key=keys.POLICY_ACTIVATE,
        disabled=not admin,
    )
    st.button(
        f"Publish as {plain(edited.id)} v{plain(edited.version)}",
        type="primary",
        disabled=not admin,
        on_click=_publish,
        args=(edited, base_pk),
        help=None if admin else "Publishing needs the admin role.",
    )
    st.caption(plain(f"Edited from {base_label}."))
    st.button("Discard the draft", on_click=_discard_draft)


def _discard_draft() -> None:
    st.session_state.pop(DRAFT, None)
    _forget_editor()


def _versions(active: PolicyVersion) -> None:
    db = state.store()
    versions = db.versions()
    st.dataframe(
        [
            {
                "#": v.pk,
                "Policy": v.rubric_id,
                "Version": v.version,
                "Active": "active" if v.pk == active.pk else "",
                "Published": f"{v.created_at:%Y-%m-%d %H:%M}",
                "By": v.author,
                "Note": v.note,
                "SHA-256": v.sha256[:12],
            }
            for v in reversed(versions)
        ],
        hide_index=True,
    )
    labels = {v.pk: f"#{v.pk} {v.label}" for v in versions}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    # Keyed by the active version: a select box keeps its own choice across runs and ignores
    # ``index`` once drawn, so after a publish (or an Activate, here or elsewhere) it would
    # still offer the old version with Activate enabled, and one click would undo the
    # publish. A new active version gets a new box, starting at it.
    chosen = left.selectbox(
        "Version for new assessments",
        list(labels),
        format_func=labels.__getitem__,
        key=keys.activate_choice(active.pk),
        index=list(labels).index(active.pk),
    )
    right.button(
        "Activate",
        key="pol_activate_button",
        on_click=_activate,
        args=(chosen,),
        disabled=chosen == active.pk or not auth.is_admin(),
        help=None if auth.is_admin() else "Making a version active needs the admin role.",
    )
    _version_changes(db.version(chosen), active)


def _version_changes(version: PolicyVersion, active: PolicyVersion) -> None:
    """The chosen version's change note and what it changed from the version it was
    published on top of, so choosing one is an informed choice."""
    now = " (active)" if version.pk == active.pk else ""
    with st.container(border=True):
        st.markdown(
            f"**{plain(version.label)}{now}** — published {version.created_at:%Y-%m-%d} by "
            f"{plain(version.author)}"
        )
        if version.note.strip():
            st.markdown(f"Change note: “{plain(version.note.strip())}”")
        else:
            st.caption("No change note was written for this version.")
        if version.parent_pk is None:
            st.caption("The first version of this policy: nothing earlier to compare with.")
            return
        parent = state.store().version(version.parent_pk)
        changes = policy_differences(parent.rubric(), version.rubric())
        if changes:
            st.markdown(f"What it changed from {plain(parent.label)}:")
            st.markdown("\n".join(f"- {plain(line)}" for line in changes))
        else:
            st.caption(
                plain(
                    f"No threshold, weight, rule, condition or question differs from "
                    f"{parent.label}."
                )
            )


def render() -> None:
    """The Policy page: the draft's editor, preview, reference check, dry run and publish;
    the published versions."""
    st.title("Policy")
    db = state.store()
    active = db.active_version()
    assert active is not None
    mine = state.policy_version()
    st.markdown(
        f"New assessments use **{plain(active.label)}** (published "
        f"{active.created_at:%Y-%m-%d} by {plain(active.author)}). The open assessment is "
        f"scored with **{plain(mine.label)}**."
    )
    auth.sign_in_panel()
    _newer_shipped(active)

    draft, base_pk, source = _draft()
    st.divider()
    st.header(plain(f"Draft: {draft.id} from {source}"))
    _sources()
    edit_col, side_col = st.columns([3, 2], gap="large")
    with edit_col:
        _editor(draft)
    edits = _edits()
    edited: Rubric | None = draft
    with side_col:
        if not edits.is_empty():
            try:
                edited = apply_edits(draft, edits)
            except AdvisorError as exc:
                edited = None
                show_problems("These edits do not make a valid policy:", exc.problems, draft)
        _preview(edited)
        if edited is not None:
            _reference_check(edited)
            _dry_run(edited)
            if not edits.is_empty() or not _is_published(draft):
                base = db.version(base_pk) if base_pk else None
                _draft_changes(edited, base)
                _publish_panel(edited, base_pk, base.label if base else "nothing (a new policy)")
    st.divider()
    st.header("Published versions")
    _versions(active)
    st.divider()
    _price_catalogue(active)


# --- the price catalogue ----------------------------------------------------------------------

#: The company price file's uploader. No session key besides: a file is taken once, by the
#: uploader's change callback, and a broken one's problems are shown while it stays there.
PRICES_UPLOAD = "pol_prices_upload"


def _today() -> date:
    """The day ages are counted to: the reports' date (SOURCE_DATE_EPOCH when set), so this
    page flags the same entries a report made today does."""
    from advisor.reports.model import report_date

    return report_date()


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _entry_title(entry: DatedEntry) -> str:
    model = getattr(entry, "model", None)
    if model is not None:
        return f"{getattr(entry, 'provider', '')} {model}".strip()
    return str(getattr(entry, "title", "Share of paid GPU hours doing useful work"))


@callback
def _use_shipped_prices() -> None:
    auth.require_admin("Going back to the shipped price catalogue")
    state.store().clear_company_prices()
    flash("Options are priced from the shipped price catalogue only.")


def _company_catalogue(name: str, data: bytes) -> PriceCatalogue:
    """The uploaded company catalogue, checked as every page will use it: read, and laid
    over the shipped one (so a currency that differs is refused now, not found later)."""
    company = parse_catalogue(data, name)
    merge_catalogues(prices.shipped_catalogue(), company)
    return company


@callback
def _on_prices_upload() -> None:
    """Keep a newly uploaded company catalogue that reads; one with any problem is not
    stored (the page shows its problems while it stays in the uploader)."""
    upload = st.session_state.get(PRICES_UPLOAD)
    if upload is None:
        return
    data = upload.getvalue()
    try:
        company = _company_catalogue(upload.name, data)
    except AdvisorError:
        return
    auth.require_admin("Setting the company's prices")
    # parse_catalogue read the bytes as UTF-8 (a byte-order mark allowed): the same text.
    state.store().set_company_prices(upload.name, data.decode("utf-8-sig"), auth.author())
    entries = quantity(len(list(company.dated_entries())), "entry", "entries")
    flash(f"Company prices set from {upload.name} ({entries}); options are priced from them now.")


def _upload_problems(name: str, data: bytes, company: CompanyPriceFile | None) -> None:
    """The problems of the file in the uploader, when it does not read."""
    try:
        _company_catalogue(name, data)
    except AdvisorError as exc:
        kept = (
            f"the company prices from {company.file} are still used"
            if company is not None
            else "options are still priced from the shipped catalogue"
        )
        show_problems(refused_heading(name, kept), exc.problems)


def _catalogue_summary(catalogue: PriceCatalogue) -> None:
    """What the catalogue is, where it comes from, how many entries and how old."""
    entries = list(catalogue.dated_entries())
    oldest = min((entry.checked for _, _, entry in entries), default=None)
    files = " + ".join(_file_name(f) for f in catalogue.files) or catalogue.id
    st.markdown(
        f"**{plain(catalogue.title)}** ({plain(catalogue.currency)}) · from {plain(files)} · "
        f"{quantity(len(entries), 'entry', 'entries')}"
        + (f" · oldest checked {oldest.isoformat()}" if oldest else "")
    )
    for entry in future_entries(catalogue, _today()):
        noun = KIND_NOUNS[entry.kind]
        st.warning(
            plain(
                f"{noun[:1].upper()}{noun[1:]} {entry.id} is dated "
                f"{entry.checked.isoformat()}, after today ({_today().isoformat()}); is the date a "
                "typo? It is never flagged as stale."
            )
        )


def _stale_list(catalogue: PriceCatalogue, max_age_days: int, limit_from: str) -> None:
    """The entries older than the policy's limit, flagged, with where each comes from."""
    today = _today()
    stale = stale_entries(catalogue, today, max_age_days)
    if not stale:
        st.success(
            plain(
                f"Every entry was checked within {max_age_days} days of {today.isoformat()} "
                f"(the limit of {limit_from})."
            ),
            icon=":material/event_available:",
        )
        return
    st.warning(
        plain(
            f"{quantity(len(stale), 'entry was', 'entries were')} checked more than "
            f"{max_age_days} days before {today.isoformat()} (the limit of {limit_from}): "
            "re-check them against their sources before a budget rests on them. Reports "
            "flag the ones an assessment uses."
        ),
        icon=":material/history:",
    )
    # Listed on request: two dozen rows would push the page's end down on every visit,
    # and the count above already says how many need re-checking.
    listed = st.toggle(
        f"List the {quantity(len(stale), 'entry', 'entries')} older than {max_age_days} days",
        key="pol_prices_list_stale",
    )
    if listed:
        _stale_table(catalogue, stale, max_age_days)


def _stale_table(catalogue: PriceCatalogue, stale: list[StaleEntry], max_age_days: int) -> None:
    by_key = {(kind, entry_id): entry for kind, entry_id, entry in catalogue.dated_entries()}
    st.dataframe(
        [
            {
                "Flag": f"older than {max_age_days} days",
                "Kind": KIND_NOUNS[item.kind],
                "Id": item.id,
                "What": _entry_title(by_key[(item.kind, item.id)]),
                "Checked": item.checked.isoformat(),
                "Age (days)": item.age_days,
                "From": _file_name(catalogue.file_of(item.kind, item.id)),
                "Source": by_key[(item.kind, item.id)].source,
            }
            for item in stale
        ],
        hide_index=True,
    )


def _price_catalogue(active: PolicyVersion) -> None:
    """The catalogue options are priced from, its stale entries, and the company file."""
    st.header("Price catalogue")
    st.caption(
        "Options that give their usage (volume, tokens, a hosted offering or a self-hosted "
        "setup) are priced from this catalogue. A company file holds only the entries it "
        "negotiated or adds: an entry with a shipped id replaces it, a new id is added. "
        "Nothing is fetched: a figure is as current as its checked date."
    )
    admin = auth.is_admin()
    # Read after any upload's change callback has run: what the page shows is what is used.
    company = prices.company_file()
    catalogue = prices.active_catalogue()
    if company is not None:
        st.markdown(
            f"Company file **{plain(company.file)}**, set by {plain(company.set_by)} on "
            f"{company.set_at:%Y-%m-%d}, laid over the shipped catalogue."
        )
    else:
        st.markdown("The shipped catalogue, with no company file.")
    _catalogue_summary(catalogue)
    upload_col, actions_col = st.columns([3, 2])
    with upload_col:
        upload = st.file_uploader(
            "Upload the company's prices (YAML or JSON)",
            type=None,  # checked here, so the error names the file just uploaded
            key=PRICES_UPLOAD,
            on_change=_on_prices_upload,
            disabled=not admin,
            help="Validated like the shipped catalogue (every entry with its source and "
            "checked date, the same currency). A file with any problem is not stored."
            + ("" if admin else " Setting the company's prices needs the admin role."),
        )
    with actions_col:
        if company is not None:
            st.download_button(
                f"Download the company file ({plain(company.file)})",
                data=company.text,
                file_name=company.file,
                mime="application/json"
                if company.file.lower().endswith(".json")
                else "application/x-yaml",
                on_click="ignore",
                icon=":material/download:",
            )
        st.button(
            "Use the shipped catalogue only",
            key="pol_prices_shipped",
            on_click=_use_shipped_prices,
            disabled=company is None or not admin,
            help=None if admin else "Changing the company's prices needs the admin role.",
        )
    if upload is not None:
        _upload_problems(upload.name, upload.getvalue(), company)
    limits = active.rubric().prices
    _stale_list(catalogue, limits.max_age_days, f"policy {active.label}")


def _version_key(version: str) -> tuple[int, ...]:
    """``"2.10.0"`` as (2, 10, 0), so versions compare as numbers; non-numeric parts as 0."""
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def _newer_shipped(active: PolicyVersion) -> None:
    """Say so when the app ships a newer version of the active policy than any published:
    an existing database keeps its policy until a policy owner publishes the new one."""
    shipped = state.shipped_rubric(str(default_rubric_path()))
    if shipped.id != active.rubric_id or _is_published(shipped):
        return
    published = [v.version for v in state.store().versions(shipped.id)]
    if any(_version_key(v) >= _version_key(shipped.version) for v in published):
        return
    with st.container(border=True):
        st.markdown(
            f"**This app ships a newer policy: {plain(shipped.id)} v{plain(shipped.version)}** "
            f"(new assessments use v{plain(active.version)}). Open it as the draft below to "
            "see what it changes, check it against the reference decisions and your saved "
            "assessments, and publish it."
        )
        st.button("Open the shipped policy as the draft", on_click=_reset_to_shipped)


def _sha(rubric: Rubric) -> str:
    from scoring import policy_stamp

    return policy_stamp(rubric).sha256


def _is_published(rubric: Rubric) -> bool:
    digest = _sha(rubric)
    return any(v.sha256 == digest for v in state.store().versions(rubric.id))


run_page(render)
