"""Catalogue importers: LHÉO XML, Mon Compte Formation open-data CSV, the project's YAML.

Each parser yields ``Bundle`` objects (one formation with its organisations, actions and
sessions) or ``BadRecord`` objects; ``base.import_file`` stores them in one transaction.
"""
from bot.catalogue.importers.base import (  # noqa: F401
    BadRecord, Bundle, FileError, ImportAborted, ImportReport, detect_format, import_file,
)
