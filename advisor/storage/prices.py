"""The company price catalogue: one file laid over the shipped catalogue, kept in settings.

A policy owner uploads the company's own prices (negotiated rates, a self-hosting quote) on
the Policy page; every assessment is then priced from the shipped catalogue with this file
laid over it (:func:`scoring.catalogue.merge_catalogues`). The file is kept as written, with
its name, who set it and when, so a report names it and it can be downloaded again.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import NamedTuple

import sqlalchemy as sa

from scoring.catalogue import (
    PriceCatalogue,
    merge_catalogues,
    parse_catalogue,
    shipped_catalogue,
)
from scoring.errors import AdvisorError

from . import tables as t
from .database import Database, now, set_setting

__all__ = ["COMPANY_PRICES", "CompanyPriceFile", "CompanyPrices"]

#: The settings key the company catalogue is kept under.
COMPANY_PRICES = "company_prices"


class CompanyPriceFile(NamedTuple):
    """The company catalogue as uploaded."""

    file: str
    text: str
    set_by: str
    set_at: dt.datetime


class CompanyPrices(Database):
    """Read, set and remove the company catalogue (checked by the caller before it is set)."""

    def company_prices(self) -> CompanyPriceFile | None:
        """The company catalogue, or None when assessments use the shipped one alone."""
        with self.engine.connect() as connection:
            value = connection.execute(
                sa.select(t.settings.c.value).where(t.settings.c.key == COMPANY_PRICES)
            ).scalar()
        if not value:
            return None
        data = json.loads(value)
        return CompanyPriceFile(
            data["file"], data["text"], data["set_by"], dt.datetime.fromisoformat(data["set_at"])
        )

    def set_company_prices(self, file: str, text: str, set_by: str) -> CompanyPriceFile:
        """Keep ``text`` (a validated catalogue file named ``file``) as the company's."""
        kept = CompanyPriceFile(file, text, set_by, now())
        value = json.dumps(
            {"file": file, "text": text, "set_by": set_by, "set_at": kept.set_at.isoformat()}
        )
        with self.engine.begin() as connection:
            set_setting(connection, COMPANY_PRICES, value)
        return kept

    def price_catalogue(self) -> PriceCatalogue:
        """The catalogue assessments are priced from: the shipped one with the company file
        laid over it. A company file that no longer reads (it was checked when set) falls
        back to the shipped catalogue rather than fail a save."""
        company = self.company_prices()
        if company is None:
            return shipped_catalogue()
        try:
            return _merged(company.file, company.text)
        except AdvisorError:
            return shipped_catalogue()

    def clear_company_prices(self) -> None:
        """Price every assessment from the shipped catalogue alone again."""
        with self.engine.begin() as connection:
            connection.execute(sa.delete(t.settings).where(t.settings.c.key == COMPANY_PRICES))


@functools.lru_cache(maxsize=8)
def _merged(file: str, text: str) -> PriceCatalogue:
    """The company file laid over the shipped catalogue, parsed once per text."""
    return merge_catalogues(shipped_catalogue(), parse_catalogue(text, file))
