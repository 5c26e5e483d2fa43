"""The courses: show, show more, detail, compare, answer a question about one, refine.

Functions the turn action (actions/turn.py) calls: each reads the profile and the courses
shown from the tracker, asks `bot.services.search` for courses, and sends the readable French
text, the buttons and the `recommendations` custom payload (CONTRACT.md §2). They return
the slot events to store.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Mapping

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.tracker_io import latest_text, profile_of, send_buttons
from bot.core import course_facts, dialogue, replies
from bot.core.refine import course_question_topic, parse_refinement, ranks_mentioned
from bot.services import analytics
from bot.services.catalogue.db import ensure_schema, get_engine
from bot.services.search import MatchingEngine, Profile, Refinement

logger = logging.getLogger(__name__)
PAGE_SIZE = 3
SHOWN_SLOT = "shown_course_ids"
OFFER_SLOT = "pending_offer"
REFINEMENT_SLOT = "active_refinements"



@functools.lru_cache(maxsize=1)
def matching_engine() -> MatchingEngine:
    engine = MatchingEngine(ensure_schema(get_engine()))
    engine.warm_up()
    return engine


def refinement_of(tracker: Tracker, stored: Mapping[str, Any] | None = None) -> Refinement:
    stored = tracker.get_slot(REFINEMENT_SLOT) if stored is None else stored
    return Refinement(**{k: v for k, v in (stored or {}).items() if k in Refinement.__dataclass_fields__})


def shown_ids(tracker: Tracker) -> list[str]:
    return list(tracker.get_slot(SHOWN_SLOT) or [])


def decisive_slots(profile: Mapping[str, Any], slots: tuple[str, ...]) -> set[str]:
    """The preferences on which this person's candidate courses differ (bot.services.search)."""
    try:
        return set(matching_engine().decisive_slots(Profile.from_slots(dict(profile)), slots))
    except SQLAlchemyError as error:
        logger.error("Catalogue query failed (%s)", type(error).__name__)
        return set()


def show_outside_region(dispatcher: CollectingDispatcher) -> list[EventType]:
    send_buttons(dispatcher, dialogue.outside_region_message(), replies.OUTSIDE_REGION_BUTTONS)
    return []


def show_results(dispatcher: CollectingDispatcher, tracker: Tracker, more: bool = False,
                 profile: Mapping[str, Any] | None = None, refinement: Refinement | None = None,
                 lead: str | None = None) -> list[EventType]:
    """Runs the matching and sends one page of courses; `more`: only courses not shown yet.

    `profile` and `refinement` are the ones this turn just set (the tracker still holds
    the old ones); `lead` is said first when courses are found."""
    profile = dict(profile_of(tracker) if profile is None else profile)
    if profile.get("departement") == "hors_idf":
        return show_outside_region(dispatcher)
    already = shown_ids(tracker) if more else []
    try:
        result = matching_engine().recommend(Profile.from_slots(profile), limit=PAGE_SIZE,
                                             refinement=refinement or refinement_of(tracker),
                                             exclude_ids=already)
    except SQLAlchemyError as error:
        # Never the exception's text: it holds the query parameters, i.e. profile values.
        logger.error("Catalogue query failed (%s)", type(error).__name__)
        dispatcher.utter_message(text=replies.CATALOGUE_UNAVAILABLE)
        return []
    if not more and (result.relaxed or not result.courses):
        analytics.record("no_strict_match", profile, tracker.sender_id,
                         details=list(result.relaxed) if result.courses else [analytics.NO_RESULT])
    if not result.courses:
        text = replies.no_more_text(result) if more else replies.no_result_text()
        send_buttons(dispatcher, text, replies.NO_RESULT_BUTTONS)
        # The courses shown stay the reference ("la 2" still means the same course); the text
        # offers a person: a "oui" takes the offer.
        return [] if more else [SlotSet(OFFER_SLOT, dialogue.OFFER_HANDOFF)]
    analytics.record("recommendations_shown", profile, tracker.sender_id,
                     course_ids=[c["id"] for c in result.courses])
    if lead:
        dispatcher.utter_message(text=lead)
    first_rank = len(already) + 1
    dispatcher.utter_message(text=replies.recommendations_text(result.courses, result.relaxation_sentence(),
                                                               first_rank))
    dispatcher.utter_message(json_message=result.payload())
    has_more = result.total_matches > len(result.courses)
    send_buttons(dispatcher, replies.NEXT_STEP,
                 replies.result_buttons(result.courses, first_rank, has_more))
    return [SlotSet(SHOWN_SLOT, already + [c["id"] for c in result.courses])]


