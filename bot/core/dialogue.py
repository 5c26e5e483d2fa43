"""The conversation's planner: what the assistant does after each user message.

Pure Python, no Rasa import. Every user message, whatever its intent, goes through
`plan_turn(state, heard, decisive)`; the one Rasa action (actions/turn.py) reads the
tracker into a `State` and a `Heard`, carries out the `Plan` and stores the new state.

Progress is guaranteed by construction:
- while a question is pending, a message either fills it or counts as an attempt
  (a detour is answered first, then the question comes back); buttons after
  `bot.core.questions.ATTEMPTS_BEFORE_BUTTONS` attempts, skipped after `ATTEMPTS_BEFORE_GIVING_UP`;
- after `MAX_UNUSABLE_TURNS` unusable answers in one conversation, the questions stop
  and the courses found with what is known are shown, with a human next step;
- so any sequence of messages reaches courses, a "nothing fits" with a human next
  step, or a handoff, in a bounded number of turns (tests/test_dialogue_properties.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping

from bot.core import vocab
from bot.core.labels import DOMAIN_LABELS, EQUIPMENT_IN_SUMMARY, LEVEL_IN_SUMMARY, SITUATION_IN_SUMMARY

# Asked whenever unknown, most important first: each one decides who may follow a course.
ALWAYS_ASKED = (
    "age",
    "departement",
    "situation",
    "niveau",
    "domaine",
    "heures_semaine",
    "equipement",
)
# Preferences asked only when the answer can change this person's shortlist (the candidate
# courses differ on it); otherwise they cost a turn on a phone for nothing.
ASKED_WHEN_DECISIVE = ("creneau", "modalite", "certification", "handicap")
ASKED_SLOTS = ALWAYS_ASKED + ASKED_WHEN_DECISIVE

# After this many, the question is skipped for good: never a loop.
ATTEMPTS_BEFORE_GIVING_UP = 3
# After this many unusable answers in the whole conversation, no more questions: the person
# sees what fits what is known, and a human next step.
MAX_UNUSABLE_TURNS = 6

# Steps: what the turn does after the welcome and the detour answer.
ASK = "ask"                    # ask `next_slot`
RECOMMEND = "recommend"        # the first list of courses
RERUN = "rerun"                # the profile changed after a list: search again, say what changed
MORE = "more"                  # courses not shown yet
DETAILS = "details"            # one course in full
COMPARE = "compare"            # two courses side by side
COURSE_QUESTION = "course_question"  # one fact about a shown course
REFINE = "refine"              # "plus court", "le soir"...
NONE_FIT = "none_fit"          # "aucune ne me va": what is wrong?
HANDOFF = "handoff"            # the nearest human help
RECAP = "recap"                # a code for the adviser (explicit request only)
ERASE = "erase"                # forget everything (action_delete_data runs right after)
RESTART = "restart"            # start again from the first question
GOODBYE = "goodbye"
OUTSIDE_REGION = "outside_region"
MENU = "menu"                  # after the courses: what can be done next

# Answers given before the turn's step, by intent (names of domain.yml responses;
# `faq` is the knowledge answer the response selector picked).
DETOUR_RESPONSES = {
    "faq": "faq",
    "bot_challenge": "utter_bot_challenge",
    "thanks": "utter_you_are_welcome",
    "greet": "utter_greet_again",
    "out_of_scope": "utter_out_of_scope",
    "other_language": "utter_other_language",
    "nlu_fallback": "utter_please_rephrase",
    "deny": "utter_no_problem",
}
# Intents about the list of courses, before there is one.
RESULTS_INTENTS = frozenset({"show_more", "course_details", "compare_courses", "none_fit", "refine_search"})
PROFILE_FIRST = "utter_profile_first"

# The offer the assistant makes with a yes/no ("Voulez-vous parler à un conseiller ?"):
# a "oui" does what was offered.
OFFER_HANDOFF = "handoff"


@dataclass(frozen=True)
class State:
    """What the conversation knows before this message is planned.

    `profile` already holds the values read from this message."""

    profile: Mapping[str, Any] = field(default_factory=dict)
    requested_slot: str | None = None
    failed_attempts: int = 0
    skipped: tuple[str, ...] = ()
    welcomed: bool = False
    results_shown: bool = False
    pending_offer: str | None = None
    unusable_turns: int = 0


@dataclass(frozen=True)
class Heard:
    """What this message says, as read by the NLU and bot.core.profile / bot.core.refine."""

    intent: str | None = None
    filled: frozenset[str] = frozenset()   # profile slots this message gave
    changed: frozenset[str] = frozenset()  # of those, the ones that replace another value
    is_question: bool = False              # written as a question ("?", "c'est quoi"...)
    explicit_recap: bool = False           # asks for the adviser's code in words or by button
    explicit_erasure: bool = False         # asks to erase, in words or by button
    asks_for_person: bool = False          # asks for a human in words
    ranks: tuple[int, ...] = ()            # positions of shown courses it points at
    course_topic: str | None = None        # a fact asked about a course ("cout", "handicap"...)
    wants_more: bool = False
    wants_details: bool = False
    wants_compare: bool = False


@dataclass(frozen=True)
class Plan:
    step: str
    welcome: bool = False
    detour: str | None = None      # a response name (DETOUR_RESPONSES) or HANDOFF
    lead: str | None = None        # a sentence before the question (see LEADS)
    next_slot: str | None = None
    failed_attempts: int = 0
    skipped: tuple[str, ...] = ()
    gave_up_on: str | None = None
    unusable_turns: int = 0
    pending_offer: str | None = None


# Sentences the turn may start its step with.
LEADS = {
    "back": "Pour revenir à votre recherche :",
    "gave_up": "Ce n'est pas grave, passons à la suite.",
    "enough": "Je vous montre ce que j'ai trouvé avec vos réponses.",
}

Decisive = Callable[[Mapping[str, Any], tuple[str, ...]], Iterable[str]]


def no_decisive_slot(profile: Mapping[str, Any], slots: tuple[str, ...]) -> set[str]:
    return set()


def next_slot_to_ask(profile: Mapping[str, Any], skipped: Iterable[str] = (),
                     decisive: Decisive = no_decisive_slot) -> str | None:
    """The most important question still open, or None when it is time for courses.

    A person outside Île-de-France is not asked anything more: the programme is for the
    region's residents only. Preferences are asked only when `decisive` says an answer could
    turn one of this person's candidate courses away."""
    if profile.get("departement") == vocab.OUTSIDE_REGION:
        return None
    skipped = set(skipped)
    open_slots = [slot for slot in ASKED_SLOTS if slot not in skipped and profile.get(slot) is None]
    for slot in open_slots:
        if slot in ALWAYS_ASKED:
            return slot
    preferences = tuple(open_slots)
    if not preferences:
        return None
    worth_asking = set(decisive(profile, preferences))
    return next((slot for slot in preferences if slot in worth_asking), None)


