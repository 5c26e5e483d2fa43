"""Relaxation, scoring, diversity and paging over hard-valid candidates (pure Python; the rules
and their order are documented in bot.core.matching.rules)."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from bot.core.matching.rules import (
    DISCOVERY_DOMAINS, HANDICAP_BONUS, RELAXATION_ORDER, V_CERTIF, V_CRENEAU, V_DOMAIN_OTHER, V_DOMAIN_RELATED,
    V_HEURES, V_MODALITE, Candidate, Profile, Refinement, own_equipment_ok, soft_violations,
)
from bot.core.matching.sentences import relaxation_sentence
from bot.core.vocab import LEVEL_RANK, RELATED_DOMAINS, UNDECIDED_DOMAIN

BIT_SLOT = {V_CRENEAU: "creneau", V_HEURES: "heures_semaine", V_MODALITE: "modalite",
             V_CERTIF: "certification", V_DOMAIN_RELATED: "domaine", V_DOMAIN_OTHER: "domaine"}
# Cumulative levels: bits allowed at level k.
LEVEL_BITS = (V_CRENEAU, V_HEURES, V_MODALITE, V_CERTIF, V_DOMAIN_RELATED, V_DOMAIN_OTHER)


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
    for bit in (0,) + LEVEL_BITS:
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
    names = {BIT_SLOT[b] for b in LEVEL_BITS if allowed & b}
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
    if own_equipment_ok(c, p.equipement):
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
