"""The profile form's planner: what is asked, in which order, and when it gives up."""
from __future__ import annotations

from bot import dialogue


def plan(profile, requested=None, intent="inform", filled=(), awaiting=True, attempts=0, skipped=()):
    return dialogue.plan_turn(profile, requested, intent, filled, awaiting, attempts, skipped)


def test_first_question_is_the_most_important_missing_one():
    assert plan({}, awaiting=False).next_slot == "age"
    assert plan({"age": 22}, awaiting=False).next_slot == "departement"


def test_never_asks_for_what_it_already_has():
    profile = {"age": 19, "departement": "91", "commune": "Évry-Courcouronnes", "niveau": "bac"}
    asked = plan(profile, awaiting=False).next_slot
    assert asked == "situation"
    assert asked not in profile


def test_optional_slots_are_never_asked():
    full = {"age": 30, "departement": "77", "situation": "salarie", "niveau": "bac",
            "domaine": "logistique", "heures_semaine": 8, "equipement": "ordinateur"}
    result = plan(full, requested="equipement", filled=["equipement"])
    assert result.next_slot is None and not result.interrupt


def test_outside_the_region_stops_the_questions():
    assert plan({"departement": "hors_idf"}, requested="departement", filled=["departement"]).next_slot is None


def test_an_unusable_answer_counts_and_asks_again():
    result = plan({}, requested="age", intent="inform", filled=())
    assert (result.next_slot, result.failed_attempts, result.interrupt) == ("age", 1, False)


def test_after_two_failures_the_question_offers_buttons_and_a_skip():
    assert dialogue.question("age", 1).buttons == ()
    buttons = dialogue.question("age", 2).buttons
    assert buttons[-1].payload == dialogue.SKIP_PAYLOAD
    domain_buttons = dialogue.question("domaine", 2).buttons
    assert any("je ne sais pas" in b.title.lower() for b in domain_buttons)


def test_skip_moves_on_and_is_remembered():
    result = plan({}, requested="age", intent="skip_question", attempts=2)
    assert result.next_slot == "departement"
    assert result.skipped_slots == ("age",)
    assert plan({}, awaiting=False, skipped=result.skipped_slots).next_slot == "departement"


def test_never_a_loop_gives_up_after_repeated_failures():
    attempts, requested = 0, "heures_semaine"
    profile = {"age": 30, "departement": "77", "situation": "salarie", "niveau": "bac", "domaine": "logistique"}
    for _ in range(dialogue.ATTEMPTS_BEFORE_GIVING_UP):
        result = plan(profile, requested=requested, intent="nlu_fallback", attempts=attempts)
        attempts = result.failed_attempts
    assert result.gave_up_on == "heures_semaine"
    assert result.next_slot == "equipement"


def test_a_question_about_something_else_pauses_the_form():
    assert plan({}, requested="age", intent="faq").interrupt


def test_a_detour_message_that_gives_a_value_is_an_answer():
    result = plan({"age": 24}, requested="age", intent="faq", filled=["age"])
    assert not result.interrupt and result.next_slot == "departement"


def test_resuming_after_a_detour_does_not_count_a_failure():
    result = plan({}, requested="age", intent="faq", awaiting=False, attempts=1)
    assert not result.interrupt and result.failed_attempts == 1 and result.next_slot == "age"


def test_profile_summary_reads_naturally():
    text = dialogue.profile_summary({"age": 22.0, "commune": "Créteil", "departement": "94", "niveau": "bac"})
    assert text == "22 ans, Créteil, bac"
