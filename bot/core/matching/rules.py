"""Matching rules (pure Python): the profile, the candidate row, hard and soft constraints.

The docstring documents the whole matching; relaxation and scoring live in
bot.core.matching.ranking, the French reasons and sentences in bot.core.matching.sentences.

Plain Python, no Rasa import. Deterministic: the same profile, catalogue and day always give
the same courses in the same order (ties broken by action id).

How a query runs (bot.services.search.engine)
======================================
1. **SQL pre-filter** per domain tier (exact domain, then related domains, then any; one tier
   for an undecided person), usually one query in all. It applies every hard constraint on
   indexed columns (``domaine``, ``modalite`` never ``presentiel``, age bounds,
   ``niveau_entree_rank``, ``departements_mask & :bit``, target public, equipment, EXISTS an
   open session ahead) and fetches slim tuples (:class:`Candidate`), never ORM objects, at most
   ``MatchingEngine.cap`` (120) of them, in catalogue order, so SQLite stops early. When those
   rows hold no strict match but were capped, a second query (soft constraints in SQL too)
   looks for strict matches in the whole tier: a constraint is never reported loosened while a
   course fits it.
2. **Python** evaluates the soft constraints of every candidate as a bit set
   (:func:`soft_violations`, here), then bot.core.matching.ranking picks the strictest relaxation
   level that leaves at least one course (``choose_relaxation``), scores (``score``),
   diversifies (``diversify``) and pages. Beyond ``cap`` hard-valid actions in a tier, ranking and ``total_matches`` cover
   the fetched sample (``total_matches`` is then a lower bound).
3. Only the final page becomes CONTRACT §2 dicts: one Core query for those ids, mapped by
   ``bot.core.payload.course_payload``, plus French reasons (``bot.core.matching.sentences.reasons``).

Hard constraints (never relaxed)
================================
- age within [age_min, age_max] (NULL bound = none; unknown age = no constraint);
- department served (``departements_mask``: fully remote = the 8 departments, hybrid = the
  on-site department and its neighbours); ``hors_idf`` gets no course at all;
- entry level: the course's ``niveau_entree_rank`` is at most the person's rank. This is
  applied whether or not the level is marked compulsory: a course advising more than the
  person has is not a fair suggestion (the payload's ``niveau_entree`` is the compulsory
  level, ``niveau_conseille`` the advised one).
  Unknown level: only courses with no compulsory level (or no level at all);
- target public: ``demandeur_emploi`` → public_demandeur_emploi, public_tous, or public_jeune
  when the person is under 26 (or of unknown age); ``jeune_decrocheur`` → public_jeune or
  public_tous (a dropout is not assumed registered as a jobseeker: one who is says
  ``demandeur_emploi``); ``salarie`` → public_salarie or public_tous; ``autre`` → public_tous;
  unknown situation → no constraint;
- equipment: ``ordinateur`` → any; ``smartphone`` → course needs a smartphone or nothing, or
  lends equipment; ``aucun`` → course needs nothing, or lends equipment, or is hybrid with
  on-site places (``places_sur_site > 0``). Courses the person can follow with their own
  equipment are ranked before those relying on lent equipment;
- recruitment open (``etat_recrutement = 1``) on a session starting today or later, or with
  continuous entry (``entrees_permanentes``, not finished);
- ``presentiel`` actions are never recommended (the product is about distance learning).

Soft constraints, relaxed in this order (:data:`RELAXATION_ORDER`)
==================================================================
1. ``creneau``: journee / soir_weekend must equal the course's, or the course is "indifferent";
2. ``heures_semaine``: the course's weekly hours at most the person's (NULL hours pass);
3. ``modalite``: "distance" wants a fully remote course (hybride / indifferent accept both);
4. ``certification``: "oui" wants a certifying course;
5. ``domaine``: exact domain; relaxed first to the related domains (RELATED_DOMAINS), then to
   any domain.

Relaxation is cumulative (level k loosens the first k constraints). Once the first level with
at least one course is found, the earlier constraints are re-tightened one by one when courses
remain, so ``relaxed`` lists only what actually had to be loosened, in the order above.
An undecided (``indecis``) or unknown domain sets no domain constraint.

Scoring (``bot.core.matching.ranking.score``, higher first, ties by action id)
========================================================
Domain tier first (exact 10,000 ≫ related 5,000; for an undecided person, discovery courses
``indecis`` 1,000 and ``competences_de_base`` 800), then own equipment suffices (400), then
each loosened constraint the course breaks (-150), then small preferences: exit level one step
above the person's (+60; two steps +25, same +15, lower -20), sooner start (up to +50;
continuous entry counts as today), lighter weekly load than available (up to +30),
``accessible_handicap`` when ``handicap`` (+300: above every small preference, below own
equipment), funded places left (+25, none left -25),
paid traineeship (+20), hybrid when asked (+10), certifying when asked (+10). Refinements:
``sooner`` multiplies the start term by 4, ``shorter`` subtracts up to 300 for total hours.
Diversity: a page of n courses holds at most n-1 actions of one formation while others remain.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, replace
from typing import NamedTuple, Optional, Sequence

from bot.core.payload import onsite_equipment
from bot.core.vocab import (
    CERTIFICATIONS, CRENEAUX, DEPARTEMENTS, DOMAIN_SLOT_VALUES, EQUIPEMENTS, IDF_DEPARTMENTS, LEVEL_RANK, LEVELS,
    MODALITES, OUTSIDE_REGION, RELATED_DOMAINS, SITUATIONS, UNDECIDED_DOMAIN, YOUTH_AGE_LIMIT,
)

__all__ = ["Profile", "Refinement", "Candidate", "RELAXATION_ORDER", "hard_violations", "soft_violations"]

RELAXATION_ORDER = ("creneau", "heures_semaine", "modalite", "certification", "domaine")

# Soft-violation bits. The domain has two: "related domain" is accepted once the domain is
# relaxed; "any other domain" only when even related domains give nothing.
V_CRENEAU, V_HEURES, V_MODALITE, V_CERTIF, V_DOMAIN_RELATED, V_DOMAIN_OTHER = (1 << i for i in range(6))

# Broad courses suited to someone who does not know yet what to do.
DISCOVERY_DOMAINS = (UNDECIDED_DOMAIN, "competences_de_base")
# A person with a disability sees the courses adapted to it first (after own equipment).
HANDICAP_BONUS = 300
WEEKLY_HOURS_TOLERANCE = 1.0  # no tolerance on top of the person's hours (evaluator allows 10 %)


def weekly_hours_limit(hours: float) -> float:
    """The most weekly hours a course may ask of a person who has `hours`: the Python rules
    and the SQL pre-filter (bot.services.search.engine) both apply this."""
    return hours * WEEKLY_HOURS_TOLERANCE


# ---------------------------------------------------------------------------------------
# Profile and refinement
# ---------------------------------------------------------------------------------------
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _as_float(value) -> Optional[float]:
    """22 / 22.0 / "22" / "7,5" / "10 h" -> float; anything else -> None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    found = _NUMBER.search(str(value))
    if not found:
        return None
    number = float(found.group().replace(",", "."))
    return number if math.isfinite(number) else None


