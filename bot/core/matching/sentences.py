"""The plain French of matching: the reasons under each course and the sentence saying what
was loosened (pure Python)."""
from __future__ import annotations

import datetime as _dt
from typing import Optional, Sequence

from bot.core.french import french_date, french_number
from bot.core.labels import CRENEAU_IN_REASONS, DOMAIN_LABELS, IN_DEPARTMENT, RELAXED_LABELS
from bot.core.matching.rules import V_CRENEAU, V_HEURES, Candidate, Profile
from bot.core.vocab import RELATED_DOMAINS, UNDECIDED_DOMAIN, YOUTH_AGE_LIMIT

LOAN_REASON = "Ordinateur prêté par l'organisme"
HANDICAP_REASON = "Accessible aux personnes en situation de handicap"
MAX_REASONS = 4


def reasons(c: Candidate, p: Profile, today: _dt.date, violations: int = 0) -> list:
    """2 to 4 short French reasons, drawn only from constraints the course satisfies."""
    out = []
    wanted = p.wanted_domain
    label = DOMAIN_LABELS.get(c.domaine, c.domaine)
    if wanted is not None and c.domaine == wanted:
        out.append(f"Dans le domaine qui vous intéresse : {label}")
    elif wanted is not None and c.domaine in RELATED_DOMAINS[wanted]:
        out.append(f"Domaine proche de votre choix : {label}")
    elif wanted is None and c.domaine == UNDECIDED_DOMAIN:
        out.append("Idéale pour découvrir des métiers avant de choisir")
    elif wanted is None and c.domaine == "competences_de_base":
        out.append("Pour renforcer vos bases : lire, écrire, compter, numérique")
    if c.equipement_prete:
        out.append(LOAN_REASON)  # CONTRACT §2: the reasons say so whenever it is lent
    elif p.equipement == "smartphone" and c.equipement_requis in ("smartphone", "aucun"):
        out.append("Fonctionne sur smartphone")
    elif p.equipement == "aucun" and c.equipement_requis == "aucun":
        out.append("Aucun équipement à fournir")
    elif p.equipement == "aucun" and c.modalite == "hybride" and (c.places_sur_site or 0) > 0:
        out.append("Ordinateurs à disposition sur place")
    hours_ok = p.heures_semaine is not None and not violations & V_HEURES
    slot_ok = p.creneau in CRENEAU_IN_REASONS and not violations & V_CRENEAU
    if hours_ok and slot_ok:
        out.append(f"Compatible avec {french_number(p.heures_semaine)} h par semaine "
                   f"{CRENEAU_IN_REASONS[p.creneau]}")
    elif hours_ok:
        out.append(f"Compatible avec vos {french_number(p.heures_semaine)} h par semaine")
    elif slot_ok:
        out.append(f"Cours {CRENEAU_IN_REASONS[p.creneau]}, comme vous le souhaitez")
    if c.niveau_entree_rank == 0:
        out.append("Accessible sans diplôme")
    elif p.niveau is not None:
        out.append("Accessible avec votre niveau d'études")
    if p.certification == "oui" and c.certifiante:
        out.append("Formation certifiante (reconnue par l'État)")
    if p.handicap and c.accessible_handicap:
        out.append(HANDICAP_REASON)
    if c.modalite == "distance":
        out.append("100 % à distance : vous pouvez suivre depuis chez vous")
    elif c.departement_lieu in IN_DEPARTMENT:
        out.append(f"En partie à distance, quelques séances {IN_DEPARTMENT[c.departement_lieu]}")
    else:
        out.append("En partie à distance, avec quelques séances sur place")
    if p.age is not None and c.age_max is not None and c.age_max <= 30:
        if c.age_max == YOUTH_AGE_LIMIT - 1:
            out.append(f"Réservée aux moins de {YOUTH_AGE_LIMIT} ans : vous êtes dans la tranche")
        else:
            out.append(f"Réservée aux {c.age_min or 16}–{c.age_max} ans : vous êtes dans la tranche")
    if c.permanent:
        out.append("Entrée possible à tout moment")
    elif c.next_debut is not None:
        out.append(f"Démarre le {french_date(c.next_debut, today)}")
    if c.certifiante and p.certification != "oui":
        out.append("Formation certifiante (reconnue par l'État)")
    if c.remuneree:
        out.append("Rémunérée")
    # Keep the most personal first, but when room is short always keep the loan, the access
    # and the start date.
    unique = list(dict.fromkeys(out))
    if len(unique) > MAX_REASONS:
        start = next((r for r in unique if r.startswith(("Démarre", "Entrée possible"))), None)
        kept = [r for r in unique if r in (LOAN_REASON, HANDICAP_REASON)]
        room = MAX_REASONS - len(kept) - (1 if start else 0)
        kept += [r for r in unique if r != start and r not in kept][:room]
        unique = [r for r in unique if r in kept] + ([start] if start else [])
    return unique[:MAX_REASONS]


