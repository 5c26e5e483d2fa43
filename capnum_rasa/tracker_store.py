"""A SQL tracker store that honours erasure requests ("supprimer mes données").

When the action `action_delete_data` has just run, the conversation is saved and then
every stored event of that sender is deleted in the same call, so nothing the person
said stays in the tracker store. The rest of the person's data (profile, recaps) is
erased by `bot.services.privacy` from the action itself.

It is also Rasa's SQLTrackerStore without the cost that grows with the conversation: Rasa
decodes every stored event of the session (JSON, then one Event object each) and replays
them into a new tracker on every message. This store keeps, per process, the trackers of
the last conversations it handled (`TrackerCache`, LRU, `CAPNUM_TRACKER_CACHE` entries),
each with what the database held when it was read or saved: row count, last row id, last
timestamp. On every retrieve one small query (`COUNT`, `MAX(id)`, `MAX(timestamp)` on the
sender's index) checks that the database still holds exactly that:
- same: the cached tracker is used, no event decoded;
- rows added by another replica (lock store on Redis): only those rows are decoded and
  applied to the cached tracker, in id order (a new session start: full read);
- anything else (erased, purged, rewritten, or a tracker changed in memory and not saved):
  the entry is dropped and the session is read in full, as Rasa does.
The database stays the only truth, with the same rows as Rasa writes (same table, columns and
JSON), so PostgreSQL, SQLite, replicas, `bot.services.privacy` purge and erasure keep their guarantees.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

ERASURE_ACTION = "action_delete_data"
# Published on the event broker when a conversation is erased: consumers drop their copy.
ERASURE_EVENT = "capnum_conversation_erased"
# Set on a tracker read from this store: how many of its events are stored already.
_STORED_EVENTS = "_capnum_stored_events"
# And how many rows the database held for its sender then (every session).
_STORED_ROWS = "_capnum_stored_rows"

# How many stored events this process has decoded (JSON + Event object): tests and the load
# figures read it; with the cache it grows with new messages, not with conversation length.
DECODE_STATS = {"events_decoded": 0, "full_reads": 0, "cache_hits": 0, "incremental_reads": 0}


def _decode(data: str) -> dict:
    DECODE_STATS["events_decoded"] += 1
    return json.loads(data)


def cache_size() -> int:
    try:
        return max(0, int(os.environ.get("CAPNUM_TRACKER_CACHE", "200")))
    except ValueError:
        return 200


@dataclass
class _Stamp:
    """What the database holds for one sender: rows (all sessions), last id, last timestamp."""

    rows: int
    last_id: Optional[int]
    last_timestamp: Optional[float]


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    stamp: _Stamp
    events: int  # len(tracker.events) when cached: a tracker changed and not saved is not reused


class TrackerCache:
    """Least recently used trackers of this process, each with its database stamp."""

    def __init__(self, size: int):
        self.size = size
        self._entries: "OrderedDict[str, _Entry]" = OrderedDict()

    def get(self, sender_id: str) -> Optional[_Entry]:
        entry = self._entries.get(sender_id)
        if entry is None:
            return None
        if len(entry.tracker.events) != entry.events:
            del self._entries[sender_id]
            return None
        self._entries.move_to_end(sender_id)
        return entry

    def put(self, sender_id: str, tracker: DialogueStateTracker, stamp: _Stamp) -> None:
        if self.size <= 0:
            return
        self._entries[sender_id] = _Entry(tracker, stamp, len(tracker.events))
        self._entries.move_to_end(sender_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def drop(self, sender_id: str) -> None:
        self._entries.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._entries)


_STAMP_QUERY = sa.text("SELECT count(*), max(id), max(timestamp) FROM events WHERE sender_id = :sender_id")


def _event_row(sender_id: str, event: Event) -> dict[str, Any]:
    """One row of Rasa's `events` table, with the same columns Rasa itself writes."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def erasure_requested(tracker: DialogueStateTracker) -> bool:
    """True when the last action of the tracker is the erasure action."""
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted) and event.action_name != "action_listen":
            return event.action_name == ERASURE_ACTION
    return False


def _storage_failed(error: BaseException) -> None:
    """Tells the REST channel (capnum_rasa.rest): Rasa's FailSafeTrackerStore would otherwise
    hide the error and start the conversation again from scratch."""
    from capnum_rasa.rest import note_storage_failure

    note_storage_failure(error)


