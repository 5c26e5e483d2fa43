"""The planner's questions: what is asked, in which order, how it is worded.
(What a whole turn does is in tests/test_dialogue_properties.py.)"""
from __future__ import annotations

from bot.core import dialogue, questions
from bot.core.dialogue import Heard, State


def test_first_question_is_the_most_important_missing_one():
    assert dialogue.next_slot_to_ask({}) == "age"
    assert dialogue.next_slot_to_ask({"age": 22}) == "departement"


def test_never_asks_for_what_it_already_has():
    profile = {"age": 19, "departement": "91", "commune": "Évry-Courcouronnes", "niveau": "bac"}
    assert dialogue.next_slot_to_ask(profile) == "situation"


def test_preferences_that_decide_nothing_are_not_asked():
    full = {"age": 30, "departement": "77", "situation": "salarie", "niveau": "bac",
            "domaine": "logistique", "heures_semaine": 8, "equipement": "ordinateur"}
    plan = dialogue.plan_turn(State(full, requested_slot="equipement", welcomed=True),
                              Heard(intent="inform", filled=frozenset({"equipement"})))
    assert plan.step == dialogue.RECOMMEND and plan.next_slot is None


def test_outside_the_region_stops_the_questions():
    plan = dialogue.plan_turn(State({"departement": "hors_idf"}, requested_slot="departement", welcomed=True),
                              Heard(intent="inform", filled=frozenset({"departement"})))
    assert plan.step == dialogue.OUTSIDE_REGION and plan.next_slot is None


def test_after_two_failures_the_question_offers_buttons_and_a_skip():
    assert questions.question("age", 1).buttons == ()
    buttons = questions.question("age", 2).buttons
    assert buttons[-1].payload == questions.SKIP_PAYLOAD
    domain_buttons = questions.question("domaine", 2).buttons
    assert any("je ne sais pas" in b.title.lower() for b in domain_buttons)


def test_every_preference_question_has_buttons_with_a_way_out():
    for slot in dialogue.ASKED_WHEN_DECISIVE:
        titles = [b.title.lower() for b in questions.question(slot).buttons]
        assert any("peu importe" in t or "ne pas répondre" in t for t in titles), slot


def test_skip_moves_on_and_is_remembered():
    plan = dialogue.plan_turn(State({}, requested_slot="age", welcomed=True, failed_attempts=2),
                              Heard(intent="skip_question"))
    assert plan.next_slot == "departement" and plan.skipped == ("age",)
    assert dialogue.next_slot_to_ask({}, plan.skipped) == "departement"


def test_dont_know_is_an_answer_for_the_domain_not_a_skip():
    known = {"age": 20, "departement": "93", "situation": "autre", "niveau": "bac"}
    plan = dialogue.plan_turn(State(known, requested_slot="domaine", welcomed=True),
                              Heard(intent="dont_know"))
    assert plan.next_slot == "domaine" and plan.failed_attempts == 1


def test_profile_summary_reads_naturally():
    text = dialogue.profile_summary({"age": 22.0, "commune": "Créteil", "departement": "94", "niveau": "bac"})
    assert text == "22 ans, Créteil, bac"


def test_asking_for_other_courses_shows_more_even_when_a_topic_word_is_in_it():
    """"vous en avez d'autres qui durent moins longtemps ?" read as a question on duration
    would answer in general and show nothing new."""
    full = {"age": 30, "departement": "77", "situation": "salarie", "niveau": "bac",
            "domaine": "logistique", "heures_semaine": 8, "equipement": "ordinateur"}
    state = State(full, requested_slot=None, welcomed=True, results_shown=True)
    for intent in ("faq", "inform", "course_details"):
        plan = dialogue.plan_turn(state, Heard(intent=intent, wants_more=True, course_topic="duree"))
        assert plan.step == dialogue.MORE, intent
    assert dialogue.plan_turn(state, Heard(intent="faq", course_topic="duree", ranks=(1,))).step == dialogue.COURSE_QUESTION


# --- how one message's values merge with what is known (dialogue.merge_heard_values) --------
def test_a_button_gives_exactly_its_entities():
    changed, corrected = dialogue.merge_heard_values({"age": 30}, "situation", {"situation": "salarie"}, None)
    assert changed == {"situation": "salarie"} and corrected == []


def test_entities_help_only_the_question_asked_when_the_rules_found_nothing():
    assert dialogue.merge_heard_values({}, "age", {"age": 22, "heures_semaine": 10}, {})[0] == {"age": 22}
    assert dialogue.merge_heard_values({}, "age", {"age": 22}, {"age": 23})[0] == {"age": 23}
    assert dialogue.merge_heard_values({}, "age", {"age": 22}, {}, invalid=True)[0] == {}
    assert dialogue.merge_heard_values({}, None, {"age": 22}, {})[0] == {}


def test_a_value_said_in_passing_does_not_replace_an_earlier_answer():
    known = {"situation": "salarie", "age": 30}
    heard = {"situation": "demandeur_emploi", "age": 24}
    assert dialogue.merge_heard_values(known, "age", {}, heard)[0] == {"age": 24}
    changed, corrected = dialogue.merge_heard_values(known, "age", {}, heard, may_replace=True)
    assert changed == heard and sorted(corrected) == ["age", "situation"]


def test_the_town_goes_with_its_department():
    known = {"departement": "93", "commune": "Bobigny"}
    kept = dialogue.merge_heard_values(known, "age", {}, {"departement": "75", "commune": "Paris"})[0]
    assert kept == {}
    moved = dialogue.merge_heard_values(known, "departement", {}, {"departement": "94"})[0]
    assert moved == {"departement": "94", "commune": None}
    assert dialogue.merge_heard_values(known, "commune", {}, {"departement": "94", "commune": "Créteil"})[1] \
        == ["departement"]


def test_correction_text_says_the_profile_as_it_stands():
    assert dialogue.correction_text({"age": 24}).startswith("C'est noté, je corrige : 24 ans")


def test_a_department_said_in_passing_does_not_bring_its_town():
    # The department is not replaced (not asked, already known): its town must not slip in alone.
    assert dialogue.merge_heard_values({"departement": "93"}, "age", {}, {"departement": "75", "commune": "Paris"})[0] == {}


def test_the_handicap_question_offers_yes_no_and_not_answering():
    buttons = questions.question("handicap").buttons
    assert [(b.title, b.payload) for b in buttons] == [
        ("Oui", '/inform{"handicap":"true"}'), ("Non", '/inform{"handicap":"false"}'),
        ("Je préfère ne pas répondre", questions.SKIP_PAYLOAD)]
