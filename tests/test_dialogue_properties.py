"""Properties of the planner (bot.core.dialogue) over random conversations (hypothesis).

Whatever a person writes, in any order, the conversation reaches courses, a human or
its end in a bounded number of turns; a pending question is either answered or counted;
nothing known or skipped is asked again.
"""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from bot.core import dialogue, questions
from bot.core.dialogue import Heard, State
from tests.lanes import examples

VALUES = {
    "age": [17, 22, 45], "departement": ["93", "75", "hors_idf"], "situation": ["salarie", "autre"],
    "niveau": ["bac", "sans_diplome"], "domaine": ["logistique", "indecis"], "heures_semaine": [5, 35],
    "equipement": ["ordinateur", "aucun"], "creneau": ["journee"], "modalite": ["distance"],
    "certification": ["oui"], "handicap": [True, False],
}
# Every intent but those by which the person ends or restarts the conversation on purpose.
INTENTS = ["greet", "thanks", "affirm", "deny", "bot_challenge", "inform", "dont_know", "skip_question",
           "search_course", "show_more", "course_details", "refine_search", "compare_courses", "none_fit",
           "human_handoff", "request_recap", "out_of_scope", "other_language", "faq", "nlu_fallback", None]
# A terminal step is reached within: the first turn, one turn per question, the unusable budget.
TURN_BOUND = 1 + len(dialogue.ASKED_SLOTS) + dialogue.MAX_UNUSABLE_TURNS


@st.composite
def message(draw, requested: str | None):
    """One message: an intent, and maybe some profile values (maybe the one asked for)."""
    slots = draw(st.lists(st.sampled_from(sorted(VALUES)), max_size=3, unique=True))
    if requested and draw(st.booleans()):
        slots.append(requested)
    values = {slot: draw(st.sampled_from(VALUES[slot])) for slot in slots}
    heard = Heard(intent=draw(st.sampled_from(INTENTS)), filled=frozenset(values),
                  is_question=draw(st.booleans()), explicit_recap=draw(st.booleans()),
                  asks_for_person=draw(st.booleans()))
    return heard, values


def play(data, decisive_draw, courses_found: bool, max_turns: int = 60):
    """Plays messages drawn one by one against the planner; returns (turns, plans)."""
    state, plans = State(), []
    for turn in range(1, max_turns + 1):
        heard, values = data.draw(message(state.requested_slot))
        heard = Heard(**{**heard.__dict__, "changed": frozenset(s for s in values if s in state.profile)})
        state = State(**{**state.__dict__, "profile": {**state.profile, **values}})
        plan = dialogue.plan_turn(state, heard, lambda profile, slots: decisive_draw(slots))
        plans.append((state, heard, plan))
        asking = plan.next_slot if plan.step in (dialogue.ASK, dialogue.RESTART) else None
        state = dialogue.state_after(state, plan, asking, courses_found)
        if plan.step in dialogue.ENDING_STEPS or state.results_shown:
            return turn, plans
    return max_turns + 1, plans


def decisive_strategy(data):
    return lambda slots: set(data.draw(st.lists(st.sampled_from(slots), unique=True))) if slots else set()


@settings(max_examples=examples(400), deadline=None)
@given(st.data(), st.booleans())
def test_every_conversation_reaches_courses_a_human_or_an_end_in_bounded_turns(data, courses_found):
    turns, _ = play(data, decisive_strategy(data), courses_found)
    assert turns <= TURN_BOUND <= 20


@settings(max_examples=examples(300), deadline=None)
@given(st.data())
def test_a_pending_question_is_answered_or_counted_whatever_the_intent(data):
    _, plans = play(data, decisive_strategy(data), True)
    for state, heard, plan in plans:
        asked = state.requested_slot
        if not asked or plan.step not in (dialogue.ASK, dialogue.RECOMMEND) or plan.step == dialogue.ERASE:
            continue
        answered = asked in heard.filled or state.profile.get(asked) is not None
        skipped = asked in plan.skipped and asked not in state.skipped
        counted = plan.unusable_turns == state.unusable_turns + 1
        assert answered or skipped or counted
        if plan.next_slot == asked and not answered:
            assert plan.failed_attempts == state.failed_attempts + 1


@settings(max_examples=examples(300), deadline=None)
@given(st.data())
def test_never_asks_what_is_known_or_skipped_nor_anything_outside_the_region(data):
    _, plans = play(data, decisive_strategy(data), True)
    for state, _, plan in plans:
        if plan.step != dialogue.ASK:
            continue
        assert state.profile.get(plan.next_slot) is None
        assert plan.next_slot not in plan.skipped
        assert state.profile.get("departement") != "hors_idf"


