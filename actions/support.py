"""Human next step, the adviser's code, and erasure."""
from __future__ import annotations

import logging
from typing import Any, Mapping

from rasa_sdk import Tracker
from rasa_sdk.events import AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.base import DatabaseAction
from actions.tracker_io import send_buttons
from bot.core import handoff, replies
from bot.core.questions import Button
from bot.services import analytics
from bot.services.catalogue.db import database_session
from bot.services.directory import find_places
from bot.services.privacy import erase_person
from bot.services.recap import create_recap

logger = logging.getLogger(__name__)


def hand_off(dispatcher: CollectingDispatcher, tracker: Tracker, profile: Mapping[str, Any],
             offer_recap: bool = True) -> None:
    """Names the places that fit the person (bot.services.directory); offers a recap code when
    `offer_recap` (not when a question follows)."""
    analytics.record("handoff", dict(profile), tracker.sender_id, details=["conseiller"])
    dispatcher.utter_message(text=handoff.handoff_text(profile))
    try:
        places = find_places(handoff.place_types_for(profile), profile.get("departement"), profile.get("commune"))
    except SQLAlchemyError as exc:
        # The class only: SQLAlchemy messages carry the statement's parameters (personal data).
        logger.error("Directory query failed: %s", type(exc).__name__)
        places = []
    for place in places:
        dispatcher.utter_message(text=handoff.place_text(place.as_dict()))
    if not places and (missing := handoff.missing_place_text(profile)):
        dispatcher.utter_message(text=missing)
    if offer_recap:
        send_buttons(dispatcher, replies.RECAP_OFFER, [
            handoff.RECAP_BUTTON, Button("Continuer ma recherche", "/search_course")])


def give_recap_code(dispatcher: CollectingDispatcher, tracker: Tracker, profile: Mapping[str, Any],
                    shown_course_ids: list[str]) -> None:
    """Stores the profile and the courses shown, and gives the code for an adviser."""
    if not profile:
        dispatcher.utter_message(text=handoff.RECAP_NEEDS_ANSWERS)
        return
    try:
        with database_session() as session:
            code = create_recap(session, tracker.sender_id, dict(profile), shown_course_ids)
    except SQLAlchemyError as exc:
        # The class only: SQLAlchemy messages carry the statement's parameters (personal data).
        logger.error("Recap creation failed: %s", type(exc).__name__)
        dispatcher.utter_message(text=handoff.RECAP_UNAVAILABLE)
        return
    analytics.record("handoff", dict(profile), tracker.sender_id, details=["code_recap"])
    dispatcher.utter_message(text=handoff.recap_code_text(code))


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
            dispatcher.utter_message(text=replies.ERASURE_FAILED)
            return []
        send_buttons(dispatcher, replies.ERASED, [replies.SEARCH_BUTTON])
        return [AllSlotsReset()]