def _detour(heard: Heard) -> str | None:
    """The answer a message needs before the conversation goes on, if any.

    A message that gives profile facts is not also answered as a knowledge question,
    unless it is written as a question: "une formation diplômante en compta, en ligne"
    is a search, not "what is a certifying course?"."""
    if heard.intent == "human_handoff":
        return HANDOFF
    if heard.intent == "request_recap":
        return RECAP
    response = DETOUR_RESPONSES.get(heard.intent or "")
    if response is None or (heard.filled and (not heard.is_question or heard.intent == "nlu_fallback")):
        return None  # understood facts are never answered with "je n'ai pas compris"
    if heard.intent == "deny":
        return None  # a "non" to a question is an answer, not a detour
    return response


def _resolved_intent(heard: Heard) -> str | None:
    """The intent, corrected by what the words say for the few intents whose mistakes
    cost most: a recap code only on an explicit request; a person only when asked for."""
    intent = heard.intent
    if intent == "delete_data" and not heard.explicit_erasure:
        intent = "inform"  # "que mon tel" misread as erasure: never erase on a guess
    if intent == "request_recap" and not heard.explicit_recap:
        intent = "human_handoff" if heard.asks_for_person else "search_course"
    if intent == "human_handoff" and not heard.asks_for_person and heard.filled:
        intent = "inform"  # "c'est ma conseillère qui m'envoie, j'ai 19 ans"
    if intent not in ("human_handoff", "request_recap") and heard.asks_for_person and not heard.filled:
        intent = "human_handoff"
    return intent


def plan_turn(state: State, heard: Heard, decisive: Decisive = no_decisive_slot) -> Plan:
    """Decide what the assistant does with this message. Never loops (module docstring)."""
    plan = _plan(state, heard, decisive)
    if plan.welcome and plan.detour == "utter_greet_again":
        plan = replace(plan, detour=None)  # the welcome is the answer to a first "bonjour"
    if plan.detour == "utter_bot_challenge":
        plan = replace(plan, pending_offer=OFFER_HANDOFF)  # it offers a person: "oui" takes it
    return plan


