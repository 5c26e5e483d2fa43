"""The request Rasa sends to the action server carries the recent events only.

Rasa 3.6 (`RemoteAction._action_call_format`) encodes every event of the session on every
call: 300 events at the 40th message, the one cost of a turn that grew with the conversation.
This project's actions read the slots, the latest message and the active loop (sent whole, as
before), and of the events only the tail of the turn being handled: rasa_sdk's
`slots_to_validate` (the slot events after the form's action) and
`actions.tracker_io.user_just_answered` (the action before the user's message). So the
request keeps the events from the previous user message on; a session with fewer user
messages is sent whole. Checked in tests/test_rasa_speedups.py.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import EventVerbosity

USER_TURNS_SENT = 2
_rasa_action_call_format = RemoteAction._action_call_format


def recent_events(events: List[Event], user_turns: int = USER_TURNS_SENT) -> List[Event]:
    """The events from the `user_turns`-th last user message on (all of them when fewer)."""
    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            seen += 1
            if seen == user_turns:
                return events[index:]
    return list(events)


def action_call_format(action: RemoteAction, tracker: Any, domain: Any) -> Dict[Text, Any]:
    """Rasa's request to the action server, with `tracker.events` cut to the recent ones."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in recent_events(list(tracker.events))]
    result = {"next_action": action.name(), "sender_id": tracker.sender_id, "tracker": state,
              "version": rasa.__version__}
    if not action._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(action.name()):
        result["domain"] = domain.as_dict()
    return result


def install() -> None:
    """Makes every RemoteAction of this process send the recent events only."""
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]
