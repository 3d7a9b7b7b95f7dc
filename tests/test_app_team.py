"""AppTest for team use: resume by URL, the list page, re-score, dry run, roles, conflicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from advisor.access import LockedOut, PassphraseGate
from advisor.storage import Store, database_url
from scoring import load_answers, load_rubric, parse_answers
from scoring.policy import bump_version
from ui import keys

from .conftest import ROOT, shown

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
V0 = DEFAULT.version  # the shipped policy's version
V1 = bump_version(V0)  # the version an edit of it publishes as


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def _button(app: AppTest, label: str) -> Any:
    return next(b for b in app.button if shown(b.label) == label)


def _store() -> Store:
    return Store(database_url())


def _upload(app: AppTest, name: str) -> None:
    content = (ROOT / "examples" / name).read_bytes()
    app.file_uploader(key="answers_upload").set_value((name, content, "application/x-yaml")).run()


def test_half_an_assessment_survives_a_reload() -> None:
    first = _app()
    first.text_input(key="title_input").input("Contract clause search").run()
    first.radio(key="answer__use_pattern").set_value("internal_assistant").run()
    first.text_input(key="note__use_pattern").input("lawyers read every hit").run()
    assessment_id = first.session_state[keys.ASSESSMENT_ID]
    assert first.query_params["a"] == [assessment_id] or first.query_params["a"] == assessment_id

    reloaded = _app(a=assessment_id)  # a new session, as after a reload or from a shared link
    assert reloaded.text_input(key="title_input").value == "Contract clause search"
    assert reloaded.radio(key="answer__use_pattern").value == "internal_assistant"
    assert reloaded.text_input(key="note__use_pattern").value == "lawyers read every hit"
    reloaded.radio(key="answer__output_audience").set_value("domain_experts").run()
    saved = _store().assessment(assessment_id)
    assert saved.answers == {
        "use_pattern": "internal_assistant",
        "output_audience": "domain_experts",
    }
    assert saved.revision == 4  # title, first answer, note, second answer: one save each


def test_an_unknown_id_in_the_url_opens_a_new_assessment() -> None:
    at = _app(a="does-not-exist")
    assert any("No saved assessment 'does-not-exist'" in shown(w.value) for w in at.warning)
    assert at.session_state[keys.ASSESSMENT_ID] is None


def test_list_search_open_rename_duplicate_delete_restore() -> None:
    at = _app()
    _upload(at, "invoice_extraction.yaml")
    _button(at, "New assessment").click().run()
    _upload(at, "sales_call_summaries.yaml")
    at.switch_page("ui/assessments.py").run()
    assert "2 assessments ·" in at.caption[0].value
    at.text_input(key="list_search").input("INVOICE").run()
    assert "1 assessment ·" in at.caption[0].value
    invoice = _store().list_assessments(search="invoice")[0][0]

    _button(at, "Rename").click().run()
    at.text_input(key=f"rename_{invoice.id}").input("Invoice capture v2").run()
    assert _store().assessment(invoice.id).title == "Invoice capture v2"

    at.text_input(key="list_search").input("").run()
    at.multiselect(key="list_verdicts").set_value(["adapt"]).run()
    assert "1 assessment ·" in at.caption[0].value
    at.button(key=f"dup_{invoice.id}").click().run()
    assert any(shown(s.value) == "Duplicated as “Invoice capture v2 (copy)”." for s in at.success)
    at.run()  # said once
    assert not any("Duplicated" in s.value for s in at.success)
    assert "2 assessments ·" in at.caption[0].value

    at.button(key=f"del_{invoice.id}").click().run()
    assert any("You can restore it for 30 days" in w.value for w in at.warning)
    assert _store().assessment(invoice.id)  # not deleted before confirming
    at.button(key=f"confirm_{invoice.id}").click().run()
    assert "1 assessment ·" in at.caption[0].value
    at.toggle(key="list_deleted").set_value(True).run()
    at.button(key=f"restore_{invoice.id}").click().run()
    at.toggle(key="list_deleted").set_value(False).run()
    assert "2 assessments ·" in at.caption[0].value

    at.button(key=f"open_{invoice.id}").click().run()  # the page switches to Assess
    assert at.session_state[keys.ASSESSMENT_ID] == invoice.id
    assert at.title[0].value == "Assess a use case"
    assert at.text_input(key="title_input").value == "Invoice capture v2"


def test_list_paginates(monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(database_url())
    store.migrate()
    version = store.ensure_policy(DEFAULT)
    for n in range(45):
        store.create_assessment(f"bulk {n:02d}", {"use_pattern": "internal_assistant"}, {}, version)
    at = _app()
    at.switch_page("ui/assessments.py").run()
    assert "45 assessments · page 1 of 3" in at.caption[0].value
    at.button(key="list_next").click().run()
    at.button(key="list_next").click().run()
    assert "page 3 of 3" in at.caption[0].value
    assert len([b for b in at.button if b.label == "Open"]) == 5


STRICT = 78.0  # a recommend threshold that moves the sales-call example from Recommend to Adapt


def _publish_stricter_version(at: AppTest) -> None:
    at.switch_page("ui/policy.py").run()
    at.number_input(key="pol_th_recommend").set_value(STRICT).run()
    _button(at, f"Publish as default v{V1}").click().run()
    assert not at.exception


def test_rescore_page_compares_and_moves_the_assessment() -> None:
    at = _app()
    _upload(at, "sales_call_summaries.yaml")
    _publish_stricter_version(at)
    at.switch_page("ui/rescore.py").run()
    badges = [m.value for m in at.markdown if 'role="status"' in m.value]
    assert "Verdict: RECOMMEND" in badges[0] and "Verdict: ADAPT" in badges[1]
    # a threshold moved, no section did: no table of unchanged sections, a sentence instead
    assert not at.dataframe
    assert any("No section's score, weight or contribution moves" in c.value for c in at.caption)
    _button(at, f"Move this assessment to default v{V1}").click().run()
    assert at.session_state[keys.POLICY_VERSION].version == V1
    saved = _store().assessment(at.session_state[keys.ASSESSMENT_ID])
    assert (saved.verdict, saved.policy_pk) == ("adapt", 2)
    at.switch_page("ui/report.py").run()
    assert any(f"version {V1} (published" in shown(c.value) for c in at.caption)


def test_dry_run_shows_which_verdicts_change_then_publish() -> None:
    at = _app()
    for name in (
        "invoice_extraction.yaml",
        "sales_call_summaries.yaml",
        "credit_limit_decisions.yaml",
    ):
        _button(at, "New assessment").click().run()
        _upload(at, name)
    at.switch_page("ui/policy.py").run()
    at.number_input(key="pol_th_recommend").set_value(STRICT).run()
    at.button(key="pol_dry_run").click().run()
    assert not at.exception
    [changed] = [m for m in at.metric if m.label == "Verdicts that would change"]
    assert changed.value == "1 of 3"
    table = at.dataframe[-2].value  # the dry-run table (the versions table comes last)
    assert list(table["Assessment"]) == ["Sales-call summaries into the CRM"]
    assert list(table["Before"]) == ["Recommend"] and list(table["After"]) == ["Adapt"]
    assert next(iter(table["Open"])).startswith("/?a=")
    assert _store().count_assessments() == 3
    assert {a.policy_pk for a in _store().iter_assessments()} == {1}  # a dry run writes nothing
    _button(at, f"Publish as default v{V1}").click().run()
    assert _store().active_version().version == V1  # type: ignore[union-attr]


def test_passphrase_mode_guards_publishing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_ADMIN_PASSPHRASE", "correct horse")
    at = _app()
    at.switch_page("ui/policy.py").run()
    at.number_input(key="pol_th_recommend").set_value(60.0).run()
    publish = _button(at, f"Publish as default v{V1}")
    assert publish.disabled
    # the form's value is sent with its submit button, as in a browser
    next(t for t in at.text_input if t.label == "Admin passphrase").input("wrong")
    _button(at, "Become admin").click().run()
    assert any("not right" in e.value for e in at.error)
    assert _button(at, f"Publish as default v{V1}").disabled
    next(t for t in at.text_input if t.label == "Admin passphrase").input("correct horse")
    _button(at, "Become admin").click().run()
    assert any("Admin: you may publish" in s.value for s in at.success)
    assert not _button(at, f"Publish as default v{V1}").disabled
    _button(at, f"Publish as default v{V1}").click().run()
    version = _store().active_version()
    assert version is not None and version.author == "admin (passphrase)"


def test_single_user_mode_says_so() -> None:
    at = _app()
    at.switch_page("ui/policy.py").run()
    assert any("Single-user mode" in i.value for i in at.info)


def _gate(now: list[float], **limits: Any) -> PassphraseGate:
    return PassphraseGate("s3cret", clock=lambda: now[0], **limits)


def test_lockout_after_repeated_failures() -> None:
    now = [100.0]
    gate = _gate(now, max_failures=3, lockout_seconds=60)
    assert not any(gate.check(guess, "tab-1") for guess in ("a", "b", "c"))
    with pytest.raises(LockedOut, match="from here"):
        gate.check("s3cret", "tab-1")  # even the right one, while locked
    now[0] += 61
    assert gate.check("s3cret", "tab-1")


def test_one_client_locked_out_does_not_lock_out_another() -> None:
    now = [0.0]
    gate = _gate(now, max_failures=3)
    for guess in ("a", "b", "c"):
        assert not gate.check(guess, "attacker")
    with pytest.raises(LockedOut):
        gate.check("d", "attacker")
    assert gate.check("s3cret", "admin")


def test_each_further_lockout_of_a_client_lasts_twice_as_long_up_to_the_cap() -> None:
    now = [0.0]
    gate = _gate(now, max_failures=2, lockout_seconds=60, max_lockout_seconds=200)
    lockouts = []
    for _ in range(4):
        gate.check("a", "tab")
        gate.check("b", "tab")
        with pytest.raises(LockedOut) as locked:
            gate.check("c", "tab")
        lockouts.append(round(locked.value.seconds))
        now[0] += locked.value.seconds
    assert lockouts == [60, 120, 200, 200]
    assert gate.check("s3cret", "tab")  # a right guess clears the client's record
    gate.check("a", "tab")
    gate.check("b", "tab")
    with pytest.raises(LockedOut) as locked:
        gate.check("c", "tab")
    assert round(locked.value.seconds) == 60


def test_many_clients_guessing_are_slowed_to_one_checked_guess_per_interval() -> None:
    # a new tab for every guess, ten guesses a second for an hour
    now = [0.0]
    gate = _gate(now, global_failures=20, global_window=600, slow_seconds=5)
    checked = 0
    for n in range(36_000):
        now[0] = n / 10
        try:
            gate.check(f"guess {n}", f"tab-{n}")
        except LockedOut as exc:
            assert "many wrong passphrases are being tried" in str(exc)
            continue
        checked += 1
    assert checked <= 20 + 3600 / 5 + 1  # the first 20, then one every 5 s
    assert checked >= 3600 / 5  # ... and no more slowing than that


def test_an_admin_still_gets_in_while_others_guess() -> None:
    now = [0.0]
    gate = _gate(now, global_failures=20, slow_seconds=5)
    for n in range(20):
        gate.check("wrong", f"tab-{n}")
    with pytest.raises(LockedOut) as busy:
        gate.check("s3cret", "admin")  # too soon after the last wrong guess: not checked
    assert busy.value.seconds <= 5
    now[0] += busy.value.seconds
    assert gate.check("s3cret", "admin")


def test_clients_remembered_are_bounded() -> None:
    now = [0.0]
    gate = _gate(now, max_clients=100, global_failures=10**9)
    for n in range(1_000):
        gate.check("wrong", f"tab-{n}")
    assert len(gate._clients) == 100


def test_a_wrong_passphrase_in_one_session_does_not_lock_out_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADVISOR_ADMIN_PASSPHRASE", "correct horse")
    attacker = _app()
    attacker.switch_page("ui/policy.py").run()
    for _ in range(6):
        next(t for t in attacker.text_input if t.label == "Admin passphrase").input("wrong")
        _button(attacker, "Become admin").click().run()
    assert any("Too many wrong passphrases from here" in e.value for e in attacker.error)
    admin = _app()
    admin.switch_page("ui/policy.py").run()
    next(t for t in admin.text_input if t.label == "Admin passphrase").input("correct horse")
    _button(admin, "Become admin").click().run()
    assert any("Admin: you may publish" in s.value for s in admin.success)


def test_publishing_and_activating_are_refused_to_a_non_admin_where_they_happen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADVISOR_ADMIN_PASSPHRASE", "correct horse")
    at = _app()
    at.switch_page("ui/policy.py").run()
    at.number_input(key="pol_th_recommend").set_value(60.0).run()
    assert _button(at, f"Publish as default v{V1}").disabled
    next(t for t in at.text_input if t.label == "Admin passphrase").input("correct horse")
    _button(at, "Become admin").click().run()
    publish = _button(at, f"Publish as default v{V1}")
    assert not publish.disabled
    # the role goes (signed out in the meantime) while the page still shows the button
    del at.session_state[keys.ADMIN_FLAG]
    publish.click().run()
    assert not at.exception
    assert any("Publishing a policy needs the admin role" in shown(e.value) for e in at.error)
    assert [v.version for v in _store().versions()] == [V0]

    def page() -> None:  # the calls the Policy page makes, made directly by a non-admin
        import streamlit as st

        from scoring import AdvisorError
        from ui import state

        state.init()
        rubric = state.rubric()
        for name, action in (
            ("publish", lambda: state.publish_policy(rubric, note="", base_pk=1, activate=True)),
            ("activate", lambda: state.activate_policy(1)),
        ):
            try:
                action()
            except AdvisorError as exc:
                st.text(f"{name} refused: {exc}")

    direct = AppTest.from_function(page, default_timeout=30).run()
    assert not direct.exception
    refused = [t.value for t in direct.text]
    assert refused[0].startswith("publish refused: Publishing a policy needs the admin role")
    assert refused[1].startswith("activate refused: Choosing the policy for new assessments")
    assert [v.version for v in _store().versions()] == [V0]


def test_two_sessions_editing_one_assessment_are_told_not_overwritten() -> None:
    alice = _app()
    alice.radio(key="answer__use_pattern").set_value("internal_assistant").run()
    assessment_id = alice.session_state[keys.ASSESSMENT_ID]
    bob = _app(a=assessment_id)
    bob.radio(key="answer__output_audience").set_value("domain_experts").run()
    alice.radio(key="answer__modality").set_value("text").run()  # alice's view is stale now
    assert any("changed elsewhere" in w.value for w in alice.warning)
    saved = _store().assessment(assessment_id)
    assert "output_audience" in saved.answers and "modality" not in saved.answers
    _button(alice, "Keep mine (overwrite the other version)").click().run()
    saved = _store().assessment(assessment_id)
    assert saved.answers == {"use_pattern": "internal_assistant", "modality": "text"}
    assert not any("changed elsewhere" in w.value for w in alice.warning)

    bob.radio(key="answer__use_pattern").set_value("classify_extract").run()
    assert any("changed elsewhere" in w.value for w in bob.warning)
    _button(bob, "Load the other version (drop my unsaved changes)").click().run()
    assert bob.radio(key="answer__use_pattern").value == "internal_assistant"
    assert bob.radio(key="answer__modality").value == "text"


def test_report_names_the_policy_version(tmp_path: Path) -> None:
    at = _app()
    _upload(at, "sales_call_summaries.yaml")
    at.switch_page("ui/report.py").run()
    caption = shown(" ".join(c.value for c in at.caption))
    assert f"version {V0} (published" in caption and "by system" in caption
    answers = load_answers(ROOT / "examples" / "sales_call_summaries.yaml", DEFAULT)
    assert _store().assessment(at.session_state[keys.ASSESSMENT_ID]).answers == answers.answers


def test_a_failing_save_shows_a_friendly_message_and_keeps_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _app()
    at.radio(key="answer__use_pattern").set_value("internal_assistant").run()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(Store, "save_assessment", broken)
    at.radio(key="answer__output_audience").set_value("domain_experts").run()
    assert not at.exception
    assert any("Something went wrong" in e.value and "RuntimeError" in e.value for e in at.error)
    assert "Traceback" not in " ".join(e.value for e in at.error)
    assert at.session_state[keys.ANSWERS]["output_audience"] == "domain_experts"


def test_options_costs_and_labour_in_the_app() -> None:
    at = _app()
    _upload(at, "support_triage_options.yaml")
    at.switch_page("ui/options.py").run()
    assert not at.exception
    assert [at.text_input(key=f"opt_title_{i}").value for i in range(3)] == [
        "Hosted large model, prompted",
        "Self-hosted small model, fine-tuned",
        "Keep the current process",
    ]
    assert at.checkbox(key="opt_base_2").value is True
    assert at.selectbox(key="opt_ans_1_hosting").value == "self_hosted"
    # an edit on this page is saved and reaches the report
    at.number_input(key="opt_cost_0_integration").set_value(1000000.0).run()
    saved = _store().assessment(at.session_state[keys.ASSESSMENT_ID])
    assert saved.extra["options"][0]["costs"]["integration"] == 1000000.0
    at.switch_page("ui/report.py").run()
    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    for heading in (
        "How close the verdict is",
        "What would change the verdict",
        "Options side by side",
        "Cost over time",
        "Labour freed",
    ):
        assert heading in subheaders
    assert len(at.get("vega_lite_chart")) == 5
    costs_table = next(d.value for d in at.dataframe if "Break-even" in d.value.columns)
    assert list(costs_table["Break-even"]) == ["not within the horizon", "month 4"]


def test_adding_options_on_the_page() -> None:
    at = _app()
    at.radio(key="answer__use_pattern").set_value("classify_extract").run()
    at.switch_page("ui/options.py").run()
    at.text_input(key="opt_title_0").input("Hosted model").run()
    at.text_input(key="opt_title_1").input("Today").run()
    at.checkbox(key="opt_base_1").check().run()
    at.selectbox(key="opt_ans_0_hosting").set_value("external_api").run()
    at.text_input(key="role_0_role").input("Agents").run()
    at.number_input(key="role_0_hours_per_week").set_value(40.0).run()
    at.number_input(key="role_0_share_removed").set_value(50).run()
    extra = _store().assessment(at.session_state[keys.ASSESSMENT_ID]).extra
    assert extra["options"] == [
        {"id": "hosted_model", "title": "Hosted model", "answers": {"hosting": "external_api"}},
        {"id": "today", "title": "Today", "baseline": True},
    ]
    assert extra["labour"] == [{"role": "Agents", "hours_per_week": 40.0, "share_removed": 0.5}]
    at.switch_page("ui/report.py").run()
    assert "Labour freed" in [s.value for s in at.subheader]


def test_hostile_titles_are_shown_literally() -> None:
    title = "[click](javascript:alert(1)) **loud** http://example.invalid/r"
    at = _app()
    at.text_input(key="title_input").input(title).run()
    at.switch_page("ui/assessments.py").run()
    rows = [m.value for m in at.markdown if "click" in m.value]
    # user-written titles are shown literally: what Markdown would act on comes escaped
    assert rows == [
        "**\\[click\\](javascript:\u2060alert(1)) \\*\\*loud\\*\\* http:\u2060//example.invalid/r**"
    ]
    assert shown(rows[0]) == f"**{title}**"


# --- the database unavailable: one banner, the page still works, the answers downloadable ----

BANNER = "The database is unavailable."


def _banners(at: AppTest) -> list[str]:
    return [e.value for e in at.error if BANNER in e.value]


def _unopenable(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the app at a database that cannot be opened, in one of the ways seen."""
    if kind == "corrupt SQLite file":
        database = tmp_path / "corrupt.db"
        database.write_bytes(b"this is not an SQLite database\n" * 64)
        monkeypatch.setenv("ADVISOR_DATABASE_URL", f"sqlite:///{database}")
    elif kind == "uncreatable data directory":
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        monkeypatch.delenv("ADVISOR_DATABASE_URL")
        monkeypatch.setenv("ADVISOR_DATA_DIR", str(blocker / "data"))
    else:  # PostgreSQL down at start: nothing listens on the port
        from .browser import free_port

        url = f"postgresql://advisor@127.0.0.1:{free_port()}/advisor"
        monkeypatch.setenv("ADVISOR_DATABASE_URL", url)


