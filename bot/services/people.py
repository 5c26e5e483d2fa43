"""Per-person and directory tables of the product database (migration 0002_people).

They live in the catalogue database (DATABASE_URL, default var/catalogue.db) and share
the catalogue's SQLAlchemy metadata, so that Alembic sees one schema. Identifiers of
people are never stored in clear: `keyed_hash` (HMAC-SHA-256 with a server secret) turns
a sender id or a recap code into a fixed-length key.

The server secret comes from CAPNUM_SECRET, else from var/secret.key (created once,
readable by its owner only). Losing it only makes existing recap codes unusable.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading

from sqlalchemy import JSON, Boolean, Column, DateTime, Index, Integer, String, Text, func

from bot.core import config
from bot.services.catalogue.models import Base

SECRET_ENV_VAR = "CAPNUM_SECRET"
_secret_lock = threading.Lock()


class DirectoryPlace(Base):
    """A place that takes over from the assistant: mission locale, France Travail, Cap emploi."""

    __tablename__ = "directory_place"

    id = Column(String(300), primary_key=True)  # "type:departement:folded name"
    type = Column(String(20), nullable=False)
    nom = Column(String(255), nullable=False)
    departement = Column(String(3), nullable=False)
    communes = Column(Text)  # ";"-separated INSEE codes or folded names; empty: whole department
    adresse = Column(String(500))
    telephone = Column(String(40))
    url = Column(String(500))
    fictif = Column(Boolean, nullable=False, default=False)
    updated_at = Column(DateTime, server_default=func.now(), onupdate=func.now())

    __table_args__ = (Index("ix_directory_place_type_departement", "type", "departement"),)


class Recap(Base):
    """What an adviser sees with a recap code: the profile and the shortlisted courses."""

    __tablename__ = "recap"

    code_hash = Column(String(64), primary_key=True)
    sender_hash = Column(String(64), nullable=False, index=True)
    profile = Column(JSON, nullable=False)
    course_ids = Column(JSON, nullable=False)
    created_at = Column(DateTime, nullable=False)  # naive UTC
    expires_at = Column(DateTime, nullable=False, index=True)  # naive UTC


class RecapLookupFailure(Base):
    """One wrong recap lookup, kept for the rate limit (see bot.services.recap.lookup_recap)."""

    __tablename__ = "recap_lookup_failure"

    id = Column(Integer, primary_key=True, autoincrement=True)
    client_hash = Column(String(64), nullable=False)
    failed_at = Column(DateTime, nullable=False)

    __table_args__ = (Index("ix_recap_lookup_failure_client", "client_hash", "failed_at"),)


def server_secret() -> bytes:
    """CAPNUM_SECRET, else the content of var/secret.key (generated on first use)."""
    value = os.environ.get(SECRET_ENV_VAR)
    if value:
        return value.encode("utf-8")
    path = config.VAR_DIR / "secret.key"
    with _secret_lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process won the race
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32))
        return path.read_text(encoding="utf-8").strip().encode("utf-8")


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA-256 (hex) of value, separated by purpose ("sender", "code", "client")."""
    message = f"{purpose}\x00{value}".encode("utf-8")
    return hmac.new(server_secret(), message, hashlib.sha256).hexdigest()
