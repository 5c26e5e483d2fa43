"""Human next step, erasure and the fallback when no rule applies."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_io import profile_of
from bot.handoff import handoff_text


class ActionHumanHandoff(Action):
    def name(self) -> str:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(text=handoff_text(profile_of(tracker)))
        return []


class ActionCoreFallback(Action):
    """No rule fits: say so plainly and keep everything the user said."""

    def name(self) -> str:
        return "action_core_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_please_rephrase")
        return []


class ActionDeleteData(Action):
    """Erases the conversation: slots here, stored events in the tracker store.

    The tracker store (capnum_rasa.tracker_store) sees this action as the last one and
    deletes every stored event of the sender instead of saving them.
    """

    def name(self) -> str:
        return "action_delete_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(text="C'est fait : j'ai effacé vos réponses et notre conversation. "
                                      "Vous pouvez recommencer quand vous voulez.")
        return [AllSlotsReset()]
