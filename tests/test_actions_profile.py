"""The form's one action (reading values, planning, asking) over real trackers and
CollectingDispatcher (no server needed)."""
from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.profile import ValidateProfileForm
from bot import dialogue
from tests.rasa_trackers import DOMAIN, make_tracker


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def profile_events(events):
    bookkeeping = {"requested_slot", "failed_attempts", "skipped_slots"}
    return {k: v for k, v in slot_events(events).items() if k not in bookkeeping}


def form_tracker(text, intent="inform", requested=None, slots=None, entities=None, answering=True,
                 before=()):
    """The tracker Rasa gives the form's validation: the user's message, then the form's own
    action. `answering`: the message answers the form's question (the bot listened just
    before); otherwise the form starts (a rule ran it right after the message)."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    events = list(before) + [{"event": "action", "name": "action_listen"},
                             {"event": "user", "text": text, "parse_data": latest}]
    if not answering:
        events.append({"event": "action", "name": "utter_greet"})
    events.append({"event": "action", "name": "profile_form"})
    return make_tracker(text, intent, {**(slots or {}), "requested_slot": requested}, entities=entities,
                        events=events, active_loop="profile_form" if answering else None)


def test_the_first_message_keeps_everything_volunteered_and_asks_what_is_missing():
    messages, events = run(ValidateProfileForm(),
                           form_tracker("Bonjour, j'ai 22 ans et j'habite à Créteil", "greet", answering=False))
    assert profile_events(events) == {"age": 22, "departement": "94", "commune": "Créteil"}
    assert slot_events(events)["requested_slot"] == "situation"
    assert messages[-1]["text"] == dialogue.question("situation").text


def test_an_impossible_age_is_refused_with_a_clear_message_then_asked_again():
    messages, events = run(ValidateProfileForm(), form_tracker("150 ans", requested="age"))
    assert "age" not in slot_events(events)
    assert any("15 et 99" in m["text"] for m in messages)
    assert slot_events(events)["failed_attempts"] == 1
    assert messages[-1]["text"] == dialogue.question("age", 1).text


def test_a_correction_replaces_the_value_and_says_so():
    known = {"departement": "94", "commune": "Créteil", "age": 24}
    messages, events = run(ValidateProfileForm(),
                           form_tracker("en fait j'habite à Évry", requested="situation", slots=known))
    assert profile_events(events) == {"departement": "91", "commune": "Évry-Courcouronnes"}
    assert any("je corrige" in m["text"] and "Évry-Courcouronnes" in m["text"] for m in messages)


def test_an_unchanged_value_is_not_stored_again():
    _, events = run(ValidateProfileForm(), form_tracker("j'ai 24 ans", requested="situation",
                                                        slots={"age": 24, "departement": "94"}))
    assert profile_events(events) == {}


def test_button_payload_entities_are_normalised():
    tracker = form_tracker('/inform{"niveau":"bac+2"}', entities=[{"entity": "niveau", "value": "bac+2"}],
                           requested="niveau")
    _, events = run(ValidateProfileForm(), tracker)
    assert profile_events(events) == {"niveau": "bac+2"}


def test_form_asks_the_next_missing_slot():
    messages, events = run(ValidateProfileForm(), form_tracker("22 ans", requested="age"))
    assert slot_events(events)["age"] == 22
    assert slot_events(events)["requested_slot"] == "departement"
    assert [m["text"] for m in messages] == [dialogue.question("departement").text]


def test_form_pauses_for_a_question_about_something_else():
    messages, events = run(ValidateProfileForm(), form_tracker("c'est quoi le CPF", "faq", requested="age"))
    assert events == [{"event": "action_execution_rejected", "name": "profile_form",
                       "policy": None, "confidence": None, "timestamp": None}]
    assert messages == []


def test_when_the_form_resumes_it_asks_again_without_reading_the_detour_twice():
    detour = form_tracker("150 ans c'est vieux ?", "faq", requested="age")
    resumed_events = detour.events[:-1] + [
        {"event": "action_execution_rejected", "name": "profile_form"},
        {"event": "action", "name": "utter_faq"},
        {"event": "action", "name": "profile_form"},
    ]
    resumed = make_tracker("150 ans c'est vieux ?", "faq", {"requested_slot": "age"}, events=resumed_events,
                           active_loop="profile_form")
    messages, events = run(ValidateProfileForm(), resumed)
    assert [m["text"] for m in messages] == [dialogue.question("age").text]
    assert slot_events(events)["requested_slot"] == "age"


def test_form_counts_unusable_answers():
    known = {"age": 30, "departement": "77", "situation": "salarie", "niveau": "bac", "domaine": "logistique"}
    messages, events = run(ValidateProfileForm(), form_tracker("bcp", requested="heures_semaine",
                                                               slots={**known, "failed_attempts": 1}))
    assert slot_events(events)["failed_attempts"] == 2
    assert slot_events(events)["requested_slot"] == "heures_semaine"
    # From the second failure on, the question shows buttons and a skip.
    assert dialogue.SKIP_PAYLOAD in [b["payload"] for b in messages[-1]["buttons"]]


def test_the_form_ends_when_the_profile_is_complete():
    known = {"age": 30, "departement": "77", "situation": "salarie", "niveau": "bac", "domaine": "logistique",
             "heures_semaine": 10}
    messages, events = run(ValidateProfileForm(), form_tracker("j'ai un ordinateur", requested="equipement",
                                                               slots=known))
    assert slot_events(events)["equipement"] == "ordinateur"
    assert slot_events(events)["requested_slot"] is None
    assert messages == []


def test_a_search_start_is_recorded_once(monkeypatch):
    from actions import profile as profile_actions

    recorded = []
    monkeypatch.setattr(profile_actions.analytics, "record", lambda kind, *a, **k: recorded.append(kind))
    first = form_tracker("bonjour", "greet", answering=False)
    run(ValidateProfileForm(), first)
    later = form_tracker("j'ai 22 ans", requested="age", before=first.events)
    run(ValidateProfileForm(), later)
    assert recorded == ["conversation_started"]
