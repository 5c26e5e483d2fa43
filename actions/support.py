"""Human next step, erasure and the fallback when no rule applies."""
from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.base import DatabaseAction
from actions.tracker_io import profile_of, send_buttons
from bot import analytics, handoff
from bot.catalogue.db import open_session
from bot.directory import find_places
from bot.privacy import erase_person
from bot.recap import create_recap

logger = logging.getLogger(__name__)


class ActionHumanHandoff(DatabaseAction):
    """Names the places that fit the person (bot.directory) and offers a recap code."""

    def name(self) -> str:
        return "action_human_handoff"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        profile = profile_of(tracker)
        analytics.record("handoff", profile, tracker.sender_id, details=["conseiller"])
        dispatcher.utter_message(text=handoff.handoff_text(profile))
        try:
            places = find_places(handoff.place_types_for(profile), profile.get("departement"),
                                 profile.get("commune"))
        except SQLAlchemyError as exc:
            # The class only: SQLAlchemy messages carry the statement's parameters (personal data).
            logger.error("Directory query failed: %s", type(exc).__name__)
            places = []
        for place in places:
            dispatcher.utter_message(text=handoff.place_text(place.as_dict()))
        if not places and (missing := handoff.missing_place_text(profile)):
            dispatcher.utter_message(text=missing)
        send_buttons(dispatcher, "Votre conseiller peut voir vos réponses avec un code.", [handoff.RECAP_BUTTON])
        return []


class ActionGiveRecapCode(DatabaseAction):
    """Stores the profile and the courses shown, and gives the code for an adviser."""

    def name(self) -> str:
        return "action_give_recap_code"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        try:
            with open_session() as session:
                code = create_recap(session, tracker.sender_id, profile_of(tracker),
                                    list(tracker.get_slot("shown_course_ids") or []))
        except SQLAlchemyError as exc:
            # The class only: SQLAlchemy messages carry the statement's parameters (personal data).
            logger.error("Recap creation failed: %s", type(exc).__name__)
            dispatcher.utter_message(text=handoff.RECAP_UNAVAILABLE)
            return []
        analytics.record("handoff", profile_of(tracker), tracker.sender_id, details=["code_recap"])
        dispatcher.utter_message(text=handoff.recap_code_text(code))
        return []


class ActionCoreFallback(Action):
    """No rule fits: say so plainly and keep everything the user said."""

    def name(self) -> str:
        return "action_core_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_please_rephrase")
        return []


class ActionDeleteData(DatabaseAction):
    """Erases the conversation: slots here, stored events in the tracker store.

    The tracker store (capnum_rasa.tracker_store) sees this action as the last one and
    deletes every stored event of the sender instead of saving them.
    """

    def name(self) -> str:
        return "action_delete_data"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        try:
            erase_person(tracker.sender_id)
        except SQLAlchemyError as exc:
            # The class only: SQLAlchemy messages carry the statement's parameters (personal data).
            logger.error("Erasure of the product data failed: %s", type(exc).__name__)
            dispatcher.utter_message(text="Je n'ai pas pu tout effacer. Réessayez dans quelques minutes.")
            return []
        dispatcher.utter_message(text="C'est fait : j'ai effacé vos réponses et notre conversation. "
                                      "Vous pouvez recommencer quand vous voulez.")
        return [AllSlotsReset()]
