"""Reading what a person says about the results shown: changes ("plus court", "le soir")
and which courses they mean ("la 2", "les deux premières")."""
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


_ORDINALS = (("premi", 1), ("1er", 1), ("deuxi", 2), ("second", 2), ("2eme", 2), ("troisi", 3), ("3eme", 3))


def ranks_mentioned(text: str) -> list[int]:
    """Positions in the list that a message points at, in order, without repeats.

    >>> ranks_mentioned("compare la 1 et la 3")
    [1, 3]
    >>> ranks_mentioned("détails de la deuxième")
    [2]
    """
    folded = fold(text)
    ranks = [int(n) for n in re.findall(r"\b([1-9])\b", folded)]
    ranks += [rank for word, rank in _ORDINALS if word in folded]
    return list(dict.fromkeys(ranks))
