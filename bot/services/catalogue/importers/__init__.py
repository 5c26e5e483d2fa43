"""Catalogue importers: LHÉO XML, Mon Compte Formation open-data CSV, the project's YAML.

Each parser yields ``Bundle`` objects (one formation with its organisations, actions and
sessions) or ``BadRecord`` objects (``base``); ``import_file`` chooses the parser and
``writer.store`` stores what it yields in one transaction.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import Engine

from bot.services.catalogue.importers.base import BadRecord, Bundle, FileError, ImportAborted, ImportReport
from bot.services.catalogue.importers.lheo_xml import parse_lheo
from bot.services.catalogue.importers.mcf_csv import parse_mcf_csv
from bot.services.catalogue.importers.readable import parse_readable
from bot.services.catalogue.importers.writer import store

__all__ = ["BadRecord", "Bundle", "FileError", "ImportAborted", "ImportReport", "detect_format", "import_file",
           "parse"]


def detect_format(path: Path) -> str:
    """'lheo', 'mcf-csv' or 'yaml', from the extension, then the first bytes."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "lheo"
    if suffix == ".csv":
        return "mcf-csv"
    if suffix in (".yml", ".yaml", ".json"):
        return "yaml"
    with open(path, "rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return "lheo"
    if b"numero_formation" in head:
        return "mcf-csv"
    return "yaml"


def parse(path: Path, fmt: str = "auto", progress: Optional[bool] = None, today: Optional[dt.date] = None):
    """Items (Bundle / BadRecord) from path; FileError for an unusable file."""
    path = Path(path)
    if not path.exists():
        raise FileError(f"{path} : fichier introuvable")
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "lheo":
        return parse_lheo(path, progress=progress)
    if fmt == "mcf-csv":
        return parse_mcf_csv(path, progress=progress)
    if fmt == "yaml":
        return parse_readable(path, today=today)
    raise FileError(f"format inconnu '{fmt}' (attendu : auto, lheo, mcf-csv, yaml)")


def import_file(path, engine: Optional[Engine] = None, fmt: str = "auto", on_error: str = "skip",
                progress: Optional[bool] = None, today: Optional[dt.date] = None,
                warn=None, report_error=None) -> ImportReport:
    """Import one file into the catalogue (migrating the schema first) in one transaction.

    Raises FileError (file unusable) or ImportAborted (bad record, on_error='abort');
    in both cases the catalogue is left exactly as it was.
    """
    from bot.services.catalogue.db import ensure_schema, get_engine

    engine = ensure_schema(engine or get_engine())
    items = parse(Path(path), fmt=fmt, progress=progress, today=today)
    return store(engine, items, source=str(path), on_error=on_error, warn=warn, report_error=report_error)
