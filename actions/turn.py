"""The one action every user message goes through (data/rules.yml).

It reads the tracker into plain values, lets the pure planner `bot.core.dialogue.plan_turn`
decide, carries the plan out with the functions of actions/results.py and
actions/support.py, and stores the new state. One action server call per message.
"""
from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import AllSlotsReset, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import results
from actions.base import DatabaseAction
from actions.profile import read_profile_values
from actions.support import give_recap_code, hand_off
from actions.tracker_io import latest_intent, latest_text, profile_of, send_buttons, send_question
from bot.core import cues, dialogue, questions, replies
from bot.core.dialogue import Heard, Plan, State
from bot.core.refine import course_question_topic, ranks_mentioned
from bot.services import analytics

# Bookkeeping slots (domain.yml), never shown to the user.
WELCOMED, OFFER, UNUSABLE = "welcomed", results.OFFER_SLOT, "unusable_turns"
LAST_TURN, REPEATS = "last_turn", "turn_repeats"


def state_of(tracker: Tracker, values: dict[str, Any]) -> State:
    profile = {k: v for k, v in {**profile_of(tracker), **values}.items() if v is not None}
    return State(
        profile=profile,
        requested_slot=tracker.get_slot("requested_slot"),
        failed_attempts=int(tracker.get_slot("failed_attempts") or 0),
        skipped=tuple(tracker.get_slot("skipped_slots") or ()),
        welcomed=bool(tracker.get_slot(WELCOMED)),
        results_shown=bool(tracker.get_slot(results.SHOWN_SLOT)),
        pending_offer=tracker.get_slot(OFFER),
        unusable_turns=int(tracker.get_slot(UNUSABLE) or 0),
    )


def heard_in(tracker: Tracker, values: dict[str, Any]) -> Heard:
    text = latest_text(tracker)
    filled = frozenset(slot for slot, value in values.items() if value is not None and slot != "commune")
    changed = frozenset(slot for slot in filled if tracker.get_slot(slot) is not None)
    payload = text.startswith("/")
    return Heard(
        intent=latest_intent(tracker),
        filled=filled,
        changed=changed,
        is_question=not payload and cues.is_question(text),
        explicit_recap=cues.asks_for_recap(text),
        explicit_erasure=cues.asks_for_erasure(text),
        asks_for_person=cues.asks_for_person(text),
        ranks=tuple(ranks_mentioned(text, len(results.shown_ids(tracker)))) if not payload else (),
        course_topic=None if payload else course_question_topic(text),
        wants_more=not payload and cues.wants_more(text),
        wants_details=not payload and cues.wants_details(text),
        wants_compare=not payload and cues.wants_compare(text),
    )


