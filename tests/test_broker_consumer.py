"""The reference broker consumer (bot.tools.broker_consumer) without a broker: what it keeps of each
message, and what is left of a person once their erasure event is read (nothing, on disk too)."""
from __future__ import annotations

import json
import os

from bot.core.config import amqp_settings
from bot.tools.broker_consumer import ERASURE_EVENT, archive_engine, broker_events, handle


def rows(engine, sender):
    with engine.connect() as connection:
        return connection.execute(broker_events.select().where(broker_events.c.sender_id == sender)).all()


def test_the_consumer_keeps_each_event_and_drops_a_person_on_their_erasure_event(tmp_path):
    from capnum_rasa.tracker_store import ERASURE_EVENT as STORE_ERASURE_EVENT  # Rasa's side, imported here only

    assert ERASURE_EVENT == STORE_ERASURE_EVENT  # the name the tracker store publishes
    path = tmp_path / "archive.db"
    engine = archive_engine(f"sqlite:///{path}")
    said = "mon numéro c'est le 07 81 22 45 96"
    for sender in ("telegram:6022418837", "telegram:111"):
        assert handle(engine, json.dumps({"sender_id": sender, "event": "user", "text": said}).encode()) == "stored"
        assert handle(engine, json.dumps({"sender_id": sender, "event": "slot", "name": "age", "value": 24}).encode()) == "stored"
    assert len(rows(engine, "telegram:6022418837")) == 2
    assert handle(engine, json.dumps({"sender_id": "telegram:6022418837", "event": ERASURE_EVENT,
                                      "timestamp": 1.0}).encode()) == "erased"
    assert rows(engine, "telegram:6022418837") == []
    assert len(rows(engine, "telegram:111")) == 2  # the other person's copy stays
    engine.dispose()
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("archive.db"))
    assert b"6022418837" not in on_disk  # secure_delete + checkpoint: not even in free pages or the WAL
    assert os.stat(path).st_mode & 0o077 == 0


def test_messages_that_are_not_events_are_ignored(tmp_path):
    engine = archive_engine(f"sqlite:///{tmp_path / 'archive.db'}")
    for body in (b"not json", b"[1, 2]", json.dumps({"event": "user"}).encode(), json.dumps({"sender_id": 3}).encode()):
        assert handle(engine, body) == "ignored"
    with engine.connect() as connection:
        assert connection.execute(broker_events.select()).all() == []
    engine.dispose()


def test_connection_settings_come_from_the_url():
    assert amqp_settings("amqp://capnum:s%40cret@mq.internal:5673/capnum") == {
        "host": "mq.internal", "port": 5673, "login": "capnum", "password": "s@cret", "virtualhost": "capnum"}
    assert amqp_settings("amqp://127.0.0.1")["login"] == "guest"


def test_a_failed_publish_is_kept_and_logged_without_the_persons_words(caplog):
    """Rasa's own pika broker logs the failed event itself (text, slots, sender id)."""
    import asyncio
    import logging

    from rasa.shared.utils.common import class_from_module_path

    from bot.tools.endpoints import BROKER_CLASS
    from capnum_rasa.broker import PikaEventBroker

    assert class_from_module_path(BROKER_CLASS) is PikaEventBroker  # what var/endpoints.yml names

    class DownExchange:
        async def publish(self, message, routing_key):
            raise ConnectionResetError("connection lost")

    async def publish_once():
        broker = PikaEventBroker("127.0.0.1", "guest", "guest", queues=["q"])
        broker._exchange = DownExchange()
        event = {"sender_id": "whatsapp:+33698765432", "event": "user", "text": "mon mail lea.martin@exemple.fr"}
        with caplog.at_level(logging.DEBUG):
            await broker._publish(event)
        return broker, event

    broker, event = asyncio.run(publish_once())
    assert list(broker._unpublished_events) == [event]  # sent again once RabbitMQ answers
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "not published (ConnectionResetError)" in logged
    for personal in ("33698765432", "lea.martin", "mon mail"):
        assert personal not in logged
