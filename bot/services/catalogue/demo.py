"""The demonstration catalogue (demo_catalogue.yml), loaded through the YAML importer.

Its sessions are written relative to the load day (debut_dans_jours), so seeding again on
any later day gives a fresh, never-stale catalogue.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import Engine

from bot.services.catalogue.importers import ImportReport, import_file

DEMO_CATALOGUE = Path(__file__).resolve().parent / "demo_catalogue.yml"


def seed_demo(engine: Optional[Engine] = None, today: Optional[dt.date] = None) -> ImportReport:
    """Load (or refresh, idempotently) the demonstration catalogue; abort on any bad record."""
    return import_file(DEMO_CATALOGUE, engine=engine, fmt="yaml", on_error="abort", today=today,
                       progress=False)
