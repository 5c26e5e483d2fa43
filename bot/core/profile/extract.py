"""The public entry points: one message -> the contract's canonical slot values (CONTRACT.md §1).

The rules every reader shares:
- a value is set only when the user gave it; nothing is guessed (unknown stays absent), so the
  extractor can run on every message (greetings, questions, follow-ups after the course list);
- a bare answer ("18", "non", "rien", "je sais pas") counts only for the question the bot
  just asked (`requested_slot`);
- out-of-range numbers ("150 ans", "60 h par semaine") give a French reason in
  `Extraction.invalid` and no value.
- a question about a course already shown or a definition ("c'est en visio ?", "la 2 est
  diplômante ?", "c'est quoi le RSA ?") gives no situation, creneau, modalite, certification
  or handicap; nor does a sentence about someone else ("ma fille est autiste", "mon mari est
  au chômage").
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from bot.core.profile.background import read_niveau, read_situation
from bot.core.profile.constraints import (
    read_certification, read_creneau, read_equipement, read_handicap, read_modalite,
)
from bot.core.profile.domain import read_domaine
from bot.core.profile.prepare import Message, prepare
from bot.core.profile.quantities import read_age, read_hours
from bot.core.text import fold
from bot.core.vocab import (
    AGE_RANGE, CERTIFICATIONS, CRENEAUX, DEPARTEMENTS, DOMAIN_SLOT_VALUES, EQUIPEMENTS, LEVELS, MODALITES,
    PROFILE_SLOTS, SITUATIONS, WEEKLY_HOURS_RANGE,
)

DONT_KNOW = re.compile(
    r"\b(?:(?:je )?(?:ne )?sai[st]? (?:pas|plus)|jsp|j'en sais rien|j'en ai aucune idee|en sais rien|"
    r"aucune idee|pas d'idee|peu importe|n'importe|bof|je vois pas|no idea|idk|"
    r"j'hesite|hesite|je verrai|on verra|aucun avis|(?:pas de|aucune) preference|"
    r"ca m'est egal|m'en fiche|m'en fous?|m'en balance|osef|indifferent)\b"
)
# "je sais pas si / comment ..." is an embedded question, not a "don't know" answer.
DONT_KNOW_EMBEDDED = re.compile(r"\bsai[st]? pas (?:si|comment|pourquoi|combien|ou|qui|quand|a qui)\b")


@dataclass
class Extraction:
    values: dict[str, Any] = field(default_factory=dict)   # slot -> canonical value
    invalid: dict[str, str] = field(default_factory=dict)  # slot -> French reason


def _dont_know(prepared: str) -> bool:
    return bool(DONT_KNOW.search(prepared)) and not DONT_KNOW_EMBEDDED.search(prepared)


def is_dont_know(text: str) -> bool:
    """True when the message says "I don't know / whatever" ("jsp", "aucune idée", "bof")."""
    return _dont_know(prepare(text or ""))


# -- places (bot.core.geo) ---------------------------------------------------------------------

_QUANTITY = re.compile(
    r"\b\d{1,3}(?:[.,]\d+)?(?:\s*(?:ans?|h(?:\d\d)?|heures?|hrs?|mois|semaines?|jours?|%|€|euros?"
    r"|enfants?|gosses?|fois|personnes?|ans)|a)(?!\w)"
    r"|\bbac\s*\+?\s*\d\b|\b(?:19|20)\d\d\b(?!\d)",
    re.IGNORECASE,
)
# "la 2", "compare la 1 et la 3", "numéro 4": ranks in the course list, not departments.
# ("le 93", "le 9-3" are departments: only the feminine "la N" of a course is a rank)
_RANKS = re.compile(r"\b(?:la|numero|n°)\s*\d{1,2}\b(?:\s*(?:et|ou|,)\s*(?:la)?\s*\d{1,2}\b)*",
                    re.IGNORECASE)


def without_quantities(raw: str) -> str:
    """Ages, hours, durations, years and ranks are not postal codes or department numbers."""
    return _QUANTITY.sub(" ", _RANKS.sub(" ", raw))


def _find_place(text: str, expecting_place: bool = False):
    from bot.core.geo import find_place
    return find_place(text, expecting_place=expecting_place)


def _name_pattern(name: str) -> re.Pattern:
    """A place name in raw text, whatever its accents, case, hyphens and "Saint"/"St" spelling."""
    words = []
    for word in fold(name).split():
        if word in ("saint", "sainte"):
            words.append(word + r"|st" + ("e" if word == "sainte" else ""))
        else:
            words.append("".join(_LETTER_VARIANTS.get(ch, re.escape(ch)) for ch in word))
    return re.compile(r"(?<!\w)" + r"[\s\-'’]+".join(f"(?:{w})" for w in words) + r"(?!\w)", re.IGNORECASE)


_LETTER_VARIANTS = {"a": "[aàâä]", "e": "[eéèêë]", "i": "[iîï]", "o": "[oôö]", "u": "[uùûü]",
                    "c": "[cç]", "y": "[yÿ]"}


def without_place_name(raw: str, commune: str) -> str:
    """The message with the commune's name left out: the other readers must not take
    "Sainte-Geneviève" for health care ("santé") or "Saint-Cloud" for computing."""
    return _name_pattern(commune).sub(" ", raw)


def read_place(msg: Message, out: Extraction) -> None:
    expecting = msg.requested in ("departement", "commune")
    if msg.requested in ("age", "heures_semaine") and re.fullmatch(r"[\d ,.]+(?: ?(?:ans?|h|heures?))?", msg.core):
        return  # a bare number answering another question is not a department
    place = _find_place(without_quantities(msg.raw), expecting_place=expecting)
    if place is None:
        return
    if place.departement:
        out.values["departement"] = place.departement
    if place.commune:
        out.values["commune"] = place.commune


# The place is read first, on the whole message; the readers below read it without the
# commune's name. Age runs before situation (mission locale), niveau before domaine (it masks
# diplomas' specialities), domaine before equipement.
READERS: list[Callable[[Message, Extraction], None]] = [
    read_age, read_situation, read_niveau, read_domaine, read_hours, read_creneau,
    read_equipement, read_modalite, read_certification, read_handicap,
]
READERS_NOT_IN_QUESTIONS = {read_situation, read_creneau, read_modalite, read_certification, read_handicap}


# A question about a course already shown, or a definition, says nothing of the person: "c'est
# en visio ?", "la 2 est diplômante ?", "elle est à distance ?", "c'est quoi le RSA ?". Its clause
# (up to the "?") is left out for the readers of READERS_NOT_IN_QUESTIONS. (A follow-up naming a
# field, "et en graphisme, il y a quoi ?", still gives the domain.)
_COURSE_QUESTION = re.compile(
    r"(?:^|(?<=[.!?;,\n]))\s*(?:et |mais |donc |du coup |alors )?"
    r"(?:c'est|c est|ce sont|elle est|elles sont|elle se fait|ca se passe|ça se passe|"
    r"(?:la|celle|la formation|celle-ci|celle-la|celle-là|cette formation|le cours|les cours) ?(?:n°|numero)?\s*\d*\s*"
    r"(?:est|sont|se fait|se passe|c'est|c est|demande|donne|delivre|délivre|propose)|"
    r"est[ -]ce (?:que|qu')\s*(?:c'est|c est|elle|la formation|cette formation|la \d+|ça|ca)|"
    r"(?:qu'est[ -]ce que|que veut dire|ça veut dire quoi|ca veut dire quoi)|"
    r"(?:c'est|c est) quoi)[^.!?;\n]*\?",
    re.IGNORECASE)


def _without_course_questions(text: str) -> str:
    return _COURSE_QUESTION.sub(" ", text) if "?" in text else text


def _messages(text: str, requested_slot: str | None, today: datetime.date) -> tuple[Message, Message | None]:
    """The whole message, and its statements without course questions (None when nothing is left)."""
    msg = Message(text, requested_slot, today, is_dont_know(text))
    statements = _without_course_questions(text)
    if statements == text:
        return msg, msg
    return msg, (Message(statements, requested_slot, today, is_dont_know(statements)) if statements.strip() else None)


def extract_profile(text: str, requested_slot: str | None = None,
                    today: datetime.date | None = None) -> Extraction:
    """Every profile value this message gives, normalised to CONTRACT.md §1."""
    result = Extraction()
    if not text or not text.strip():
        return result
    today = today or datetime.date.today()
    msg, plain = _messages(text, requested_slot, today)
    read_place(msg, result)
    if result.values.get("commune"):
        unnamed = without_place_name(text, result.values["commune"])
        if unnamed != text:
            msg, plain = _messages(unnamed, requested_slot, today)
    for reader in READERS:
        if reader in READERS_NOT_IN_QUESTIONS:
            if plain is not None:
                reader(plain, result)
        else:
            reader(msg, result)
    return result


# -- canonical values given as such (button payloads) ---------------------------------------

_CANONICAL = {
    "situation": SITUATIONS, "niveau": LEVELS, "domaine": DOMAIN_SLOT_VALUES, "creneau": CRENEAUX,
    "equipement": EQUIPEMENTS, "modalite": MODALITES, "certification": CERTIFICATIONS,
    "departement": DEPARTEMENTS,
}


def _key(value: str) -> str:
    return re.sub(r"[ _]", "", fold(value))


def _canonical_value(slot: str, text: str) -> Any | None:
    if slot in _CANONICAL:
        wanted = _key(text)
        for value in _CANONICAL[slot]:
            if _key(value) == wanted:
                return value
        return None
    if slot == "handicap" and _key(text) in ("true", "false"):
        return _key(text) == "true"
    if slot in ("age", "heures_semaine"):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None
        low, high = AGE_RANGE if slot == "age" else WEEKLY_HOURS_RANGE
        return number if low <= number <= high else None
    return None


def normalise_slot(slot: str, raw: Any, today: datetime.date | None = None) -> Any | None:
    """One value (button payload, NLU entity) -> the slot's canonical value, or None."""
    if raw is None or slot not in PROFILE_SLOTS:
        return None
    if slot == "handicap" and isinstance(raw, bool):
        return raw
    if slot in ("age", "heures_semaine") and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        low, high = AGE_RANGE if slot == "age" else WEEKLY_HOURS_RANGE
        return float(raw) if low <= raw <= high else None
    text = str(raw).strip()
    if not text:
        return None
    canonical = _canonical_value(slot, text)
    if canonical is not None:
        return canonical
    if slot in ("departement", "commune"):
        place = _find_place(text, expecting_place=True)
        if place is None:
            return None
        return place.departement if slot == "departement" else place.commune
    return extract_profile(text, requested_slot=slot, today=today).values.get(slot)
