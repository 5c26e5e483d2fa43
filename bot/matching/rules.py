"""Matching rules (pure Python): hard and soft constraints, relaxation, scoring, reasons.

Plain Python, no Rasa import. Deterministic: the same profile, catalogue and day always give
the same courses in the same order (ties broken by action id).

How a query runs (bot.matching.engine)
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
   (:func:`soft_violations`), picks the strictest relaxation level that leaves at least one
   course (:func:`choose_relaxation`), scores (:func:`score`), diversifies (:func:`diversify`)
   and pages. Beyond ``cap`` hard-valid actions in a tier, ranking and ``total_matches`` cover
   the fetched sample (``total_matches`` is then a lower bound).
3. Only the final page becomes CONTRACT §2 dicts: one Core query for those ids, mapped by
   ``bot.catalogue.payload.course_payload``, plus French reasons (:func:`reasons`).

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

Scoring (:func:`score`, higher first, ties by action id)
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
from dataclasses import dataclass, field, replace
from typing import Iterable, NamedTuple, Optional, Sequence

from bot.catalogue.payload import onsite_equipment
from bot.french import french_date, french_number
from bot.vocab import (
    CERTIFICATIONS, CRENEAUX, DEPARTEMENTS, DEPARTMENT_NAMES, DOMAIN_LABELS, DOMAINES, EQUIPEMENTS,
    IDF_DEPARTMENTS, LEVEL_RANK, LEVELS, MODALITES, OUTSIDE_REGION, RELATED_DOMAINS, SITUATIONS,
    UNDECIDED_DOMAIN, YOUTH_AGE_LIMIT,
)

__all__ = [
    "Profile", "Refinement", "MatchResult", "Candidate", "RELAXATION_ORDER",
    "hard_violations", "soft_violations", "choose_relaxation", "score", "rank", "reasons",
    "relaxation_sentence", "relaxed_detail",
]

RELAXATION_ORDER = ("creneau", "heures_semaine", "modalite", "certification", "domaine")

# Soft-violation bits. The domain has two: "related domain" is accepted once the domain is
# relaxed; "any other domain" only when even related domains give nothing.
V_CRENEAU, V_HEURES, V_MODALITE, V_CERTIF, V_DOMAIN_RELATED, V_DOMAIN_OTHER = (1 << i for i in range(6))
_BIT_SLOT = {V_CRENEAU: "creneau", V_HEURES: "heures_semaine", V_MODALITE: "modalite",
             V_CERTIF: "certification", V_DOMAIN_RELATED: "domaine", V_DOMAIN_OTHER: "domaine"}
# Cumulative levels: bits allowed at level k.
_LEVEL_BITS = (V_CRENEAU, V_HEURES, V_MODALITE, V_CERTIF, V_DOMAIN_RELATED, V_DOMAIN_OTHER)

# Broad courses suited to someone who does not know yet what to do.
DISCOVERY_DOMAINS = (UNDECIDED_DOMAIN, "competences_de_base")
# A person with a disability sees the courses adapted to it first (after own equipment).
HANDICAP_BONUS = 300
WEEKLY_HOURS_TOLERANCE = 1.0  # no tolerance on top of the person's hours (evaluator allows 10 %)


def weekly_hours_limit(hours: float) -> float:
    """The most weekly hours a course may ask of a person who has `hours`: the Python rules
    and the SQL pre-filter (bot.matching.engine) both apply this."""
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
            domaine=_as_choice(s.get("domaine"), DOMAINES),
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
    other_domain: Optional[str] = None  # replaces the profile's domain
    exclude_ids: tuple = ()  # actions already shown / refused

    def apply(self, profile: Profile) -> Profile:
        changes = {}
        if self.certifying_only:
            changes["certification"] = "oui"
        if self.evening_only:
            changes["creneau"] = "soir_weekend"
        if self.hybrid_ok and profile.modalite == "distance":
            changes["modalite"] = "indifferent"
        if self.other_domain and self.other_domain in DOMAINES:
            changes["domaine"] = self.other_domain
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


def _own_equipment_ok(c: Candidate, equipement: Optional[str]) -> bool:
    """The person can follow the course with what they own (no loan, no on-site access)."""
    if equipement in (None, "ordinateur"):
        return True
    if equipement == "smartphone":
        return c.equipement_requis in ("smartphone", "aucun")
    return c.equipement_requis == "aucun"


def equipment_ok(c: Candidate, equipement: Optional[str]) -> bool:
    if _own_equipment_ok(c, equipement) or c.equipement_prete:
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


def choose_relaxation(masks: Iterable[int]) -> Optional[int]:
    """The smallest set of allowed violation bits that keeps at least one candidate.

    Level k allows the first k constraints of RELAXATION_ORDER (the domain counting twice:
    related domains, then any). The first level that keeps a candidate wins; then each earlier
    constraint is re-tightened when candidates remain. None when there are no candidates.
    """
    present = set(masks)
    if not present:
        return None
    allowed = 0
    for bit in (0,) + _LEVEL_BITS:
        allowed |= bit
        if any(m & ~allowed == 0 for m in present):
            break
    # Re-tighten the earlier, non-domain constraints that turned out unnecessary.
    for bit in (V_CRENEAU, V_HEURES, V_MODALITE, V_CERTIF):
        if allowed & bit:
            tighter = allowed & ~bit
            if any(m & ~tighter == 0 for m in present):
                allowed = tighter
    return allowed


def relaxed_slots(allowed: int, masks: Iterable[int] = ()) -> list:
    """Contract slot names for the allowed bits, in RELAXATION_ORDER."""
    names = {_BIT_SLOT[b] for b in _LEVEL_BITS if allowed & b}
    return [name for name in RELAXATION_ORDER if name in names]


# A preference not given yet: the courses that suit every answer come first (open at any time,
# fully remote, certifying, accessible), above everything but the domain and the equipment.
# Then the question need not be asked (MatchingEngine.decisive_slots), and the person keeps
# every option open.
OPEN_TO_ANY_ANSWER_BONUS = 200


def open_to_any_answer(c: Candidate, p: Profile) -> int:
    """How many of the person's unknown preferences this course suits whatever the answer."""
    return ((p.creneau is None and c.creneau == "indifferent")
            + (p.modalite is None and c.modalite == "distance")
            + (p.certification is None and bool(c.certifiante))
            + (p.handicap is None and bool(c.accessible_handicap)))


