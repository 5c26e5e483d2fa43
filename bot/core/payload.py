"""One catalogue action (+ its chosen session) as the CONTRACT.md §2 course object.

``raisons`` is left out: the matching engine adds it.
"""
from __future__ import annotations

from typing import Any, Optional

from bot.core.vocab import LEVELS
from bot.core.vocabulary_mapping import split


def onsite_equipment(modalite: Optional[str], places_sur_site: Optional[int]) -> bool:
    """A hybrid course with computers on site: nothing to own to follow it."""
    return modalite == "hybride" and (places_sur_site or 0) > 0

PAYLOAD_KEYS = ("id", "titre", "organisme", "domaine", "modalite", "heures_total", "heures_semaine",
                "creneau", "debut", "entrees_permanentes", "certifiante", "niveau_entree", "age_min",
                "age_max", "departements", "equipement_requis", "pret_materiel", "url")
# Beyond the contract: the level advised but not required, the loan flag under its catalogue
# name (kept for older readers), and whether the course is adapted to people with a disability.
EXTRA_KEYS = ("niveau_conseille", "equipement_prete", "accessible_handicap")


def _get(obj: Any, name: str, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def course_payload(action: Any, session: Optional[Any] = None) -> dict:
    """action: an ORM Action (formation and organisme_formateur loaded) or a mapping with
    the action's columns plus ``intitule``/``titre`` and ``organisme``/``organisme_nom``.

    A mapping must carry ``equipement_prete``, ``niveau_entree_obligatoire`` and
    ``accessible_handicap``: without them the loan, the advised level and the access are lost
    (bot.services.search.engine selects them)."""
    formation = _get(action, "formation")
    organisme = _get(action, "organisme_formateur")
    titre = _get(formation, "intitule") or _get(action, "titre") or _get(action, "intitule")
    organisme_nom = _get(organisme, "nom") or _get(action, "organisme_nom") or _get(action, "organisme")
    debut = _get(session, "debut")
    entrees = bool(_get(session, "entrees_permanentes", False))
    url = _get(action, "url") or _get(formation, "url")
    # The contract's values are what the person must meet or bring: a level that is only
    # advised is not required, and lent equipment means nothing to bring.
    level = _get(action, "niveau_entree")
    level_required = bool(_get(action, "niveau_entree_obligatoire", True))
    lent = bool(_get(action, "equipement_prete", False))
    return {
        "id": _get(action, "id"),
        "titre": titre,
        "organisme": organisme_nom,
        "domaine": _get(action, "domaine") or _get(formation, "domaine"),
        "modalite": _get(action, "modalite"),
        "heures_total": _number(_get(action, "heures_total")),
        "heures_semaine": _number(_get(action, "heures_semaine")),
        "creneau": _get(action, "creneau"),
        "debut": debut.isoformat() if debut is not None and not entrees else None,
        "entrees_permanentes": entrees,
        "certifiante": bool(_get(action, "certifiante", _get(formation, "certifiante", False))),
        "niveau_entree": level if level_required or level is None else LEVELS[0],
        "age_min": _get(action, "age_min"),
        "age_max": _get(action, "age_max"),
        "departements": split(_get(action, "departements")),
        # CONTRACT §2: what the person must have themselves; a loan, or computers on site for
        # a hybrid course, leave nothing to bring.
        "equipement_requis": ("aucun" if lent or onsite_equipment(_get(action, "modalite"),
                                                                  _get(action, "places_sur_site"))
                              else _get(action, "equipement_requis")),
        "pret_materiel": lent,
        "url": url,
        "niveau_conseille": level,
        "equipement_prete": lent,
        "accessible_handicap": bool(_get(action, "accessible_handicap", False)),
    }
