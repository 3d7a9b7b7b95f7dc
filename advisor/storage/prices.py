"""The company price catalogue: one file laid over the shipped catalogue, kept in settings.

A policy owner uploads the company's own prices (negotiated rates, a self-hosting quote) on
the Policy page; every assessment is then priced from the shipped catalogue with this file
laid over it (:func:`scoring.catalogue.merge_catalogues`). The file is kept as written, with
its name, who set it and when, so a report names it and it can be downloaded again.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import NamedTuple

import sqlalchemy as sa

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

    def clear_company_prices(self) -> None:
        """Price every assessment from the shipped catalogue alone again."""
        with self.engine.begin() as connection:
            connection.execute(sa.delete(t.settings).where(t.settings.c.key == COMPANY_PRICES))
