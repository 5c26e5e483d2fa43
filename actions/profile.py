"""Profile actions: the global slot extractor, the form's planner and its questions."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction
from actions.tracker_io import (is_payload, latest_intent, latest_text, profile_of, send_question,
                                user_just_answered)
from bot import analytics, dialogue
from bot.geo import find_place
from bot.profile import extract_profile, normalise_slot
from bot.vocab import PROFILE_SLOTS

FORM_NAME = "profile_form"
_PLACE_ENTITY = "lieu"


def _values_from_entities(tracker: Tracker) -> dict[str, Any]:
    """Values carried by entities: button payloads and DIET's predictions."""
    values: dict[str, Any] = {}
    for entity in tracker.latest_message.get("entities") or []:
        name, raw = entity.get("entity"), entity.get("value")
        if name == _PLACE_ENTITY and isinstance(raw, str):
            place = find_place(raw, expecting_place=True)
            if place:
                values.setdefault("departement", place.departement)
                values.setdefault("commune", place.commune)
        elif name in PROFILE_SLOTS:
            value = normalise_slot(name, raw)
            if value is not None:
                values.setdefault(name, value)
    return values


def _is_first_message(tracker: Tracker) -> bool:
    """True on the first user message of the conversation (since the last restart or session
    start), read for the first time: Rasa runs this extractor again when the message starts
    the form, and by then other events follow the message."""
    if not tracker.events or tracker.events[-1].get("event") != "user":
        return False
    users = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            users += 1
        elif kind in ("restart", "session_started"):
            break
    return users == 1


class ActionValidateSlotMappings(DatabaseAction):
    """Runs after every user message: keeps whatever profile value the user gives."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if _is_first_message(tracker):
            analytics.record("conversation_started", {}, tracker.sender_id)
        text = latest_text(tracker)
        requested = tracker.get_slot("requested_slot")
        entity_values = _values_from_entities(tracker)
        if is_payload(text):
            # A button: its entities are exactly what the person chose.
            values = entity_values
        else:
            extraction = extract_profile(text, requested_slot=requested)
            values = dict(extraction.values)
            for reason in extraction.invalid.values():
                dispatcher.utter_message(text=reason)
            # The statistical NLU only helps with the question just asked, when the
            # rules found nothing: elsewhere a number may be hours read as an age.
            answered = {"departement", "commune"} if requested in ("departement", "commune") else {requested}
            if requested and not answered & set(values) and not extraction.invalid:
                values.update({k: v for k, v in entity_values.items() if k in answered})
        if "departement" in values and "commune" not in values:
            # A new department without a commune makes any older commune wrong.
            values["commune"] = None
        events: list[EventType] = []
        corrected = []
        for slot, value in values.items():
            previous = tracker.get_slot(slot)
            if value == previous:
                continue
            events.append(SlotSet(slot, value))
            if previous is not None and value is not None and slot != "commune":
                corrected.append(slot)
        if corrected:
            summary = dialogue.profile_summary({**profile_of(tracker), **values})
            dispatcher.utter_message(text=f"C'est noté, je corrige : {summary}.")
        return events


class ValidateProfileForm(Action):
    """Decides, after each message, whether the form pauses, asks, or is done."""

    def name(self) -> str:
        return f"validate_{FORM_NAME}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        filled = [slot for slot, value in tracker.slots_to_validate().items()
                  if slot in PROFILE_SLOTS and value is not None]
        plan = dialogue.plan_turn(
            profile=profile_of(tracker),
            requested_slot=requested,
            intent=latest_intent(tracker),
            filled_this_turn=filled,
            awaiting_answer=user_just_answered(tracker, FORM_NAME),
            failed_attempts=int(tracker.get_slot("failed_attempts") or 0),
            skipped=tracker.get_slot("skipped_slots") or [],
        )
        if plan.interrupt:
            return [ActionExecutionRejected(FORM_NAME)]
        if plan.gave_up_on:
            dispatcher.utter_message(text="Ce n'est pas grave, passons à la suite.")
        return [
            SlotSet("failed_attempts", plan.failed_attempts),
            SlotSet("skipped_slots", list(plan.skipped_slots)),
            SlotSet("requested_slot", plan.next_slot),
        ]


class _AskForSlot(Action, ABC):
    """Asks the question for one slot; buttons and a skip after repeated failures.
    Abstract until `_ask_action` gives it a slot, so the action server never registers a
    nameless "action_ask_"."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The profile slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        attempts = int(tracker.get_slot("failed_attempts") or 0)
        send_question(dispatcher, dialogue.question(self.slot, attempts))
        return []


def _ask_action(slot: str) -> type[_AskForSlot]:
    return type(f"ActionAsk_{slot}", (_AskForSlot,), {"slot": slot})


ASK_ACTIONS = [_ask_action(slot) for slot in dialogue.ASKABLE_SLOTS]


class ActionRestartConversation(Action):
    """Forgets the profile and starts again from the first question."""

    def name(self) -> str:
        return "action_restart_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(text="D'accord, on recommence à zéro.")
        return [AllSlotsReset()]
