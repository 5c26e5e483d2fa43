"""A SQL tracker store that honours erasure requests ("supprimer mes données").

When the action `action_delete_data` has just run, the conversation is saved and then
every stored event of that sender is deleted in the same call, so nothing the person
said stays in the tracker store. The rest of the person's data (profile, recaps) is
erased by `bot.privacy` from the action itself.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASURE_ACTION = "action_delete_data"


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


class ErasingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "postgresql":
            # Rasa's engine has no pre-ping: after a database restart every pooled connection
            # is dead and the next messages fail. Checked connections recover at once.
            import sqlalchemy as sa
            from rasa.core.tracker_store import create_engine_kwargs

            old = self.engine
            self.engine = sa.create_engine(old.url, pool_pre_ping=True, **create_engine_kwargs(old.url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
            old.dispose()

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            if erasure_requested(tracker):
                await self.delete_sender(tracker.sender_id)
                logger.info("Conversation erased at the user's request.")
                return
            await super().save(tracker)
        except Exception as exc:
            _storage_failed(exc)
            raise

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        # Both retrieve() and retrieve_full_tracker() go through here.
        try:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        except Exception as exc:
            _storage_failed(exc)
            raise

    async def delete_sender(self, sender_id: str) -> None:
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