def show_menu(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After the courses: what the person can do next."""
    send_buttons(dispatcher, replies.NEXT_STEP, replies.MENU_BUTTONS)
    return []


def _courses_named(tracker: Tracker) -> list[dict]:
    """Courses the message points at: an entity id, or ranks among the courses shown
    ("la 2", "la dernière", "les deux premières"); the latest page when none is named."""
    shown = shown_ids(tracker)
    ids = [e["value"] for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "course_id"]
    ids += [shown[r - 1] for r in ranks_mentioned(latest_text(tracker), len(shown)) if 0 < r <= len(shown)]
    engine = matching_engine()
    return [course for course in (engine.course(i) for i in dict.fromkeys(ids)) if course]


def _latest_page(tracker: Tracker) -> list[str]:
    shown = shown_ids(tracker)
    return shown[-PAGE_SIZE:] if len(shown) % PAGE_SIZE == 0 else shown[-(len(shown) % PAGE_SIZE):]


def _rank_of(tracker: Tracker, course: Mapping[str, Any]) -> int | None:
    shown = shown_ids(tracker)
    return shown.index(course["id"]) + 1 if course["id"] in shown else None


def _after_one_course(dispatcher: CollectingDispatcher) -> None:
    send_buttons(dispatcher, replies.NEXT_STEP, replies.AFTER_ONE_COURSE_BUTTONS)


def _named_or_only_course(tracker: Tracker) -> list[dict]:
    """The courses the message names, or the latest page's course when it holds only one."""
    courses = _courses_named(tracker)
    page = _latest_page(tracker)
    if not courses and len(page) == 1:
        courses = [c for c in (matching_engine().course(page[0]),) if c]
    return courses


def show_details(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    courses = _named_or_only_course(tracker)
    if not courses:
        send_buttons(dispatcher, replies.WHICH_COURSE,
                     [replies.details_button(rank, cid) for rank, cid in enumerate(shown_ids(tracker), 1)][-PAGE_SIZE:])
        return []
    course = courses[0]
    analytics.record("details_opened", profile_of(tracker), tracker.sender_id, course_ids=[course["id"]])
    dispatcher.utter_message(text=replies.course_details_text(course))
    _after_one_course(dispatcher)
    return []


def answer_course_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A question about one shown course, answered from that course's own data."""
    topic = course_question_topic(latest_text(tracker))
    courses = _named_or_only_course(tracker)
    if not courses or topic is None:
        return show_details(dispatcher, tracker)
    for course in courses[:2]:
        dispatcher.utter_message(text=course_facts.course_fact_text(course, topic, _rank_of(tracker, course)))
    _after_one_course(dispatcher)
    return []


def compare(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    courses = _courses_named(tracker)
    if len(courses) < 2:
        named = {c["id"] for c in courses}
        engine = matching_engine()
        courses += [c for c in (engine.course(i) for i in _latest_page(tracker) if i not in named) if c]
    if len(courses) < 2:
        dispatcher.utter_message(text=replies.NOTHING_TO_COMPARE)
        return show_menu(dispatcher, tracker)
    dispatcher.utter_message(text=replies.comparison_text(courses[0], courses[1],
                                                          ranks=[_rank_of(tracker, c) for c in courses[:2]]))
    send_buttons(dispatcher, replies.NEXT_STEP, [
        replies.details_button(_rank_of(tracker, c), c["id"]) for c in courses[:2] if _rank_of(tracker, c)
    ] + list(replies.AFTER_COMPARISON_BUTTONS))
    return []


def refine(dispatcher: CollectingDispatcher, tracker: Tracker) -> tuple[list[EventType], bool]:
    """Applies "plus court", "le soir"...; returns the events, and True when the domain must
    be asked again ("un autre domaine")."""
    request = parse_refinement(latest_text(tracker))
    if request.is_empty():
        return ask_what_is_wrong(dispatcher), False
    stored = dict(tracker.get_slot(REFINEMENT_SLOT) or {})
    for name in ("shorter", "sooner", "certifying_only", "evening_only", "hybrid_ok"):
        if getattr(request, name):
            stored[name] = True
    events: list[EventType] = [SlotSet(REFINEMENT_SLOT, stored)]
    if request.other_domain:
        dispatcher.utter_message(text=replies.OTHER_DOMAIN)
        return events + [SlotSet("domaine", None)], True
    return events + show_results(dispatcher, tracker, refinement=refinement_of(tracker, stored)), False


def ask_what_is_wrong(dispatcher: CollectingDispatcher) -> list[EventType]:
    send_buttons(dispatcher, replies.WHAT_IS_WRONG, replies.WHAT_IS_WRONG_BUTTONS)
    return []
