"""Reading what a person wants changed after seeing results ("plus court", "le soir")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import fold

_PATTERNS = {
    "shorter": r"\b(plus courte?s?|moins long(ue)?s?|moins d'heures|moins d heures|moins de temps|plus rapide)\b",
    "sooner": r"\b(plus tot|commence (plus )?vite|tout de suite|maintenant|rapidement|bientot|le plus vite)\b",
    "certifying_only": r"\b(certifiante?s?|diplome|diplomante?s?|reconnue?s?|certification|rncp)\b",
    "evening_only": r"\b(le soir|soirs?|week ?end|apres le travail)\b",
    "hybrid_ok": r"\b(hybride|presentiel|sur place|mixte)\b",
    "other_domain": r"\b(autre domaine|autre chose|autre metier|un autre secteur|changer de domaine)\b",
}


@dataclass(frozen=True)
class RefinementRequest:
    shorter: bool = False
    sooner: bool = False
    certifying_only: bool = False
    evening_only: bool = False
    hybrid_ok: bool = False
    other_domain: bool = False

    def is_empty(self) -> bool:
        return not any(vars(self).values())


def parse_refinement(text: str) -> RefinementRequest:
    """Which refinements a message asks for; an empty request when none is recognised."""
    folded = fold(text)
    return RefinementRequest(**{name: bool(re.search(pattern, folded)) for name, pattern in _PATTERNS.items()})
