"""Writes the Rasa endpoints file from the environment.

Embedded default: SQL tracker store on SQLite under var/, in-memory lock store.
Production: TRACKER_DB_URL (or DATABASE_URL) → SQL tracker store on PostgreSQL,
REDIS_URL → Redis lock store, RABBITMQ_URL → RabbitMQ event broker, CAPNUM_ACTION_TOKEN →
the action server's shared secret (sent by Rasa with every call). Written mode 0600.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from bot.core import config

TRACKER_STORE_CLASS = "capnum_rasa.tracker_store.ErasingSQLTrackerStore"
BROKER_CLASS = "capnum_rasa.broker.PikaEventBroker"


def tracker_store_settings(url: str | None) -> dict:
    if not url or url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if url else str(config.VAR_DIR / "conversations.db")
        return {"type": TRACKER_STORE_CLASS, "dialect": "sqlite", "db": path}
    parts = urlsplit(config.sqlalchemy_url(url))
    settings = {
        "type": TRACKER_STORE_CLASS,
        "dialect": parts.scheme.split("+")[0],
        "url": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "db": parts.path.lstrip("/") or "postgres",
    }
    if parts.username:
        settings["username"] = unquote(parts.username)
    if parts.password:
        settings["password"] = unquote(parts.password)
    return settings


def lock_store_settings(url: str | None) -> dict | None:
    if not url:
        return None
    parts = urlsplit(url)
    settings = {"type": "redis", "url": parts.hostname or "localhost", "port": parts.port or 6379,
                "db": int(parts.path.lstrip("/") or 0), "key_prefix": "capnum"}
    if parts.password:
        settings["password"] = unquote(parts.password)
    return settings


def event_broker_settings(url: str | None, environ: dict | None = None) -> dict | None:
    if not url:
        return None
    env = os.environ if environ is None else environ
    parts = urlsplit(url)
    # Rasa's pika broker, logging a failed publish without the event (the person's words).
    return {"type": BROKER_CLASS, "url": parts.hostname or "localhost", "port": parts.port or 5672,
            "username": unquote(parts.username or "guest"), "password": unquote(parts.password or "guest"),
            "queues": [env.get("RABBITMQ_QUEUE") or "capnum_events"]}


def endpoints_settings(action_url: str, environ: dict | None = None) -> dict:
    env = os.environ if environ is None else environ
    tracker_url = config.tracker_db_url(env)
    # Our actions never read the domain: Rasa need not send it with every call.
    action_endpoint = {"url": action_url, "enable_selective_domain": True}
    if (token := (env.get("CAPNUM_ACTION_TOKEN") or "").strip()):
        # Rasa sends it as the query parameter `token`; bot.tools.action_server checks it.
        action_endpoint["token"] = token
    settings = {
        "action_endpoint": action_endpoint,
        "tracker_store": tracker_store_settings(tracker_url),
    }
    if lock := lock_store_settings(env.get("REDIS_URL")):
        settings["lock_store"] = lock
    if broker := event_broker_settings(env.get("RABBITMQ_URL"), env):
        settings["event_broker"] = broker
    return settings


def write_private(path: Path, text: str) -> Path:
    """Writes text to path readable by its owner only (0600), from the first byte: the file is
    created with that mode (never world-readable, even for an instant) and an older file with
    a wider mode is replaced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return path


def write_endpoints(action_url: str, path: Path | None = None, environ: dict | None = None) -> Path:
    """var/endpoints.yml, mode 0600: it holds the database, Redis and RabbitMQ passwords and the
    action server's token."""
    path = path or config.VAR_DIR / "endpoints.yml"
    return write_private(path, yaml.safe_dump(endpoints_settings(action_url, environ), sort_keys=False))
