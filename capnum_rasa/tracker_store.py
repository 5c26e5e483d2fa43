"""A SQL tracker store that honours erasure requests ("supprimer mes données").

When the action `action_delete_data` has just run, the conversation is saved and then
every stored event of that sender is deleted in the same call, so nothing the person
said stays in the tracker store. The rest of the person's data (profile, recaps) is
erased by `bot.privacy` from the action itself.
"""
from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Iterator

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

ERASURE_ACTION = "action_delete_data"
# Published on the event broker when a conversation is erased: consumers drop their copy.
ERASURE_EVENT = "capnum_conversation_erased"
# Set on a tracker read from this store: how many of its events are stored already.
_STORED_EVENTS = "_capnum_stored_events"


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
        self.engine = sa.create_engine(old.url, **options, **create_engine_kwargs(old.url))
        if self.engine.dialect.name == "sqlite":
            # Erased conversations are overwritten on disk; the file is the owner's only.
            sa.event.listen(self.engine, "connect", _sqlite_secure_delete)
            from bot.catalogue.db import private_sqlite_file

            if old.url.database:
                private_sqlite_file(old.url.database)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        old.dispose()

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            if erasure_requested(tracker):
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

    async def _save_new_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, with the turn's new events written in one
        multi-row INSERT instead of one ORM object each (a few ms less per message)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [_event_row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()
        if getattr(tracker, _STORED_EVENTS, None) is not None:
            setattr(tracker, _STORED_EVENTS, len(tracker.events))

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        """Rasa's SQLTrackerStore._retrieve, reading only the `data` column (no ORM object
        per event), and noting on the tracker how many of its events are stored."""
        # Both retrieve() and retrieve_full_tracker() go through here.
        try:
            with self.session_scope() as session:
                query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
                events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data)]
        except Exception as exc:
            _storage_failed(exc)
            raise
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, _STORED_EVENTS, len(events))
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
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
