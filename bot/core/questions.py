"""How the assistant asks for each profile slot: the question's words, its buttons, and the
shorter retry with examples and a skip after failed attempts (pure Python; bot.core.dialogue decides
which slot to ask)."""
from __future__ import annotations

from dataclasses import dataclass

from bot.core.labels import (
    CERTIFICATION_TITLES, CRENEAU_TITLES, DEPARTMENT_TITLES, EQUIPMENT_ANSWERS, LEVEL_ANSWERS, MODE_ANSWERS,
    SITUATION_ANSWERS,
)

# After this many unusable answers to one question, the question shows buttons and a skip.
ATTEMPTS_BEFORE_BUTTONS = 2

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



def _choice(slot: str, value: str, title: str) -> Button:
    return Button(title, f'/inform{{"{slot}":"{value}"}}')


_CLOSED_CHOICES: dict[str, tuple[Button, ...]] = {
    **{slot: tuple(_choice(slot, value, title) for value, title in answers.items())
       for slot, answers in (("situation", SITUATION_ANSWERS), ("niveau", LEVEL_ANSWERS),
                             ("equipement", EQUIPMENT_ANSWERS), ("creneau", CRENEAU_TITLES),
                             ("modalite", MODE_ANSWERS), ("certification", CERTIFICATION_TITLES))},
    "handicap": (
        _choice("handicap", "true", "Oui"),
        _choice("handicap", "false", "Non"),
        Button("Je préfère ne pas répondre", SKIP_PAYLOAD),
    ),
}

# Shown only after failed attempts: open questions get examples as buttons.
_FALLBACK_CHOICES: dict[str, tuple[Button, ...]] = {
    "departement": tuple(_choice("departement", code, title) for code, title in DEPARTMENT_TITLES.items()),
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
    "heures_semaine": "Combien d'heures par semaine avez-vous pour la formation ?",
    "equipement": "Vous avez un ordinateur et internet ? Ou juste un téléphone ?",
    "creneau": "Vous préférez vous former en journée, ou le soir et le week-end ?",
    "modalite": "Vous voulez une formation tout à distance, ou un peu sur place, ça vous va ?",
    "certification": "Voulez-vous une formation qui donne un diplôme reconnu, ou peu importe ?",
    "handicap": "Avez-vous besoin d'adaptations, par exemple pour un handicap ou une RQTH ? Vous pouvez ne pas répondre.",
}

# Every slot question() has words for: ASKED_SLOTS, and the commune.
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