def _sqlite_secure_delete(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


class ErasingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from rasa.core.tracker_store import create_engine_kwargs

        old = self.engine
        # hide_parameters: SQLAlchemy's errors and logs never show the statement's parameters
        # (message texts, profile values).
        options: dict = {"hide_parameters": True}
        if old.dialect.name == "postgresql":
            # Rasa's engine has no pre-ping: after a database restart every pooled connection
            # is dead and the next messages fail. Checked connections recover at once.
            options["pool_pre_ping"] = True
        if old.dialect.name == "sqlite" and old.url.database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 opens and closes a file database's connection for every session
            # (NullPool): two per message, each with its PRAGMA. A pool keeps them open, as
            # SQLAlchemy 2.0 does; every statement still runs on Rasa's one thread.
            options.update(poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
        self.engine = sa.create_engine(old.url, **options, **create_engine_kwargs(old.url))
        if self.engine.dialect.name == "sqlite":
            # Erased conversations are overwritten on disk; the file is the owner's only.
            sa.event.listen(self.engine, "connect", _sqlite_secure_delete)
            from bot.services.catalogue.db import private_sqlite_file

            if old.url.database:
                private_sqlite_file(old.url.database)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        old.dispose()
        self.cache = TrackerCache(cache_size())

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            if erasure_requested(tracker):
                self.cache.drop(tracker.sender_id)
                await self.delete_sender(tracker.sender_id)
                self._publish_erasure(tracker.sender_id)
                logger.info("Conversation erased at the user's request.")
                from capnum_rasa.rest import note_erasure

                note_erasure(tracker.sender_id)
                return
            await self._save_new_events(tracker)
        except Exception as exc:
            _storage_failed(exc)
            raise

    def _publish_erasure(self, sender_id: str) -> None:
        """Tells the event broker's consumers (RabbitMQ, when configured) to drop every copy of
        this conversation: one message {"sender_id", "event": ERASURE_EVENT, "timestamp"} on
        the same queue as the conversation's events."""
        if self.event_broker is None:
            return
        import time

        try:
            self.event_broker.publish({"sender_id": sender_id, "event": ERASURE_EVENT, "timestamp": time.time()})
        except Exception as exc:  # the erasure itself is done; the broker retries on its own
            logger.error("Erasure event not published: %s", type(exc).__name__)

    def _stamp(self, session: Any, sender_id: str) -> _Stamp:
        # Twice a message: one plain statement, built once (a select construct costs three
        # times the query itself in SQLAlchemy's compile cache lookup).
        rows, last_id, last_timestamp = session.execute(_STAMP_QUERY, {"sender_id": sender_id}).one()
        return _Stamp(rows, last_id, last_timestamp)

    async def _save_new_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save: the turn's new events written in one multi-row INSERT
        (not one ORM object each), published on the event broker without reading the
        conversation again, and the tracker kept in the cache with the database's new stamp."""
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            if self.event_broker is not None and new_events:
                await self._stream_new_events(self.event_broker, new_events, sender_id)
            rows = [_event_row(sender_id, event) for event in new_events]
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()
            stamp = self._stamp(session, sender_id) if self.cache.size else None
        if getattr(tracker, _STORED_EVENTS, None) is not None:
            setattr(tracker, _STORED_EVENTS, len(tracker.events))
        # Cached only when the database holds exactly what this tracker says: the cached rows
        # (or none) plus the ones just written, nothing written meanwhile by anyone else, and no
        # new session started (the next read then starts at the new session, as Rasa's does).
        expected = getattr(tracker, _STORED_ROWS, None)
        if (stamp is None or expected is None or stamp.rows != expected + len(rows)
                or any(isinstance(event, SessionStarted) for event in new_events)):
            self.cache.drop(sender_id)
            return
        setattr(tracker, _STORED_ROWS, stamp.rows)
        self.cache.put(sender_id, tracker, stamp)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Published by _save_new_events (the events it stores), not by reading the tracker again."""

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        """Rasa's SQLTrackerStore._retrieve, from the cache when the database says it is
        current; otherwise reading only the `data` column (no ORM object per event)."""
        # Both retrieve() and retrieve_full_tracker() go through here.
        try:
            with self.session_scope() as session:
                if fetch_events_from_all_sessions:
                    return self._read(session, sender_id, True)
                return self._current_session(session, sender_id)
        except Exception as exc:
            _storage_failed(exc)
            raise

    def _read(self, session: Any, sender_id: str, all_sessions: bool) -> Optional[DialogueStateTracker]:
        """The whole session (or every session), decoded: Rasa's own read."""
        DECODE_STATS["full_reads"] += 1
        query = self._event_query(session, sender_id, all_sessions)
        events = [_decode(data) for (data,) in query.with_entities(self.SQLEvent.data)]
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not all_sessions:
            setattr(tracker, _STORED_EVENTS, len(events))
        return tracker

    def _current_session(self, session: Any, sender_id: str) -> Optional[DialogueStateTracker]:
        if not self.cache.size:
            return self._read(session, sender_id, False)
        stamp = self._stamp(session, sender_id)
        entry = self.cache.get(sender_id)
        if entry is not None and self.domain is not None:
            if stamp == entry.stamp:
                DECODE_STATS["cache_hits"] += 1
                return entry.tracker
            tracker = self._catch_up(session, entry, stamp)
            if tracker is not None:
                return tracker
        self.cache.drop(sender_id)
        tracker = self._read(session, sender_id, False)
        if tracker is not None:
            setattr(tracker, _STORED_ROWS, stamp.rows)
            self.cache.put(sender_id, tracker, stamp)
        return tracker

    def _catch_up(self, session: Any, entry: _Entry, stamp: _Stamp) -> Optional[DialogueStateTracker]:
        """The cached tracker with the rows another process added since, or None when the
        database changed in any other way (then the caller reads the session in full)."""
        old = entry.stamp
        if old.last_id is None or stamp.rows <= old.rows:
            return None
        table = self.SQLEvent.__table__
        added = session.execute(
            sa.select(table.c.type_name, table.c.data)
            .where(table.c.sender_id == entry.tracker.sender_id, table.c.id > old.last_id)
            .order_by(table.c.id)).all()
        if old.rows + len(added) != stamp.rows or any(t == SessionStarted.type_name for t, _ in added):
            return None
        DECODE_STATS["incremental_reads"] += 1
        tracker = entry.tracker
        for _, data in added:
            event = Event.from_parameters(_decode(data))
            if event is not None:
                tracker.update(event)
        setattr(tracker, _STORED_EVENTS, len(tracker.events))
        setattr(tracker, _STORED_ROWS, stamp.rows)
        self.cache.put(tracker.sender_id, tracker, stamp)
        return tracker

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The tracker's events not stored yet. A tracker this store has just read (the
        message being handled, under the conversation's lock) knows how many events are
        stored: no COUNT query. Any other tracker: Rasa's own COUNT query."""
        stored = getattr(tracker, _STORED_EVENTS, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def delete_sender(self, sender_id: str) -> None:
        self.cache.drop(sender_id)
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
