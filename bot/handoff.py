"""Who can take over from the assistant: mission locale, France Travail, Cap emploi."""
from __future__ import annotations

from typing import Any, Mapping

YOUTH_AGE_LIMIT = 26


def handoff_text(profile: Mapping[str, Any]) -> str:
    """The human next step that fits the person, in plain French."""
    age = profile.get("age")
    young = age is not None and float(age) < YOUTH_AGE_LIMIT
    if young:
        text = ("Un conseiller de la mission locale peut vous aider, c'est gratuit pour les 16-25 ans. "
                "Allez à la mission locale de votre ville, avec ou sans rendez-vous.")
    elif age is None:
        text = ("Si vous avez moins de 26 ans, la mission locale de votre ville peut vous aider. "
                "Sinon, un conseiller France Travail vous accompagne, sur francetravail.fr ou en agence.")
    else:
        text = ("Un conseiller France Travail peut vous aider. "
                "Contactez-le depuis votre espace sur francetravail.fr ou en agence.")
    if profile.get("handicap") is True:
        text += " Cap emploi accompagne aussi les personnes en situation de handicap."
    return text
