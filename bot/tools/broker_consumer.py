"""A consumer of the event broker that keeps a copy of the conversations and honours erasure.

    python -m bot.tools.broker_consumer [--queue capnum_events] [--archive-url URL]

With RABBITMQ_URL set, every Rasa server publishes each stored event of a conversation (what
the person wrote included) to RabbitMQ: fanout exchange `rasa-exchange`, durable queue
RABBITMQ_QUEUE (default `capnum_events`). Whatever reads that queue holds a copy. This consumer
keeps it in the table `broker_event` (sender id, event type, the event's JSON, time received)
of its own database (BROKER_ARCHIVE_URL, default SQLite `var/broker_archive.db`: mode 0600,
`secure_delete`), and when it reads the erasure event
`{"sender_id": …, "event": "capnum_conversation_erased", "timestamp": …}` (published by the
tracker store when the person says "supprimer mes données") it deletes every row of that
sender before acknowledging. A message is acknowledged only once stored or erased: a crash
loses nothing. It never logs a sender id or a text.

Use it as the archive for analysis, or as the model of another consumer: it must do the same.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import time
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.core import config

logger = logging.getLogger(__name__)

EXCHANGE = "rasa-exchange"  # rasa.core.brokers.pika.RABBITMQ_EXCHANGE
ERASURE_EVENT = "capnum_conversation_erased"  # capnum_rasa.tracker_store.ERASURE_EVENT
DEFAULT_QUEUE = "capnum_events"

metadata = sa.MetaData()
broker_events = sa.Table(
    "broker_event", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(64)),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
)


def archive_url(environ: Optional[dict] = None) -> str:
    env = os.environ if environ is None else environ
    return env.get("BROKER_ARCHIVE_URL") or f"sqlite:///{config.VAR_DIR / 'broker_archive.db'}"


def archive_engine(url: str) -> Engine:
    from bot.services.catalogue.db import create_catalogue_engine

    engine = create_catalogue_engine(url)  # SQLite 0600 + secure_delete; hide_parameters everywhere
    metadata.create_all(engine)
    return engine


def handle(engine: Engine, body: bytes, now: Optional[float] = None) -> str:
    """Stores one broker message, or erases its sender's copy; returns what was done
    ("stored", "erased", "ignored")."""
    try:
        event = json.loads(body)
    except ValueError:
        return "ignored"
    if not isinstance(event, dict) or not isinstance(event.get("sender_id"), str):
        return "ignored"
    sender = event["sender_id"]
    with engine.begin() as connection:
        if event.get("event") == ERASURE_EVENT:
            connection.execute(sa.delete(broker_events).where(broker_events.c.sender_id == sender))
            erased = True
        else:
            erased = False
            connection.execute(sa.insert(broker_events).values(
                sender_id=sender, type_name=str(event.get("event") or "")[:64], data=json.dumps(event),
                received_at=time.time() if now is None else now))
    if erased and engine.dialect.name == "sqlite":
        # WAL mode: the erased pages' old versions stay in the -wal file until a checkpoint.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return "erased" if erased else "stored"


async def consume(url: str, queue_name: str, engine: Engine, stop: asyncio.Event) -> None:
    import aio_pika

    connection = await aio_pika.connect_robust(**config.amqp_settings(url))
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=1)  # one at a time: an erasure follows what it erases
        exchange = await channel.declare_exchange(EXCHANGE, type=aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(queue_name, durable=True)
        await queue.bind(exchange, "")
        logger.info("Broker consumer ready (queue %s).", queue_name)
        counts = {"stored": 0, "erased": 0, "ignored": 0}
        async with queue.iterator() as messages:
            waiter = asyncio.ensure_future(stop.wait())
            while not stop.is_set():
                getter = asyncio.ensure_future(messages.__anext__())
                done, _ = await asyncio.wait({getter, waiter}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    break
                message = getter.result()
                outcome = await asyncio.get_running_loop().run_in_executor(None, handle, engine, message.body)
                await message.ack()
                counts[outcome] += 1
                if outcome == "erased":
                    logger.info("A conversation's copy was erased at the person's request.")
        logger.info("Broker consumer stopped: %(stored)d stored, %(erased)d erased, %(ignored)d ignored.", counts)


def main(argv: Optional[list[str]] = None) -> int:
    from bot.core.logsafe import install

    install()
    parser = argparse.ArgumentParser(prog="python -m bot.tools.broker_consumer",
                                     description="Copie des conversations lue sur RabbitMQ, effacée sur demande.")
    parser.add_argument("--queue", default=os.environ.get("RABBITMQ_QUEUE", DEFAULT_QUEUE))
    parser.add_argument("--archive-url", default=None, help="défaut : BROKER_ARCHIVE_URL ou var/broker_archive.db")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    url = os.environ.get("RABBITMQ_URL")
    if not url:
        print("RABBITMQ_URL n'est pas défini : rien à lire.", file=sys.stderr)
        return 2
    engine = archive_engine(args.archive_url or archive_url())

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await consume(url, args.queue, engine, stop)

    try:
        asyncio.run(run())
    except OSError as exc:
        print(f"RabbitMQ injoignable : {exc.strerror or type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
