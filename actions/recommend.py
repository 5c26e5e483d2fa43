"""Recommendation actions: show, page, detail, refine and compare courses.

They read the profile from the tracker, ask `bot.matching` for courses, and send the
readable French text, buttons, and the `recommendations` custom payload (CONTRACT.md §2).
"""
from __future__ import annotations

import functools
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction
from actions.tracker_io import latest_text, profile_of, send_buttons
from bot import analytics, dialogue, replies
from sqlalchemy.exc import SQLAlchemyError

from bot.catalogue.db import ensure_schema, get_engine
from bot.dialogue import Button
from bot.matching import MatchingEngine, Profile, Refinement
from bot.refine import parse_refinement, ranks_mentioned

logger = logging.getLogger(__name__)
PAGE_SIZE = 3


CATALOGUE_UNAVAILABLE = ("Le catalogue des formations est indisponible pour le moment. "
                         "Vos réponses sont gardées : réessayez dans quelques minutes.")


@functools.lru_cache(maxsize=1)
def matching_engine() -> MatchingEngine:
    engine = MatchingEngine(ensure_schema(get_engine()))
    engine.warm_up()
    return engine


REFINEMENT_SLOT = "active_refinements"


def _refinement(stored: dict[str, Any] | None) -> Refinement:
    return Refinement(**{k: v for k, v in (stored or {}).items() if k in Refinement.__dataclass_fields__})


def _refinement_from_slot(tracker: Tracker) -> Refinement:
    return _refinement(tracker.get_slot(REFINEMENT_SLOT))


def show_results(dispatcher: CollectingDispatcher, tracker: Tracker, refinement: Refinement,
                 offset: int = 0) -> list[EventType]:
    """Runs the matching and sends one page of results; returns the slot events."""
    profile = profile_of(tracker)
    if profile.get("departement") == "hors_idf":
        send_buttons(dispatcher, dialogue.outside_region_message(), [
            Button("Je me suis trompé de ville", "/start_over"),
            Button("Parler à un conseiller", "/human_handoff"),
        ])
        return []
    try:
        result = matching_engine().recommend(Profile.from_slots(profile), limit=PAGE_SIZE, offset=offset,
                                             refinement=refinement)
    except SQLAlchemyError as error:
        # Never the exception's text: it holds the query parameters, i.e. profile values.
        logger.error("Catalogue query failed (%s)", type(error).__name__)
        dispatcher.utter_message(text=CATALOGUE_UNAVAILABLE)
        return []
    if offset == 0 and (result.relaxed or not result.courses):
        analytics.record("no_strict_match", profile, tracker.sender_id,
                         details=list(result.relaxed) if result.courses else [analytics.NO_RESULT])
    if result.courses:
        analytics.record("recommendations_shown", profile, tracker.sender_id,
                         course_ids=[c["id"] for c in result.courses])
    if not result.courses:
        text = replies.no_result_text() if offset == 0 else "Je n'ai pas d'autre formation à vous montrer."
        send_buttons(dispatcher, text, [
            Button("Changer mes réponses", "/start_over"),
            Button("Parler à un conseiller", "/human_handoff"),
        ])
        # The last page shown stays the current one ("la 2" still means the same course).
        return []
    dispatcher.utter_message(text=replies.recommendations_text(result.courses, result.relaxation_sentence(), offset + 1))
    dispatcher.utter_message(json_message=result.payload())
    more = result.total_matches > offset + len(result.courses)
    send_buttons(dispatcher, "Que voulez-vous faire ?", replies.result_buttons(result.courses, offset + 1, more))
    shown = list(tracker.get_slot("shown_course_ids") or []) if offset else []
    shown += [c["id"] for c in result.courses]
    return [SlotSet("shown_course_ids", shown), SlotSet("result_offset", offset)]


class ActionRecommend(DatabaseAction):
    def name(self) -> str:
        return "action_recommend"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        analytics.record("profile_complete", profile_of(tracker), tracker.sender_id)
        return show_results(dispatcher, tracker, _refinement_from_slot(tracker))


