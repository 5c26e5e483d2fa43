"""Catalogue database: engines (cached per URL), sessions, schema migrations.

Embedded default: a SQLite file under var/ (bot.config.database_url()), created and
migrated automatically. Production: DATABASE_URL pointing at PostgreSQL.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker

from bot import config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ALEMBIC_INI = config.PROJECT_ROOT / "alembic.ini"
# Own version table, so the catalogue can share a PostgreSQL database with other stores.
VERSION_TABLE = "alembic_version_catalogue"

_engines: dict[str, Engine] = {}
_migrated: set[str] = set()
_migration_lock = threading.Lock()
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_catalogue_engine(url: str) -> Engine:
    """A new engine for url (SQLite: WAL, foreign keys on; parent directory created)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def get_engine(url: Optional[str] = None) -> Engine:
    """The engine for url (default bot.config.database_url()), created once per URL."""
    url = url or config.database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_catalogue_engine(url)
        return engine


def dispose_engine(url: str) -> None:
    """Forget and close the cached engine for url (tests dropping their database)."""
    with _lock:
        engine = _engines.pop(url, None)
        _migrated.discard(url)
    if engine is not None:
        engine.dispose()


def alembic_config(engine: Optional[Engine] = None):
    """An Alembic Config that works from any cwd (script_location set programmatically)."""
    from alembic.config import Config

    cfg = Config(str(ALEMBIC_INI)) if ALEMBIC_INI.exists() else Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run Alembic migrations up to revision on engine."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def ensure_schema(engine: Engine) -> Engine:
    """Create or migrate the catalogue schema (once per process and URL, thread-safe: the
    action server runs database work in several threads at once)."""
    key = engine.url.render_as_string(hide_password=False)
    if key in _migrated:
        return engine
    with _migration_lock:
        if key not in _migrated:
            upgrade(engine)
            _migrated.add(key)
    return engine


def session_factory(engine: Optional[Engine] = None) -> sessionmaker:
    engine = engine or get_engine()
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def open_session(url: Optional[str] = None):
    """A Session on the migrated catalogue (default database_url())."""
    engine = ensure_schema(get_engine(url))
    return session_factory(engine)()