def _plan(state: State, heard: Heard, decisive: Decisive) -> Plan:
    intent = _resolved_intent(heard)
    heard = replace(heard, intent=intent)
    welcome = not state.welcomed
    base = Plan(ASK, welcome=welcome, failed_attempts=state.failed_attempts, skipped=tuple(state.skipped),
                unusable_turns=state.unusable_turns)

    if intent == "delete_data":
        return replace(base, step=ERASE, welcome=False, failed_attempts=0)
    if intent == "start_over":
        return replace(base, step=RESTART, next_slot=next_slot_to_ask({}), failed_attempts=0, skipped=(),
                       unusable_turns=0)
    if intent == "goodbye" and not heard.filled:
        return replace(base, step=GOODBYE)
    if state.pending_offer == OFFER_HANDOFF and intent == "affirm" and not heard.filled:
        return replace(base, step=HANDOFF)
    if state.results_shown and not state.requested_slot:
        return _after_courses(state, heard, base)
    return _collect(state, heard, base, decisive)


def _collect(state: State, heard: Heard, base: Plan, decisive: Decisive) -> Plan:
    """While the profile is being collected: fill, or count the attempt; then ask or recommend."""
    requested = state.requested_slot
    attempts, skipped, unusable = state.failed_attempts, tuple(state.skipped), state.unusable_turns
    gave_up_on, lead = None, None
    detour = _detour(heard)
    if heard.intent in RESULTS_INTENTS and not heard.filled:
        detour = PROFILE_FIRST
    if requested:
        if requested in heard.filled or state.profile.get(requested) is not None:
            attempts = 0
        elif heard.intent in ("skip_question", "dont_know") and requested not in _NEEDS_AN_ANSWER:
            skipped, attempts = skipped + (requested,), 0
        else:
            attempts, unusable = attempts + 1, unusable + 1
            if attempts >= ATTEMPTS_BEFORE_GIVING_UP or heard.intent == "skip_question":
                skipped, gave_up_on, attempts = skipped + (requested,), requested, 0
                lead = "gave_up"
    next_slot = next_slot_to_ask(state.profile, skipped, decisive)
    if unusable >= MAX_UNUSABLE_TURNS and next_slot:
        next_slot, lead = None, "enough"
    if next_slot != requested:
        attempts = 0
    if detour and next_slot and lead is None and next_slot == requested:
        lead = "back"
    plan = replace(base, detour=detour, lead=lead, next_slot=next_slot, failed_attempts=attempts,
                   skipped=skipped, gave_up_on=gave_up_on, unusable_turns=unusable)
    if state.profile.get("departement") == vocab.OUTSIDE_REGION:
        return replace(plan, step=OUTSIDE_REGION, next_slot=None, lead=None)
    if detour == HANDOFF and not requested:
        return replace(plan, step=HANDOFF, detour=None, next_slot=None)  # asked for first: no question after
    if next_slot:
        return replace(plan, step=ASK)
    if state.results_shown:
        return replace(plan, step=RERUN)
    return replace(plan, step=RECOMMEND)


# "Je ne sais pas" is an answer for these (domaine: `indecis`), not a skip.
_NEEDS_AN_ANSWER = frozenset({"domaine"})


def _after_courses(state: State, heard: Heard, base: Plan) -> Plan:
    """Once courses were shown: a dialogue about them, not a menu."""
    intent = heard.intent
    if heard.course_topic and heard.ranks and not heard.wants_compare:
        return replace(base, step=COURSE_QUESTION)  # "la première est à distance ?" asks, changes nothing
    if heard.changed or (heard.filled and intent not in ("affirm", "deny")):
        if state.profile.get("departement") == vocab.OUTSIDE_REGION:
            return replace(base, step=OUTSIDE_REGION)
        return replace(base, step=RERUN, detour=_detour(heard) if heard.is_question else None)
    # one course named with no comparison word ("la 1 c'est quoi") asks about that one,
    # whatever the classifier guessed
    if heard.wants_compare or len(heard.ranks) >= 2 or (intent == "compare_courses" and len(heard.ranks) != 1):
        return replace(base, step=COMPARE)
    if heard.wants_more and not heard.ranks and intent not in ("refine_search", "human_handoff"):
        return replace(base, step=MORE)  # "vous en avez d'autres ?", whatever topic word it holds
    if heard.course_topic and (heard.ranks or intent in ("course_details", "faq", "inform")):
        return replace(base, step=COURSE_QUESTION)
    if intent == "course_details" or heard.wants_details or (heard.ranks and intent != "show_more"):
        return replace(base, step=DETAILS)
    if intent == "show_more" or heard.wants_more:
        return replace(base, step=MORE)
    steps = {"refine_search": REFINE, "none_fit": NONE_FIT, "human_handoff": HANDOFF,
             "request_recap": RECAP, "search_course": MENU}
    if intent in steps:
        return replace(base, step=steps[intent])
    if intent == "affirm":
        return replace(base, step=MENU)
    if intent == "deny":
        return replace(base, step=MENU, detour="utter_no_problem")
    return replace(base, step=MENU, detour=DETOUR_RESPONSES.get(intent or "", "utter_please_rephrase"))


