"""Profile actions: the form's one call per message (read the values, plan, ask) and the restart."""
from __future__ import annotations

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


def _message_already_read(tracker: Tracker) -> bool:
    """True when the form already read the latest user message: it paused for a detour
    (ActionExecutionRejected) and now resumes. The message must not be read twice."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "action_execution_rejected" and event.get("name") == FORM_NAME:
            return True
    return False


def _search_starts(tracker: Tracker) -> bool:
    """True when the form runs for the first time in this conversation (since the last
    restart or session start). Rasa has just added the form's own action at the end."""
    runs = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "action" and event.get("name") == FORM_NAME:
            runs += 1
        elif kind in ("restart", "session_started"):
            break
    return runs <= 1


def read_profile_values(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """The profile values the latest message gives or corrects (unchanged ones left out).

    Says why a value is refused (an age of 150) and says back what was corrected."""
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
    changed = {slot: value for slot, value in values.items() if value != tracker.get_slot(slot)}
    corrected = [slot for slot, value in changed.items()
                 if value is not None and tracker.get_slot(slot) is not None and slot != "commune"]
    if corrected:
        summary = dialogue.profile_summary({**profile_of(tracker), **changed})
        dispatcher.utter_message(text=f"C'est noté, je corrige : {summary}.")
    return changed


class ValidateProfileForm(DatabaseAction):
    """The form's one call per message: reads the profile values the message gives, then
    pauses the form for a detour, asks the next question, or ends the form.

    Rasa calls it when the form starts, after each answer, and when the form resumes.
    Reading and asking here, rather than in a global slot extractor and one action per
    question, makes one action server call per message instead of three."""

    def name(self) -> str:
        return f"validate_{FORM_NAME}"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        values: dict[str, Any] = {}
        if not _message_already_read(tracker):
            if _search_starts(tracker):
                analytics.record("conversation_started", {}, tracker.sender_id)
            values = read_profile_values(dispatcher, tracker)
        requested = tracker.get_slot("requested_slot")
        skipped = tracker.get_slot("skipped_slots") or []
        plan = dialogue.plan_turn(
            profile={k: v for k, v in {**profile_of(tracker), **values}.items() if v is not None},
            requested_slot=requested,
            intent=latest_intent(tracker),
            filled_this_turn=[slot for slot, value in values.items() if value is not None],
            awaiting_answer=user_just_answered(tracker, FORM_NAME),
            failed_attempts=int(tracker.get_slot("failed_attempts") or 0),
            skipped=skipped,
        )
        events: list[EventType] = [SlotSet(slot, value) for slot, value in values.items()]
        if plan.interrupt:
            return events + [ActionExecutionRejected(FORM_NAME)]
        if plan.gave_up_on:
            dispatcher.utter_message(text="Ce n'est pas grave, passons à la suite.")
        # failed_attempts always: Rasa rejects a form turn that sets no slot but requested_slot.
        events.append(SlotSet("failed_attempts", plan.failed_attempts))
        if list(plan.skipped_slots) != list(skipped):
            events.append(SlotSet("skipped_slots", list(plan.skipped_slots)))
        events.append(SlotSet("requested_slot", plan.next_slot))
        if plan.next_slot:
            send_question(dispatcher, dialogue.question(plan.next_slot, plan.failed_attempts))
        return events


class ActionRestartConversation(Action):
    """Forgets the profile and starts again from the first question."""

    def name(self) -> str:
        return "action_restart_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(text="D'accord, on recommence à zéro.")
        return [AllSlotsReset()]