def _as_choice(value, allowed: Sequence[str]) -> Optional[str]:
    if value is None:
        return None
    text = str(value).strip().lower()
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    return text if text in allowed else None


def _as_bool(value) -> Optional[bool]:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "oui", "yes", "vrai"):
        return True
    if text in ("false", "0", "non", "no", "faux"):
        return False
    return None


@dataclass(frozen=True)
class Profile:
    """What we know of the person (CONTRACT §1). None = unknown = no constraint."""

    situation: Optional[str] = None
    age: Optional[float] = None
    departement: Optional[str] = None
    niveau: Optional[str] = None
    domaine: Optional[str] = None
    heures_semaine: Optional[float] = None
    creneau: Optional[str] = None
    equipement: Optional[str] = None
    modalite: Optional[str] = None
    certification: Optional[str] = None
    handicap: Optional[bool] = None

    @classmethod
    def from_slots(cls, slots: dict) -> "Profile":
        """Build from Rasa slots / a contract profile: unknown keys ignored, numbers as text
        accepted ("22", "7,5"), values outside the contract's vocabularies treated as unknown."""
        s = slots or {}
        return cls(
            situation=_as_choice(s.get("situation"), SITUATIONS),
            age=_as_float(s.get("age")),
            departement=_as_choice(s.get("departement"), DEPARTEMENTS),
            niveau=_as_choice(s.get("niveau"), LEVELS),
            domaine=_as_choice(s.get("domaine"), DOMAIN_SLOT_VALUES),
            heures_semaine=_as_float(s.get("heures_semaine")),
            creneau=_as_choice(s.get("creneau"), CRENEAUX),
            equipement=_as_choice(s.get("equipement"), EQUIPEMENTS),
            modalite=_as_choice(s.get("modalite"), MODALITES),
            certification=_as_choice(s.get("certification"), CERTIFICATIONS),
            handicap=_as_bool(s.get("handicap")),
        )

    @property
    def wanted_domain(self) -> Optional[str]:
        """The domain asked for, or None for unknown / undecided."""
        return self.domaine if self.domaine in RELATED_DOMAINS else None

    @property
    def level_rank(self) -> Optional[int]:
        return LEVEL_RANK.get(self.niveau) if self.niveau else None


