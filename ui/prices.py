"""The price catalogue the app prices options from: the shipped one, with the company's
file laid over it when a policy owner has set one (Policy page). The store reads and merges
it (advisor.storage.prices), so saves, lists and the pages price alike."""

from __future__ import annotations

from advisor.storage import CompanyPriceFile, DatabaseUnavailable
from scoring.catalogue import PriceCatalogue, shipped_catalogue
from ui import state

__all__ = ["active_catalogue", "company_file", "shipped_catalogue"]


def company_file() -> CompanyPriceFile | None:
    """The company catalogue as uploaded, or None (also when the database is unavailable)."""
    try:
        return state.store().company_prices()
    except DatabaseUnavailable:
        return None


def active_catalogue() -> PriceCatalogue:
    """The catalogue options are priced from now (the shipped one while the database is
    unavailable)."""
    try:
        return state.store().price_catalogue()
    except DatabaseUnavailable:
        return shipped_catalogue()