def _send_detour(dispatcher: CollectingDispatcher, tracker: Tracker, detour: str,
                 profile: dict[str, Any], question_follows: bool) -> None:
    if detour == dialogue.HANDOFF:
        hand_off(dispatcher, tracker, profile, offer_recap=not question_follows)
    elif detour == dialogue.RECAP:
        give_recap_code(dispatcher, tracker, profile, results.shown_ids(tracker))
    elif detour == "faq":
        selected = ((tracker.latest_message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        dispatcher.utter_message(response=selected.get("utter_action") or "utter_please_rephrase")
    else:
        dispatcher.utter_message(response=detour)


def _digest(messages: list[dict]) -> str:
    texts = "\n".join(str(m.get("text") or m.get("response") or m.get("custom") or "") for m in messages)
    return hashlib.sha1(texts.encode()).hexdigest()[:16]


class ActionTurn(DatabaseAction):
    """Reads the message, plans the turn (bot.core.dialogue) and carries the plan out."""

    def name(self) -> str:
        return "action_turn"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        results_shown = bool(tracker.get_slot(results.SHOWN_SLOT))
        values, notes = read_profile_values(tracker, correcting=not results_shown, correcting_freely=results_shown)
        state = state_of(tracker, values)
        heard = heard_in(tracker, values)
        plan = dialogue.plan_turn(state, heard, results.decisive_slots)
        if plan.welcome:
            analytics.record("conversation_started", {}, tracker.sender_id)
            dispatcher.utter_message(response="utter_greet")
            dispatcher.utter_message(response="utter_privacy_notice")
        if plan.step == dialogue.COURSE_QUESTION:
            values, notes = {}, []  # "c'est adapté aux personnes handicapées, la 1 ?" says nothing of the person
        for note in notes:
            dispatcher.utter_message(text=note)
        events: list[EventType] = [SlotSet(slot, value) for slot, value in values.items()]
        done, asking = self._carry_out(dispatcher, tracker, plan, state)
        events += done + self._bookkeeping(dispatcher, tracker, plan, state, asking, done)
        if latest_intent(tracker) == "delete_data" and plan.step != dialogue.ERASE:
            # The erasure rule runs action_delete_data after this action: not on a misread message.
            events.append(FollowupAction("action_listen"))
        return events

    def _carry_out(self, dispatcher: CollectingDispatcher, tracker: Tracker, plan: Plan,
                   state: State) -> tuple[list[EventType], str | None]:
        """Sends the turn's messages; returns the events and the question now pending."""
        if plan.detour:
            _send_detour(dispatcher, tracker, plan.detour, dict(state.profile),
                         question_follows=plan.step == dialogue.ASK)
        if plan.lead:
            dispatcher.utter_message(text=dialogue.LEADS[plan.lead])
        if plan.step == dialogue.REFINE:
            events, ask_domain = results.refine(dispatcher, tracker)
            if not ask_domain:
                return events, None
            # "Un autre domaine": the domain question comes back.
            send_question(dispatcher, questions.question("domaine"))
            return events, "domaine"
        asking = plan.next_slot if plan.step in (dialogue.ASK, dialogue.RESTART) else None
        return self._send_step(dispatcher, tracker, plan, state), asking

    def _send_step(self, dispatcher: CollectingDispatcher, tracker: Tracker, plan: Plan,
                   state: State) -> list[EventType]:
        profile = dict(state.profile)
        step = plan.step
        if step == dialogue.ASK:
            send_question(dispatcher, questions.question(plan.next_slot, plan.failed_attempts))
            return []
        if step == dialogue.RECOMMEND:
            analytics.record("profile_complete", profile, tracker.sender_id)
            return results.show_results(dispatcher, tracker, profile=profile)
        if step == dialogue.RERUN:
            before = profile_of(tracker)
            change = replies.profile_change_text(before, profile) if before != profile else None
            return results.show_results(dispatcher, tracker, profile=profile, lead=change)
        if step == dialogue.MORE:
            return results.show_results(dispatcher, tracker, more=True, profile=profile)
        if step == dialogue.DETAILS:
            return results.show_details(dispatcher, tracker)
        if step == dialogue.COURSE_QUESTION:
            return results.answer_course_question(dispatcher, tracker)
        if step == dialogue.COMPARE:
            return results.compare(dispatcher, tracker)
        if step == dialogue.NONE_FIT:
            return results.ask_what_is_wrong(dispatcher)
        if step == dialogue.HANDOFF:
            hand_off(dispatcher, tracker, profile)
            return []
        if step == dialogue.RECAP:
            give_recap_code(dispatcher, tracker, profile, results.shown_ids(tracker))
            return results.show_menu(dispatcher, tracker)
        if step == dialogue.RESTART:
            dispatcher.utter_message(text=replies.RESTARTING)
            send_question(dispatcher, questions.question(plan.next_slot))
            return [AllSlotsReset()]
        if step == dialogue.ERASE:
            return []  # the erasure rule runs action_delete_data next, which says it is done
        if step == dialogue.GOODBYE:
            send_buttons(dispatcher, replies.GOODBYE, [replies.SEARCH_BUTTON])
            return []
        if step == dialogue.OUTSIDE_REGION:
            return results.show_outside_region(dispatcher)
        # MENU: after the courses, what can be done next.
        return results.show_menu(dispatcher, tracker)

    def _bookkeeping(self, dispatcher: CollectingDispatcher, tracker: Tracker, plan: Plan, state: State,
                     asking: str | None, done: list[EventType]) -> list[EventType]:
        """The planner's new state, stored only where it changed; and never the same bot turn
        three times in a row: the third time, a human is offered instead."""
        courses_shown = any(e.get("name") == results.SHOWN_SLOT for e in done)
        after = dialogue.state_after(state, plan, asking, courses_shown)
        digest = _digest(dispatcher.messages)
        repeats = int(tracker.get_slot(REPEATS) or 0)
        if dialogue.repeats_too_often(tracker.get_slot(LAST_TURN), repeats, digest):
            dispatcher.messages.clear()
            send_buttons(dispatcher, replies.NOT_HELPING, replies.NOT_HELPING_BUTTONS)
            after = dataclasses.replace(after, requested_slot=None, pending_offer=dialogue.OFFER_HANDOFF)
            digest = _digest(dispatcher.messages)
        wanted = {
            "requested_slot": after.requested_slot,
            "failed_attempts": after.failed_attempts,
            "skipped_slots": list(after.skipped),
            UNUSABLE: after.unusable_turns,
            WELCOMED: after.welcomed,
            OFFER: after.pending_offer,
            LAST_TURN: digest,
            REPEATS: repeats + 1 if digest == tracker.get_slot(LAST_TURN) else 0,
        }
        if any(e.get("name") == OFFER for e in done):
            del wanted[OFFER]  # the step made its own offer
        reset = plan.step in (dialogue.ERASE, dialogue.RESTART)
        return [SlotSet(slot, value) for slot, value in wanted.items()
                if reset or _stored(value) != _stored(tracker.get_slot(slot))]


def _stored(value: Any) -> Any:
    """Slot values as Rasa stores them: numbers as floats, empty lists as None."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return value or None
    return value


class ActionCoreFallback(ActionTurn):
    """No rule fits (should not happen: every intent has one): plan the turn all the same."""

    def name(self) -> str:
        return "action_core_fallback"
