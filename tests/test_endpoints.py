"""The Rasa endpoints written from the environment (embedded default and production)."""
from __future__ import annotations

import yaml

from bot.tools.endpoints import TRACKER_STORE_CLASS, endpoints_settings, write_endpoints


def test_embedded_default_is_sqlite_without_lock_store_or_broker(tmp_path):
    settings = endpoints_settings("http://localhost:5055/webhook", environ={})
    assert settings["tracker_store"]["type"] == TRACKER_STORE_CLASS
    assert settings["tracker_store"]["dialect"] == "sqlite"
    assert settings["tracker_store"]["db"].endswith("conversations.db")
    assert "lock_store" not in settings and "event_broker" not in settings


def test_production_uses_postgresql_redis_and_rabbitmq(tmp_path):
    env = {"DATABASE_URL": "postgresql://capnum:s%40cret@db.internal:5433/capnum",
           "REDIS_URL": "redis://:pw@cache.internal:6380/2",
           "RABBITMQ_URL": "amqp://guest:guest@mq.internal:5672"}
    path = write_endpoints("http://actions:5055/webhook", tmp_path / "endpoints.yml", env)
    settings = yaml.safe_load(path.read_text())
    assert settings["tracker_store"] == {"type": TRACKER_STORE_CLASS, "dialect": "postgresql",
                                         "url": "db.internal", "port": 5433, "db": "capnum",
                                         "username": "capnum", "password": "s@cret"}
    assert settings["lock_store"] == {"type": "redis", "url": "cache.internal", "port": 6380, "db": 2,
                                      "key_prefix": "capnum", "password": "pw"}
    assert settings["event_broker"]["type"] == "capnum_rasa.broker.PikaEventBroker"
    assert settings["event_broker"]["queues"] == ["capnum_events"]
    assert write_endpoints("x", tmp_path / "e2.yml", {**env, "RABBITMQ_QUEUE": "q2"}).read_text().count("- q2") == 1
    assert settings["action_endpoint"] == {"url": "http://actions:5055/webhook", "enable_selective_domain": True}


def test_a_separate_tracker_database_wins_over_the_catalogue_one():
    env = {"DATABASE_URL": "postgresql://a@h/catalogue", "TRACKER_DB_URL": "postgresql://a@h/conversations"}
    assert endpoints_settings("x", environ=env)["tracker_store"]["db"] == "conversations"
