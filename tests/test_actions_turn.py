"""The turn action over real rasa_sdk trackers, CollectingDispatcher and the demo catalogue in
a real SQLite database (no server needed). Each test plays the user's messages with the
intent the NLU would give, including its mistakes, and checks what the person reads and
what is stored."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import results
from actions.turn import ActionTurn
from bot.core import questions
from tests.rasa_trackers import DOMAIN, domain_slots, make_tracker
from tests.servers import BOBIGNY_PROFILE

PROFILE = BOBIGNY_PROFILE


@pytest.fixture(autouse=True)
def use_demo_catalogue(demo_matcher, monkeypatch):
    monkeypatch.setattr(results, "matching_engine", lambda: demo_matcher)


class Conversation:
    """Plays messages through the turn action, keeping the slots as Rasa would."""

    def __init__(self, **slots):
        self.slots = {**domain_slots(), **slots}
        self.messages: list[dict] = []

    def say(self, text, intent="inform", entities=None, faq=None):
        tracker = make_tracker(text, intent, dict(self.slots), entities=entities)
        if faq:
            tracker.latest_message["response_selector"] = {"faq": {"response": {"utter_action": faq}}}
        dispatcher = CollectingDispatcher()
        events = asyncio.run(ActionTurn().run(dispatcher, tracker, DOMAIN))
        for event in events:
            if event.get("event") == "reset_slots":
                self.slots = domain_slots()
            elif event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.messages = dispatcher.messages
        return self

    @property
    def texts(self):
        return [m.get("text") or m.get("response") or "" for m in self.messages]

    @property
    def text(self):
        return "\n".join(self.texts)

    @property
    def payload(self):
        return next((m["custom"] for m in self.messages if (m.get("custom") or {}).get("type") == "recommendations"),
                    None)

    @property
    def buttons(self):
        return [b["title"] for m in self.messages for b in m.get("buttons") or []]


def with_courses(**extra):
    preferences = {"creneau": "indifferent", "modalite": "indifferent", "certification": "indifferent",
                   "handicap": False}
    conversation = Conversation(**{**PROFILE, **preferences, **extra}, welcomed=True, requested_slot=None)
    return conversation.say("montre moi les formations", "search_course")


def test_the_first_message_is_welcomed_whatever_it_is_and_its_facts_are_kept():
    talk = Conversation().say("Je voudrais une formation diplômante en comptabilité, en ligne, le week-end", "faq",
                              faq="utter_faq/certifiante")
    assert talk.texts[:2] == ["utter_greet", "utter_privacy_notice"]
    assert "utter_faq/certifiante" not in talk.texts  # a search, not a knowledge question
    assert {k: talk.slots[k] for k in ("domaine", "modalite", "creneau", "certification")} == {
        "domaine": "gestion_administration", "modalite": "distance", "creneau": "soir_weekend",
        "certification": "oui"}
    assert talk.slots["requested_slot"] == "age" and talk.texts[-1] == questions.question("age").text


def test_a_question_among_facts_is_answered_and_the_facts_kept():
    talk = Conversation(welcomed=True, requested_slot="age").say("j'ai 22 ans, c'est quoi le CPF ?", "faq",
                                                                faq="utter_faq/cpf")
    assert "utter_faq/cpf" in talk.texts and talk.slots["age"] == 22
    assert talk.slots["requested_slot"] == "departement"


def test_an_impossible_age_is_refused_with_a_clear_message_then_asked_again():
    talk = Conversation(welcomed=True, requested_slot="age").say("150 ans")
    assert talk.slots["age"] is None and "15 et 99" in talk.text
    assert talk.slots["failed_attempts"] == 1 and talk.texts[-1] == questions.question("age", 1).text


def test_a_correction_replaces_the_value_and_says_so():
    talk = Conversation(welcomed=True, requested_slot="situation", departement="94", commune="Créteil",
                        age=24).say("en fait j'habite à Évry")
    assert (talk.slots["departement"], talk.slots["commune"]) == ("91", "Évry-Courcouronnes")
    assert any("je corrige" in t and "Évry-Courcouronnes" in t for t in talk.texts)


def test_button_payload_entities_are_normalised():
    talk = Conversation(welcomed=True, requested_slot="niveau", age=30, departement="75", situation="autre")
    talk.say('/inform{"niveau":"bac+2"}', entities=[{"entity": "niveau", "value": "bac+2"}])
    assert talk.slots["niveau"] == "bac+2" and talk.slots["requested_slot"] == "domaine"


def test_a_detour_is_answered_then_the_question_comes_back_and_counts():
    talk = Conversation(welcomed=True, requested_slot="heures_semaine", **{k: PROFILE[k] for k in
                        ("age", "departement", "situation", "niveau", "domaine")})
    talk.say("je suis accompagné par la mission locale", "human_handoff")
    assert talk.slots["failed_attempts"] == 1 and talk.slots["requested_slot"] == "heures_semaine"
    talk.say("montre moi les formations", "show_more")
    assert "Je vous montre les formations dès que" in talk.text or "utter_profile_first" in talk.texts
    assert questions.SKIP_PAYLOAD in [b["payload"] for m in talk.messages for b in m.get("buttons") or []]
    talk.say("???", "nlu_fallback")
    assert talk.slots["requested_slot"] != "heures_semaine"
    assert "heures_semaine" in talk.slots["skipped_slots"] and "passons à la suite" in talk.text


def test_a_complete_profile_gets_courses_with_the_contract_payload():
    talk = Conversation(welcomed=True, requested_slot="equipement",
                        **{k: v for k, v in PROFILE.items() if k != "equipement"})
    talk.say("j'ai un ordi portable")
    while talk.payload is None and talk.slots["requested_slot"]:
        talk.say("peu importe", "dont_know")
    payload = talk.payload
    assert payload and 1 <= len(payload["courses"]) <= 3
    for course in payload["courses"]:
        assert course["titre"] in talk.text and course["raisons"]
        assert "93" in course["departements"]
        assert course["pret_materiel"] in (True, False)
        if course["pret_materiel"]:
            assert course["equipement_requis"] == "aucun"
    assert talk.slots["shown_course_ids"] == [c["id"] for c in payload["courses"]]


def test_more_never_repeats_and_ends_with_an_honest_no_more():
    talk = with_courses()
    seen = list(talk.slots["shown_course_ids"])
    for _ in range(30):
        talk.say("Auriez-vous d'autres formations ?", "faq", faq="utter_faq/financement")
        if talk.payload is None:
            break
        ids = [c["id"] for c in talk.payload["courses"]]
        assert not set(ids) & set(seen)
        seen += ids
    assert talk.payload is None and "pas d'autre" in talk.text.lower()


def test_compare_the_first_and_the_third_after_more():
    talk = with_courses()
    talk.say("voir d'autres", "show_more")
    shown = talk.slots["shown_course_ids"]
    titles = {cid: results.matching_engine().course(cid)["titre"] for cid in shown}
    talk.say("tu peux comparer la 1 et la 3", "compare_courses")
    assert titles[shown[0]] in talk.text and titles[shown[2]] in talk.text


def test_details_of_the_second_in_words_even_when_read_as_a_knowledge_question():
    talk = with_courses()
    second = results.matching_engine().course(talk.slots["shown_course_ids"][1])
    talk.say("des détails sur la seconde", "faq", faq="utter_faq/cpf")
    assert second["titre"] in talk.text and "utter_faq/cpf" not in talk.texts


def test_a_question_about_a_shown_course_is_answered_from_its_data():
    talk = with_courses()
    first = results.matching_engine().course(talk.slots["shown_course_ids"][0])
    talk.say("c'est adapté aux personnes handicapées, la première ?", "faq", faq="utter_faq/handicap")
    assert "utter_faq/handicap" not in talk.texts
    assert first["titre"] in talk.text and "handicap" in talk.text.lower()
    assert talk.slots["handicap"] is False  # a question about the course, not about the person


def test_a_new_domain_after_the_courses_searches_again_and_says_what_changed():
    talk = with_courses()
    talk.say("et en graphisme, il y a quoi ?", "faq", faq="utter_faq/cpf")
    assert talk.slots["domaine"] == "design_graphique"
    assert talk.payload and all(c["domaine"] == "design_graphique" or "domaine" in talk.payload["relaxed"]
                                for c in talk.payload["courses"])
    assert "graphisme" in talk.text.lower() or "graphi" in talk.text.lower()


def test_a_recap_code_only_on_an_explicit_request():
    talk = Conversation().say("c'est ma conseillère qui m'envoie", "request_recap")
    assert "code" not in talk.text.lower() and talk.slots["requested_slot"] == "age"
    talk = with_courses().say("je souhaiterais m'entretenir avec un conseiller", "request_recap")
    assert "Votre code" not in talk.text and ("conseiller" in talk.text.lower())


def test_outside_the_region_gets_no_courses_and_a_human_next_step():
    talk = Conversation(welcomed=True, requested_slot="departement", age=30).say("j'habite à Lyon")
    assert talk.payload is None and "Île-de-France" in talk.text
    assert "Parler à un conseiller" in talk.buttons


def test_the_same_bot_turn_never_comes_three_times_in_a_row():
    talk = with_courses()
    answers = [talk.say("la 2", "course_details").text for _ in range(3)]
    assert answers[0] == answers[1] and answers[2] != answers[1]
    assert "conseiller" in answers[2]
    talk.say("oui", "affirm")
    assert "mission locale" in talk.text.lower() or "France Travail" in talk.text


def test_yes_to_the_offer_of_a_person_hands_off():
    talk = with_courses().say("t'es un robot ?", "bot_challenge")
    talk.say("oui", "affirm")
    assert talk.payload is None and ("mission locale" in talk.text.lower() or "France Travail" in talk.text)


def test_erasure_only_when_the_words_ask_for_it():
    talk = Conversation(welcomed=True, requested_slot="equipement", age=18)
    tracker_events = []
    misread = make_tracker("que mon tel", "delete_data", dict(talk.slots))
    dispatcher = CollectingDispatcher()
    tracker_events = asyncio.run(ActionTurn().run(dispatcher, misread, DOMAIN))
    assert {"event": "followup", "name": "action_listen"} in [
        {k: e.get(k) for k in ("event", "name")} for e in tracker_events]
    assert any(e.get("name") == "equipement" and e.get("value") == "smartphone" for e in tracker_events)
    asked = make_tracker("supprime mes données", "delete_data", dict(talk.slots))
    events = asyncio.run(ActionTurn().run(CollectingDispatcher(), asked, DOMAIN))
    assert not any(e.get("event") == "followup" for e in events)


def test_a_value_said_in_passing_does_not_replace_an_earlier_answer():
    talk = Conversation(welcomed=True, requested_slot="domaine", age=22, departement="94",
                        situation="jeune_decrocheur", niveau="sans_diplome")
    talk.say("je cherche travail comme télépilote de drone")
    assert talk.slots["domaine"] == "drones" and talk.slots["situation"] == "jeune_decrocheur"
    assert "je corrige" not in talk.text
    talk.say("en fait je suis au chômage")
    assert talk.slots["situation"] == "demandeur_emploi"


def test_facts_are_never_answered_with_i_did_not_understand():
    talk = Conversation().say("Bonjour, je peux consacrer 6 heures par semaine. Quelles formations pourriez-vous "
                              "me proposer ?", "nlu_fallback")
    assert talk.slots["heures_semaine"] == 6 and "utter_please_rephrase" not in talk.texts
