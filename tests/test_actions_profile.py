"""Profile actions over real trackers and CollectingDispatcher (no server needed)."""
from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.profile import ASK_ACTIONS, ActionValidateSlotMappings, ValidateProfileForm
from bot import dialogue
from tests.rasa_trackers import DOMAIN, make_tracker


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_first_message_keeps_everything_volunteered():
    _, events = run(ActionValidateSlotMappings(), make_tracker("Bonjour, j'ai 22 ans et j'habite à Créteil"))
    assert slot_events(events) == {"age": 22, "departement": "94", "commune": "Créteil"}


def test_an_impossible_age_is_refused_with_a_clear_message():
    messages, events = run(ActionValidateSlotMappings(),
                           make_tracker("150 ans", slots={"requested_slot": "age"}))
    assert "age" not in slot_events(events)
    assert any("15 et 99" in m["text"] for m in messages)


def test_a_correction_replaces_the_value_and_says_so():
    tracker = make_tracker("en fait j'habite à Évry",
                           slots={"departement": "94", "commune": "Créteil", "age": 24})
    messages, events = run(ActionValidateSlotMappings(), tracker)
    assert slot_events(events) == {"departement": "91", "commune": "Évry-Courcouronnes"}
    assert any("je corrige" in m["text"] and "Évry-Courcouronnes" in m["text"] for m in messages)


def test_button_payload_entities_are_normalised():
    tracker = make_tracker('/inform{"niveau":"bac+2"}',
                           entities=[{"entity": "niveau", "value": "bac+2"}],
                           slots={"requested_slot": "niveau"})
    _, events = run(ActionValidateSlotMappings(), tracker)
    assert slot_events(events) == {"niveau": "bac+2"}


def _form_tracker(text, intent, requested, slots=None, candidates=None):
    """The tracker Rasa gives the form's validation: own action, then slot candidates."""
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text},
        {"event": "action", "name": "profile_form"},
    ] + [{"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()]
    return make_tracker(text, intent, {**(slots or {}), **(candidates or {}), "requested_slot": requested},
                        events=events, active_loop="profile_form")


def test_form_asks_the_next_missing_slot():
    _, events = run(ValidateProfileForm(), _form_tracker("22 ans", "inform", "age", candidates={"age": 22}))
    assert slot_events(events)["requested_slot"] == "departement"


def test_form_pauses_for_a_question_about_something_else():
    _, events = run(ValidateProfileForm(), _form_tracker("c'est quoi le CPF", "faq", "age"))
    assert events == [{"event": "action_execution_rejected", "name": "profile_form",
                       "policy": None, "confidence": None, "timestamp": None}]


def test_form_counts_unusable_answers():
    known = {"age": 30, "departement": "77", "situation": "salarie", "niveau": "bac", "domaine": "logistique"}
    _, events = run(ValidateProfileForm(), _form_tracker("bcp", "inform", "heures_semaine",
                                                         slots={**known, "failed_attempts": 1}))
    assert slot_events(events)["failed_attempts"] == 2
    assert slot_events(events)["requested_slot"] == "heures_semaine"


def test_ask_action_shows_buttons_and_skip_after_two_failures():
    ask_age = next(a for a in ASK_ACTIONS if a().name() == "action_ask_age")()
    messages, _ = run(ask_age, make_tracker("", slots={"failed_attempts": 2}))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert dialogue.SKIP_PAYLOAD in payloads
    first, _ = run(ask_age, make_tracker("", slots={"failed_attempts": 0}))
    assert first[0]["text"] == "Quel âge avez-vous ?"


def test_a_conversation_start_is_recorded_once_even_when_the_form_rereads_the_message(monkeypatch):
    from actions import profile as profile_actions

    recorded = []
    monkeypatch.setattr(profile_actions.analytics, "record", lambda kind, *a, **k: recorded.append(kind))
    first_read = make_tracker("bonjour", intent="greet")
    run(ActionValidateSlotMappings(), first_read)
    reread_at_form_start = make_tracker("bonjour", intent="greet", events=first_read.events + [
        {"event": "action", "name": "utter_greet"}, {"event": "active_loop", "name": "profile_form"}])
    run(ActionValidateSlotMappings(), reread_at_form_start)
    assert recorded == ["conversation_started"]
