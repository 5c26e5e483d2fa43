"""Settings read from the environment, with defaults for the embedded set-up.

Every path or URL the product uses is resolved here, so that a deployment changes
behaviour through environment variables only.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # bot/core/config.py


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


VAR_DIR = _path("CAPNUM_VAR_DIR", PROJECT_ROOT / "var")

# What the product reads at run time ships in the project (data/reference/, each file with a
# SOURCE.md note: origin, date, licence). A deployment may point a setting elsewhere.
REFERENCE_DIR = _path("CAPNUM_REFERENCE_DIR", PROJECT_ROOT / "data" / "reference")
COMMUNES_CSV = _path("CAPNUM_COMMUNES_CSV", REFERENCE_DIR / "geo" / "communes_idf.csv")
ROME_CSV = _path("CAPNUM_ROME_CSV", REFERENCE_DIR / "rome" / "rome_v4_titres.csv")
# The word lists the profile extractor reads (data/lexicons/README.md says how to extend them).
LEXICONS_DIR = _path("CAPNUM_LEXICONS_DIR", PROJECT_ROOT / "data" / "lexicons")

# Third-party inputs that only tests and catalogue imports read (never the running product).
SHARED_DIR = _path("CAPNUM_SHARED_DIR", PROJECT_ROOT.parent / "shared")
LHEO_REFERENCE_DIR = _path("CAPNUM_LHEO_DIR", SHARED_DIR / "reference" / "lheo")


def sqlalchemy_url(url: str) -> str:
    """A database URL as SQLAlchemy 1.4 takes it: Heroku-style `postgres://` URLs use the
    scheme it no longer accepts."""
    return url.replace("postgres://", "postgresql://", 1)


def database_url() -> str:
    """The catalogue database: DATABASE_URL, or a SQLite file under var/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return sqlalchemy_url(url)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'catalogue.db'}"


def tracker_db_url(environ: dict | None = None) -> str:
    """The tracker store's database: TRACKER_DB_URL, else DATABASE_URL, else var/conversations.db."""
    env = os.environ if environ is None else environ
    url = env.get("TRACKER_DB_URL") or env.get("DATABASE_URL")
    if url:
        return sqlalchemy_url(url)
    return f"sqlite:///{VAR_DIR / 'conversations.db'}"


def amqp_settings(url: str) -> dict:
    """RabbitMQ connection settings (aio_pika's keywords) from an amqp:// URL (RABBITMQ_URL)."""
    parts = urlsplit(url)
    return {"host": parts.hostname or "localhost", "port": parts.port or 5672,
            "login": unquote(parts.username or "guest"), "password": unquote(parts.password or "guest"),
            "virtualhost": unquote(parts.path.lstrip("/")) or "/"}
