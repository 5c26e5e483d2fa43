"""Catalogue database: engines (cached per URL), sessions, schema migrations.

Embedded default: a SQLite file under var/ (bot.core.config.database_url()), created and
migrated automatically. Production: DATABASE_URL pointing at PostgreSQL.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker

from bot.core import config

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
    # Deleted rows (erasure, purge) are overwritten with zeros, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def private_sqlite_file(database: str) -> None:
    """Creates the SQLite file readable by its owner only (0600), or narrows an existing one:
    it holds account hashes, recaps, conversations. SQLite gives its -wal and -shm files the
    same mode."""
    path = Path(database).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
        for suffix in ("-wal", "-shm", "-journal"):
            sibling = path.with_name(path.name + suffix)
            if sibling.exists():
                os.chmod(sibling, 0o600)
    except OSError:
        pass


def create_catalogue_engine(url: str) -> Engine:
    """A new engine for url (SQLite: WAL, foreign keys on, secure_delete, file 0600; parent
    directory created). Statement parameters (message texts, e-mails) never appear in
    SQLAlchemy's errors or logs (hide_parameters)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_sqlite_file(parsed.database)
        engine = create_engine(url, future=True, hide_parameters=True,
                               connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)


def get_engine(url: Optional[str] = None) -> Engine:
    """The engine for url (default bot.core.config.database_url()), created once per URL."""
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


def database_session(url: Optional[str] = None):
    """A Session on the migrated catalogue (default database_url())."""
    engine = ensure_schema(get_engine(url))
    return session_factory(engine)()
