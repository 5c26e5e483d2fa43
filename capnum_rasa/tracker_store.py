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


class ErasingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if erasure_requested(tracker):
            await self.delete_sender(tracker.sender_id)
            logger.info("Conversation erased at the user's request.")
            return
        await super().save(tracker)

    async def delete_sender(self, sender_id: str) -> None:
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
