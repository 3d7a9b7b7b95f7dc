"""Who may publish and activate policies.

* Streamlit's built-in authentication (an ``[auth]`` section in secrets): admins are
  the signed-in users whose e-mail is listed in ``ADVISOR_ADMINS`` (environment, comma
  separated) or ``advisor.admins`` (secrets).
* Otherwise an admin passphrase from ``ADVISOR_ADMIN_PASSPHRASE`` (environment or
  secrets), checked in constant time with a lockout per browser session after repeated
  failures and a slow-down for everyone when many fail (:mod:`advisor.access`).
* With neither, the app runs in single-user mode: whoever uses it is the admin.

The role is checked again where a change is made (:func:`require_admin`), not only by
disabling the widgets that ask for it.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Literal

import streamlit as st

from advisor.access import LockedOut, PassphraseGate
from scoring import AdvisorError
from ui.common import plain
from ui.keys import ADMIN_FLAG, CLIENT

Mode = Literal["identity", "passphrase", "single-user"]


class AdminRequired(AdvisorError):
    """A change that only an admin may make was asked for by someone who is not one."""


def require_admin(action: str) -> None:
    """Raise :class:`AdminRequired` unless the current user has the admin role."""
    if not is_admin():
        raise AdminRequired(
            f"{action} needs the admin role; nothing was changed. "
            + ("Sign in as an admin" if mode() == "identity" else "Enter the admin passphrase")
            + " on the Policy page."
        )


def _client() -> str:
    """The browser session: each one has its own lockout, so a wrong guess in one tab never
    locks out another person (the gate's slow-down covers many tabs at once)."""
    found = st.session_state.get(CLIENT)
    if not isinstance(found, str):
        found = st.session_state[CLIENT] = uuid.uuid4().hex
    return found


def secret(name: str, section: str | None = None) -> Any:
    """A value from Streamlit secrets, or None when there is no secrets file or no such key."""
    try:
        source: Any = st.secrets[section] if section else st.secrets
        return source.get(name)
    except Exception:  # no secrets.toml at all is the normal single-machine case
        return None


def _identity_configured() -> bool:
    return secret("auth") is not None


def _passphrase() -> str | None:
    value = os.environ.get("ADVISOR_ADMIN_PASSPHRASE") or secret("ADVISOR_ADMIN_PASSPHRASE")
    return str(value) if value else None


@st.cache_resource(show_spinner=False)
def _gate(passphrase: str) -> PassphraseGate:
    return PassphraseGate(passphrase)


def mode() -> Mode:
    """How admins are told apart here: signed-in identity, a passphrase, or nobody (a
    single user, who is the admin)."""
    if _identity_configured():
        return "identity"
    if _passphrase():
        return "passphrase"
    return "single-user"


def _admin_emails() -> set[str]:
    listed = os.environ.get("ADVISOR_ADMINS") or secret("admins", "advisor") or ""
    if isinstance(listed, str):
        listed = listed.split(",")
    return {str(e).strip().casefold() for e in listed if str(e).strip()}


def is_admin() -> bool:
    """Whether the current user may publish and activate policies."""
    current = mode()
    if current == "single-user":
        return True
    if current == "identity":
        user = st.user
        return bool(user.is_logged_in) and str(user.get("email", "")).casefold() in _admin_emails()
    return bool(st.session_state.get(ADMIN_FLAG))


def author() -> str:
    """Who publishes, as a policy version records it."""
    current = mode()
    if current == "identity" and st.user.is_logged_in:
        return str(st.user.get("email") or st.user.get("name") or "signed-in user")
    if current == "passphrase":
        return "admin (passphrase)"
    return "single user"


def _leave_admin_mode() -> None:
    st.session_state.pop(ADMIN_FLAG, None)


def sign_in_panel() -> None:
    """What the Policy page shows about roles, with the sign-in controls for this mode."""
    current = mode()
    if current == "single-user":
        st.info(
            "Single-user mode: no admin is configured, so you may publish and activate "
            "policies. For a team, set ADVISOR_ADMIN_PASSPHRASE or configure sign-in "
            "(see the README).",
            icon=":material/person:",
        )
        return
    if current == "identity":
        if not st.user.is_logged_in:
            st.button("Sign in to publish", on_click=st.login)
        elif is_admin():
            st.success(plain(f"Signed in as {author()} — admin."), icon=":material/verified_user:")
            st.button("Sign out", on_click=st.logout)
        else:
            st.warning(
                plain(f"Signed in as {author()}: you can preview and dry-run drafts, not publish.")
            )
            st.button("Sign out", on_click=st.logout)
        return
    if is_admin():
        st.success("Admin: you may publish and activate policies.", icon=":material/verified_user:")
        st.button("Leave admin mode", on_click=_leave_admin_mode)
        return
    with st.form("admin_sign_in", clear_on_submit=True):
        guess = st.text_input("Admin passphrase", type="password")
        submitted = st.form_submit_button("Become admin")
    if submitted:
        passphrase = _passphrase()
        assert passphrase is not None
        try:
            ok = _gate(passphrase).check(guess, _client())
        except LockedOut as exc:
            st.error(str(exc).capitalize() + ".", icon=":material/lock_clock:")
            return
        if ok:
            st.session_state[ADMIN_FLAG] = True
            st.rerun()
        st.error("That passphrase is not right.", icon=":material/lock:")
    st.caption("Without the admin role you can edit drafts, preview them and run dry runs.")