@dataclass(frozen=True)
class Refinement:
    """What the user asked to change after seeing results."""

    shorter: bool = False  # shorter courses (fewer total and weekly hours) first
    sooner: bool = False  # earliest start first
    certifying_only: bool = False  # certification = "oui"
    evening_only: bool = False  # creneau = "soir_weekend"
    hybrid_ok: bool = False  # modalite "distance" widened to hybrid

    def apply(self, profile: Profile) -> Profile:
        changes = {}
        if self.certifying_only:
            changes["certification"] = "oui"
        if self.evening_only:
            changes["creneau"] = "soir_weekend"
        if self.hybrid_ok and profile.modalite == "distance":
            changes["modalite"] = "indifferent"
        return replace(profile, **changes) if changes else profile


# ---------------------------------------------------------------------------------------
# Candidate rows and the pure rules
# ---------------------------------------------------------------------------------------
class Candidate(NamedTuple):
    """The slim columns of one action (+ its next open start), as the pre-filter returns them."""

    id: str
    formation_id: str
    domaine: str
    certifiante: bool
    modalite: str
    heures_semaine: Optional[float]
    heures_total: Optional[int]
    creneau: str
    equipement_requis: str
    equipement_prete: bool
    places_sur_site: Optional[int]
    accessible_handicap: bool
    places_financees: Optional[int]
    remuneree: bool
    age_min: Optional[int]
    age_max: Optional[int]
    public_demandeur_emploi: bool
    public_jeune: bool
    public_salarie: bool
    public_tous: bool
    niveau_entree_rank: int
    niveau_entree_obligatoire: bool
    departements_mask: int
    departement_lieu: Optional[str]
    niveau_sortie: Optional[str]
    next_debut: Optional[_dt.date]  # earliest open session starting today or later
    permanent: bool  # an open session admits entries at any time


CANDIDATE_FIELDS = Candidate._fields


def own_equipment_ok(c: Candidate, equipement: Optional[str]) -> bool:
    """The person can follow the course with what they own (no loan, no on-site access)."""
    if equipement in (None, "ordinateur"):
        return True
    if equipement == "smartphone":
        return c.equipement_requis in ("smartphone", "aucun")
    return c.equipement_requis == "aucun"


def equipment_ok(c: Candidate, equipement: Optional[str]) -> bool:
    if own_equipment_ok(c, equipement) or c.equipement_prete:
        return True
    return equipement in ("aucun", "smartphone") and onsite_equipment(c.modalite, c.places_sur_site)


def public_ok(c: Candidate, situation: Optional[str], age: Optional[float]) -> bool:
    if situation is None:
        return True
    if c.public_tous:
        return True
    if situation == "demandeur_emploi":
        return c.public_demandeur_emploi or (c.public_jeune and (age is None or age < YOUTH_AGE_LIMIT))
    if situation == "jeune_decrocheur":
        return c.public_jeune
    if situation == "salarie":
        return c.public_salarie
    return False  # "autre": open-to-all courses only


def hard_violations(c: Candidate, p: Profile, today: _dt.date) -> list:
    """The hard constraints this candidate breaks (mirror of the SQL pre-filter)."""
    out = []
    if c.modalite not in ("distance", "hybride"):
        out.append("presentiel")
    if p.age is not None and ((c.age_min is not None and p.age < c.age_min)
                              or (c.age_max is not None and p.age > c.age_max)):
        out.append("age")
    if p.departement == OUTSIDE_REGION:
        out.append("departement")
    elif p.departement in IDF_DEPARTMENTS and not (
            c.departements_mask >> IDF_DEPARTMENTS.index(p.departement)) & 1:
        out.append("departement")
    rank = p.level_rank
    if rank is None:
        if c.niveau_entree_obligatoire and c.niveau_entree_rank > 0:
            out.append("niveau")
    elif c.niveau_entree_rank > rank:
        out.append("niveau")
    if not public_ok(c, p.situation, p.age):
        out.append("situation")
    if not equipment_ok(c, p.equipement):
        out.append("equipement")
    if not c.permanent and (c.next_debut is None or c.next_debut < today):
        out.append("session")
    return out


def _domain_bits(c_domain: str, wanted: Optional[str]) -> int:
    if wanted is None or c_domain == wanted:
        return 0
    if c_domain in RELATED_DOMAINS[wanted]:
        return V_DOMAIN_RELATED
    return V_DOMAIN_OTHER


def soft_violations(c: Candidate, p: Profile) -> int:
    """Bit set of the soft constraints this candidate breaks (V_* bits)."""
    bits = 0
    if p.creneau in ("journee", "soir_weekend") and c.creneau not in (p.creneau, "indifferent"):
        bits |= V_CRENEAU
    if p.heures_semaine is not None and c.heures_semaine is not None \
            and c.heures_semaine > weekly_hours_limit(p.heures_semaine):
        bits |= V_HEURES
    if p.modalite == "distance" and c.modalite != "distance":
        bits |= V_MODALITE
    if p.certification == "oui" and not c.certifiante:
        bits |= V_CERTIF
    return bits | _domain_bits(c.domaine, p.wanted_domain)