# Steps after which the search has reached what it is for: courses, a human, or the end.
ENDING_STEPS = frozenset({RECOMMEND, RERUN, HANDOFF, OUTSIDE_REGION, ERASE, GOODBYE})
# Steps that show a list of courses (when the catalogue has some).
LIST_STEPS = frozenset({RECOMMEND, RERUN, MORE})


def state_after(state: State, plan: Plan, asking: str | None, courses_shown: bool) -> State:
    """The state the conversation is in once `plan` was carried out.

    `asking`: the question now pending; `courses_shown`: a list of courses was shown."""
    if plan.step in (ERASE, RESTART):
        return State(requested_slot=asking, welcomed=True)
    fresh_search = plan.step in (RECOMMEND, RERUN) and courses_shown
    return State(
        profile=state.profile,
        requested_slot=asking,
        failed_attempts=0 if fresh_search else plan.failed_attempts,
        skipped=tuple(plan.skipped),  # a skipped question is not asked again after a new search
        welcomed=True,
        results_shown=state.results_shown or (plan.step in LIST_STEPS and courses_shown),
        pending_offer=plan.pending_offer,
        unusable_turns=plan.unusable_turns,
    )


def repeats_too_often(previous: str | None, repeats: int, turn: str) -> bool:
    """True when `turn` would be the third identical bot turn in a row."""
    return previous == turn and repeats >= 1


def outside_region_message() -> str:
    return (
        "Ce programme est réservé aux habitants d'Île-de-France. "
        "France Travail ou la mission locale la plus proche de chez vous peuvent vous proposer des formations."
    )




def profile_summary(profile: Mapping[str, Any]) -> str:
    """A short French recap of the profile, e.g. for the adviser or before results."""
    parts = []
    if profile.get("age") is not None:
        parts.append(f"{int(float(profile['age']))} ans")
    if profile.get("commune"):
        parts.append(f"{profile['commune']}")
    elif profile.get("departement") in vocab.DEPARTMENT_NAMES:
        parts.append(vocab.DEPARTMENT_NAMES[profile["departement"]])
    if profile.get("situation") in SITUATION_IN_SUMMARY:
        parts.append(SITUATION_IN_SUMMARY[profile["situation"]])
    if profile.get("niveau") in LEVEL_IN_SUMMARY:
        parts.append(LEVEL_IN_SUMMARY[profile["niveau"]])
    if profile.get("domaine") in DOMAIN_LABELS:
        parts.append(DOMAIN_LABELS[profile["domaine"]])
    if profile.get("heures_semaine") is not None:
        parts.append(f"{int(float(profile['heures_semaine']))} h par semaine")
    if profile.get("equipement") in EQUIPMENT_IN_SUMMARY:
        parts.append(EQUIPMENT_IN_SUMMARY[profile["equipement"]])
    return ", ".join(parts)


def correction_text(profile: Mapping[str, Any]) -> str:
    """What the assistant says after a correction, with the profile as it now stands."""
    return f"C'est noté, je corrige : {profile_summary(profile)}."


# The slots a question's answer may fill: the town question is also answered by a department.
def _answered_by(requested: str | None) -> set:
    return {"departement", "commune"} if requested in ("departement", "commune") else {requested}


def merge_heard_values(known: Mapping[str, Any], requested: str | None, entity_values: Mapping[str, Any],
                       extracted: Mapping[str, Any] | None = None, invalid: bool = False,
                       may_replace: bool = False) -> tuple[dict[str, Any], list[str]]:
    """The profile values one message changes, and the known slots it corrects.

    `entity_values`: from the message's entities (a button's payload, the statistical NLU);
    `extracted`: from the rules (bot.core.profile), None for a button (its entities are then exactly
    what the person chose); `invalid`: the rules refused a value (an age of 150). The NLU's
    entities only help with the question just asked, when the rules found nothing: elsewhere a
    number may be hours read as an age. Unless `may_replace` (a button, a correction in words,
    or after the courses), a value said in passing does not replace an earlier answer: only
    the question's own answer does. A new department without a commune drops the old commune.
    """
    if extracted is None:
        values = dict(entity_values)
    else:
        values = dict(extracted)
        answered = _answered_by(requested)
        if requested and not answered & set(values) and not invalid:
            values.update({k: v for k, v in entity_values.items() if k in answered})
    if not may_replace:
        asked = _answered_by(requested)
        kept = {slot: value for slot, value in values.items() if slot in asked or known.get(slot) in (None, value)}
        if "departement" in values and "departement" not in kept:
            kept.pop("commune", None)  # the town goes with its department
        values = kept
    if "departement" in values and "commune" not in values:
        values["commune"] = None
    changed = {slot: value for slot, value in values.items() if value != known.get(slot)}
    corrected = [slot for slot, value in changed.items()
                 if value is not None and known.get(slot) is not None and slot != "commune"]
    return changed, corrected