@pytest.mark.parametrize(
    "kind", ["corrupt SQLite file", "uncreatable data directory", "PostgreSQL down"]
)
def test_an_unavailable_database_shows_one_banner_and_every_page_still_runs(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unopenable(kind, tmp_path, monkeypatch)
    at = _app()
    [banner] = _banners(at)
    assert "Nothing you change now can be saved" in banner
    assert "Download your answers as YAML" in banner
    assert any(b.label == "Download your answers (YAML)" for b in at.get("download_button"))
    # the questionnaire is answerable in the session, and says plainly it is not saved
    at.radio(key="answer__use_pattern").set_value("internal_assistant").run()
    assert at.session_state[keys.ANSWERS] == {"use_pattern": "internal_assistant"}
    for page in ("ui/assess.py", "ui/options.py", "ui/report.py", "ui/assessments.py"):
        at.switch_page(page).run()
        assert not at.exception
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and BANNER in errors[0], (page, errors)
        assert "Your latest changes are not saved" in errors[0]
        assert "kept" not in errors[0] and "Something went wrong" not in errors[0]
    at.switch_page("ui/report.py").run()
    assert any('role="status"' in m.value for m in at.markdown)  # the verdict still shows
    for page in ("ui/rescore.py", "ui/policy.py"):
        at.switch_page(page).run()
        assert not at.exception and len(at.error) == 1 and _banners(at), page


def test_a_read_only_database_keeps_the_answers_here_and_saves_them_once_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "advisor.db"
    writable = f"sqlite:///{database}"
    store = Store(writable)
    store.migrate()
    store.ensure_policy(DEFAULT)
    store.engine.dispose()
    # SQLite opened read-only refuses every write as a read-only directory or file does
    # (the tests run as root, for whom file permissions do not apply).
    monkeypatch.setenv("ADVISOR_DATABASE_URL", f"sqlite:///file:{database}?mode=ro&uri=true")
    at = _app()
    assert not at.error  # reading works: nothing to say yet
    at.radio(key="answer__use_pattern").set_value("internal_assistant").run()
    [banner] = _banners(at)
    assert "Your latest changes are not saved" in banner
    assert "readonly database" in shown(banner)
    at.text_input(key="note__use_pattern").input("typed while read-only").run()
    assert len(at.error) == 1
    assert Store(writable).count_assessments() == 0

    monkeypatch.setenv("ADVISOR_DATABASE_URL", writable)  # the administrator fixed it
    at.run()
    assert not at.error
    saved = Store(writable).assessment(at.session_state[keys.ASSESSMENT_ID])
    assert saved.answers == {"use_pattern": "internal_assistant"}
    assert saved.notes == {"use_pattern": "typed while read-only"}


def test_the_banner_download_holds_the_answers_of_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unopenable("corrupt SQLite file", tmp_path, monkeypatch)

    def page() -> None:  # the banner's download, built as a click would build it
        import streamlit as st

        from ui import common, state

        state.init()
        state.set_title("Offline case")
        state.set_answer("use_pattern", "internal_assistant")
        state.set_note("use_pattern", "written offline")
        st.text(common._answers_yaml()().decode())

    at = AppTest.from_function(page, default_timeout=30).run()
    assert not at.exception
    answers = parse_answers(at.text[0].value, DEFAULT)
    assert answers.title == "Offline case"
    assert answers.answers == {"use_pattern": "internal_assistant"}
    assert answers.notes == {"use_pattern": "written offline"}
