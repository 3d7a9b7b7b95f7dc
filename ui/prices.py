"""The price catalogue the app prices options from: the shipped one, with the company's
file laid over it when a policy owner has set one (Policy page)."""

from __future__ import annotations

import streamlit as st

from advisor.storage import CompanyPriceFile, DatabaseUnavailable
from scoring.catalogue import (
    PriceCatalogue,
    default_catalogue_path,
    load_catalogue,
    merge_catalogues,
    parse_catalogue,
)
from scoring.errors import AdvisorError
from ui import state

__all__ = ["active_catalogue", "company_file", "shipped_catalogue"]


@st.cache_resource(show_spinner=False)
def shipped_catalogue() -> PriceCatalogue:
    """The shipped catalogue, read once per process."""
    return load_catalogue(default_catalogue_path())


@st.cache_resource(show_spinner=False, max_entries=8)
def _merged(file: str, text: str) -> PriceCatalogue:
    return merge_catalogues(shipped_catalogue(), parse_catalogue(text, file))


def company_file() -> CompanyPriceFile | None:
    """The company catalogue as uploaded, or None (also when the database is unavailable)."""
    try:
        return state.store().company_prices()
    except DatabaseUnavailable:
        return None


def active_catalogue() -> PriceCatalogue:
    """The catalogue options are priced from now. A company file that no longer reads (it
    was checked when set) falls back to the shipped catalogue rather than break a page."""
    company = company_file()
    if company is None:
        return shipped_catalogue()
    try:
        return _merged(company.file, company.text)
    except AdvisorError:
        return shipped_catalogue()
