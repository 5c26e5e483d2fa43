"""The profile conversation: which question comes next, how it is asked, when to give up.

Pure Python, no Rasa import. The Rasa actions (actions/profile.py) call:
- `plan_turn(...)` after every user message while the profile form is active,
- `question(slot, failed_attempts)` to ask for a slot,
- `profile_summary(profile)` to say back what was understood.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from bot import vocab

# The questions the form asks, most important first. The other profile slots
# (creneau, modalite, certification, handicap, commune) are kept when the person
# volunteers them, but never asked: each question costs a turn on a phone.
ASKED_SLOTS = (
    "age",
    "departement",
    "situation",
    "niveau",
    "domaine",
    "heures_semaine",
    "equipement",
)

# Intents that interrupt the form: the form pauses, a rule answers, the form resumes.
INTERRUPTING_INTENTS = frozenset({
    "faq", "bot_challenge", "human_handoff", "delete_data", "request_recap", "start_over", "goodbye", "thanks",
    "out_of_scope", "other_language", "greet", "show_more", "course_details",
    "compare_courses", "none_fit", "refine_search",
})

# After this many unusable answers to one question, the question shows buttons and a skip.
ATTEMPTS_BEFORE_BUTTONS = 2
# After this many, the question is skipped for good: never a loop.
ATTEMPTS_BEFORE_GIVING_UP = 4

SKIP_PAYLOAD = "/skip_question"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Question:
    slot: str
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class TurnPlan:
    """What the form does after a user message."""

    interrupt: bool  # pause the form: the message is about something else
    next_slot: str | None  # the slot to ask next; None: the profile is complete
    failed_attempts: int
    skipped_slots: tuple[str, ...] = ()
    gave_up_on: str | None = None  # the slot abandoned after too many attempts


def _choice(slot: str, value: str, title: str) -> Button:
    return Button(title, f'/inform{{"{slot}":"{value}"}}')


_CLOSED_CHOICES: dict[str, tuple[Button, ...]] = {
    "situation": (
        _choice("situation", "demandeur_emploi", "Je cherche un emploi"),
        _choice("situation", "jeune_decrocheur", "J'ai quitté l'école"),
        _choice("situation", "salarie", "Je travaille"),
        _choice("situation", "autre", "Autre situation"),
    ),
    "niveau": (
        _choice("niveau", "sans_diplome", "Pas de diplôme ou brevet"),
        _choice("niveau", "cap_bep", "CAP ou BEP"),
        _choice("niveau", "bac", "Bac"),
        _choice("niveau", "bac+2", "Bac +2 (BTS, DUT)"),
        _choice("niveau", "bac+3", "Licence"),
        _choice("niveau", "bac+5", "Master ou plus"),
    ),
    "equipement": (
        _choice("equipement", "ordinateur", "Un ordinateur"),
        _choice("equipement", "smartphone", "Seulement un téléphone"),
        _choice("equipement", "aucun", "Ni l'un ni l'autre"),
    ),
    "creneau": (
        _choice("creneau", "journee", "En journée"),
        _choice("creneau", "soir_weekend", "Le soir ou le week-end"),
        _choice("creneau", "indifferent", "Peu importe"),
    ),
    "modalite": (
        _choice("modalite", "distance", "Tout à distance"),
        _choice("modalite", "hybride", "Un peu sur place, ça va"),
        _choice("modalite", "indifferent", "Peu importe"),
    ),
    "certification": (
        _choice("certification", "oui", "Oui, un diplôme reconnu"),
        _choice("certification", "indifferent", "Peu importe"),
    ),
    "handicap": (
        _choice("handicap", "true", "Oui"),
        _choice("handicap", "false", "Non"),
    ),
}

# Shown only after failed attempts: open questions get examples as buttons.
_FALLBACK_CHOICES: dict[str, tuple[Button, ...]] = {
    "departement": tuple(
        _choice("departement", code, f"{name} ({code})")
        for code, name in vocab.DEPARTMENT_NAMES.items()
    ) + (_choice("departement", vocab.OUTSIDE_REGION, "Hors Île-de-France"),),
    "domaine": (
        _choice("domaine", "developpement_web", "Créer des sites web"),
        _choice("domaine", "support_informatique", "Dépanner des ordinateurs"),
        _choice("domaine", "commerce_vente", "Vente et commerce"),
        _choice("domaine", "gestion_administration", "Secrétariat, comptabilité"),
        _choice("domaine", "sante_social", "Santé, aide à la personne"),
        _choice("domaine", "logistique", "Logistique, entrepôt"),
        _choice("domaine", "hotellerie_restauration", "Cuisine, restauration"),
        _choice("domaine", "indecis", "Je ne sais pas encore"),
    ),
    "heures_semaine": (
        _choice("heures_semaine", "5", "5 heures"),
        _choice("heures_semaine", "10", "10 heures"),
        _choice("heures_semaine", "20", "20 heures (mi-temps)"),
        _choice("heures_semaine", "35", "35 heures (temps plein)"),
    ),
}

_QUESTION_TEXT = {
    "age": "Quel âge avez-vous ?",
    "departement": "Dans quelle ville habitez-vous ? Vous pouvez aussi donner votre code postal.",
    "commune": "Dans quelle ville habitez-vous ?",
    "situation": "Quelle est votre situation aujourd'hui : vous cherchez un emploi, vous avez quitté l'école, vous travaillez ?",
    "niveau": "Quel est votre dernier diplôme ? Vous pouvez dire « aucun ».",
    "domaine": "Quel métier ou quel domaine vous intéresse, par exemple informatique, vente ou santé ? Vous pouvez dire « je ne sais pas ».",
    "heures_semaine": "Combien d'heures par semaine pouvez-vous consacrer à la formation ?",
    "equipement": "Avez-vous un ordinateur avec internet, ou seulement un téléphone ?",
    "creneau": "Vous préférez vous former en journée, ou le soir et le week-end ?",
    "modalite": "Vous voulez une formation tout à distance, ou un peu sur place, ça vous va ?",
    "certification": "Voulez-vous une formation qui donne un diplôme reconnu ?",
    "handicap": "Avez-vous une reconnaissance de handicap (RQTH) ? Vous pouvez passer cette question.",
}

# Every slot question() has words for: ASKED_SLOTS, plus the preferences that are kept when
# volunteered but never asked today (see ASKED_SLOTS).
ASKABLE_SLOTS = tuple(_QUESTION_TEXT)

_RETRY_PREFIX = {
    "age": "Je n'ai pas compris votre âge. Écrivez-le en chiffres, par exemple : 22.",
    "departement": "Je n'ai pas trouvé cette ville en Île-de-France. Choisissez votre département.",
    "commune": "Je n'ai pas trouvé cette ville. Vérifiez l'orthographe.",
    "situation": "Je n'ai pas compris votre situation. Choisissez la réponse la plus proche.",
    "niveau": "Je n'ai pas compris votre diplôme. Choisissez la réponse la plus proche.",
    "domaine": "Je n'ai pas reconnu ce domaine. Choisissez un exemple ou dites « je ne sais pas ».",
    "heures_semaine": "Je n'ai pas compris le nombre d'heures. Choisissez la réponse la plus proche.",
    "equipement": "Je n'ai pas compris. Choisissez la réponse la plus proche.",
    "creneau": "Je n'ai pas compris. Choisissez la réponse la plus proche.",
    "modalite": "Je n'ai pas compris. Choisissez la réponse la plus proche.",
    "certification": "Je n'ai pas compris. Choisissez la réponse la plus proche.",
    "handicap": "Je n'ai pas compris. Choisissez la réponse la plus proche.",
}


def question(slot: str, failed_attempts: int = 0) -> Question:
    """How to ask for `slot`, given how many answers to it were unusable so far."""
    if failed_attempts < ATTEMPTS_BEFORE_BUTTONS:
        prefix = "Je n'ai pas compris. " if failed_attempts else ""
        return Question(slot, prefix + _QUESTION_TEXT[slot], _CLOSED_CHOICES.get(slot, ()))
    buttons = _CLOSED_CHOICES.get(slot) or _FALLBACK_CHOICES.get(slot, ())
    skip = Button("Passer cette question", SKIP_PAYLOAD)
    return Question(slot, _RETRY_PREFIX[slot], tuple(buttons) + (skip,))


def _is_known(profile: Mapping[str, Any], slot: str) -> bool:
    return profile.get(slot) is not None


def next_slot_to_ask(profile: Mapping[str, Any], skipped: Iterable[str] = ()) -> str | None:
    """The most important profile question still open, or None when done.

    A person outside Île-de-France is not asked anything more: the programme is
    for the region's residents only.
    """
    if profile.get("departement") == vocab.OUTSIDE_REGION:
        return None
    skipped = set(skipped)
    for slot in ASKED_SLOTS:
        if slot not in skipped and not _is_known(profile, slot):
            return slot
    return None


def plan_turn(
    profile: Mapping[str, Any],
    requested_slot: str | None,
    intent: str | None,
    filled_this_turn: Iterable[str],
    awaiting_answer: bool,
    failed_attempts: int = 0,
    skipped: Iterable[str] = (),
) -> TurnPlan:
    """Decide what the form does after a user message.

    `profile` already holds the values extracted from this message; `filled_this_turn`
    names the profile slots this message set. `awaiting_answer` is true when the user
    has just replied to the question about `requested_slot` (not when the form starts
    or resumes after a detour).
    """
    filled = set(filled_this_turn)
    skipped_slots = tuple(dict.fromkeys(skipped))
    gave_up_on = None
    if awaiting_answer and requested_slot:
        if intent in INTERRUPTING_INTENTS and not filled:
            return TurnPlan(True, requested_slot, failed_attempts, skipped_slots)
        if requested_slot in filled or _is_known(profile, requested_slot):
            failed_attempts = 0
        elif intent == "skip_question":
            skipped_slots += (requested_slot,)
            failed_attempts = 0
        else:
            failed_attempts += 1
            if failed_attempts >= ATTEMPTS_BEFORE_GIVING_UP:
                skipped_slots += (requested_slot,)
                gave_up_on, failed_attempts = requested_slot, 0
    next_slot = next_slot_to_ask(profile, skipped_slots)
    if next_slot != requested_slot:
        failed_attempts = 0
    return TurnPlan(False, next_slot, failed_attempts, skipped_slots, gave_up_on)


def outside_region_message() -> str:
    return (
        "Ce programme est réservé aux habitants d'Île-de-France. "
        "France Travail ou la mission locale de votre ville peuvent vous proposer des formations près de chez vous."
    )


_LEVEL_LABELS = {
    "sans_diplome": "sans diplôme",
    "cap_bep": "CAP ou BEP",
    "bac": "bac",
    "bac+2": "bac +2",
    "bac+3": "bac +3",
    "bac+5": "bac +5",
}
_SITUATION_LABELS = {
    "demandeur_emploi": "en recherche d'emploi",
    "jeune_decrocheur": "sorti(e) de l'école",
    "salarie": "en emploi",
    "autre": "autre situation",
}
_EQUIPMENT_LABELS = {"ordinateur": "un ordinateur", "smartphone": "un téléphone", "aucun": "pas d'équipement"}


def profile_summary(profile: Mapping[str, Any]) -> str:
    """A short French recap of the profile, e.g. for the adviser or before results."""
    parts = []
    if profile.get("age") is not None:
        parts.append(f"{int(float(profile['age']))} ans")
    if profile.get("commune"):
        parts.append(f"{profile['commune']}")
    elif profile.get("departement") in vocab.DEPARTMENT_NAMES:
        parts.append(vocab.DEPARTMENT_NAMES[profile["departement"]])
    if profile.get("situation") in _SITUATION_LABELS:
        parts.append(_SITUATION_LABELS[profile["situation"]])
    if profile.get("niveau") in _LEVEL_LABELS:
        parts.append(_LEVEL_LABELS[profile["niveau"]])
    if profile.get("domaine") in vocab.DOMAIN_LABELS:
        parts.append(vocab.DOMAIN_LABELS[profile["domaine"]])
    if profile.get("heures_semaine") is not None:
        parts.append(f"{int(float(profile['heures_semaine']))} h par semaine")
    if profile.get("equipement") in _EQUIPMENT_LABELS:
        parts.append(_EQUIPMENT_LABELS[profile["equipement"]])
    return ", ".join(parts)