def score(c: Candidate, p: Profile, today: _dt.date, violations: int = 0,
          refinement: Optional[Refinement] = None) -> float:
    """Higher is better. Domain tier ≫ own equipment ≫ the rest."""
    s = 0.0
    wanted = p.wanted_domain
    if wanted is not None:
        if c.domaine == wanted:
            s += 10_000
        elif c.domaine in RELATED_DOMAINS[wanted]:
            s += 5_000
    elif c.domaine in DISCOVERY_DOMAINS:
        s += 1_000 if c.domaine == UNDECIDED_DOMAIN else 800
    if _own_equipment_ok(c, p.equipement):
        s += 400
    # Fewer loosened constraints first (within a relaxed result).
    s -= 150 * bin(violations & (V_CRENEAU | V_HEURES | V_MODALITE | V_CERTIF)).count("1")
    if violations & V_HEURES and p.heures_semaine:
        s -= min(100.0, 5.0 * (c.heures_semaine - p.heures_semaine))
    rank_ = p.level_rank
    exit_rank = LEVEL_RANK.get(c.niveau_sortie) if c.niveau_sortie else None
    if rank_ is not None and exit_rank is not None:
        if exit_rank == rank_ + 1:
            s += 60
        elif exit_rank == rank_ + 2:
            s += 25
        elif exit_rank == rank_:
            s += 15
        elif exit_rank < rank_:
            s -= 20
    days = 0 if c.permanent else (c.next_debut - today).days if c.next_debut else 365
    start = max(0.0, 50.0 - days / 3.0)
    s += start * (4 if refinement is not None and refinement.sooner else 1)
    if p.heures_semaine and c.heures_semaine is not None and c.heures_semaine <= p.heures_semaine:
        s += 15 + 15 * (1 - c.heures_semaine / p.heures_semaine)
    if refinement is not None and refinement.shorter:
        s -= min(300.0, (c.heures_total or 0) * 0.25) + 2.0 * (c.heures_semaine or 0)
    if p.handicap and c.accessible_handicap:
        s += HANDICAP_BONUS
    if refinement is None or not (refinement.sooner or refinement.shorter):  # what was asked wins
        s += OPEN_TO_ANY_ANSWER_BONUS * open_to_any_answer(c, p)
    if c.places_financees is not None:
        s += 25 if c.places_financees > 0 else -25
    if c.remuneree:
        s += 20
    if p.modalite == "hybride" and c.modalite == "hybride":
        s += 10
    if p.certification == "oui" and c.certifiante:
        s += 10
    return s


def diversify(ranked: Sequence[Candidate], page: int, needed: int) -> list:
    """Reorder so that no page of `page` courses holds more than page-1 actions of one
    formation while other formations remain. Returns the first `needed` candidates."""
    if page <= 1:
        return list(ranked[:needed])
    cap = page - 1
    out: list = []
    pending = list(ranked)
    while pending and len(out) < needed:
        chosen, rest, counts = [], [], {}
        for c in pending:
            if len(chosen) < page and counts.get(c.formation_id, 0) < cap:
                chosen.append(c)
                counts[c.formation_id] = counts.get(c.formation_id, 0) + 1
            else:
                rest.append(c)
        if len(chosen) < page and rest:  # only one formation left: fill up anyway
            take = page - len(chosen)
            chosen.extend(rest[:take])
            rest = rest[take:]
        out.extend(chosen)
        pending = rest
    return out[:needed]


