"""Who can take over from the assistant: mission locale, France Travail, Cap emploi.

Pure texts and choices; the places themselves come from the directory (bot.services.directory).
"""
from __future__ import annotations

import re
from typing import Any, Mapping
from urllib.parse import urlsplit

from bot.core.questions import Button
from bot.core.vocab import YOUTH_AGE_LIMIT

# The kinds of places of the directory (column `type` of the directory CSV).
MISSION_LOCALE = "mission_locale"
FRANCE_TRAVAIL = "france_travail"
CAP_EMPLOI = "cap_emploi"
PLACE_TYPES = (MISSION_LOCALE, FRANCE_TRAVAIL, CAP_EMPLOI)

RECAP_BUTTON = Button("Obtenir un code pour mon conseiller", "/request_recap")


def handoff_text(profile: Mapping[str, Any]) -> str:
    """The human next step that fits the person, in plain French. The place itself follows,
    named by place_text ("La mission locale la plus proche de chez vous : …")."""
    age = profile.get("age")
    young = age is not None and float(age) < YOUTH_AGE_LIMIT
    if young:
        text = ("Un conseiller de la mission locale peut vous aider, c'est gratuit pour les 16-25 ans. "
                "Vous pouvez y aller avec ou sans rendez-vous.")
    elif age is None:
        text = (f"Si vous avez moins de {YOUTH_AGE_LIMIT} ans, la mission locale peut vous aider. "
                "Sinon, un conseiller France Travail vous accompagne, sur francetravail.fr ou en agence.")
    else:
        text = ("Un conseiller France Travail peut vous aider. "
                "Contactez-le depuis votre espace sur francetravail.fr ou en agence.")
    if profile.get("handicap") is True:
        text += " Cap emploi aide aussi les personnes qui ont un handicap."
    return text


def place_types_for(profile: Mapping[str, Any]) -> tuple[str, ...]:
    """Which places fit: under 26 the mission locale, otherwise France Travail (both when
    the age is unknown); Cap emploi as well for a person with a disability."""
    age = profile.get("age")
    if age is None:
        types = [MISSION_LOCALE, FRANCE_TRAVAIL]
    elif float(age) < YOUTH_AGE_LIMIT:
        types = [MISSION_LOCALE]
    else:
        types = [FRANCE_TRAVAIL]
    if profile.get("handicap") is True:
        types.append(CAP_EMPLOI)
    return tuple(types)


def _site(url: str) -> str:
    """'https://www.francetravail.fr/x' -> 'francetravail.fr' (easy to read and type)."""
    host = urlsplit(url).hostname or url
    return host[4:] if host.startswith("www.") else host


# How each kind of place is introduced: the nearest one, as such.
NEAREST = {
    MISSION_LOCALE: "La mission locale la plus proche de chez vous",
    FRANCE_TRAVAIL: "L'agence France Travail la plus proche de chez vous",
    CAP_EMPLOI: "Le Cap emploi le plus proche de chez vous",
}
_TOWN = re.compile(r"\b\d{5}\s+([^,(]+?)\s*(?:\(|,|$)")


def place_town(address: str | None) -> str | None:
    """'1 rue de l'Exemple, 93000 Bobigny (exemple fictif)' -> 'Bobigny'."""
    found = _TOWN.search(address or "")
    return found.group(1).strip() if found else None


def place_text(place: Mapping[str, Any]) -> str:
    """One place, named as the nearest of its kind, with its town, address and how to reach
    it, in at most three short sentences. A fictional place never shows a phone number."""
    name = place.get("nom") or ""
    address = place.get("adresse") or ""
    lead = NEAREST.get(place.get("type") or "")
    town = place.get("ville") or place_town(address)
    text = f"{lead} : {name}" if lead else name
    if town and town not in name:
        text += f", à {town}"
    text += "."
    if address:
        text += f" Adresse : {address}."
    phone = place.get("telephone")
    if phone and not place.get("fictif"):
        text += f" Téléphone : {phone}."
    elif place.get("url"):
        text += f" Téléphone et horaires sur {_site(place['url'])}."
    return text


def missing_place_text(profile: Mapping[str, Any]) -> str | None:
    """What to say when no address can be given (town unknown); None when nothing fits."""
    if profile.get("departement") in (None, ""):
        return "Dites-moi votre ville : je vous donnerai l'adresse la plus proche."
    return None


def recap_code_text(code: str) -> str:
    """The recap code, how to use it, and when it expires."""
    return (f"Votre code pour votre conseiller : {code}. "
            "Donnez-lui ce code : il verra vos réponses et les formations retenues. "
            "Ce code est valable 30 jours.")


RECAP_UNAVAILABLE = "Je ne peux pas créer de code pour le moment. Réessayez dans quelques minutes."
RECAP_NEEDS_ANSWERS = "Je pourrai vous donner un code pour votre conseiller après quelques questions."