class ActionShowMore(DatabaseAction):
    def name(self) -> str:
        return "action_show_more"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        offset = int(tracker.get_slot("result_offset") or 0) + PAGE_SIZE
        return show_results(dispatcher, tracker, _refinement_from_slot(tracker), offset)


def _course_ids_named(tracker: Tracker) -> list[str]:
    """Courses the message points at: an entity id, or ranks ("la 2", "les deux premières")."""
    ids = [e["value"] for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "course_id"]
    if ids:
        return ids
    page = _current_page(tracker)
    return [page[r - 1] for r in ranks_mentioned(latest_text(tracker)) if 0 < r <= len(page)]


def _current_page(tracker: Tracker) -> list[str]:
    """Ids of the courses on the page the person is looking at."""
    shown = list(tracker.get_slot("shown_course_ids") or [])
    offset = int(tracker.get_slot("result_offset") or 0)
    return shown[offset:offset + PAGE_SIZE] or shown[-PAGE_SIZE:]


class ActionCourseDetails(DatabaseAction):
    def name(self) -> str:
        return "action_course_details"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        ids = _course_ids_named(tracker)
        course = matching_engine().course(ids[0]) if ids else None
        if course is None:
            dispatcher.utter_message(text="De quelle formation voulez-vous les détails ? Utilisez un bouton « Détails ».")
            return []
        analytics.record("details_opened", profile_of(tracker), tracker.sender_id, course_ids=[course["id"]])
        dispatcher.utter_message(text=replies.course_details_text(course))
        send_buttons(dispatcher, "Que voulez-vous faire ?", [
            Button("Voir d'autres formations", "/show_more"),
            Button("Parler à un conseiller", "/human_handoff"),
        ])
        return []


class ActionCompareCourses(DatabaseAction):
    def name(self) -> str:
        return "action_compare_courses"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        ids = _course_ids_named(tracker)
        ids = (ids + [i for i in _current_page(tracker) if i not in ids])[:2]
        courses = [c for c in (matching_engine().course(i) for i in ids) if c]
        if len(courses) < 2:
            dispatcher.utter_message(text="Il me faut deux formations à comparer. Demandez d'abord des formations.")
            return []
        dispatcher.utter_message(text=replies.comparison_text(courses[0], courses[1]))
        return []


class ActionRefineSearch(DatabaseAction):
    def name(self) -> str:
        return "action_refine_search"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        request = parse_refinement(latest_text(tracker))
        if request.is_empty():
            return ask_what_is_wrong(dispatcher)
        stored = dict(tracker.get_slot(REFINEMENT_SLOT) or {})
        for name in ("shorter", "sooner", "certifying_only", "evening_only", "hybrid_ok"):
            if getattr(request, name):
                stored[name] = True
        if request.other_domain:
            # Another domain: forget the domain; the form asks for it again.
            dispatcher.utter_message(text="D'accord, changeons de domaine.")
            return [SlotSet(REFINEMENT_SLOT, stored), SlotSet("domaine", None), FollowupAction("profile_form")]
        return [SlotSet(REFINEMENT_SLOT, stored)] + show_results(dispatcher, tracker, _refinement(stored))


def ask_what_is_wrong(dispatcher: CollectingDispatcher) -> list[EventType]:
    send_buttons(dispatcher, "Qu'est-ce qui ne vous convient pas ?", [
        Button("Trop long", '/refine_search{"refinement":"plus court"}'),
        Button("Commence trop tard", '/refine_search{"refinement":"plus tôt"}'),
        Button("Je veux un diplôme", '/refine_search{"refinement":"certifiante"}'),
        Button("Seulement le soir", '/refine_search{"refinement":"le soir"}'),
        Button("Un peu sur place, ça va", '/refine_search{"refinement":"hybride"}'),
        Button("Un autre domaine", '/refine_search{"refinement":"autre domaine"}'),
    ])
    return []


class ActionNoneFit(Action):
    def name(self) -> str:
        return "action_none_fit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return ask_what_is_wrong(dispatcher)