@dataclass
class Ranking:
    """Outcome of the pure ranking step."""

    selected: list  # [(Candidate, violations)] of the requested page, best first
    relaxed: list
    total: int


def rank(candidates: Iterable[Candidate], profile: Profile, today: _dt.date, limit: int = 3,
         offset: int = 0, refinement: Optional[Refinement] = None,
         exclude: Iterable[str] = ()) -> Ranking:
    """Soft constraints, relaxation, scoring, diversity and paging over hard-valid candidates.

    `exclude` (courses already shown) count for the relaxation level but are never selected
    nor counted in ``total``."""
    rows = [(c, soft_violations(c, profile)) for c in candidates]
    allowed = choose_relaxation(m for _, m in rows)
    if allowed is None:
        return Ranking([], [], 0)
    exclude = frozenset(exclude)
    kept = [(c, m) for c, m in rows if m & ~allowed == 0 and c.id not in exclude]
    viol = {c.id: m for c, m in kept}
    keyed = sorted(((-score(c, profile, today, m, refinement), c.id, c) for c, m in kept))
    ordered = [c for _, _, c in keyed]
    page = diversify(ordered, max(limit, 1), offset + limit)[offset:offset + limit]
    return Ranking([(c, viol[c.id]) for c in page], relaxed_slots(allowed), len(kept))


# ---------------------------------------------------------------------------------------
# Reasons and sentences (plain French)
# ---------------------------------------------------------------------------------------
# "in <department>" with the right preposition and article.
IN_DEPARTMENT = {
    "75": "à Paris", "77": "en Seine-et-Marne", "78": "dans les Yvelines", "91": "dans l'Essonne",
    "92": "dans les Hauts-de-Seine", "93": "en Seine-Saint-Denis", "94": "dans le Val-de-Marne",
    "95": "dans le Val-d'Oise",
}
assert set(IN_DEPARTMENT) == set(DEPARTMENT_NAMES)
CRENEAU_WORDS = {"journee": "en journée", "soir_weekend": "le soir et le week-end"}
LOAN_REASON = "Ordinateur prêté par l'organisme"
HANDICAP_REASON = "Accessible aux personnes en situation de handicap"
MAX_REASONS = 4
RELAXED_LABELS = {
    "creneau": "le créneau",
    "heures_semaine": "les heures par semaine",
    "modalite": "le 100 % à distance",
    "certification": "la certification",
    "domaine": "le domaine",
}


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
    slot_ok = p.creneau in CRENEAU_WORDS and not violations & V_CRENEAU
    if hours_ok and slot_ok:
        out.append(f"Compatible avec {french_number(p.heures_semaine)} h par semaine "
                   f"{CRENEAU_WORDS[p.creneau]}")
    elif hours_ok:
        out.append(f"Compatible avec vos {french_number(p.heures_semaine)} h par semaine")
    elif slot_ok:
        out.append(f"Cours {CRENEAU_WORDS[p.creneau]}, comme vous le souhaitez")
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
    if name == "creneau" and profile.creneau in CRENEAU_WORDS:
        other = [CRENEAU_WORDS[w] for c in courses
                 if (w := _course_value(c, "creneau")) in CRENEAU_WORDS and w != profile.creneau]
        if other:
            return (f"J'ai accepté des cours {_french_list(other)}, "
                    f"alors que vous préférez {CRENEAU_WORDS[profile.creneau]}.")
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


# ---------------------------------------------------------------------------------------
# Result and engine
# ---------------------------------------------------------------------------------------
@dataclass
class MatchResult:
    courses: list  # CONTRACT §2 course dicts with "raisons", best first
    relaxed: list = field(default_factory=list)  # slot names loosened, in RELAXATION_ORDER
    total_matches: int = 0  # how many actions matched at the chosen relaxation level
    profile: Optional[Profile] = None
    # Empty because every course was already shown (recommend(exclude_ids=...)): the known
    # constraints whose loosening would bring new courses, in RELAXATION_ORDER. None otherwise.
    loosenable: Optional[list] = None

    def payload(self) -> dict:
        return {"type": "recommendations", "relaxed": list(self.relaxed),
                "courses": [dict(c) for c in self.courses]}

    def relaxation_sentence(self) -> Optional[str]:
        """What was loosened and by how much, for the courses of this page."""
        return relaxation_sentence(self.relaxed, self.profile, self.courses)

