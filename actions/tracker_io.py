"""Reading a Rasa tracker into the plain values `bot/` works with, and back."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.core.questions import Button, Question
from bot.core.vocab import PROFILE_SLOTS


def profile_of(tracker: Tracker) -> dict[str, Any]:
    """The profile slots that are known (None values left out)."""
    return {slot: value for slot in PROFILE_SLOTS if (value := tracker.get_slot(slot)) is not None}


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def is_payload(text: str) -> bool:
    """Button payloads such as /inform{"niveau":"bac"} are not free text."""
    return text.startswith("/")


def send_buttons(dispatcher: CollectingDispatcher, text: str, buttons: tuple[Button, ...] | list[Button]) -> None:
    dispatcher.utter_message(text=text, buttons=[b.as_dict() for b in buttons])


def send_question(dispatcher: CollectingDispatcher, question: Question) -> None:
    send_buttons(dispatcher, question.text, question.buttons)


def user_just_answered(tracker: Tracker, own_action: str) -> bool:
    """True when the user's message came right after the bot listened.

    Inside a form's validation the tracker ends with the form's own action (added by
    Rasa) and the slot candidates; the action before that tells whether the form is
    reading an answer (action_listen) or starting/resuming after another action.
    """
    seen_own = False
    for event in reversed(tracker.events):
        if event.get("event") != "action":
            continue
        if event.get("name") == own_action and not seen_own:
            seen_own = True
            continue
        return event.get("name") == "action_listen"
    return False