def _in_domain(domain: str) -> str:
    return f"en {DOMAIN_LABELS.get(domain, domain)}"


def _french_list(items: Sequence[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _course_value(course, name: str):
    return course.get(name) if hasattr(course, "get") else getattr(course, name, None)


def relaxed_detail(name: str, profile: Optional[Profile], courses: Sequence = ()) -> Optional[str]:
    """One plain French sentence saying how far one constraint was loosened for the courses
    shown ("J'ai accepté jusqu'à 12 h par semaine au lieu de 5."), or None when the profile
    and the courses do not say (the caller then names the constraint only)."""
    if profile is None:
        return None
    if name == "heures_semaine" and profile.heures_semaine is not None:
        loads = [float(h) for c in courses if (h := _course_value(c, "heures_semaine")) is not None
                 and float(h) > profile.heures_semaine]
        if loads:
            return (f"J'ai accepté jusqu'à {french_number(max(loads))} h par semaine "
                    f"au lieu de {french_number(profile.heures_semaine)}.")
    if name == "creneau" and profile.creneau in CRENEAU_IN_REASONS:
        other = [CRENEAU_IN_REASONS[w] for c in courses
                 if (w := _course_value(c, "creneau")) in CRENEAU_IN_REASONS and w != profile.creneau]
        if other:
            return (f"J'ai accepté des cours {_french_list(other)}, "
                    f"alors que vous préférez {CRENEAU_IN_REASONS[profile.creneau]}.")
    if name == "modalite" and profile.modalite == "distance":
        if any(_course_value(c, "modalite") == "hybride" for c in courses):
            return ("J'ai accepté des cours avec quelques séances sur place, "
                    "alors que vous préférez le 100 % à distance.")
    if name == "certification" and profile.certification == "oui":
        if any(not _course_value(c, "certifiante") for c in courses):
            return ("J'ai accepté des formations sans diplôme reconnu à la fin, "
                    "alors que vous en voulez un.")
    if name == "domaine" and profile.wanted_domain:
        wanted = profile.wanted_domain
        others = [d for c in courses if (d := _course_value(c, "domaine")) and d != wanted]
        if others:
            kind = ("des formations proches" if all(d in RELATED_DOMAINS[wanted] for d in others)
                    else "d'autres domaines")
            return (f"Je n'ai rien trouvé {_in_domain(wanted)} : voici {kind}, "
                    f"{_french_list([_in_domain(d) for d in others])}.")
    return None


def relaxation_sentence(relaxed: Sequence[str], profile: Optional[Profile] = None,
                        courses: Sequence = ()) -> Optional[str]:
    """The French sentences naming what was loosened and by how much for the courses shown
    (CONTRACT §2 dicts), or None when nothing was. Without the profile or the courses, the
    constraint is only named ("J'ai élargi : le créneau.")."""
    if not relaxed:
        return None
    details, plain = [], []
    for name in relaxed:
        detail = relaxed_detail(name, profile, courses)
        if detail:
            details.append(detail)
        else:
            plain.append(RELAXED_LABELS.get(name, name))
    parts = ["Aucune formation ne répond à tout ce que vous voulez."]
    if plain:
        parts.append("J'ai élargi : " + ", ".join(plain) + ".")
    parts += details
    if "domaine" in plain and profile is not None and profile.wanted_domain:
        parts.append(f"J'ai cherché hors de votre domaine ({DOMAIN_LABELS[profile.wanted_domain]}).")
    return " ".join(parts)