@settings(max_examples=examples(200), deadline=None)
@given(st.data())
def test_the_welcome_comes_once_on_the_first_turn_whatever_the_message(data):
    _, plans = play(data, decisive_strategy(data), True)
    assert plans[0][2].welcome
    assert not any(plan.welcome for _, _, plan in plans[1:])


def test_a_question_comes_back_with_buttons_after_two_attempts_and_is_skipped_after_three():
    state = State(profile={}, requested_slot="age", welcomed=True)
    for attempt in (1, 2):
        plan = dialogue.plan_turn(state, Heard(intent="faq", is_question=True))
        assert (plan.next_slot, plan.failed_attempts, plan.detour) == ("age", attempt, "faq")
        state = dialogue.state_after(state, plan, plan.next_slot, False)
    assert questions.question("age", 2).buttons[-1].payload == questions.SKIP_PAYLOAD
    plan = dialogue.plan_turn(state, Heard(intent="faq", is_question=True))
    assert plan.gave_up_on == "age" and plan.next_slot == "departement"


def test_a_detour_is_answered_and_the_values_of_the_message_are_kept():
    state = State(profile={"domaine": "gestion_administration", "modalite": "distance", "creneau": "soir_weekend",
                           "certification": "oui"})
    plan = dialogue.plan_turn(state, Heard(intent="faq", filled=frozenset(state.profile)))
    assert plan.detour is None and plan.step == dialogue.ASK and plan.next_slot == "age"
    asked = dialogue.plan_turn(state, Heard(intent="faq", filled=frozenset({"domaine"}), is_question=True))
    assert asked.detour == "faq"


def test_preferences_are_asked_only_when_they_decide():
    known = {"age": 30, "departement": "77", "situation": "salarie", "niveau": "bac", "domaine": "logistique",
             "heures_semaine": 8, "equipement": "ordinateur"}
    assert dialogue.next_slot_to_ask(known) is None
    assert dialogue.next_slot_to_ask(known, decisive=lambda p, slots: {"modalite", "handicap"}) == "modalite"


def test_a_recap_code_only_on_an_explicit_request():
    state = State(welcomed=True)
    misread = dialogue.plan_turn(state, Heard(intent="request_recap"))
    assert misread.detour is None and misread.step == dialogue.ASK
    wanted = dialogue.plan_turn(state, Heard(intent="request_recap", explicit_recap=True))
    assert wanted.detour == dialogue.RECAP
    person = dialogue.plan_turn(state, Heard(intent="request_recap", asks_for_person=True))
    assert person.step == dialogue.HANDOFF


def test_erasure_only_when_the_words_ask_for_it():
    state = State(welcomed=True, requested_slot="equipement")
    assert dialogue.plan_turn(state, Heard(intent="delete_data")).step == dialogue.ASK
    assert dialogue.plan_turn(state, Heard(intent="delete_data", explicit_erasure=True)).step == dialogue.ERASE


def test_yes_to_an_offered_person_hands_off():
    offered = dialogue.plan_turn(State(welcomed=True, requested_slot="age"), Heard(intent="bot_challenge"))
    assert offered.pending_offer == dialogue.OFFER_HANDOFF
    state = dialogue.state_after(State(welcomed=True), offered, offered.next_slot, False)
    assert dialogue.plan_turn(state, Heard(intent="affirm")).step == dialogue.HANDOFF


def test_after_the_courses_a_new_domain_searches_again():
    state = State(profile={"domaine": "design_graphique"}, welcomed=True, results_shown=True)
    plan = dialogue.plan_turn(state, Heard(intent="faq", filled=frozenset({"domaine"}),
                                           changed=frozenset({"domaine"}), is_question=True))
    assert plan.step == dialogue.RERUN
    assert dialogue.plan_turn(state, Heard(intent="inform", ranks=(1, 3))).step == dialogue.COMPARE
    assert dialogue.plan_turn(state, Heard(intent="faq", ranks=(2,), wants_details=True)).step == dialogue.DETAILS
    assert dialogue.plan_turn(state, Heard(intent="faq", ranks=(1,), course_topic="handicap")).step \
        == dialogue.COURSE_QUESTION
    assert dialogue.plan_turn(state, Heard(intent="search_course", wants_more=True)).step == dialogue.MORE
