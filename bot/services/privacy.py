"""Personal data: erasure of one person, purge of old conversations, the privacy notice.

Operators run both with `python -m bot.tools.privacy` (purge, erase; with RABBITMQ_URL an erasure
is published on the broker too).

- `erase_person(sender_id)` removes every per-person row of the product database (the
  recaps; profiles are only kept in the tracker and in recaps). When the person asks in
  the conversation, the tracker store (capnum_rasa.tracker_store) removes the events
  itself; the command line removes them too.
- `purge(...)` removes from the tracker store's `events` table every conversation whose
  LAST event is older than the cutoff, and every expired recap.
- `notice_html()` is the full `/confidentialite` page (bot/services/privacy_notice.html).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

NOTICE_FILE = Path(__file__).resolve().parent / "privacy_notice.html"
EVENTS_TABLE = "events"  # rasa.core.tracker_store.SQLTrackerStore
_DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_duration(value: str) -> dt.timedelta:
    """'90d' -> 90 days, '12h' -> 12 hours, '30m' -> 30 minutes; ValueError otherwise."""
    match = _DURATION.match(value or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"durée '{value}' invalide : écrivez par exemple 90d (jours), 12h (heures) ou 30m (minutes)")
    return dt.timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


def notice_html() -> str:
    """The privacy page (HTML fragment, plain French), served at /confidentialite."""
    return NOTICE_FILE.read_text(encoding="utf-8")


def _product_engine(database_url: Optional[str] = None) -> Engine:
    from bot.services.catalogue.db import ensure_schema, get_engine

    return ensure_schema(get_engine(database_url))


def _tracker_engine(tracker_db_url: Optional[str] = None) -> Engine:
    from bot.core.config import tracker_db_url as default_url

    url = tracker_db_url or default_url()
    if url.startswith("sqlite"):
        from bot.services.catalogue.db import create_catalogue_engine

        return create_catalogue_engine(url)  # secure_delete, 0600, hide_parameters
    return create_engine(url, future=True, hide_parameters=True)


def _delete_tracker_events(engine: Engine, sender_id: str) -> int:
    if not inspect(engine).has_table(EVENTS_TABLE):
        return 0
    with engine.begin() as connection:
        result = connection.execute(text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id = :sender"),
                                    {"sender": sender_id})
        return result.rowcount or 0


@dataclass
class ErasureReport:
    recaps: int = 0
    events: int = 0
    analytics: int = 0  # raw analytics events (bot.services.analytics); aggregated counts are anonymous


def erase_person(sender_id: str, database_url: Optional[str] = None, tracker_db_url: Optional[str] = None,
                 erase_events: bool = False, engine: Optional[Engine] = None) -> ErasureReport:
    """Remove everything kept about sender_id in the product database (recaps), and, with
    erase_events, its conversation in the tracker store. Never logs the sender id."""
    from bot.services.catalogue.db import session_factory
    from bot.services.recap import delete_recaps_of

    report = ErasureReport()
    engine = engine or _product_engine(database_url)
    with session_factory(engine)() as session:
        report.recaps = delete_recaps_of(session, sender_id)
        session.commit()
    from bot.services.analytics import erase_contributions

    report.analytics = erase_contributions(engine, sender_id)
    if erase_events:
        tracker = _tracker_engine(tracker_db_url)
        try:
            report.events = _delete_tracker_events(tracker, sender_id)
        finally:
            tracker.dispose()
    logger.info("Personal data erased: %d recap(s), %d event(s).", report.recaps, report.events)
    return report


ERASURE_EVENT = "capnum_conversation_erased"  # capnum_rasa.tracker_store.ERASURE_EVENT
BROKER_EXCHANGE = "rasa-exchange"  # where Rasa's event broker publishes (fanout)


def publish_erasure(sender_id: str, rabbitmq_url: Optional[str] = None, queue: Optional[str] = None) -> bool:
    """The erasure event {"sender_id", "event", "timestamp"} on the event broker, as the tracker
    store publishes it when the person asks: the broker's consumers drop their copy. False when
    no broker is configured (RABBITMQ_URL); raises OSError when it cannot be reached."""
    import asyncio
    import json
    import os

    url = rabbitmq_url or os.environ.get("RABBITMQ_URL")
    if not url:
        return False
    queue = queue or os.environ.get("RABBITMQ_QUEUE") or "capnum_events"

    async def publish() -> None:
        import aio_pika

        from bot.core.config import amqp_settings

        connection = await aio_pika.connect(**amqp_settings(url), timeout=10)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.declare_exchange(BROKER_EXCHANGE, type=aio_pika.ExchangeType.FANOUT)
            # The product's queue, as Rasa declares it: kept until a consumer reads it.
            await (await channel.declare_queue(queue, durable=True)).bind(exchange, "")
            body = json.dumps({"sender_id": sender_id, "event": ERASURE_EVENT, "timestamp": time.time()})
            await exchange.publish(aio_pika.Message(body.encode("utf-8"),
                                                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "")

    try:
        asyncio.run(publish())
    except OSError:
        raise
    except Exception as exc:  # aio_pika's connection errors
        raise OSError(type(exc).__name__) from exc
    logger.info("Erasure event published on the event broker.")
    return True


@dataclass
class PurgeReport:
    conversations: int = 0
    events: int = 0
    recaps: int = 0


def purge(older_than: dt.timedelta, tracker_db_url: Optional[str] = None, database_url: Optional[str] = None,
          dry_run: bool = False, now: Optional[float] = None, tracker_engine: Optional[Engine] = None,
          product_engine: Optional[Engine] = None) -> PurgeReport:
    """Delete conversations whose last event is older than older_than, and expired recaps."""
    from bot.services.catalogue.db import session_factory
    from bot.services.recap import delete_expired_recaps

    now = time.time() if now is None else now
    cutoff = now - older_than.total_seconds()
    report = PurgeReport()
    own_tracker = tracker_engine is None
    tracker = tracker_engine or _tracker_engine(tracker_db_url)
    try:
        if inspect(tracker).has_table(EVENTS_TABLE):
            old = (f"SELECT sender_id FROM {EVENTS_TABLE} GROUP BY sender_id "
                   f"HAVING MAX(timestamp) < :cutoff")
            with tracker.begin() as connection:
                report.conversations = connection.execute(
                    text(f"SELECT COUNT(*) FROM ({old}) AS old_senders"), {"cutoff": cutoff}).scalar_one()
                report.events = connection.execute(
                    text(f"SELECT COUNT(*) FROM {EVENTS_TABLE} WHERE sender_id IN ({old})"),
                    {"cutoff": cutoff}).scalar_one()
                if not dry_run and report.events:
                    connection.execute(text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id IN ({old})"),
                                       {"cutoff": cutoff})
    finally:
        if own_tracker:
            tracker.dispose()
    product = product_engine or _product_engine(database_url)
    with session_factory(product)() as session:
        report.recaps = delete_expired_recaps(session, now=dt.datetime.fromtimestamp(now, dt.timezone.utc),
                                              dry_run=dry_run)
    logger.info("Purge%s: %d conversation(s), %d event(s), %d expired recap(s).",
                " (dry run)" if dry_run else "", report.conversations, report.events, report.recaps)
    return report
